#!/bin/sh
# wo-weigh-play: wo-sim plays the hard session's scales live down a socat pseudo-terminal pair at twice its speed, and wo-weigh -p finds the changes its replay finds
command -v socat >/dev/null 2>&1 || exit 77
command -v python3 >/dev/null 2>&1 || exit 77
command -v wo-sim >/dev/null 2>&1 || exit 77
s=$TESTDATA/hard
[ -f "$s/scales.log" ] || exit 77
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
	echo "--- live"; cat live; echo "--- err"; tail -5 err
	exit 1
}

socat pty,raw,echo=0,link=sim pty,raw,echo=0,link=scales 2>/dev/null &
S=$!
i=0
until [ -e sim ] && [ -e scales ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "socat made no pseudo-terminals"
	sleep 0.1
done
wo-weigh -s "$s/store.json" -p scales </dev/null >live 2>err &
W=$!
# Lines sent before the reader has the port open would be lost.
i=0
until ls -l /proc/$W/fd 2>/dev/null | grep -q /dev/pts/; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "wo-weigh did not open the port"
	sleep 0.1
done
wo-sim --play "$s" --serial sim --speed 2 >/dev/null || fail "wo-sim --play"
sleep 1.5
kill -TERM "$W"
wait "$W" || fail "wo-weigh exit status $?"
W=
wo-weigh -r "$s" </dev/null >replay 2>/dev/null || fail "wo-weigh -r"

python3 - <<'PY' || fail "live and replay differ"
import json, sys

def changes(f):
    return sorted((e["plate"], e["delta_g"], e.get("units"))
                  for e in map(json.loads, open(f)) if e["type"] == "weight")

live, replay = changes("live"), changes("replay")
ok = len(live) == len(replay) and all(
    a[0] == b[0] and a[2] == b[2] and abs(a[1] - b[1]) <= 3
    for a, b in zip(live, replay))
print("%d live changes, %d replayed" % (len(live), len(replay)))
if not ok:
    for a, b in zip(live, replay):
        print(a, b)
    sys.exit(1)
PY
# The controller's garbled lines are reported against the port, by line.
grep -q "^wo-weigh: scales:[0-9]*: garbled reading" err ||
    fail "no garbled line reported"
exit 0
