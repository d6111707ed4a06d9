#!/bin/sh
# wo-detect-kernels: wo-detect's own matrix product (OpenBLAS), im2col and
# activations, which libdarknet's layers call in place of Darknet's, agree
# with Darknet's call by call (tests/wo-detect-kernels.c), and wo-detect
# finds the same boxes on the hard session's frames with them as with
# --darknet-kernels; --stats says which ran.
fail() { echo "wo-detect-kernels: $*"; exit 1; }
dn=/usr/lib/darknet
# Nothing in it calls libdarknet by name: --no-as-needed keeps it linked.
${CC:-cc} -O1 -I"$ROOT/lib" -I"$ROOT/cmd/wo-detect" -I$dn/include \
    $(pkg-config --cflags openblas jansson) -o kernels \
    "$ROOT/tests/wo-detect-kernels.c" "$ROOT/cmd/wo-detect/kernels.c" \
    -L$dn -Wl,-rpath,$dn -Wl,--no-as-needed -ldarknet \
    $(pkg-config --libs openblas) -lm ||
    fail "cannot build the comparison"
./kernels || fail "kernels differ from Darknet's"

# Every fifth frame of each camera: people, hands and items at every scale.
for f in "$TESTDATA"/hard/cams/*/*.jpg; do
	case $f in *[05].jpg) ;; *) continue ;; esac
	printf '{"type":"frame","ts":1,"cam":"c1","path":"%s"}\n' "$f"
done >in
wo-detect -j 2 -t 0.1 --stats <in >ours 2>ours.err ||
    fail "wo-detect: status $?"
wo-detect -j 2 -t 0.1 --stats --darknet-kernels <in >theirs 2>theirs.err ||
    fail "wo-detect --darknet-kernels: status $?"
grep -q "kernels  wo-detect's (OpenBLAS), [1-9][0-9]* calls ran here" \
    ours.err || fail "the kernels did not run: $(grep kernels ours.err)"
grep -q "kernels  Darknet's, 0 calls ran here" theirs.err ||
    fail "--darknet-kernels ran ours: $(grep kernels theirs.err)"
python3 - ours theirs <<'PY' || fail "the boxes differ"
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
theirs = [json.loads(l) for l in open(sys.argv[2])]
assert len(ours) == len(theirs), "%d events against %d" % (len(ours), len(theirs))
n = same = 0
for a, b in zip(ours, theirs):
    # Sums in another order move a confidence by a rounding step or two;
    # one near the threshold may then cross it, so a missing box may be
    # one at the threshold and nothing else.
    rest = list(b["objects"])
    for o in a["objects"]:
        m = [r for r in rest if r["class"] == o["class"] and
             abs(r["conf"] - o["conf"]) <= 0.002 and
             max(abs(r[k] - o[k]) for k in "xywh") <= 0.06]
        if m:
            rest.remove(m[0])
            same += 1
        elif o["conf"] > 0.102:
            sys.exit("%s: %r not found with Darknet's kernels" % (a["path"], o))
        n += 1
    for r in rest:
        if r["conf"] > 0.102:
            sys.exit("%s: %r found only with Darknet's kernels" % (b["path"], r))
if n < 100:
    sys.exit("%d boxes: too few to compare" % n)
print("%d of %d boxes agree" % (same, n))
PY
