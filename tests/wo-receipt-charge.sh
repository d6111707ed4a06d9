#!/bin/sh
# wo-charge | wo-receipt end to end: charges through the gateway emulator,
# receipts mailed to aiosmtpd on loopback carry the card the gateway
# reported, a declined or held visit gets none, and replaying wo-charge
# with its journal into wo-receipt with its journal mails nothing twice.
. "$ROOT/tests/smtp/lib.sh"
command -v wo-charge >/dev/null || { echo "wo-charge not built"; exit 77; }
. "$ROOT/tests/gateway/lib.sh"

start_gateway || fail "gateway emulator did not start"
pids="$pids $GW_PID"
smtp_start mail
C=$TESTDATA/charge
run() {
	wo-charge -a "$C/accounts.json" -g "$GW" -j charge.journal \
	    <"$C/checkouts.ndjson" |
	    wo-receipt -s "$D/store.json" -a "$C/accounts.json" \
	    --smtp smtp://127.0.0.1:$port -j receipt.journal
}
run >out 2>err || fail "status $?: $(cat err)"
[ -s err ] && fail "stderr: $(cat err)"
[ "$(nmsg mail)" -eq 2 ] || fail "$(nmsg mail) messages, want 2"
$PY "$SMTPD/show.py" mail | grep '^RCPT TO\|^Paid with' >got
cat >want <<'END'
RCPT TO: ada@example.org
Paid with visa ending in 4242
RCPT TO: brook@example.org
Paid with mastercard ending in 4444
END
diff want got || fail "recipients or cards differ"
grep '"type":"receipt"' out | sed 's/"ts":[0-9.]*,//' >got
cat >want <<'END'
{"type":"receipt","visit":"v-demo-1-1f0c9a21-1767225600000","account":"acct-1f0c9a21","to":"smtp:acct-1f0c9a21","message_id":"<v-demo-1-1f0c9a21-1767225600000@demo-1>"}
{"type":"receipt","visit":"v-demo-1-2b7d4e10-1767225630000","account":"acct-2b7d4e10","to":"smtp:acct-2b7d4e10","message_id":"<v-demo-1-2b7d4e10-1767225630000@demo-1>"}
END
diff want got || fail "receipt events differ"

# The whole pipeline again over the same journals: nothing charged or sent.
run >out2 2>err || fail "replay: status $?: $(cat err)"
[ "$(nmsg mail)" -eq 2 ] || fail "replay mailed again: $(nmsg mail)"
[ "$(grep -c '"again":true' out2)" -eq 2 ] || fail "replay: events"
exit 0
