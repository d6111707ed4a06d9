#!/bin/sh
# wo-receipt against SMTP faults on loopback (aiosmtpd): a 5xx rejection
# becomes an alert and exit status 1, a 4xx is retried with backoff until it
# passes or the retries run out, a server that is down at first and comes
# up later still gets the receipts, an account without an address is an alert.
. "$ROOT/tests/smtp/lib.sh"

# 550 for one recipient: the other receipt still goes; the rejected visit
# is not journalled as sent, so a later run may try it again.
smtp_start m550 --reject bob@example.org
wo-receipt -s "$D/store.json" -a "$D/accounts.json" \
    --smtp smtp://127.0.0.1:$port -j j550 <"$D/events.ndjson" >out 2>err
[ $? -eq 1 ] || fail "550: status not 1"
cat >want <<'END'
wo-receipt: visit v-5a0f61d9: SMTP server replied 550
wo-receipt: 1 receipt not delivered
END
diff want err || fail "550: stderr differs"
grep '"type":"\(receipt\|alert\)"' out | sed 's/"ts":[0-9.]*,//' >got
cat >want <<'END'
{"type":"receipt","visit":"v-7d1e30a2","account":"acct-0000a1b2","to":"smtp:acct-0000a1b2","message_id":"<v-7d1e30a2@demo-1>"}
{"type":"alert","kind":"receipt","message":"SMTP server replied 550","visit":"v-5a0f61d9","account":"acct-0000c3d4"}
END
diff want got || fail "550: events differ"
[ "$(nmsg m550)" -eq 1 ] || fail "550: $(nmsg m550) messages, want 1"
grep -q '"v-5a0f61d9","state":"sent"' j550 && fail "550: journalled as sent"
smtp_stop

# 451 twice, then accepted: three tries for the first receipt, one message.
smtp_start m451 --tempfail 2
wo-receipt -s "$D/store.json" -a "$D/accounts.json" --retry-wait 0.05 \
    --smtp smtp://127.0.0.1:$port -j j451 <"$D/events.ndjson" >out 2>err ||
    fail "451: status $?"
cat >want <<'END'
wo-receipt: v-7d1e30a2: SMTP server replied 451; trying again in 0.1 s
wo-receipt: v-7d1e30a2: SMTP server replied 451; trying again in 0.1 s
END
diff want err || fail "451: stderr differs"
[ "$(grep -c '"type":"receipt"' out)" -eq 2 ] || fail "451: receipts missing"
[ "$(nmsg m451)" -eq 2 ] || fail "451: $(nmsg m451) messages, want 2"
smtp_stop

# 451 for ever: the retries run out, an alert, status 1.
smtp_start m451b --tempfail 1000
wo-receipt -s "$D/store.json" -a "$D/accounts.json" --retries 1 \
    --retry-wait 0 --smtp smtp://127.0.0.1:$port -j j451b \
    <"$D/events.ndjson" >out 2>/dev/null
[ $? -eq 1 ] || fail "451 for ever: status not 1"
[ "$(grep -c '"type":"alert"' out)" -eq 2 ] || fail "451 for ever: alerts"
[ "$(nmsg m451b)" -eq 0 ] || fail "451 for ever: a message was stored"
smtp_stop

# Down, then up: connection refused is transient; the backoff (0.2 s, then
# doubling) reaches the server started a second later.
p=$(free_port)
wo-receipt -s "$D/store.json" -a "$D/accounts.json" --retries 8 \
    --retry-wait 0.2 --smtp smtp://127.0.0.1:$p -j jdown \
    <"$D/events.ndjson" >out 2>err &
rpid=$!
pids="$pids $rpid"
sleep 1
smtp_start mdown --port "$p"
wait $rpid || fail "down then up: status $?"
grep -q "Couldn't connect to server; trying again" err ||
    fail "down then up: no retry reported"
[ "$(nmsg mdown)" -eq 2 ] || fail "down then up: $(nmsg mdown) messages"
[ "$(grep -c '"type":"receipt"' out)" -eq 2 ] || fail "down then up: events"

# An account with no e-mail address: nothing to send to, an alert.
cat >in <<'END'
{"type":"checkout","ts":5.0,"visit":"v-noaddr","account":"acct-0000e5f6","items":[{"sku":"cola-330","qty":1,"price":199}],"subtotal":199,"tax":16,"total":215,"currency":"usd","conf":1,"review":false}
{"type":"charge","ts":6.0,"visit":"v-noaddr","account":"acct-0000e5f6","amount":215,"currency":"usd","status":"succeeded","payment":"pi_x"}
END
wo-receipt -s "$D/store.json" -a "$D/accounts.json" \
    --smtp smtp://127.0.0.1:$port -j jnoaddr <in >out 2>err
[ $? -eq 1 ] || fail "no address: status not 1"
cat >want <<'END'
wo-receipt: visit v-noaddr: no usable e-mail address for the account
wo-receipt: 1 receipt not delivered
END
diff want err || fail "no address: stderr differs"
tail -1 out >got
cat >want <<'END'
{"type":"alert","ts":6.0,"kind":"receipt","message":"no usable e-mail address for the account","visit":"v-noaddr","account":"acct-0000e5f6"}
END
diff want got || fail "no address: alert differs"
smtp_stop
exit 0
