#!/bin/sh
# wo-charge bench: checkout-to-charge-event latency (p50, p99) with one
# checkout at a time, charges per second for a batch, and the replay of an
# already charged batch, against the gateway emulator on loopback.
. "$ROOT/tests/gateway/lib.sh"
trap stop_gateway EXIT
trap 'exit 1' INT TERM
start_gateway || exit 1
python3 - "$GW" <<'PY'
import json, subprocess, sys, time
gw = sys.argv[1]
n_lat, n_batch = 200, 1000
acc = {"acct-%08x" % i: {"customer": "cus_%d" % i,
                         "payment_method": "pm_card_visa",
                         "email": "b%d@example.org" % i} for i in range(50)}
json.dump(acc, open("acc.json", "w"))
def checkout(run, i):
    return json.dumps({"type": "checkout", "ts": 1e9 + i,
        "visit": "v-bench-%s-%d" % (run, i), "account": "acct-%08x" % (i % 50),
        "items": [{"sku": "cola-330", "name": "Cola", "qty": 1, "price": 199}],
        "subtotal": 199, "tax": 16, "total": 215, "currency": "usd",
        "conf": 0.9, "review": False}) + "\n"

p = subprocess.Popen(["wo-charge", "-a", "acc.json", "-g", gw, "-j", "lat.j"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                     bufsize=1)
lat = []
for i in range(n_lat):
    t0 = time.perf_counter()
    p.stdin.write(checkout("lat", i))
    p.stdin.flush()
    while True:
        ev = json.loads(p.stdout.readline())
        if ev["type"] == "charge":
            break
    lat.append(time.perf_counter() - t0)
p.stdin.close()
if p.wait() != 0:
    sys.exit("wo-charge failed")
lat.sort()
print("checkout to charge p50: %.2f ms" % (1000 * lat[len(lat) // 2]))
print("checkout to charge p99: %.2f ms" % (1000 * lat[int(len(lat) * 0.99)]))

with open("batch.ndjson", "w") as fp:
    for i in range(n_batch):
        fp.write(checkout("batch", i))
for label in ("charges", "replayed charges"):
    t0 = time.perf_counter()
    r = subprocess.run(["wo-charge", "-a", "acc.json", "-g", gw, "-j",
                        "batch.j"], stdin=open("batch.ndjson"),
                       stdout=subprocess.DEVNULL)
    if r.returncode != 0:
        sys.exit("wo-charge failed")
    print("%s: %.0f per s" % (label, n_batch / (time.perf_counter() - t0)))
PY
