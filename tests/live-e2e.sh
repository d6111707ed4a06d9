#!/bin/sh
# live-e2e: scripts/live runs the whole pipeline on a store that wo-sim
# plays live (scales down a socat pseudo-terminal pair, cameras as MJPEG and
# snapshots over HTTP, entries through the gate FIFO), charging through the
# gateway emulator and mailing through the SMTP test server; a restart on
# the same state charges and mails nothing again.
command -v socat >/dev/null 2>&1 || exit 77
command -v python3 >/dev/null 2>&1 || exit 77
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || exit 77
S=$TESTDATA/small
[ -f "$S/scales.log" ] || exit 77
pids= L=
cleanup() {
	[ -n "$L" ] && kill -TERM "$L" 2>/dev/null && wait "$L"
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	for f in live.err play.err; do
		[ -s "$f" ] && { echo "--- $f"; tail -15 "$f"; }
	done
	exit 1
}

waitfor() {	# what test...: a bounded wait, 20 s
	w=$1
	shift
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "$w"
		sleep 0.1
	done
}

# Whether a process has the scale end of the pair open: lines sent before
# wo-weigh opens the port are lost.
opened() {
	t=$(readlink -f scales)
	for f in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "$t" ] && return 0
	done
	return 1
}

# The gate: entry events stamped when they arrive, as a gate controller
# stamps a scan; any other line goes as it is.
cat > gate.py <<'PY'
import json, sys, time
with open(sys.argv[1], "w") as out:
    for l in sys.stdin:
        e = json.loads(l)
        if e.get("type") == "entry":
            e["ts"] = round(time.time(), 3)
        out.write(json.dumps(e, separators=(",", ":")) + "\n")
        out.flush()
PY
# A checkout a person reviewed, sent through the gate to be charged.
review() {
	python3 -c '
import json, time
print(json.dumps({"type": "checkout", "ts": round(time.time(), 3),
    "visit": "v-live-review-1", "account": "acct-dfa60fef",
    "items": [{"sku": "cola-330", "name": "Cola 330 ml", "qty": 2,
               "price": 199},
              {"sku": "water-500", "name": "Water 500 ml", "qty": 1,
               "price": 129}],
    "subtotal": 527, "tax": 32, "total": 559, "currency": "usd",
    "conf": 0.9, "review": False}, separators=(",", ":")))'
}

socat pty,raw,echo=0,link=sim pty,raw,echo=0,link=scales 2>/dev/null &
pids="$pids $!"
python3 "$ROOT/tests/gateway/emulator.py" --key sk_test_live \
    --port-file gw.port --lifetime 120 &
pids="$pids $!"
/usr/bin/python3 "$ROOT/tests/smtp/server.py" -d mail -p smtp.port \
    --lifetime 120 2>smtp.err &
pids="$pids $!"
waitfor "socat made no pseudo-terminals" test -e sim -a -e scales
waitfor "the gateway emulator did not start" test -s gw.port
waitfor "the SMTP server did not start" test -s smtp.port
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo sk_test_live > key
# The key file of the config wins over a key in the environment.
WO_GATEWAY_KEY=sk_test_wrong; export WO_GATEWAY_KEY
cat > live.conf <<EOF
# the small session, played by wo-sim
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
from receipts@sim-small.example
state state
spool_max 64M
log log
EOF

# A command started in the background ignores SIGINT, and a shell cannot
# trap what it was started ignoring: python gives scripts/live back the
# default, as a terminal's foreground job has it.
scripts() {
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$ROOT/scripts/live" live.conf \
	    2>>live.err &
	L=$!
}
gone() { ! kill -0 "$L" 2>/dev/null || grep -q '^[0-9]* (.*) Z' "/proc/$L/stat"; }
stop() {	# signal
	kill -"$1" "$L"
	waitfor "scripts/live did not stop on SIG$1" gone
	wait "$L" || fail "scripts/live exit status $?"
	L=
}

scripts
waitfor "wo-weigh did not open the scale port" opened
waitfor "scripts/live made no gate FIFO" test -p gate
timeout 60 wo-sim --play "$S" --serial sim --http "127.0.0.1:$port" \
    --speed 2 2>play.err | timeout 60 python3 gate.py gate ||
    fail "wo-sim --play"
