#!/bin/sh
# wo-capture-man: wo-capture(1) is lint-clean and its EXAMPLES, taken from
# the page and run as written against testdata/, give what the page says;
# the replay of both bundled sessions matches an independent reading of
# their files (a Python one: file names for times, SOF markers for sizes).
fail() { echo "FAIL: $*"; exit 1; }
page=$ROOT/man/wo-capture.1
mandoc -Tlint -W warning "$page" || fail "mandoc -Tlint"

ln -s "$TESTDATA" testdata
# Each literal block's "$ " lines, with their continuations, is one example.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$page" |
    awk '/^\.Bd -literal/ { n++; f = 1; c = 0; next }
	/^\.Ed/ { f = 0; next }
	f && (/^\$ / || c) {
		sub(/^\$ /, ""); gsub(/\\e/, "\\"); print > ("ex" n ".sh")
		c = /\\$/
	}'
[ -f ex3.sh ] && [ ! -f ex4.sh ] || fail "expected three runnable examples"

# The reference: every frame and entry of SESSION, in ts order (entries
# first at equal times, cameras by name), CAM and the window optional.
cat >ref.py <<'PY'
import json, math, os, struct, sys
sess = sys.argv[1]
cam = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
frm = float(sys.argv[3]) if len(sys.argv) > 3 else 0
to = float(sys.argv[4]) if len(sys.argv) > 4 else math.inf
def size(path):
    b = open(path, "rb").read()
    i = 2
    while True:
        while b[i] == 0xff and b[i + 1] == 0xff:
            i += 1
        m = b[i + 1]
        n = struct.unpack(">H", b[i + 2:i + 4])[0]
        if 0xc0 <= m <= 0xcf and m not in (0xc4, 0xc8, 0xcc):
            h, w = struct.unpack(">HH", b[i + 5:i + 9])
            return w, h
        i += 2 + n
evs = []
for c in sorted(os.listdir(sess + "/cams")):
    for f in os.listdir("%s/cams/%s" % (sess, c)):
        p = "%s/cams/%s/%s" % (sess, c, f)
        w, h = size(p)
        evs.append((int(f[:-4]) / 1000, 1, c, p, w, h))
for line in open(sess + "/entries.ndjson"):
    evs.append((json.loads(line)["ts"], 0, line.strip()))
start = min(e[0] for e in evs)
evs.sort(key=lambda e: e[:3])
for e in evs:
    if not start + frm <= e[0] < start + to or (cam and e[1] and e[2] != cam):
        continue
    if e[1] == 0:
        print(e[2])
    else:
        print(json.dumps({"type": "frame", "ts": e[0], "cam": e[2],
            "path": e[3], "width": e[4], "height": e[5]},
            separators=(",", ":")))
PY
for s in small hard; do
	wo-capture -r testdata/$s </dev/null >got || fail "$s: status $?"
	python3 ref.py testdata/$s >want
	diff want got >/dev/null || fail "$s: replay differs from the files"
done

sh ex1.sh >got || fail "example 1: status $?"
python3 ref.py testdata/small >all
head -3 all >want
diff want got || fail "example 1 differs"
sh ex2.sh >got || fail "example 2: status $?"
python3 ref.py testdata/small c1 1 2 >want
[ -s want ] && diff want got || fail "example 2 differs"
sh ex3.sh >got 2>err || fail "example 3: status $?"
[ -s err ] && fail "example 3: messages: $(cat err)"
[ "$(grep -c '"type":"frame".*"width":320,"height":240}$' got)" -eq 20 ] ||
    fail "example 3: not 20 frames"
[ "$(ls spool/cams/c1 | wc -l)" -eq 20 ] || fail "example 3: not 20 files"
exit 0
