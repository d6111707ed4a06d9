#!/bin/sh
# wo-cart: events a second through wo-cart, and receipt accuracy (wo-eval)
# of wo-track | wo-cart with detections from the truth labels
# (tests/oracle-detect) on the bundled sessions and on ten seeds of the busy
# preset (wo-sim -p large -n 12 -D 0.6 -d 60): F1, exactly-right receipts,
# receipts flagged for review, and unflagged receipts wrong by more than one
# unit, at review thresholds 0.5, 0.7 (the default) and 0.9; the same at
# 0.7 with noisy oracle detections (oracle-detect -s 1 -d 0.1 -j 2 -l 0.1:
# a tenth of the boxes dropped, edges jittered by 2 pixels, a tenth
# weak); and how many of the units dropped on the floor (truth events
# with no plate) a floor-item alert placed within 0.2 m of where they
# lie.  wo-track runs with -E: a generated session stops at its duration
# with shoppers inside.
set -e
SEEDS=${WO_BENCH_SEEDS:-1 2 3 4 5 6 7 8 9 10}
now() { date +%s%N; }
# Prints "visits flagged exact wrong>1-unflagged" of a checkout stream.
score() {	# session stream
	python3 - "$1" "$2" <<'PY'
import json, sys
truth = {}
for l in open(sys.argv[1] + "/truth/receipts.ndjson"):
    r = json.loads(l)
    truth[r["account"]] = {i["sku"]: i["qty"] for i in r["items"]}
got, flag = {}, {}
for l in open(sys.argv[2]):
    e = json.loads(l)
    if e.get("type") != "checkout":
        continue
    c = got.setdefault(e["account"], {})
    for i in e["items"]:
        c[i["sku"]] = c.get(i["sku"], 0) + i["qty"]
    flag[e["account"]] = flag.get(e["account"], False) or e["review"]
exact = bad = nflag = 0
for a, t in truth.items():
    g = got.get(a, {})
    off = sum(abs(g.get(s, 0) - t.get(s, 0)) for s in set(g) | set(t))
    exact += off == 0
    nflag += flag.get(a, False)
    bad += off > 1 and not flag.get(a, False)
print(len(truth), nflag, exact, bad)
PY
}
prep() {	# session name [oracle-detect options]: tracked stream in name.trk
	ps=$1 pn=$2
	shift 2
	wo-capture -r "$ps" | "$ROOT/tests/oracle-detect" "$@" "$ps" |
	    wo-weigh -r "$ps" 2>/dev/null | wo-track -E -s "$ps/store.json" \
	    >"$pn.trk"
}
# Prints "dropped found" of the floor drops in a session's truth.
found() {	# session stream
	python3 - "$1" "$2" <<'PY'
import json, sys
drops = [json.loads(l) for l in open(sys.argv[1] + "/truth/events.ndjson")]
drops = [(e["x"], e["y"]) for e in drops if e["plate"] is None]
seen = []
for l in open(sys.argv[2]):
    e = json.loads(l)
    if e.get("type") == "alert" and e.get("kind") == "floor-item":
        seen.append((e["floor"]["x"], e["floor"]["y"]))
print(len(drops), sum(any(((x - a) ** 2 + (y - b) ** 2) ** 0.5 < 0.2
                          for a, b in seen) for x, y in drops))
PY
}
: >all.tally
for s in $SEEDS; do
	nice wo-sim -o "b$s" -p large -n 12 -D 0.6 -d 60 -s "$s" 2>/dev/null
	prep "b$s" "b$s"
	prep "b$s" "n$s" -s 1 -d 0.1 -j 2 -l 0.1
done
prep "$TESTDATA/small" small
prep "$TESTDATA/hard" hard

