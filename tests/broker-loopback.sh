#!/bin/sh
# broker-loopback: the per-camera stages on "camera machines" publishing over
# a real MQTT broker (mosquitto on 127.0.0.1), merged on the "central
# machine" by wo-merge, give the one-machine `wo-capture | wo-detect` stream:
# the same events, in non-decreasing ts; the central subscriber of camera c2
# is away while c2 publishes, and its persistent QoS 1 session loses nothing.
command -v mosquitto >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
for t in mosquitto mosquitto_pub mosquitto_sub; do
	command -v $t >/dev/null 2>&1 ||
	    { echo "skip: $t is not installed (scripts/packages)"; exit 77; }
done
S=$TESTDATA/small
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# A free port on loopback, taken by the broker; tried again if someone else
# took it between the asking and the binding.
n=0
while :; do
	port=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat > mosquitto.conf <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 10000
log_dest file $PWD/mosquitto.log
EOF
	mosquitto -c mosquitto.conf & broker=$!
	i=0
	while [ $i -lt 50 ] && kill -0 $broker 2>/dev/null &&
	    ! mosquitto_pub -h 127.0.0.1 -p "$port" -t walkout/probe -m up \
	    2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if mosquitto_pub -h 127.0.0.1 -p "$port" -t walkout/probe -m up \
	    2>/dev/null; then
		pids="$pids $broker"
		break
	fi
	kill $broker 2>/dev/null
	n=$((n + 1))
	[ $n -lt 5 ] || { cat mosquitto.log; fail "mosquitto did not start"; }
done
M="-h 127.0.0.1 -p $port"

# The central machine's sessions are made persistent before anything is
# published, so that the broker keeps c2's frames while nobody listens.
for c in c1 c2; do
	timeout 10 mosquitto_sub $M -c -i central-$c -q 1 \
	    -t walkout/frames/$c -E || fail "subscribing to $c"
done

# The central machine: one FIFO per camera, the gate's entries on stdin.
mkfifo c1 c2
timeout 120 wo-merge c1 c2 < "$S/entries.ndjson" > merged & merge=$!
pids="$pids $merge"
n1=$(ls "$S/cams/c1" | wc -l)
n2=$(ls "$S/cams/c2" | wc -l)
timeout 120 mosquitto_sub $M -c -i central-c1 -q 1 -t walkout/frames/c1 \
    -C "$n1" > c1 & sub1=$!
pids="$pids $sub1"

# The camera machines: the gate's entries are the central machine's, so a
# camera publishes its frames alone.
for c in c1 c2; do
	wo-capture -r "$S" -c $c < /dev/null | grep -v '"entry"' |
	    wo-detect -j 1 | timeout 120 mosquitto_pub $M -i camera-$c -q 1 \
	    -t walkout/frames/$c -l &
	eval pub_$c=$!
done
wait "$pub_c1" || fail "camera c1's publisher"
wait "$pub_c2" || fail "camera c2's publisher"

# c2's subscriber comes back only now and gets what the broker kept.
timeout 120 mosquitto_sub $M -c -i central-c2 -q 1 -t walkout/frames/c2 \
    -C "$n2" > c2 & sub2=$!
pids="$pids $sub2"
wait $sub1 || fail "c1's subscriber"
wait $sub2 || fail "c2's subscriber"
wait $merge || fail "wo-merge"

wo-capture -r "$S" < /dev/null | wo-detect > single ||
    fail "the one-machine stream"
[ "$(wc -l < single)" -eq $((n1 + n2 + 3)) ] ||
    fail "the one-machine stream has $(wc -l < single) events"
sort single > single.sorted
sort merged > merged.sorted
cmp -s single.sorted merged.sorted || {
	diff single.sorted merged.sorted | head -5
	fail "the merged stream's events differ"
}
python3 - merged <<'EOF' || fail "the merged stream is out of ts order"
import json, sys
last = None
for n, l in enumerate(open(sys.argv[1]), 1):
    ts = json.loads(l)["ts"]
    if last is not None and ts < last:
        sys.exit("line %d: ts %s after %s" % (n, ts, last))
    last = ts
EOF
echo "ok: $(wc -l < merged) events over the broker, as on one machine"
