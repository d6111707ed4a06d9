#!/bin/sh
# wo-charge-man: the page passes mandoc -Tlint and its EXAMPLES run as
# written against testdata/ and the gateway emulator (on the page's port
# 8377's place), doing what the page says they do.
. "$ROOT/tests/gateway/lib.sh"
trap stop_gateway EXIT
trap 'exit 1' INT TERM
page=$ROOT/man/wo-charge.1
mandoc -Tlint -W warning "$page" || exit 1

# The "$ " lines of the EXAMPLES displays, continuations joined.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$page" |
    sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed '/^\./d; s/\\e/\\/g' |
    awk '/^\$ /{ if (cmd != "") print cmd; cmd = substr($0, 3); next }
	{ cmd = cmd "\n" $0 } END { if (cmd != "") print cmd }' > examples
grep -c . examples > /dev/null || { echo "no examples found"; exit 1; }

start_gateway || exit 1
ln -s "$TESTDATA" testdata
port=${GW##*:}
sed "s/127\.0\.0\.1:8377/127.0.0.1:$port/g" examples > examples.sh
sh -e examples.sh > out 2> err || { echo "examples failed"; cat err; exit 1; }
[ -s err ] && { echo "examples wrote to stderr:"; cat err; exit 1; }

python3 - <<'PY' || exit 1
import json, sys
evs = [json.loads(l) for l in open("out")]
ch = [e for e in evs if e["type"] == "charge"]
st = sorted(e["status"] for e in ch)
rf = [e for e in evs if e["type"] == "refund"]
if st != ["declined", "held", "succeeded", "succeeded"]:
    sys.exit("charges: %s" % st)
if len(rf) != 1 or rf[0]["status"] != "succeeded" or rf[0]["amount"] != 215:
    sys.exit("refund: %s" % rf)
PY
# "Running the first command again charges nothing": every event replayed.
sed -n 1,2p examples.sh > again.sh
sh -e again.sh > again || exit 1
[ "$(grep -c '"type":"charge".*"replayed":true' again)" = 4 ] ||
    { echo "second run is not all replayed"; cat again; exit 1; }
grep -q v-demo-1-1f0c9a21-1767225760000 charge.journal.review ||
    { echo "held checkout not in the review queue"; exit 1; }
