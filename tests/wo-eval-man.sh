#!/bin/sh
# wo-eval(1)'s EXAMPLES that begin with "$ ", taken from the page and run as
# written against testdata/: the truth's receipts and positions score 1, and
# without its last receipt exactly that receipt's units are missed.
fail() { echo "$*"; exit 1; }
[ -d "$TESTDATA/small/truth" ] || { echo "no testdata/small"; exit 77; }
ln -s "$TESTDATA" testdata
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$ROOT/man/wo-eval.1" |
    awk '/^\.Bd -literal/ { b = 1; next }
	/^\.Ed/ { b = 0; f = 0; next }
	b == 1 { b = 2; if (sub(/^\$ /, "")) { n++; f = 1 } }
	f { gsub(/\\e/, "\\"); print > ("ex" n ".sh") }'
[ -f ex3.sh ] && [ ! -f ex4.sh ] || fail "expected three examples"

r=testdata/small/truth/receipts.ndjson
sh ex1.sh >got || fail "example 1: status $?"
grep -q '"precision":1.0,"recall":1.0,"f1":1.0,"exact":1.0,' got ||
    fail "example 1: not a perfect score: $(cat got)"

sh ex2.sh >got || fail "example 2: status $?"
units=$(tail -n 1 $r | grep -o '"qty":[0-9]*' | cut -d: -f2 |
    awk '{ n += $1 } END { print n + 0 }')
acct=$(tail -n 1 $r | sed 's/.*"account":"\([^"]*\)".*/\1/')
grep -q "^  fn  *$units\$" got || fail "example 2: fn is not $units: $(cat got)"
awk -v a="$acct" -v u="$units" '$1 == a && $2 == 0 && $4 == 0 && $6 == u &&
    $7 == (u ? "no" : "yes") { ok = 1 } END { exit !ok }' got ||
    fail "example 2: no row for $acct missing $units: $(cat got)"

sh ex3.sh >got || fail "example 3: status $?"
grep -q '"tracks":{"mota":1.0,"idf1":1.0,' got ||
    fail "example 3: not a perfect score: $(cat got)"
exit 0
