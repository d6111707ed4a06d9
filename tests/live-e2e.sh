#!/bin/sh
# live-e2e: scripts/live with the bundled model takes shoppers that wo-sim
# plays live (scales down a socat pseudo-terminal pair, cameras as MJPEG
# and snapshots over HTTP, entries through the gate FIFO) from the door to
# their receipts: the checkouts wo-cart makes of what the cameras and
# scales saw hold what the shoppers took, each charged once on the gateway
# emulator and mailed once through the SMTP test server; a reviewed
# checkout sent through the gate is charged too; a restart on the same
# state, sent every checkout again, charges and mails nothing again.
. "$ROOT/tests/live/lib.sh"
trap live_cleanup EXIT
trap 'exit 1' INT TERM

# Two shoppers who take one item each, without the staged hard cases: a
# session the replay pipeline (scripts/replay, wo-eval) checks out exactly
# with the bundled model, 20 s at 4 frames a second.
S=$PWD/sess
wo-sim -o "$S" -s 1 -n 2 -D 0 -d 20 -r 4 2>sim.err || fail "wo-sim"
peers
port=$(freeport)

# Before the store opens, its cameras show the empty store: a server on the
# cameras' port serves each camera's first frame, so that scripts/live is
# seen running whole (frames in its log) before the first shopper comes.
# Otherwise wo-capture, finding no camera, would wait ever longer between
# tries (up to 8 s) and could miss the first shopper at the door.  Its end
# is a camera's restart: wo-capture reconnects in a quarter of a second.
cat > preroll.py <<'PY'
import glob, os, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
sess, port = sys.argv[1], int(sys.argv[2])
first = {os.path.basename(d): open(sorted(glob.glob(d + "/*.jpg"))[0],
         "rb").read() for d in glob.glob(sess + "/cams/*")}
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        cam, ext = os.path.splitext(self.path[1:])
        if cam not in first or ext not in (".jpg", ".mjpg"):
            self.send_error(404)
            return
        self.send_response(200)
        if ext == ".jpg":
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            self.wfile.write(first[cam])
            return
        self.send_header("Content-Type",
                         "multipart/x-mixed-replace;boundary=preroll")
        self.end_headers()
        while True:
            self.wfile.write(b"--preroll\r\nContent-Type: image/jpeg\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(first[cam])
                             + first[cam] + b"\r\n")
            self.wfile.flush()
            time.sleep(0.25)
    def log_message(self, *a):
        pass
ThreadingHTTPServer.daemon_threads = True
s = ThreadingHTTPServer(("127.0.0.1", port), H)
open("preroll.up", "w").close()
s.serve_forever()
PY
python3 preroll.py "$S" "$port" 2>preroll.err & preroll=$!
pids="$pids $preroll"
waitfor "the cameras' first frames are not served" test -e preroll.up

# The key file of the config wins over a key in the environment.
WO_GATEWAY_KEY=sk_test_wrong; export WO_GATEWAY_KEY
cat > live.conf <<EOF
# the session played by wo-sim
store $S/store.json
accounts $S/accounts.json
camera c1 http://127.0.0.1:$port/c1.mjpg
snapshot c2 http://127.0.0.1:$port/c2.jpg
fps 8
scale scales
baud 115200
gate gate
gateway http://127.0.0.1:$(cat gw.port)
key_file key
smtp smtp://127.0.0.1:$(cat smtp.port)
from receipts@sim.example
model $ROOT/models
state state
spool_max 64M
log log
EOF

seen() {	# both cameras' frames came out of the pipeline
	grep -q '"type":"frame","ts":[0-9.]*,"cam":"c1"' log/events.ndjson &&
	    grep -q '"type":"frame","ts":[0-9.]*,"cam":"c2"' log/events.ndjson
} 2>/dev/null
count() {	# type: events of that type in the log
	grep -c "\"type\":\"$1\"" log/events.ndjson 2>/dev/null
}
atleast() { [ "$(count "$1")" -ge "$2" ]; }

live live.conf
waitfor "wo-weigh did not open the scale port" opened
waitfor "no frames came through the pipeline" seen
kill "$preroll"
wait "$preroll" 2>/dev/null
frames0=$(count frame)
# Real time: wo-weigh's settling and wo-track's gates are meant for it.
timeout 60 wo-sim --play "$S" --serial sim --http "127.0.0.1:$port" \
    --speed 1 2>play.err | timeout 60 python3 gate.py gate ||
    fail "wo-sim --play"
buyers=$(grep -c '"items":\[{' "$S/truth/receipts.ndjson")
waitfor "not every shopper's checkout was mailed" atleast receipt "$buyers"

# A checkout a person reviewed, sent through the gate to be charged.
python3 -c '
import json, time
print(json.dumps({"type": "checkout", "ts": round(time.time(), 3),
    "visit": "v-live-review-1", "account": "acct-8b50f326",
    "items": [{"sku": "cola-330", "name": "Cola 330 ml", "qty": 2,
               "price": 199}],
    "subtotal": 398, "tax": 32, "total": 430, "currency": "usd",
    "conf": 0.9, "review": False}, separators=(",", ":")))' |
    timeout 20 python3 gate.py gate || fail "the gate"
waitfor "the reviewed checkout got no receipt" \
    grep -q '"type":"receipt".*"visit":"v-live-review-1"' log/events.ndjson
stages
stop TERM
waitfor "stages still run after SIGTERM:$stages" ended
wo-weigh -r "$S" </dev/null >replay 2>/dev/null || fail "wo-weigh -r"
ledger ledger1
n1=$(grep -c '' log/events.ndjson)

