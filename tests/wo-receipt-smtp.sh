#!/bin/sh
# wo-receipt over SMTP to a real server on loopback (aiosmtpd): the messages
# received (envelope, headers, text, HTML and JSON parts), no second message
# on a restart with the same journal and input, and a delivery cut off
# mid-way sent again with the same Message-ID.
. "$ROOT/tests/smtp/lib.sh"

smtp_start mail
url=smtp://127.0.0.1:$port
wo-receipt -s "$D/store.json" -a "$D/accounts.json" --smtp "$url" -j j \
    <"$D/events.ndjson" >out 2>err || fail "first run: status $?"
[ -s err ] && fail "first run wrote to stderr: $(cat err)"
cmp -s "$D/events.ndjson" out && fail "no receipt events"
# Every input event passes through, in order, with the receipts after charges.
grep -v '"type":"receipt"' out | cmp -s - "$D/events.ndjson" ||
    fail "events not passed through unchanged"
grep '"type":"receipt"' out >got
cat >want <<'END'
{"type":"receipt","ts":1763700090.731,"visit":"v-7d1e30a2","account":"acct-0000a1b2","to":"smtp:acct-0000a1b2","message_id":"<v-7d1e30a2@demo-1>"}
{"type":"receipt","ts":1763700181.09,"visit":"v-5a0f61d9","account":"acct-0000c3d4","to":"smtp:acct-0000c3d4","message_id":"<v-5a0f61d9@demo-1>"}
END
diff want got || fail "receipt events differ"
grep -q '@example.org' out && fail "an e-mail address entered the stream"
$PY "$SMTPD/show.py" mail >got
diff "$SMTPD/receipt-mail.ok" got || fail "messages differ"

# Same input, same journal: answered, not sent.
wo-receipt -s "$D/store.json" -a "$D/accounts.json" --smtp "$url" -j j \
    <"$D/events.ndjson" >out2 || fail "second run: status $?"
[ "$(nmsg mail)" -eq 2 ] || fail "restart sent again: $(nmsg mail) messages"
[ "$(grep -c '"again":true' out2)" -eq 2 ] || fail "replay not marked again"

# A crash between "sending" and "sent": delivered again, same Message-ID.
echo '{"visit":"v-5a0f61d9","state":"sending"}' >j2
wo-receipt -s "$D/store.json" -a "$D/accounts.json" --smtp "$url" -j j2 \
    --from shop@example.net <"$D/events.ndjson" >/dev/null 2>err ||
    fail "resume: status $?"
cat >want <<'END'
wo-receipt: visit v-5a0f61d9: an earlier delivery was cut off; delivering again as <v-5a0f61d9@demo-1>
END
diff want err || fail "resume: stderr differs"
[ "$(nmsg mail)" -eq 4 ] || fail "resume: $(nmsg mail) messages, want 4"
$PY "$SMTPD/show.py" mail | grep '^MAIL FROM\|^From\|^Message-ID' | tail -6 >got
cat >want <<'END'
MAIL FROM: shop@example.net
From: shop@example.net
Message-ID: <v-7d1e30a2@demo-1>
MAIL FROM: shop@example.net
From: shop@example.net
Message-ID: <v-5a0f61d9@demo-1>
END
diff want got || fail "resume: wrong sender or Message-ID"
smtp_stop
exit 0
