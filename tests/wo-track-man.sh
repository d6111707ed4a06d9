#!/bin/sh
# wo-track(1)'s EXAMPLES, taken from the page and run as written against
# testdata/: each of the two crossing shoppers keeps one track and its account.
fail() { echo "wo-track-man: $*"; exit 1; }
ln -s "$TESTDATA" testdata
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$ROOT/man/wo-track.1" |
    awk '/^\.Bd -literal/ { n++; f = 1; next }
	/^\.Ed/ { f = 0; next }
	f { gsub(/\\e/, "\\"); print > ("ex" n ".sh") }'
[ -f ex1.sh ] && [ ! -f ex2.sh ] || fail "expected one example"
sh ex1.sh >got || fail "example 1: status $?"
cat >want <<'END'
      1 {"type":"exit","track":1,"account":"acct-0000000a"
      1 {"type":"exit","track":2,"account":"acct-0000000b"
     91 {"type":"track","track":1,"account":"acct-0000000a"
     91 {"type":"track","track":2,"account":"acct-0000000b"
END
diff want got || fail "example 1: output differs"
mandoc -Tlint -W warning "$ROOT/man/wo-track.1" || fail "mandoc lint"
exit 0
