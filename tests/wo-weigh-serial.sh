#!/bin/sh
# wo-weigh-serial: live readings through a socat pseudo-terminal pair give the replay's changes; a port missing at the start or vanishing later is announced and reopened, and nothing read before is lost
command -v socat >/dev/null 2>&1 || exit 77
command -v python3 >/dev/null 2>&1 || exit 77
d=$(pwd)
shelf=$ROOT/tests/cases/wo-weigh/shelf
S= W=
cleanup() {
	[ -n "$S" ] && kill "$S" 2>/dev/null
	[ -n "$W" ] && kill "$W" 2>/dev/null
	wait
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- out"; cat out; echo "--- err"; cat err
	exit 1
}

# The pair: wo-weigh reads a, the controller (the feeder) writes b.
pair() {
	rm -f a b
	socat -d -d pty,raw,echo=0,link="$d/a" pty,raw,echo=0,link="$d/b" \
	    2>>socat.log &
	S=$!
	i=0
	until [ -e a ] && [ -e b ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "socat made no pseudo-terminals"
		sleep 0.1
	done
}

# Sends the fixture's readings from data time $1 up to $2 as a controller
# does, "<plate> <grams>", $3 times as fast as they were recorded.
feed() {
	python3 - "$shelf/scales.log" "$d/b" "$1" "$2" "$3" <<'PY'
import sys, time
log, tty = sys.argv[1], sys.argv[2]
t0, t1, speed = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
rows = [l.split() for l in open(log)]
base = float(rows[0][0])
start = time.monotonic()
with open(tty, "w") as out:
    for ts, plate, g in rows:
        t = float(ts) - base
        if t < t0 or t >= t1:
            continue
        wait = (t - t0) / speed - (time.monotonic() - start)
        if wait > 0:
            time.sleep(wait)
        out.write("%s %s\n" % (plate, g))
        out.flush()
PY
}

# Waits up to 20 s for at least $2 lines of out matching $1.
await() {
	i=0
	while [ "$(grep -c "$1" out)" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "waited for $2 of $1"
		sleep 0.1
	done
}

# The controller is not plugged in yet when wo-weigh starts.  On stdin,
# the gate's entry event comes a second later, stamped with the wall clock.
python3 -c '
import time; time.sleep(1)
print("{\"type\":\"entry\", \"ts\":%.3f,\"gate\":\"in\",\"account\":\"acct-0000beef\"}" % time.time())
' | wo-weigh -s "$shelf/store.json" -p "$d/a" >out 2>err &
W=$!
await '"port-down"' 1
pair
await '"port-up"' 1
feed 0 8.6 2 || fail "feeder"
await '"weight"' 3

# The cable is pulled, and plugged in again a moment later.
kill "$S"
wait "$S"
S=
await '"port-down"' 2
sleep 0.5
pair
await '"port-up"' 2
feed 8.6 14 1 || fail "feeder"
await '"weight"' 4

kill -TERM "$W"
wait "$W" || fail "wo-weigh exit status $?"
W=

python3 - <<'PY' || fail "events"
import json, sys
lines = open("out").read().splitlines()
entry = [l for l in lines if '"entry"' in l]
if len(entry) != 1 or not entry[0].startswith('{"type":"entry", "ts":'):
    print("entry event not passed unchanged:", entry); sys.exit(1)
evs = [json.loads(l) for l in lines]
ts = [e["ts"] for e in evs]
if ts != sorted(ts):
    print("not in ts order", ts); sys.exit(1)
evs = [e for e in evs if e["type"] != "entry"]
got = [(e["type"], e.get("plate") or e.get("kind"),
        round(e["delta_g"] / 10) * 10 if "delta_g" in e else None,
        e.get("units")) for e in evs]
want = [("alert", "port-down", None, None), ("alert", "port-up", None, None),
        ("weight", "A1", -350, -1), ("weight", "B1", -120, -2),
        ("weight", "A1", -350, -1),
        ("alert", "port-down", None, None), ("alert", "port-up", None, None),
        ("weight", "B1", 60, 1)]
if got != want:
    print("got ", got); print("want", want); sys.exit(1)
for e in evs:
    if e["type"] == "weight" and not e["t0"] <= e["t1"] <= e["ts"]:
        print("times out of order", e); sys.exit(1)
PY
grep -q "^wo-weigh: $d/a: port-down: no such serial port$" err ||
    fail "no port-down for the missing port on stderr"
grep -q "^wo-weigh: $d/a: port-down: hung up$" err ||
    fail "no port-down for the lost port on stderr"
[ "$(grep -c "^wo-weigh: $d/a: port-up: reopened$" err)" -eq 2 ] ||
    fail "no port-up on stderr"
exit 0
