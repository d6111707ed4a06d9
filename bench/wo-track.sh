#!/bin/sh
# wo-track: moments a second through the tracker, with the frames read for
# appearance and by motion alone (-M), and MOTA, IDF1 and identity switches
# (wo-eval) of each on testdata/small, testdata/hard and ten seeds of the
# busy preset (wo-sim -p large -n 12 -D 0.6 -d 60 -s SEED).  Detections come
# from the truth labels (tests/oracle-detect), prepared beforehand and not
# timed, so the figures are the tracker's own; the busy seeds are scored
# again with noisy ones (a tenth of the boxes missed, a tenth weak, edges
# jittered by 2 pixels), where hands go missing and boxes wobble.  On the
# busy seeds, whose truth records hands, it prints too how many of the
# hands reported were given to the shopper they belong to (wo-eval's
# hands attached) and how often a track carried its shopper's account
# (accounts bound), with truth, noisy and the shipped model's detections
# (wo-detect, which makes this bench take some minutes).
set -e
SEEDS=${WO_BENCH_SEEDS:-1 2 3 4 5 6 7 8 9 10}
now() { date +%s%N; }
prep() (	# session name [oracle-detect options]
	s=$1 n=$2
	shift 2
	wo-capture -r "$s" | "$ROOT/tests/oracle-detect" "$@" "$s" |
	    wo-weigh -r "$s" 2>/dev/null >"$n.det"
)
# Prints "mota idf1 idsw right matches bound" of the session's tracks with
# wo-track's options: right and matches of hands (null without true
# hands), and the share of matches whose track has the shopper's account.
score() {	# session name [options]
	s=$1 n=$2
	shift 2
	wo-track "$@" -s "$s/store.json" <"$n.det" >"$n.trk"
	wo-eval -j "$s" <"$n.trk" | jq -r "$SCORES"
}
SCORES='"\(.tracks.mota) \(.tracks.idf1) \(.tracks.idsw) \(.hands.right)
    \(.hands.matches) \(.tracks.bound)"'
speed() {	# session name [options]: best of three, moments a second
	s=$1 n=$2
	shift 2
	m=$(jq -s '[.[] | select(.type == "frame") | .ts] | unique | length' \
	    "$n.det")
	b=
	for i in 1 2 3; do
		t0=$(now)
		wo-track "$@" -s "$s/store.json" <"$n.det" >/dev/null
		t=$(( $(now) - t0 ))
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	awk -v m="$m" -v ns="$b" 'BEGIN { printf "%.0f", m / (ns / 1e9) }'
}

for name in small hard; do
	prep "$TESTDATA/$name" "$name"
	set -- $(score "$TESTDATA/$name" "$name")
	echo "$name mota: $1 ratio"
	echo "$name idf1: $2 ratio"
	echo "$name id switches: $3 count"
	set -- $(score "$TESTDATA/$name" "$name" -M)
	echo "$name -M idf1: $2 ratio"
done
echo "hard: $(speed "$TESTDATA/hard" hard) moments/s"
echo "hard -M: $(speed "$TESTDATA/hard" hard -M) moments/s"
: >busy.tally
: >noisy.tally
: >hands.tally
: >nhands.tally
: >rhands.tally
# right matches: the share of hands matched to a true one that went to
# their own shopper.
attached() { awk -v r="$1" -v m="$2" 'BEGIN { printf "%.4f", r / m }'; }
for s in $SEEDS; do
	nice wo-sim -o "b$s" -p large -n 12 -D 0.6 -d 60 -s "$s" 2>/dev/null
	prep "b$s" "b$s"
	set -- $(score "b$s" "b$s")
	echo "busy seed $s mota: $1 ratio"
	echo "busy seed $s idf1: $2 ratio"
	echo "busy seed $s id switches: $3 count"
	echo "busy seed $s hands attached: $(attached $4 $5) ratio"
	echo "$4 $5 $6" >>hands.tally
	a="$1 $2 $3"
	set -- $(score "b$s" "b$s" -M)
	echo "$a $1 $2 $3" >>busy.tally
	prep "b$s" "n$s" -s "$s" -d 0.1 -j 2 -l 0.1
	set -- $(score "b$s" "n$s")
	echo "$1 $2 $3" >>noisy.tally
	echo "$4 $5 $6" >>nhands.tally
	wo-capture -r "b$s" | wo-detect 2>/dev/null |
	    wo-weigh -r "b$s" 2>/dev/null >"r$s.det"
	set -- $(score "b$s" "r$s")
	echo "busy seed $s model idf1: $2 ratio"
	echo "busy seed $s model accounts bound: $6 ratio"
	echo "busy seed $s model hands attached: $(attached $4 $5) ratio"
	echo "$4 $5 $6" >>rhands.tally
done
for t in hands nhands rhands; do
	case $t in hands) w= ;; nhands) w=" noisy" ;; *) w=" model" ;; esac
	awk -v w="$w" '{ r += $1; m += $2; b += $3; n++ } END {
	    printf "busy%s mean accounts bound: %.4f ratio\n", w, b / n
	    printf "busy%s hands attached: %.4f ratio\n", w, r / m
	    printf "busy%s hands given to another: %d count\n", w, m - r }' \
	    $t.tally
done
awk '{ m += $1; i += $2; w += $3; mm += $4; im += $5; n++ } END {
    printf "busy mean mota: %.4f ratio\nbusy mean idf1: %.4f ratio\n", m / n, i / n
    printf "busy id switches: %d count\n", w
    printf "busy -M mean mota: %.4f ratio\nbusy -M mean idf1: %.4f ratio\n", mm / n, im / n }' busy.tally
awk '{ m += $1; i += $2; w += $3; n++; if (n == 1 || $2 < lo) lo = $2 } END {
    printf "busy noisy mean mota: %.4f ratio\nbusy noisy mean idf1: %.4f ratio\n", m / n, i / n
    printf "busy noisy lowest idf1: %.4f ratio\nbusy noisy id switches: %d count\n", lo, w }' noisy.tally
set -- $SEEDS
echo "busy seed $1: $(speed "b$1" "b$1") moments/s"
echo "busy seed $1 -M: $(speed "b$1" "b$1" -M) moments/s"
