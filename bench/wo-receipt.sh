#!/bin/sh
# wo-receipt.sh: latency from a charge event into wo-receipt to its receipt
# event out (the receipt delivered: files synced and renamed, or the SMTP
# server's 250 after DATA), p50 and p99, to a directory and by SMTP to an
# aiosmtpd server on loopback; one visit in flight at a time.
PY=/usr/bin/python3
D=$TESTDATA/receipt
N=${WO_BENCH_RECEIPTS:-200}
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; wait' EXIT
trap 'exit 1' INT TERM

drive() {	# LABEL wo-receipt-arguments...
	label=$1
	shift
	$PY - "$label" "$N" "$@" <<'END'
import json, subprocess, sys, time

label, n, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
lat = []
t = 1763700000.0
for i in range(n):
    v = "v-bench-%05d" % i
    acct = "acct-0000a1b2" if i % 2 else "acct-0000c3d4"
    co = {"type": "checkout", "ts": t, "visit": v, "account": acct,
          "items": [{"sku": "cola-330", "name": "Cola 330 ml", "qty": 2,
                     "price": 199, "evidence": [v + "#1", v + "#2"]},
                    {"sku": "coffee-250", "qty": 1, "price": 899,
                     "evidence": [v + "#3"]}],
          "subtotal": 1297, "tax": 77, "total": 1374, "currency": "usd",
          "conf": 0.9, "review": False}
    ch = {"type": "charge", "ts": t + 0.5, "visit": v, "account": acct,
          "amount": 1374, "currency": "usd", "status": "succeeded",
          "payment": "pi_" + v, "card": {"brand": "visa", "last4": "4242"}}
    p.stdin.write((json.dumps(co) + "\n").encode())
    p.stdin.flush()
    t0 = time.perf_counter()
    p.stdin.write((json.dumps(ch) + "\n").encode())
    p.stdin.flush()
    while True:
        line = p.stdout.readline()
        if not line:
            sys.exit("wo-receipt ended early")
        if b'"type":"receipt"' in line:
            break
    lat.append(time.perf_counter() - t0)
    t += 10
p.stdin.close()
p.stdout.read()
if p.wait() != 0:
    sys.exit("wo-receipt failed")
lat.sort()
def pct(q):
    return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
print("%s p50: %.2f ms" % (label, pct(0.50)))
print("%s p99: %.2f ms" % (label, pct(0.99)))
print("%s max: %.2f ms" % (label, lat[-1] * 1000))
END
}

drive "charge to receipt, directory" wo-receipt -s "$D/store.json" \
    -a "$D/accounts.json" -o dir || exit 1

rm -f port
$PY "$ROOT/tests/smtp/server.py" -d mail -p port --lifetime 300 &
spid=$!
i=0
while [ ! -s port ]; do
	i=$((i + 1))
	[ $i -le 200 ] || { echo "SMTP server did not start" >&2; exit 1; }
	sleep 0.05
done
drive "charge to receipt, SMTP" wo-receipt -s "$D/store.json" \
    -a "$D/accounts.json" --smtp "smtp://127.0.0.1:$(cat port)" \
    -j smtp.journal || exit 1
[ "$(ls mail | grep -c '\.eml$')" -eq "$N" ] ||
    { echo "the server did not get $N messages" >&2; exit 1; }
echo "receipts per run: $N count"
