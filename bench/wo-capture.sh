#!/bin/sh
# wo-capture: frames a second replayed from disk (page cache warm), for the
# bundled session and for a larger one of copies of its frames, and the
# MJPEG splitter's rate on a file of ffmpeg's frames.
set -e
now() { date +%s%N; }
# Best of three runs of "$@" >/dev/null, in seconds.
best() {
	b=
	for i in 1 2 3; do
		t0=$(now)
		"$@" </dev/null >/dev/null
		t=$(( $(now) - t0 ))
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}
rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'; }

s=$TESTDATA/hard
n=$(ls "$s"/cams/*/* | wc -l)
ns=$(best wo-capture -r "$s")
echo "replay testdata/hard ($n frames): $(rate "$n" "$ns") frames/s"

# 4 cameras of 2000 frames each, the bundled frames copied round.
python3 - "$s"/cams/c1 <<'PY'
import os, shutil, sys
src = sorted(os.listdir(sys.argv[1]))
for c in ("c1", "c2", "c3", "c4"):
    os.makedirs("big/cams/" + c)
    for i in range(2000):
        shutil.copyfile(os.path.join(sys.argv[1], src[i % len(src)]),
            "big/cams/%s/%d.jpg" % (c, 1780002000000 + i * 250))
PY
: >big/entries.ndjson
n=8000
mb=$(du -sm big | cut -f1)
wo-capture -r big >/dev/null </dev/null
ns=$(best wo-capture -r big)
echo "replay 4 cameras x 2000 frames ($mb MB): $(rate "$n" "$ns") frames/s"
echo "replay 4 cameras x 2000 frames: $(awk -v m="$mb" -v ns="$ns" 'BEGIN { printf "%.0f", m / (ns / 1e9) }') MB/s"
ns=$(best wo-capture -r big -c c1)
echo "replay 1 camera x 2000 frames: $(rate 2000 "$ns") frames/s"

ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=640x480:rate=25 \
    -frames:v 1000 -f mjpeg file.mjpg
mb=$(du -sm file.mjpg | cut -f1)
ns=$(best wo-capture -o spool --spool-max 64M -m c1=file.mjpg)
echo "split and spool MJPEG 640x480 (1000 frames, $mb MB): $(rate 1000 "$ns") frames/s"
