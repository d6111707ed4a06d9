#!/bin/sh
# scripts/evidence on a replay of testdata/small (the real wo-weigh, wo-track
# and wo-cart, with detections from the truth labels by tests/oracle-detect
# so that there are visits whatever the detector's state): the page of a
# visit shows its checkout and total, a section per cart line, the drawings
# of the cameras that see each line's plate when its weight began to change,
# and the floor map; every link leads to a file; an account finds its visit;
# an unknown visit is an error.
fail() { echo "wo-draw-evidence: $*"; exit 1; }
s=$TESTDATA/small
mkdir rep
wo-capture -r "$s" | "$ROOT/tests/oracle-detect" "$s" |
    wo-weigh -r "$s" 2>/dev/null | wo-track -s "$s/store.json" |
    wo-cart -s "$s/store.json" >rep/events.ndjson || fail "pipeline: status $?"
ev=rep/events.ndjson
v=$(jq -r 'select(.type == "checkout" and (.items | length) > 0) | .visit' \
    $ev | head -1)
[ -n "$v" ] || fail "no checkout with items to show"
"$ROOT/scripts/evidence" rep "$v" 2>err || { rc=$?; cat err; fail "evidence: status $rc"; }
o=rep/evidence/$v
[ -s "$o/index.html" ] || fail "no page"
[ "$(head -c 4 "$o/map.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
    fail "map.png is not a PNG"
grep -q '<img src="map.png"' "$o/index.html" || fail "the page lacks the map"
total=$(jq -r --arg v "$v" 'select(.type == "checkout" and .visit == $v) |
    "\(.total / 100 | floor).\(.total % 100 + 100 | tostring | .[1:]) \(.currency)"' $ev)
grep -q "$total" "$o/index.html" || fail "the page lacks the total $total"
# Every link and picture is a file that is there.
grep -o '\(src\|href\)="frames/[^"]*"' "$o/index.html" | sed 's/^[a-z]*="//; s/"$//' |
    sort -u >links
[ -s links ] || fail "no drawings linked"
while read -r f; do
	[ -f "$o/$f" ] || fail "$f is linked but missing"
done <links
# Each cart line has its section and, for each camera that sees its plate,
# the first drawing from its weight change's start on.
jq -c --arg v "$v" 'select(.type == "cart" and .visit == $v) |
    [.id, .plate, .evidence.weight.t0]' $ev >lines
[ -s lines ] || fail "the visit has no cart lines"
while read -r l; do
	id=$(echo "$l" | jq -r '.[0]')
	grep -q "<h3 id=\"$id\">" "$o/index.html" || fail "no section for $id"
	want=$(echo "$l" | jq -r --slurpfile x "$o/frames/index.ndjson" \
	    '.[1] as $p | .[2] as $t | [$x[] | select(.plates | index($p))] |
	    group_by(.cam) | map(map(select(.ts >= $t)) | min_by(.ts) |
	    select(. != null and .ts - $t < 0.25) | .file) | .[]')
	[ -n "$want" ] || fail "$id: no camera drew its plate at its t0"
	for f in $want; do
		grep -q "frames/$f\" alt=\"[a-z0-9]* weight starts to change\"" \
		    "$o/index.html" || fail "$id: $f is not on the page"
	done
done <lines
# The account finds the same visit; an unknown one is an error.
a=$(jq -r --arg v "$v" 'select(.type == "checkout" and .visit == $v) |
    .account' $ev)
"$ROOT/scripts/evidence" -o byacct rep "$a" 2>/dev/null || fail "by account: status $?"
grep -q "<h1>Visit $v</h1>" byacct/index.html || fail "the account did not find $v"
"$ROOT/scripts/evidence" rep v-nope 2>err && fail "an unknown visit passed"
[ "$(cat err)" = "evidence: v-nope: no checkout or cart line in rep/events.ndjson" ] ||
    fail "unknown visit: $(cat err)"
exit 0
