#!/bin/sh
# wo-cart(1)'s EXAMPLES, taken from the page and run as written against
# testdata/: the carts and checkouts they show, and the same checkouts when
# the run is split in two around a state file.
fail() { echo "wo-cart-man: $*"; exit 1; }
ln -s "$TESTDATA" testdata
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$ROOT/man/wo-cart.1" |
    awk '/^\.Bd -literal/ { n++; f = 1; next }
	/^\.Ed/ { f = 0; next }
	f { gsub(/\\e/, "\\"); print > ("ex" n ".sh") }'
[ -f ex2.sh ] && [ ! -f ex3.sh ] || fail "expected two examples"
sh ex1.sh >got || fail "example 1: status $?"
jq -c 'select(.type == "cart") | [.account, .sku, .qty, .conf]' got >carts
cat >want <<'END'
["acct-00000001","cola-330",2,1]
["acct-00000002","gum-mint",3,1]
["acct-00000001","cola-330",-1,1]
END
diff want carts || fail "example 1: carts differ"
grep '"checkout"' got >checkouts
jq -c '[.account, .items[].qty, .subtotal, .tax, .total, .review]' \
    checkouts >totals
cat >want <<'END'
["acct-00000001",1,199,16,215,false]
["acct-00000002",3,387,0,387,false]
END
diff want totals || fail "example 1: checkouts differ"
sh ex2.sh >got2 || fail "example 2: status $?"
diff checkouts got2 || fail "example 2: the restarted run differs"
[ ! -e cart.state.tmp ] || fail "example 2: temporary state left"
mandoc -Tlint -W warning "$ROOT/man/wo-cart.1" || fail "mandoc lint"
exit 0
