#!/bin/sh
# wo-draw: frames drawn a second, as PNG (the default scale 2, and scale 1)
# and as JPEG, and the seconds scripts/evidence takes for one visit, on the
# 200 frames of testdata/small with tracks and carts from the real wo-track
# and wo-cart over detections made from the truth labels (prepared
# beforehand and not timed).  Best of three runs.
set -e
s=$TESTDATA/small
now() { date +%s%N; }
wo-capture -r "$s" | "$ROOT/tests/oracle-detect" "$s" |
    wo-weigh -r "$s" 2>/dev/null | wo-track -s "$s/store.json" |
    wo-cart -s "$s/store.json" >events.ndjson
n=$(grep -c '"type":"frame"' events.ndjson)
best() {	# label unit command...: prints the best of three
	label=$1 unit=$2
	shift 2
	b=
	for i in 1 2 3; do
		rm -rf o
		t0=$(now)
		"$@" >/dev/null
		t=$(( $(now) - t0 ))
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	case $unit in
	frames/s) awk -v n="$n" -v t="$b" -v l="$label" \
	    'BEGIN { printf "%s: %.1f frames/s\n", l, n / (t / 1e9) }' ;;
	*) awk -v t="$b" -v l="$label" 'BEGIN { printf "%s: %.2f s\n", l, t / 1e9 }' ;;
	esac
}
draw() { wo-draw -s "$s/store.json" -o o "$@" <events.ndjson; }
best "png, scale 2" frames/s draw
best "png, scale 1" frames/s draw -z 1
best "jpeg, scale 2" frames/s draw -j
draw >/dev/null
echo "png size, scale 2: $(du -sk o | cut -f1) KiB for $n frames"
mkdir -p rep && cp events.ndjson rep/
v=$(jq -r 'select(.type == "checkout") | .visit' events.ndjson | head -1)
best "evidence page, one visit" s "$ROOT/scripts/evidence" rep "$v"
