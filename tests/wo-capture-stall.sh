#!/bin/sh
# wo-capture-stall: a camera that serves multipart/x-mixed-replace as IP
# cameras do, then falls silent with the connection open, is given up after
# --timeout and reconnected: frames, camera-down (silent), camera-up,
# frames; a server answering 503 is a camera down with the status said.
fail() { echo "FAIL: $*"; [ -f err ] && sed 's/^/stderr: /' err; exit 1; }
srv=
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null; wait; }
trap cleanup EXIT
trap 'exit 1' INT TERM

cp "$ROOT/tests/cases/wo-capture/data/s/cams/c1/1763769600000.jpg" frame.jpg
cat >cam.py <<'PY'
import http.server, socketserver, sys, time
jpeg = open("frame.jpg", "rb").read()
class Cam(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_GET(self):
        if self.path != "/cam.mjpg":
            self.send_error(503)
            return
        self.send_response(200)
        self.send_header("Content-Type",
            "multipart/x-mixed-replace; boundary=frame")
        self.end_headers()
        for i in range(3):
            self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\n"
                b"Content-Length: %d\r\n\r\n" % len(jpeg) + jpeg + b"\r\n")
            self.wfile.flush()
            time.sleep(0.05)
        time.sleep(60)
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = Server(("127.0.0.1", 0), Cam)
open("port", "w").write(str(s.server_address[1]))
s.serve_forever()
PY
python3 cam.py &
srv=$!
i=0
until [ -s port ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "no server"; sleep 0.1
done
base=http://127.0.0.1:$(cat port)

wo-capture -o spool -u "c1=$base/cam.mjpg" --timeout 1 -n 6 -d 30 \
    </dev/null >out 2>err || fail "status $?"
[ -s err ] && fail "messages"
grep -o '"type":"frame"\|"kind":"camera-[a-z]*"' out | uniq -c |
    sed 's/^ *//' >seq
printf '%s\n' '3 "type":"frame"' '1 "kind":"camera-down"' \
    '1 "kind":"camera-up"' '3 "type":"frame"' >want
diff want seq || fail "not 3 frames, down, up, 3 frames"
grep -q '"kind":"camera-down".*"error":"nothing received for 1 s"' out ||
    fail "no silence said"
[ "$(grep -c '"width":64,"height":48}$' out)" -eq 6 ] || fail "frame sizes"

wo-capture -o spool -u "c2=$base/busy.mjpg" -d 1 </dev/null >out 2>err ||
    fail "503: status $?"
[ "$(grep -c '"kind":"camera-down","cam":"c2",.*503' out)" -eq 1 ] ||
    fail "503: not one camera-down with the status"
[ "$(wc -l <out)" -eq 1 ] || fail "503: more than the alert"
exit 0
