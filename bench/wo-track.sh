#!/bin/sh
# wo-track: moments a second through the tracker (detections from the truth
# labels by tests/oracle-detect, prepared beforehand and not timed), with the
# frames read for appearance and by motion alone (-M), and the MOTA and IDF1
# (wo-eval) of each on testdata/hard and on a busy generated session
# (wo-sim -p large -n 12 -D 0.6 -d 60 -s 11).
set -e
now() { date +%s%N; }
# Best of three runs of "$@" <in >/dev/null, in nanoseconds.
best() {
	in=$1; shift
	b=
	for i in 1 2 3; do
		t0=$(now)
		"$@" <"$in" >/dev/null
		t=$(( $(now) - t0 ))
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}
prep() {	# session name
	wo-capture -r "$1" | "$ROOT/tests/oracle-detect" "$1" |
	    wo-weigh -r "$1" 2>/dev/null >"$2.det"
}
bench() {	# session name
	m=$(jq -s '[.[] | select(.type == "frame") | .ts] | unique | length' \
	    "$2.det")
	for mode in "" -M; do
		ns=$(best "$2.det" wo-track $mode -s "$1/store.json")
		wo-track $mode -s "$1/store.json" <"$2.det" >"$2.trk"
		label="$2${mode:+ $mode}"
		awk -v n="$m" -v ns="$ns" -v l="$label" 'BEGIN {
		    printf "%s: %.0f moments/s\n", l, n / (ns / 1e9) }'
		wo-eval -j "$1" <"$2.trk" | jq -r --arg l "$label" \
		    '"\($l) mota: \(.tracks.mota) ratio",
		     "\($l) idf1: \(.tracks.idf1) ratio",
		     "\($l) id switches: \(.tracks.idsw) count"'
	done
}
prep "$TESTDATA/hard" hard
bench "$TESTDATA/hard" hard
nice wo-sim -o busy -p large -n 12 -D 0.6 -d 60 -s 11 2>/dev/null
prep busy busy
bench busy busy
