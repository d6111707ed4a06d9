#!/bin/sh
# wo-detect-man: wo-detect(1)'s EXAMPLES, taken from the page and run as
# written against testdata/: the bundled model sees people in the small
# session's frames, and its mAP at IoU 0.5 there stays above a floor set
# well below what it measures (models/README).
fail() { echo "wo-detect-man: $*"; exit 1; }
ln -s "$TESTDATA" testdata
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$ROOT/man/wo-detect.1" |
    awk '/^\.Bd -literal/ { n++; f = 1; next }
	/^\.Ed/ { f = 0; next }
	f { gsub(/\\e/, "\\"); print > ("ex" n ".sh") }'
[ -f ex2.sh ] && [ ! -f ex3.sh ] || fail "expected two examples"
sh ex1.sh >got1 || fail "example 1: status $?"
n=$(tr -d ' ' <got1)
truth=$(cat testdata/small/truth/labels/*/*.txt | grep -c '^0 ')
echo "persons seen $n, in the labels $truth"
[ "$n" -ge $((truth * 8 / 10)) ] && [ "$n" -le $((truth * 12 / 10)) ] ||
    fail "example 1: $n persons, the labels have $truth"
sh ex2.sh >got2 || fail "example 2: status $?"
python3 - got2 <<'PY' || fail "example 2: mAP below the floor"
import json, sys
d = json.load(open(sys.argv[1]))["detections"]
m = d["map50"]
print("map50", m, "frames", d["frames"])
floor = {"person": 0.80, "hand": 0.08}
sys.exit(any(m[k] is None or m[k] < v for k, v in floor.items()))
PY
mandoc -Tlint -W warning "$ROOT/man/wo-detect.1" || fail "mandoc lint"
exit 0
