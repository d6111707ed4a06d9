#!/bin/sh
# wo-charge-kill: kill -9 wo-charge at every step of charging (after the
# intent, with the request in flight, after the gateway charged, during
# retries and backoff) and restart it until done; the gateway's ledger must
# show every visit charged exactly once and every output agree.
. "$ROOT/tests/gateway/lib.sh"
trap 'stop_gateway' EXIT
trap 'exit 1' INT TERM

# 20 visits, one of them on a card that is declined.
python3 - <<'PY'
import json
acc, out = {}, open("in.ndjson", "w")
for i in range(20):
    tok = "acct-%08x" % (0x1000 + i)
    pm = "pm_card_chargeDeclined" if i == 6 else "pm_card_visa"
    acc[tok] = {"customer": "cus_%d" % i, "payment_method": pm,
                "email": "s%d@example.org" % i}
    out.write(json.dumps({"type": "checkout", "ts": 1000 + i,
        "visit": "v-kill#%d" % i, "account": tok,
        "items": [{"sku": "cola-330", "name": "Cola", "qty": i + 1,
                   "price": 199}],
        "subtotal": 199 * (i + 1), "tax": 16 * (i + 1),
        "total": 215 * (i + 1), "currency": "usd", "conf": 0.9,
        "review": False}) + "\n")
json.dump(acc, open("acc.json", "w"))
PY

start_gateway || exit 1
# Every request waits before the charge is made and again before the
# answer, so the kills below land inside those windows; the first requests
# also meet errors, dropped connections and answers lost after charging.
gw_control '{"delay_before": 0.08, "delay_after": 0.08,
    "faults": ["500", "drop_after", "429", "409", "drop", "500", "drop_after"]}'

lines() { if [ -f j ]; then wc -l < j; else echo 0; fi; }
executed() { gw_ledger | python3 -c 'import json,sys; print(json.load(sys.stdin)["executed"])'; }

run=0 status=
while [ $run -lt 150 ]; do
	run=$((run + 1))
	# The backoff outlasts a killed run's request still held by the
	# gateway (409 in use), so no charge ends "failed" here.
	wo-charge -a acc.json -g "$GW" -j j -b 0.05 -t 5 < in.ndjson \
	    >> all.out 2>> all.err &
	pid=$!
	case $((run % 4)) in
	0)	# just after the next intent is on the disk
		l=$(lines)
		while kill -0 $pid 2>/dev/null && [ "$(lines)" -le "$l" ]; do
			sleep 0.005
		done ;;
	1)	# just after the gateway made the next charge or decline
		e=$(executed)
		while kill -0 $pid 2>/dev/null && [ "$(executed)" -le "$e" ]; do
			sleep 0.005
		done ;;
	2)	# anywhere: between the answer and the journal, mid-write
		sleep 0.0$((run * 7 % 10))$((run % 10)) ;;
	3)	# after the next result is on the disk
		l=$(lines)
		while kill -0 $pid 2>/dev/null && [ "$(lines)" -le "$l" ]; do
			sleep 0.005
		done
		l=$(lines)
		while kill -0 $pid 2>/dev/null && [ "$(lines)" -le "$l" ]; do
			sleep 0.005
		done ;;
	esac
	if kill -KILL $pid 2>/dev/null; then
		wait $pid
		continue
	fi
	wait $pid
	status=$?
	break
done
[ "$status" = 0 ] || { echo "wo-charge did not finish: $status"; cat all.err; exit 1; }
echo "finished after $run runs"
# Each run is killed at least once per visit it reaches, so a pass with
# few runs would mean the kills missed.
[ $run -ge 10 ] || { echo "too few kills: $run runs"; exit 1; }

# One clean run more: every visit must come out once, replayed.
wo-charge -a acc.json -g "$GW" -j j < in.ndjson > last.out 2> last.err || exit 1
gw_ledger > ledger.json
python3 - "$run" <<'PY' || exit 1
import json, sys
led = json.load(open("ledger.json"))
byk = {}
for c in led["charges"]:
    byk.setdefault(c["customer"], []).append(c)
ok = True
def fail(msg):
    global ok
    print("FAIL:", msg)
    ok = False
for i in range(20):
    key, want = "cus_%d" % i, 215 * (i + 1)
    got = byk.get(key, [])
    if i == 6:
        if got:
            fail("declined visit charged: %s" % got)
    elif len(got) != 1 or got[0]["amount"] != want:
        fail("visit %d charged %d times: %s" % (i, len(got), got))
if len(led["charges"]) != 19:
    fail("ledger has %d charges" % len(led["charges"]))
evs = [json.loads(l) for l in open("all.out")]
charges = [e for e in evs if e["type"] == "charge"]
seen = {}
for e in charges:
    if e["status"] not in ("succeeded", "declined"):
        fail("charge event not final: %s" % e)
    prev = seen.setdefault(e["visit"], e)
    if (prev["payment"], prev["status"]) != (e["payment"], e["status"]):
        fail("conflicting charge events: %s %s" % (prev, e))
new = [e["visit"] for e in charges if not e.get("replayed")]
if len(new) != len(set(new)):
    fail("a visit charged anew twice in the output: %s" % sorted(new))
last = [json.loads(l) for l in open("last.out")]
lc = [e for e in last if e["type"] == "charge"]
if sorted(e["visit"] for e in lc) != sorted("v-kill#%d" % i for i in range(20)):
    fail("last run: not one charge event per visit: %s" % lc)
if any(not e.get("replayed") for e in lc):
    fail("last run charged anew: %s" % lc)
for e in lc:
    i = int(e["visit"].split("#")[1])
    pi = [c["payment_intent"] for c in byk.get("cus_%d" % i, [])]
    if e["status"] == "succeeded" and [e["payment"]] != pi:
        fail("charge event %s does not match the ledger %s" % (e, pi))
sys.exit(0 if ok else 1)
PY