# Speed: the first seed's stream, best of three.
first=$(echo $SEEDS | cut -d' ' -f1)
n=$(grep -c . "b$first.trk")
b=
for i in 1 2 3; do
	t0=$(now)
	wo-cart -s "b$first/store.json" <"b$first.trk" >/dev/null
	t=$(( $(now) - t0 ))
	[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
done
awk -v n="$n" -v ns="$b" 'BEGIN {
    printf "events through wo-cart: %.0f events/s\n", n / (ns / 1e9) }'

for r in 0.5 0.7 0.9; do
	for name in small hard; do
		wo-cart -r "$r" -s "$TESTDATA/$name/store.json" <"$name.trk" \
		    >"$name.out"
		wo-eval -j "$TESTDATA/$name" <"$name.out" | jq -r \
		    --arg l "$name -r $r" '"\($l) receipt f1: \(.receipts.f1) ratio"'
		score "$TESTDATA/$name" "$name.out" | awk -v l="$name -r $r" '{
		    printf "%s exact: %.3f ratio\n%s flagged: %.3f ratio\n", \
			l, $3 / $1, l, $2 / $1
		    printf "%s unflagged wrong by >1 unit: %d visits\n", l, $4 }'
	done
	tp=0 fp=0 fn=0 v=0 f=0 e=0 w=0
	for s in $SEEDS; do
		wo-cart -r "$r" -s "b$s/store.json" <"b$s.trk" >"b$s.out"
		set -- $(wo-eval -j "b$s" <"b$s.out" |
		    jq -r '"\(.receipts.tp) \(.receipts.fp) \(.receipts.fn)"')
		tp=$((tp + $1)) fp=$((fp + $2)) fn=$((fn + $3))
		set -- $(score "b$s" "b$s.out")
		v=$((v + $1)) f=$((f + $2)) e=$((e + $3)) w=$((w + $4))
	done
	awk -v tp=$tp -v fp=$fp -v fn=$fn -v v=$v -v f=$f -v e=$e -v w=$w \
	    -v l="busy x$(echo $SEEDS | wc -w) -r $r" 'BEGIN {
		printf "%s receipt f1: %.3f ratio\n", l, 2 * tp / (2 * tp + fp + fn)
		printf "%s exact: %.3f ratio\n", l, e / v
		printf "%s flagged: %.3f ratio\n", l, f / v
		printf "%s unflagged wrong by >1 unit: %d visits\n", l, w }'
done
# The same busy sessions with noisy detections, and the floor drops found.
tp=0 fp=0 fn=0 v=0 f=0 e=0 w=0 nd=0 nf=0
for s in $SEEDS; do
	wo-cart -s "b$s/store.json" <"n$s.trk" >"n$s.out"
	set -- $(wo-eval -j "b$s" <"n$s.out" |
	    jq -r '"\(.receipts.tp) \(.receipts.fp) \(.receipts.fn)"')
	tp=$((tp + $1)) fp=$((fp + $2)) fn=$((fn + $3))
	set -- $(score "b$s" "n$s.out")
	v=$((v + $1)) f=$((f + $2)) e=$((e + $3)) w=$((w + $4))
	wo-cart -s "b$s/store.json" <"b$s.trk" >"b$s.out"
	set -- $(found "b$s" "b$s.out")
	nd=$((nd + $1)) nf=$((nf + $2))
done
awk -v tp=$tp -v fp=$fp -v fn=$fn -v v=$v -v f=$f -v e=$e -v w=$w \
    -v nd=$nd -v nf=$nf -v l="busy x$(echo $SEEDS | wc -w)" 'BEGIN {
	printf "%s noisy -r 0.7 receipt f1: %.3f ratio\n", l,
	    2 * tp / (2 * tp + fp + fn)
	printf "%s noisy -r 0.7 exact: %.3f ratio\n", l, e / v
	printf "%s noisy -r 0.7 flagged: %.3f ratio\n", l, f / v
	printf "%s noisy -r 0.7 unflagged wrong by >1 unit: %d visits\n", l, w
	printf "%s floor drops found: %d of %d units\n", l, nf, nd }'
