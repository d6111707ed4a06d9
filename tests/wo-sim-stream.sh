#!/bin/sh
# wo-sim-stream: --play sends a session's scale lines down a serial
# pseudo-terminal (socat), its frames as MJPEG over HTTP and its entries
# to standard output, all complete and unchanged.
command -v socat >/dev/null || { echo "no socat"; exit 77; }
command -v curl >/dev/null || { echo "no curl"; exit 77; }
S=$TESTDATA/small
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT INT TERM
socat pty,raw,echo=0,link=sim pty,raw,echo=0,link=weigh 2>socat.err &
pids="$pids $!"
i=0
while [ ! -e sim ] || [ ! -e weigh ]; do
	i=$((i + 1)); [ $i -gt 50 ] && { echo "socat made no ptys"; exit 1; }
	sleep 0.1
done
cat weigh >serial.out &
pids="$pids $!"
wo-sim --play "$S" --serial sim --http 127.0.0.1:0 --speed 4 \
    >entries.out 2>play.err &
play=$!
pids="$pids $play"
i=0
until port=$(sed -n 's|^wo-sim: serving http://127.0.0.1:\([0-9]*\)/$|\1|p' \
    play.err) && [ -n "$port" ]; do
	i=$((i + 1)); [ $i -gt 50 ] && { echo "no server:"; cat play.err; exit 1; }
	sleep 0.1
done
curl -s -o c1.mjpg "http://127.0.0.1:$port/c1.mjpg" &
c1=$!
curl -s -o c2.jpg "http://127.0.0.1:$port/c2.jpg"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/c9.mjpg")
[ "$code" = 404 ] || { echo "unknown camera: HTTP $code"; exit 1; }
wait $c1 || { echo "curl failed"; exit 1; }
wait $play || { echo "wo-sim --play failed:"; cat play.err; exit 1; }
# What socat still holds reaches cat soon after; wait for it, boundedly.
want=$(grep -c '' "$S/scales.log")
i=0
while [ "$(grep -c '' serial.out)" -lt "$want" ] && [ $i -lt 100 ]; do
	i=$((i + 1)); sleep 0.1
done
cmp entries.out "$S/entries.ndjson" || exit 1
python3 - "$S" <<'PY' || exit 1
import os, re, sys
s = sys.argv[1]
want = []
for l in open(os.path.join(s, "scales.log")):
    m = re.match(r"^\d+\.\d+ (.*)$", l.rstrip("\n"))
    want.append(m.group(1) if m else None)
got = open("serial.out").read().split("\n")[:-1]
if len(got) != len(want):
    sys.exit("serial: %d lines, scales.log has %d" % (len(got), len(want)))
for g, w in zip(got, want):
    if w is not None and g != w:
        sys.exit("serial: %r, want %r" % (g, w))
files = {}
for cam in ("c1", "c2"):
    d = os.path.join(s, "cams", cam)
    files[cam] = {open(os.path.join(d, f), "rb").read() for f in os.listdir(d)}
data = open("c1.mjpg", "rb").read()
pos, n = 0, 0
while True:
    m = re.compile(rb"--wosim\r\nContent-Type: image/jpeg\r\n"
                   rb"Content-Length: (\d+)\r\nX-Timestamp: [0-9.]+\r\n\r\n"
                   ).search(data, pos)
    if not m:
        break
    img = data[m.end():m.end() + int(m.group(1))]
    if img not in files["c1"]:
        sys.exit("MJPEG part %d is no frame of c1" % n)
    pos, n = m.end() + int(m.group(1)), n + 1
if n < 0.8 * len(files["c1"]):
    sys.exit("MJPEG: %d parts of %d frames" % (n, len(files["c1"])))
if open("c2.jpg", "rb").read() not in files["c2"]:
    sys.exit("c2.jpg is no frame of c2")
print("serial %d lines, mjpeg %d parts" % (len(got), n))
PY
