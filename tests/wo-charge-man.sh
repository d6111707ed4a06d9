#!/bin/sh
# wo-charge-man: the page passes mandoc -Tlint and its EXAMPLES run as
# written against testdata/ and the gateway emulator (on the page's port
# 8377's place), doing what the page says they do.
. "$ROOT/tests/gateway/lib.sh"
trap stop_gateway EXIT
trap 'exit 1' INT TERM
page=$ROOT/man/wo-charge.1
mandoc -Tlint -W warning "$page" || exit 1

# The "$ " lines of the EXAMPLES displays, continuations joined, one
# command a file: ex1, ex2, ...
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$page" |
    sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed '/^\./d; s/\\e/\\/g' |
    awk '/^\$ /{ n++; print substr($0, 3) > ("ex" n); next }
	n > 0 { print > ("ex" n) }'
[ -f ex3 ] || { echo "fewer examples than expected"; exit 1; }

start_gateway || exit 1
ln -s "$TESTDATA" testdata
port=${GW##*:}
for e in ex*; do
	sed "s/127\.0\.0\.1:8377/127.0.0.1:$port/g" $e > $e.sh
	sh -e $e.sh >> out 2>> err || { echo "$e failed:"; cat $e; cat err; exit 1; }
done
[ -s err ] && { echo "examples wrote to stderr:"; cat err; exit 1; }

python3 - <<'PY' || exit 1
import json, sys
evs = [json.loads(l) for l in open("out")]
ch = [e for e in evs if e["type"] == "charge"]
st = sorted(e["status"] for e in ch)
rf = [e for e in evs if e["type"] == "refund"]
if st != ["declined", "held", "succeeded", "succeeded", "succeeded"]:
    sys.exit("charges: %s" % st)
if len(rf) != 1 or rf[0]["status"] != "succeeded" or rf[0]["amount"] != 215:
    sys.exit("refund: %s" % rf)
PY
# "Running the first command again charges nothing": every event replayed.
sh -e ex1.sh > again || exit 1
[ "$(grep -c '"type":"charge".*"replayed":true' again)" = 4 ] ||
    { echo "second run is not all replayed"; cat again; exit 1; }
grep -q '"status":"succeeded".*"replayed":true' again &&
    grep -q v-demo-1-1f0c9a21-1767225760000 charge.journal.review ||
    { echo "held checkout not in the review queue, or not released"; exit 1; }
