#!/bin/sh
# wo-sim bench: frames rendered a second, and the time to make a large session.
set -e
now() { date +%s.%N; }
# run NAME LABEL wo-sim-args...: times one session, prints its frame rate.
run() {
	name=$1 label=$2
	shift 2
	s=$(now)
	wo-sim -o "$name" "$@"
	e=$(now)
	n=$(find "$name/cams" -type f | wc -l)
	b=$(du -sb "$name/cams" | cut -f1)
	awk -v n="$n" -v s="$s" -v e="$e" -v b="$b" -v l="$label" 'BEGIN {
		printf "%s: %.0f frames/s\n", l, n / (e - s)
		printf "%s frame size: %.1f KiB\n", l, b / n / 1024 }'
	echo "$name session: $(awk -v s="$s" -v e="$e" 'BEGIN {
		printf "%.2f", e - s }') s for $n frames"
}
j=$(nproc)
run jpg "render 320x240 jpg q85, 1 thread" -s 1 -n 6 -d 30 -r 10
run png "render 320x240 png, 1 thread" -s 1 -n 6 -d 30 -r 10 -f png
run par "render 320x240 jpg q85, $j threads" -s 1 -n 6 -d 30 -r 10 -j "$j"
run big "render large store 640x480 jpg, $j threads" -p large -g 640x480 \
    -s 1 -n 20 -d 60 -r 2 -j "$j"
echo "large store scales.log: $(wc -l <big/scales.log) lines"
