#!/bin/sh
# wo-detect-darknet: wo-detect, decoding with libjpeg/libpng and letterboxing
# on its own, finds the same boxes with the same confidences as Darknet's
# own image path (OpenCV decoding, letterbox_image) on JPEG and PNG frames
# of 320x240, wider, taller (letterbox bars) and of one pixel,
# with one worker and with three.
fail() { echo "wo-detect-darknet: $*"; exit 1; }
dn=/usr/lib/darknet
${CC:-cc} -O1 -I$dn/include -o ref "$ROOT/tests/wo-detect-darknet.c" \
    -L$dn -Wl,-rpath,$dn -ldarknet -lm || fail "cannot build the reference"
m=$ROOT/models
frames=$ROOT/tests/cases/wo-detect/frames
set -- "$frames/shop.jpg" "$frames/shop.png" "$frames/wide.jpg" \
    "$frames/tall.png" "$frames/one.png"
for f in "$TESTDATA"/small/cams/c1/*.jpg; do
	case $f in *0000.jpg) set -- "$@" "$f" ;; esac
done
./ref "$m/store.cfg" "$m/store.weights" 0.1 0.45 "$@" >want.raw 2>ref.err ||
    fail "reference: status $?"
for f in "$@"; do
	printf '{"type":"frame","ts":1,"cam":"c1","path":"%s"}\n' "$f"
done >in
for j in 1 3; do
	wo-detect -j $j -t 0.1 -n 0.45 <in >out$j || fail "wo-detect -j $j: status $?"
	python3 - want.raw out$j <<'PY' || fail "-j $j differs from Darknet"
import json, sys
want = {}
for line in open(sys.argv[1]):
    p, c, conf, x, y, w, h = line.split()
    want.setdefault(p, []).append((int(c), float(conf), float(x), float(y),
                                   float(w), float(h)))
names = ["person", "hand", "item"]
n = 0
for line in open(sys.argv[2]):
    ev = json.loads(line)
    got = [(names.index(o["class"]), o["conf"], o["x"], o["y"], o["w"],
            o["h"]) for o in ev["objects"]]
    ref = want.get(ev["path"], [])
    if len(got) != len(ref):
        sys.exit("%s: %d boxes, Darknet %d" % (ev["path"], len(got), len(ref)))
    # Each box must have its own counterpart, equal but for the rounding.
    for g in got:
        m = [r for r in ref if r[0] == g[0] and abs(g[1] - r[1]) <= 0.0006 and
             max(abs(a - b) for a, b in zip(g[2:], r[2:])) <= 0.06]
        if not m:
            sys.exit("%s: %r not found by Darknet" % (ev["path"], g))
        ref.remove(m[0])
    n += len(got)
if n == 0:
    sys.exit("no boxes at all: nothing compared")
print("%d boxes agree" % n)
PY
done
exit 0