# The last changes settle on the scales' time after the play.
sleep 1.5
review | timeout 20 python3 gate.py gate || fail "the gate"
# Stopping stops reading the gate: what it holds unread then is lost.
waitfor "the reviewed checkout got no receipt" \
    grep -q '"type":"receipt".*"visit":"v-live-review-1"' log/events.ndjson
stop TERM
wo-weigh -r "$S" </dev/null >replay 2>/dev/null || fail "wo-weigh -r"
curl -s "http://127.0.0.1:$(cat gw.port)/_ledger" >ledger1 || fail "ledger"
n1=$(grep -c '' log/events.ndjson)

# Every checkout of the first run goes through the gate again, as after a
# crash or a second review: the journals must keep each to one.  This run
# is stopped by SIGINT, as by a terminal's ^C.
scripts
grep '"type":"checkout"' log/events.ndjson > again
timeout 20 python3 gate.py gate < again || fail "the gate, again"
since() { tail -n "+$((n1 + 1))" log/events.ndjson | grep -c "\"type\":\"$1\""; }
came() {
	[ "$(since charge)" -ge "$(grep -c '' again)" ] &&
	    [ "$(since receipt)" -ge "$(grep -c '"type":"receipt"' again1)" ]
}
head -n "$n1" log/events.ndjson > again1
waitfor "the checkouts sent again did not all come through" came
stop INT
curl -s "http://127.0.0.1:$(cat gw.port)/_ledger" >ledger2 || fail "ledger"

python3 - "$S" "$n1" <<'PY' || fail "the live run"
import email, glob, json, os, sys

s, n1 = sys.argv[1], int(sys.argv[2])
evs = [json.loads(l) for l in open("log/events.ndjson")]
run1, run2 = evs[:n1], evs[n1:]
def of(evs, t):
    return [e for e in evs if e["type"] == t]
bad = []

# Frames from each camera, spooled where the events say.
for cam in ("c1", "c2"):
    fr = [e for e in of(run1, "frame") if e["cam"] == cam]
    if len(fr) < 20:
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

# Each checkout charged once and mailed once.
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
for v in visits:
    ch = [e for e in of(run1, "charge") if e["visit"] == v]
    paid = [c for c in ledger1["charges"]
            if c["idempotency_key"] == "charge-" + v]
    rc = [e for e in of(run1, "receipt") if e["visit"] == v]
    if len(ch) != 1:
        bad.append("visit %s: %d charge events" % (v, len(ch)))
    elif ch[0]["status"] == "succeeded":
        if len(paid) != 1 or len(rc) != 1 or mails.get(v) != 1:
            bad.append("visit %s: charged %d, receipts %d, mailed %s"
                       % (v, len(paid), len(rc), mails.get(v)))
    elif paid or rc:
        bad.append("visit %s: %s yet charged" % (v, ch[0]["status"]))
if len(ledger1["charges"]) != len(of(run1, "receipt")):
    bad.append("%d charges, %d receipts" % (len(ledger1["charges"]),
               len(of(run1, "receipt"))))

# The restart charged and mailed nothing, and said so.
if ledger2["charges"] != ledger1["charges"]:
    bad.append("the restart charged again")
if len(glob.glob("mail/*.eml")) != sum(mails.values()):
    bad.append("the restart mailed again")
again = of(run2, "checkout")
if sorted(e["visit"] for e in again) != sorted(visits):
    bad.append("restart: checkouts %s" % [e["visit"] for e in again])
first = {e["visit"]: e["status"] for e in of(run1, "charge")}
for e in of(run2, "charge"):
    if first.get(e["visit"]) == "succeeded" and not e.get("replayed"):
        bad.append("restart: charge not replayed: %s" % e)
for e in of(run2, "receipt"):
    if not e.get("again"):
        bad.append("restart: receipt not marked again: %s" % e)
print("%d frames, %d weights, %d entries, %d checkouts (%d from wo-cart), "
      "%d charged, %d mailed" % (len(of(run1, "frame")), len(live),
      len(got), len(visits), len(visits) - 1, len(ledger1["charges"]),
      sum(mails.values())))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
exit 0
