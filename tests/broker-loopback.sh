#!/bin/sh
# broker-loopback: the per-camera stages on "camera machines" publishing over
# a real MQTT broker (mosquitto on 127.0.0.1), merged on the "central
# machine" by wo-merge, give the one-machine `wo-capture | wo-detect` stream:
# the same events, in non-decreasing ts.  The central subscriber of camera
# c2 is away while c2 publishes, and its persistent QoS 1 session loses
# nothing; then the broker is restarted in the middle of camera c1's
# stream, with lines read by c1's publisher while it is down, and QoS 1
# with the broker's persistence loses nothing either (a line may come
# twice: QoS 1 is at least once).
command -v mosquitto >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
for t in mosquitto mosquitto_pub mosquitto_sub; do
	command -v $t >/dev/null 2>&1 ||
	    { echo "skip: $t is not installed (scripts/packages)"; exit 77; }
done
S=$TESTDATA/small
pids=
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }

. "$ROOT/tests/lib/waitfor.sh"

# The broker keeps its sessions and their queued messages on disk across a
# restart (persistence), as the user running the test (not as the
# mosquitto user it would switch to as root).
broker() {	# start it on $port; 1 when it does not answer
	mosquitto -c mosquitto.conf & broker=$!
	i=0
	while [ $i -lt 50 ] && kill -0 $broker 2>/dev/null &&
	    ! mosquitto_pub -h 127.0.0.1 -p "$port" -t walkout/probe -m up \
	    2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	mosquitto_pub -h 127.0.0.1 -p "$port" -t walkout/probe -m up \
	    2>/dev/null && return 0
	kill $broker 2>/dev/null
	wait $broker
	broker=
	return 1
}
broker=
cleanup() {
	for p in $pids $broker; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	return 0
}

# A free port on loopback, taken by the broker; tried again if someone else
# took it between the asking and the binding.
n=0
while :; do
	port=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat > mosquitto.conf <<EOF
listener $port 127.0.0.1
allow_anonymous true
user $(id -un)
persistence true
persistence_location $PWD/
max_queued_messages 10000
log_dest file $PWD/mosquitto.log
EOF
	broker && break
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
mkfifo c1 c2 c1.feed
timeout 120 wo-merge c1 c2 < "$S/entries.ndjson" > merged & merge=$!
pids="$pids $merge"
n1=$(ls "$S/cams/c1" | wc -l)
n2=$(ls "$S/cams/c2" | wc -l)

# The camera machines: the gate's entries are the central machine's, so a
# camera publishes its frames alone.  Camera c2 publishes all its frames
# while nobody listens to them.
wo-capture -r "$S" -c c2 < /dev/null | grep -v '"entry"' | wo-detect -j 1 |
    timeout 120 mosquitto_pub $M -i camera-c2 -q 1 -t walkout/frames/c2 -l ||
    fail "camera c2's publisher"

# Camera c1's lines go to its publisher through a FIFO, fed in two halves:
# the second half only once the broker is down, and the broker comes back
# only once the publisher has read every line of it (the FIFO is empty).
wo-capture -r "$S" -c c1 < /dev/null | grep -v '"entry"' | wo-detect -j 1 \
    > c1.lines || fail "camera c1's frames"
half=$((n1 / 2))
cat > feed.py <<'EOF'
import fcntl, os, struct, sys, termios, time
fifo, lines, half = sys.argv[1], open(sys.argv[2]).readlines(), int(sys.argv[3])
def wait(f):
    while not os.path.exists(f):
        time.sleep(0.05)
with open(fifo, "w") as out:
    out.writelines(lines[:half])
    out.flush()
    wait("down")
    out.writelines(lines[half:])
    out.flush()
    while struct.unpack("i", fcntl.ioctl(out, termios.FIONREAD,
                                         b"\0" * 4))[0] > 0:
        time.sleep(0.05)
    open("drained", "w").close()
    wait("up")
EOF
timeout 120 mosquitto_sub $M -c -i central-c1 -q 1 -t walkout/frames/c1 \
    > c1.got & sub1=$!
pids="$pids $sub1"
timeout 120 python3 feed.py c1.feed c1.lines "$half" & feed=$!
pids="$pids $feed"
timeout 120 mosquitto_pub $M -i camera-c1 -q 1 -t walkout/frames/c1 -l \
    < c1.feed & pub1=$!
pids="$pids $pub1"
distinct() { [ "$(sort -u c1.got 2>/dev/null | wc -l)" -ge "$1" ]; }
waitfor "c1's first half did not arrive" distinct "$half"
kill $broker
wait $broker
broker=
touch down
waitfor "c1's publisher did not read its lines while the broker was down" \
    test -e drained
broker || fail "mosquitto did not start again"
touch up
wait $feed || fail "feeding camera c1"
wait $pub1 || fail "camera c1's publisher"
waitfor "c1's lines did not all arrive after the restart" distinct "$n1"
kill $sub1
wait $sub1
cat c1.got > c1

# c2's subscriber comes back only now and gets what the broker kept, over
# its restart.
timeout 120 mosquitto_sub $M -c -i central-c2 -q 1 -t walkout/frames/c2 \
    -C "$n2" > c2 & sub2=$!
pids="$pids $sub2"
wait $sub2 || fail "c2's subscriber"
wait $merge || fail "wo-merge"

wo-capture -r "$S" < /dev/null | wo-detect > single ||
    fail "the one-machine stream"
[ "$(wc -l < single)" -eq $((n1 + n2 + 3)) ] ||
    fail "the one-machine stream has $(wc -l < single) events"
sort single > single.sorted
# At least once: a line whose acknowledgement the restart cut off comes
# again, right after the first time or the restart; it is counted, and
# the first of each goes on to the comparison.
awk '!seen[$0]++' merged > once
dups=$(($(wc -l < merged) - $(wc -l < once)))
sort once > once.sorted
cmp -s single.sorted once.sorted || {
	diff single.sorted once.sorted | head -5
	fail "the merged stream's events differ"
}
python3 - once <<'EOF' || fail "the merged stream is out of ts order"
import json, sys
last = None
for n, l in enumerate(open(sys.argv[1]), 1):
    ts = json.loads(l)["ts"]
    if last is not None and ts < last:
        sys.exit("line %d: ts %s after %s" % (n, ts, last))
    last = ts
EOF
echo "ok: $(wc -l < once) events over the broker and its restart," \
    "as on one machine; $dups came twice"
