#!/bin/sh
# live-kill: scripts/live killed with SIGKILL leaves no stage running (its
# guard stops them in order, so the checkouts already in the pipeline are
# charged and mailed), a restart that is sent every checkout again charges
# and mails none twice, and SIGTERM and SIGINT stop every stage.
S=$TESTDATA/small
[ -f "$S/store.json" ] || exit 77
. "$ROOT/tests/live/lib.sh"
trap live_cleanup EXIT
trap 'exit 1' INT TERM

# scripts/live's FIFOs, to see that the guard removes them too.
mkdir tmp
TMPDIR=$PWD/tmp
export TMPDIR
peers
# No camera answers: the store is dark, the checkouts come through the gate.
cat > live.conf <<EOF
store $S/store.json
accounts $S/accounts.json
camera c1 http://127.0.0.1:$(freeport)/c1.mjpg
scale scales
gate gate
gateway http://127.0.0.1:$(cat gw.port)
key_file key
smtp smtp://127.0.0.1:$(cat smtp.port)
state state
EOF

# Six reviewed checkouts, for the three accounts of the store, stamped now:
# wo-capture keeps a line from the future until its time has come.
python3 - "$S/accounts.json" > all <<'PY' || fail "no checkouts"
import json, sys, time
acc = sorted(json.load(open(sys.argv[1])))
now = round(time.time(), 3)
for i in range(6):
    q = i + 1
    print(json.dumps({"type": "checkout", "ts": now,
        "visit": "v-kill-%d" % q, "account": acc[i % len(acc)],
        "items": [{"sku": "cola-330", "name": "Cola 330 ml", "qty": q,
                   "price": 199}],
        "subtotal": 199 * q, "tax": 16 * q, "total": 215 * q,
        "currency": "usd", "conf": 0.9, "review": False}))
PY
count() {	# type: events of that type in the log
	grep -c "\"type\":\"$1\"" state/events.ndjson 2>/dev/null
}
atleast() { [ "$(count "$1")" -ge "$2" ]; }
up() {	# all seven stages of scripts/live $L are running
	stages
	set -- $stages
	[ $# -eq 7 ] && opened
}

# The first run: three checkouts carried to their receipts, three more
# written into the gate, then scripts/live is killed.
live live.conf
waitfor "scripts/live did not start its stages" up
head -3 all | timeout 20 python3 gate.py gate || fail "the gate"
waitfor "the first checkouts got no receipts" atleast receipt 3
tail -3 all | timeout 20 python3 gate.py gate || fail "the gate"
kill -KILL "$L"
wait "$L" 2>/dev/null
L=
waitfor "stages of the killed scripts/live still run:$stages" ended
# The guard holds the state's lock until it is done.
waitfor "the state is still locked" flock -n state/live.lock true
grep -q '^live: scripts/live is gone; stopping its pipeline$' live.err ||
    fail "the guard did not say why it stopped the stages"
[ "$(count charge)" -eq 6 ] && [ "$(count receipt)" -eq 6 ] ||
    fail "the killed run charged $(count charge) and mailed $(count receipt), not 6"
[ -z "$(ls tmp)" ] || fail "the guard left the run directory: $(ls tmp)"
ledger ledger1

# The restart is sent every checkout again, as a gate or a person resending
# the review queue after a crash would, and is stopped by SIGTERM.
n1=$(grep -c '' state/events.ndjson)
live live.conf
waitfor "the restart did not start its stages" up
timeout 20 python3 gate.py gate < all || fail "the gate, again"
waitfor "the checkouts sent again did not come through" atleast receipt 12
stop TERM
waitfor "stages still run after SIGTERM:$stages" ended
ledger ledger2

# A third run stopped by SIGINT, as by a terminal's ^C.
live live.conf
waitfor "the third run did not start its stages" up
stop INT
waitfor "stages still run after SIGINT:$stages" ended
[ -z "$(ls tmp)" ] || fail "scripts/live left its run directory: $(ls tmp)"

python3 - "$n1" <<'PY' || fail "charged or mailed twice"
import email, glob, json, sys
n1 = int(sys.argv[1])
evs = [json.loads(l) for l in open("state/events.ndjson")]
want = ["v-kill-%d" % i for i in range(1, 7)]
bad = []
for name in ("ledger1", "ledger2"):
    keys = sorted(c["idempotency_key"] for c in json.load(open(name))["charges"])
    if keys != sorted("charge-" + v for v in want):
        bad.append("%s: charges %s" % (name, keys))
mails = sorted(email.message_from_binary_file(open(f, "rb"))["Message-ID"]
               .strip("<>").split("@")[0] for f in glob.glob("mail/*.eml"))
if mails != sorted(want):
    bad.append("mailed %s" % mails)
for e in evs[n1:]:
    if e["type"] == "charge" and not e.get("replayed"):
        bad.append("restart: charge not replayed: %s" % e)
    if e["type"] == "receipt" and not e.get("again"):
        bad.append("restart: receipt not marked again: %s" % e)
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
exit 0
