#!/bin/sh
# wo-capture-http: MJPEG over HTTP from a real ffmpeg on loopback, not there
# yet at the start, then killed and restarted on the same port mid-stream:
# frames before and after, a camera-down and a camera-up alert each time,
# whole JPEGs in the spool, and a clean stop with status 0 on SIGTERM.
command -v ffmpeg >/dev/null || exit 77
srv= cap=
cleanup() {
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	wait
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; [ -f err ] && sed 's/^/stderr: /' err; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port/cam.mjpg
serve() {
	ffmpeg -nostdin -hide_banner -loglevel error -re -f lavfi \
	    -i testsrc=size=320x240:rate=10 -f mpjpeg -listen 1 "$url" \
	    2>>ffmpeg.err &
	srv=$!
}
# Waits up to 30 seconds for the command to succeed.
await() {
	i=0
	until eval "$1"; do
		i=$((i + 1))
		[ $i -lt 300 ] || fail "timed out waiting for: $1"
		sleep 0.1
	done
}
frames() { grep -c '"type":"frame"' out; }

wo-capture -o spool -u "c1=$url" -d 60 </dev/null >out 2>err &
cap=$!
await 'grep -q camera-down out'
serve
await '[ "$(frames)" -ge 5 ]'
kill "$srv"; wait "$srv" 2>/dev/null; srv=
await '[ "$(grep -c camera-down out)" -eq 2 ]'
before=$(frames)
sleep 0.5
serve
await '[ "$(frames)" -ge $((before + 5)) ]'
kill -TERM "$cap"; wait "$cap"; st=$?; cap=
[ "$st" -eq 0 ] || fail "wo-capture status $st after SIGTERM"

grep -q "\"url\":\"$url\"" out || fail "camera-down has no url"
# The events, in order: down, up, frames, down, (maybe a cut-short
# frame), up, frames.
grep -o '"type":"frame"\|"kind":"camera-[a-z]*"' out | uniq >seq
printf '%s\n' '"kind":"camera-down"' '"kind":"camera-up"' '"type":"frame"' \
    '"kind":"camera-down"' '"kind":"camera-up"' '"type":"frame"' >want
diff want seq || fail "events out of order"
# Alerts about a frame cut short by the kill are allowed, nothing else.
grep -v '"type":"frame"\|camera-down\|camera-up\|"kind":"bad-frame"' out &&
    fail "unexpected events"
grep -v "^wo-capture: $url: " err && fail "unexpected messages"

python3 - out <<'PY' || fail "frames and spool disagree"
import json, os, sys
last = 0
n = 0
for line in open(sys.argv[1]):
    ev = json.loads(line)
    assert ev["ts"] >= last, "ts goes back"
    last = ev["ts"]
    if ev["type"] != "frame":
        continue
    n += 1
    assert ev["cam"] == "c1" and ev["width"] == 320 and ev["height"] == 240
    p = ev["path"]
    assert p == "spool/cams/c1/%d.jpg" % round(ev["ts"] * 1000), p
    b = open(p, "rb").read()
    assert b[:2] == b"\xff\xd8" and b[-2:] == b"\xff\xd9", p + ": not whole"
assert n == len(os.listdir("spool/cams/c1")), "spool holds other files"
PY
exit 0