# Every checkout of the first run goes through the gate again, as after a
# crash or a second review: the journals must keep each to one.  This run
# is stopped by SIGINT, as by a terminal's ^C.
live live.conf
grep '"type":"checkout"' log/events.ndjson > again
timeout 20 python3 gate.py gate < again || fail "the gate, again"
since() { tail -n "+$((n1 + 1))" log/events.ndjson | grep -c "\"type\":\"$1\""; }
came() { [ "$(since charge)" -ge "$(grep -c '' again)" ] &&
    [ "$(since receipt)" -ge "$(grep -c '' again)" ]; }
waitfor "the checkouts sent again did not all come through" came
stop INT
ledger ledger2

python3 - "$S" "$n1" "$frames0" <<'PY' || fail "the live run"
import email, glob, json, os, sys

s, n1, frames0 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
evs = [json.loads(l) for l in open("log/events.ndjson")]
run1, run2 = evs[:n1], evs[n1:]
def of(evs, t):
    return [e for e in evs if e["type"] == t]
bad = []

# Frames from each camera while the session played, spooled where the
# events say.
for cam in ("c1", "c2"):
    fr = [e for e in of(run1, "frame")[frames0:] if e["cam"] == cam]
    if len(fr) < 40:
        bad.append("camera %s: %d frames" % (cam, len(fr)))
    if fr and not os.path.isabs(fr[0]["path"]):
        bad.append("frame path %s is relative" % fr[0]["path"])

# The changes wo-weigh finds live are those its replay finds.
def changes(evs):
    return sorted((e["plate"], e["delta_g"], e.get("units"))
                  for e in evs if e["type"] == "weight")
live = changes(run1)
replay = changes(json.loads(l) for l in open("replay"))
if len(live) != len(replay) or not all(
        a[0] == b[0] and a[2] == b[2] and abs(a[1] - b[1]) <= 3
        for a, b in zip(live, replay)):
    bad.append("weights: %d live, %d replayed: %s / %s"
               % (len(live), len(replay), live, replay))

# The gate's entries, all, in order.
want = [json.loads(l)["account"] for l in open(os.path.join(s,
        "entries.ndjson"))]
got = [e["account"] for e in of(run1, "entry")]
if got != want:
    bad.append("entries %s, want %s" % (got, want))

# What each shopper took, as the truth has it, is what the pipeline's own
# checkout for that shopper holds; nobody else is checked out.
def items(r):
    return sorted((i["sku"], i["qty"]) for i in r["items"])
truth = {r["account"]: items(r) for r in
         (json.loads(l) for l in open(os.path.join(s, "truth",
                                                   "receipts.ndjson")))
         if r["items"]}
made = [e for e in of(run1, "checkout") if e["visit"] != "v-live-review-1"]
for e in made:
    if "track" not in e:
        bad.append("checkout %s was not made by wo-cart" % e["visit"])
mine = {}
for e in made:
    mine.setdefault(e["account"], []).append(items(e))
if mine != {a: [i] for a, i in truth.items()}:
    bad.append("checkouts %s, want %s" % (mine, truth))

# Each checkout charged once, for its total, and mailed once.
visits = [e["visit"] for e in of(run1, "checkout")]
ledger1 = json.load(open("ledger1"))
ledger2 = json.load(open("ledger2"))
mails = {}
for f in sorted(glob.glob("mail/*.eml")):
    m = email.message_from_binary_file(open(f, "rb"))
    mid = m["Message-ID"].strip("<>").split("@")[0]
    mails[mid] = mails.get(mid, 0) + 1
if "v-live-review-1" not in visits:
    bad.append("the reviewed checkout did not pass")
for e in of(run1, "checkout"):
    v = e["visit"]
    ch = [c for c in of(run1, "charge") if c["visit"] == v]
    paid = [c for c in ledger1["charges"]
            if c["idempotency_key"] == "charge-" + v]
    rc = [r for r in of(run1, "receipt") if r["visit"] == v]
    if len(ch) != 1 or ch[0]["status"] != "succeeded":
        bad.append("visit %s: charge events %s" % (v, ch))
    elif len(paid) != 1 or paid[0]["amount"] != e["total"]:
        bad.append("visit %s: total %d, ledger %s" % (v, e["total"], paid))
    if len(rc) != 1 or mails.get(v) != 1:
        bad.append("visit %s: receipts %d, mailed %s"
                   % (v, len(rc), mails.get(v)))
if len(ledger1["charges"]) != len(visits):
    bad.append("%d charges, %d checkouts" % (len(ledger1["charges"]),
               len(visits)))

# The restart charged and mailed nothing, and said so.
if ledger2["charges"] != ledger1["charges"]:
    bad.append("the restart charged again")
if len(glob.glob("mail/*.eml")) != sum(mails.values()):
    bad.append("the restart mailed again")
again = of(run2, "checkout")
if sorted(e["visit"] for e in again) != sorted(visits):
    bad.append("restart: checkouts %s" % [e["visit"] for e in again])
for e in of(run2, "charge"):
    if not e.get("replayed"):
        bad.append("restart: charge not replayed: %s" % e)
for e in of(run2, "receipt"):
    if not e.get("again"):
        bad.append("restart: receipt not marked again: %s" % e)
print("%d frames, %d weights, %d entries, %d checkouts (%d from wo-cart), "
      "%d charged, %d mailed" % (len(of(run1, "frame")), len(live),
      len(got), len(visits), len(made), len(ledger1["charges"]),
      sum(mails.values())))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
exit 0
