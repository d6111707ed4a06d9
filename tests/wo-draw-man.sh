#!/bin/sh
# wo-draw(1)'s EXAMPLES, taken from the page and run as written against
# testdata/: the whole pipeline drawn for camera c2 over two seconds (nine
# drawings, the floor map), then scripts/video making them a 2.25 s video.
fail() { echo "wo-draw-man: $*"; exit 1; }
ln -s "$TESTDATA" testdata
ln -s "$ROOT/scripts" scripts
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$ROOT/man/wo-draw.1" |
    awk '/^\.Bd -literal/ { n++; f = 1; next }
	/^\.Ed/ { f = 0; next }
	f { gsub(/\\e/, "\\"); print > ("ex" n ".sh") }'
[ -f ex1.sh ] && [ -f ex2.sh ] && [ ! -f ex3.sh ] || fail "expected two examples"
sh ex1.sh >got 2>err1 || { rc=$?; cat err1; fail "example 1: status $rc"; }
printf '%s\n' 1780002006000.png 1780002006250.png 1780002006500.png \
    1780002006750.png 1780002007000.png 1780002007250.png 1780002007500.png \
    1780002007750.png 1780002008000.png >want
diff want got || fail "example 1: drawings differ"
[ "$(grep -c '"type":"frame"' events.ndjson)" -eq 200 ] ||
    fail "example 1: frames lost from the stream"
# Drawing the recorded stream again passes it unchanged and draws the same.
wo-draw -s testdata/small/store.json -o again -c c2 -b 1780002006 \
    -e 1780002008 <events.ndjson >pass || fail "again: status $?"
cmp pass events.ndjson || fail "the stream is not passed unchanged"
for f in drawn/c2/*.png; do
	cmp "$f" "again/${f#drawn/}" || fail "$f differs when drawn again"
done
[ "$(python3 "$ROOT/tests/cases/wo-draw/pngpx.py" map.png)" = 688x550 ] ||
    fail "map.png is not the 8 x 6 m floor at 80 px a metre"
sh ex2.sh 2>err2 || { rc=$?; cat err2; fail "example 2: status $rc"; }
d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 c2.mp4) ||
    fail "example 2: c2.mp4 is not a video"
awk -v d="$d" 'BEGIN { exit !(d >= 2.0 && d <= 2.5) }' ||
    fail "example 2: c2.mp4 lasts $d s, not nine frames of 0.25 s"
mandoc -Tlint -W warning "$ROOT/man/wo-draw.1" || fail "mandoc lint"
exit 0
