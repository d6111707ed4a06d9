#!/bin/sh
# wo-receipt(1)'s EXAMPLES, taken from the page and run as written against
# testdata/ (the SMTP one against a loopback server on a free port instead
# of 2525): the receipts they promise, and no second delivery on a rerun.
. "$ROOT/tests/smtp/lib.sh"

ln -s "$TESTDATA" testdata
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$ROOT/man/wo-receipt.1" |
    awk '/^\.Bd -literal/ { n++; f = 1; next }
	/^\.Ed/ { f = 0; next }
	f { gsub(/\\e/, "\\"); print > ("ex" n ".sh") }'
[ -f ex3.sh ] && [ ! -f ex4.sh ] || fail "expected three examples"

sh ex1.sh >got || fail "example 1: status $?"
cat >want <<'END'
{"type":"receipt","ts":1763700090.731,"visit":"v-7d1e30a2","account":"acct-0000a1b2","to":"receipts/v-7d1e30a2.txt"}
{"type":"receipt","ts":1763700181.09,"visit":"v-5a0f61d9","account":"acct-0000c3d4","to":"receipts/v-5a0f61d9.txt"}
END
diff want got || fail "example 1: output differs"
sh ex2.sh >got || fail "example 2: status $?"
grep -q '^Total  *USD 16.43$' got || fail "example 2: no total"
grep -q '^Paid with visa ending in 4242$' got || fail "example 2: no card"
sh ex1.sh >got || fail "example 1 again: status $?"
[ "$(grep -c '"again":true' got)" -eq 2 ] || fail "rerun not marked again"

smtp_start mail
sed "s/:2525/:$port/" ex3.sh >ex3p.sh
sh ex3p.sh >out || fail "example 3: status $?"
[ "$(nmsg mail)" -eq 2 ] || fail "example 3: $(nmsg mail) messages"
[ "$(grep -c '"type":"receipt"' out)" -eq 2 ] || fail "example 3: events"
smtp_stop
exit 0
