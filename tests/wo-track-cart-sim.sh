#!/bin/sh
# wo-track and wo-cart on the bundled simulated sessions, with detections made
# from the truth labels by tests/oracle-detect (so the tracker and the carts
# are measured apart from the detector): testdata/small must come out exactly
# right, testdata/hard (3 frames a second, every hard case) above floors just
# under what was measured when this was written, so a regression fails.
fail() { echo "wo-track-cart-sim: $*"; exit 1; }
run() {	# session -> $1.out (the stream) and $1.json (the score)
	wo-capture -r "$TESTDATA/$1" | "$ROOT/tests/oracle-detect" "$TESTDATA/$1" |
	    wo-weigh -r "$TESTDATA/$1" 2>/dev/null |
	    wo-track -s "$TESTDATA/$1/store.json" |
	    wo-cart -s "$TESTDATA/$1/store.json" >"$1.out" ||
	    fail "$1: pipeline status $?"
	wo-eval -j "$TESTDATA/$1" <"$1.out" >"$1.json" || fail "$1: wo-eval"
}
above() {	# session jq-path floor
	v=$(jq "$2" "$1.json")
	awk -v v="$v" -v f="$3" 'BEGIN { exit !(v >= f) }' ||
	    fail "$1: $2 is $v, under $3"
}

run small
above small .receipts.f1 1
above small .receipts.exact 1
above small .tracks.mota 0.99
above small .tracks.idf1 0.99
n=$(grep -c . "$TESTDATA/small/entries.ndjson")
[ "$(grep -c '"type":"exit"' small.out)" -eq "$n" ] || fail "small: exits"
[ "$(grep -c '"type":"checkout"' small.out)" -eq "$n" ] || fail "small: checkouts"
# Every cart line carries its evidence: the weight event, track, hand views.
jq -se '[.[] | select(.type == "cart")] | length > 0 and
    all(.evidence.weight.t0 and (.evidence.track | type == "number") and
    (.evidence.detections | length > 0))' small.out >/dev/null ||
    fail "small: a cart line without evidence"
# Every checkout line names the cart lines behind it.
jq -se '[.[] | select(.type == "checkout") | .items[]] | length > 0 and
    all(.evidence | length > 0)' small.out >/dev/null ||
    fail "small: a checkout line without evidence"

run hard
above hard .tracks.mota 0.95
above hard .tracks.idf1 0.8
above hard .receipts.recall 0.5
exit 0
