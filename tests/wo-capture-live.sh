#!/bin/sh
# wo-capture-live: several live cameras at once: ffmpeg's MJPEG on a pipe
# and on a FIFO, still pictures polled from a real HTTP server on loopback
# (good, truncated, missing), and the gate's entries from a FIFO, merged in
# ts order into one stream; and a paced replay stopped by SIGINT.
command -v ffmpeg >/dev/null || exit 77
srv= cap= gw= fw=
cleanup() {
	for p in $cap $srv $gw $fw; do kill "$p" 2>/dev/null; done
	wait
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; [ -f err ] && sed 's/^/stderr: /' err; exit 1; }

# ffmpeg's MJPEG on standard input, as in the manual: every frame, in order.
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
    -i testsrc=size=160x120:rate=25 -frames:v 12 -f mjpeg - |
    wo-capture -m - -c c1 -o pipe >out 2>err || fail "pipe: status $?"
[ -s err ] && fail "pipe: messages"
[ "$(grep -c '"type":"frame","ts":[0-9.]*,"cam":"c1","path":"pipe/cams/c1/[0-9]*\.jpg","width":160,"height":120}$' out)" -eq 12 ] ||
    fail "pipe: not 12 frames of 160x120"
[ "$(ls pipe/cams/c1 | wc -l)" -eq 12 ] || fail "pipe: not 12 files"
# A file is read at once: at -f 10 only its first frame is taken.
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
    -i testsrc=size=160x120:rate=25 -frames:v 12 -f mjpeg file.mjpg
wo-capture -m c1=file.mjpg -f 10 -o rate </dev/null >out 2>err ||
    fail "rate: status $?"
[ "$(grep -c '"type":"frame"' out)" -eq 1 ] || fail "rate: not one frame"

mkdir www
cp "$ROOT/tests/cases/wo-capture/data/s/cams/c1/1763769600000.jpg" www/snap.jpg
head -c 900 www/snap.jpg >www/bad.jpg
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory www "$port" \
    >http.log 2>&1 &
srv=$!
i=0
until python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/snap.jpg')" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no HTTP server"; sleep 0.1
done
base=http://127.0.0.1:$port

mkfifo gate cam.mjpg
# The gate and the FIFO camera start late: the capture waits for them.
(sleep 0.5; printf '{"type":"entry","ts":%s,"gate":"in","account":"acct-0000beef"}\n' \
    "$(date +%s.%3N)"; sleep 0.3) >gate &
gw=$!
(sleep 0.3; ffmpeg -nostdin -hide_banner -loglevel error -re -f lavfi \
    -i testsrc=size=96x64:rate=10 -frames:v 6 -f mjpeg -) >cam.mjpg &
fw=$!
wo-capture -o spool -e gate -f 10 -d 3 -c c1 -m cam.mjpg \
    -s "c2=$base/snap.jpg" -s "c3=$base/bad.jpg" -s "c4=$base/missing.jpg" \
    </dev/null >out 2>err || fail "status $?"

n() { grep -c "$1" out; }
[ "$(n '"type":"frame","ts":[0-9.]*,"cam":"c1",.*"width":96,"height":64}')" -eq 6 ] ||
    fail "c1: not the 6 frames of the FIFO"
[ "$(n '"type":"frame","ts":[0-9.]*,"cam":"c2",.*"width":64,"height":48}')" -ge 5 ] ||
    fail "c2: too few snapshots"
[ "$(n '"cam":"c3"')" = "$(n '"kind":"bad-frame","cam":"c3"')" ] ||
    fail "c3: other than bad frames"
[ "$(n '"kind":"bad-frame","cam":"c3"')" -ge 5 ] || fail "c3: too few reports"
[ "$(n '"kind":"camera-down","cam":"c4".*404')" -eq 1 ] ||
    fail "c4: not one camera-down saying 404"
[ "$(n '"cam":"c4"')" -eq 1 ] || fail "c4: more than its camera-down"
[ "$(n '"type":"entry","ts":[0-9.]*,"gate":"in","account":"acct-0000beef"}$')" -eq 1 ] ||
    fail "no entry from the gate"
grep -v "^wo-capture: $base/bad.jpg: truncated JPEG (no EOI marker)$" err &&
    fail "unexpected messages"
python3 - out <<'PY' || fail "events out of ts order"
import json, sys
ts = [json.loads(l)["ts"] for l in open(sys.argv[1])]
assert ts == sorted(ts)
PY

# A real-time replay interrupted: status 0, the frames that were due.
all=$(wo-capture -r "$TESTDATA/small" </dev/null | wc -l)
wo-capture -r "$TESTDATA/small" -x 1 </dev/null >out 2>err &
cap=$!
sleep 1
kill -INT "$cap"
wait "$cap" || fail "replay: status $? after SIGINT"
cap=
n=$(wc -l <out)
[ "$n" -gt 0 ] && [ "$n" -lt "$all" ] ||
    fail "replay: $n events after SIGINT"
exit 0
