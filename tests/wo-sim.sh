#!/bin/sh
# wo-sim: sessions have the contract's layout, the same seed gives the same
# bytes, the truth agrees with the scales and with the frames' labels (its
# positions and hands in the boxes), and no two shoppers ever come closer
# than 0.5 m.
set -e
wo-sim -o a -s 11 -n 4 -d 20 -r 2 -D 1
wo-sim -o b -s 11 -n 4 -d 20 -r 2 -D 1 -j 3
diff -r a b
wo-sim -o c -s 12 -n 4 -d 20 -r 2 -D 1
if diff -r a c >/dev/null; then echo "seeds 11 and 12 gave one session"; exit 1; fi
wo-sim -o l -p large -s 5 -n 6 -d 25 -r 1 -f png -g 256x192

python3 - a c l "$TESTDATA/small" "$TESTDATA/hard" <<'PY'
import json, os, re, sys
from statistics import median

fails = []
def bad(s, msg):
    fails.append("%s: %s" % (s, msg))

def inv3(m):
    a, b, c, d, e, f, g, h, i = m
    det = a*(e*i-f*h) - b*(d*i-f*g) + c*(d*h-e*g)
    return [(e*i-f*h)/det, (c*h-b*i)/det, (b*f-c*e)/det,
            (f*g-d*i)/det, (a*i-c*g)/det, (c*d-a*f)/det,
            (d*h-e*g)/det, (b*g-a*h)/det, (a*e-b*d)/det]

def proj(m, x, y):
    w = m[6]*x + m[7]*y + m[8]
    return (m[0]*x + m[1]*y + m[2]) / w, (m[3]*x + m[4]*y + m[5]) / w

def nd(path):
    with open(path) as f:
        return [json.loads(l) for l in f]

line_re = re.compile(r'^(\d+\.\d{3}) ([A-Za-z0-9_-]+) (-?\d+\.\d)$')

for s in sys.argv[1:]:
    st = json.load(open(os.path.join(s, "store.json")))
    for k in ("store", "currency", "tax_rate", "floor", "catalog", "plates",
              "cameras", "gates"):
        if k not in st:
            bad(s, "store.json has no " + k)
    for k in ("entries.ndjson", "scales.log", "accounts.json",
              "truth/receipts.ndjson", "truth/events.ndjson",
              "truth/tracks.ndjson"):
        if not os.path.isfile(os.path.join(s, k)):
            bad(s, "no " + k)
    items = {c["sku"]: c for c in st["catalog"]}
    if len(items) < 12:
        bad(s, "fewer than 12 products")
    accounts = json.load(open(os.path.join(s, "accounts.json")))
    entries = nd(os.path.join(s, "entries.ndjson"))
    if [e["ts"] for e in entries] != sorted(e["ts"] for e in entries):
        bad(s, "entries out of order")
    for e in entries:
        if e["type"] != "entry" or not re.match(r"^acct-[0-9a-f]{8}$",
                                                  e["account"]):
            bad(s, "bad entry %r" % e)
        a = accounts.get(e["account"])
        if not a or not a["customer"].startswith("cus_") or \
           not a["payment_method"].startswith("pm_") or \
           not a["email"].endswith("@example.org"):
            bad(s, "bad account for %s" % e["account"])

    # Scales: parse what is well formed; a few lines must be garbled.
    reads = {}
    last = 0
    garbled = 0
    for l in open(os.path.join(s, "scales.log")):
        m = line_re.match(l.rstrip("\n"))
        if not m:
            garbled += 1
            continue
        t = float(m.group(1))
        if t < last:
            bad(s, "scales.log out of order at %s" % l.strip())
        last = t
        reads.setdefault(m.group(2), []).append((t, float(m.group(3))))
    rates = [(len(v) - 1) / (v[-1][0] - v[0][0]) for v in reads.values()]
    if min(rates) < 9 or max(rates) > 61:
        bad(s, "plates report at %.1f to %.1f Hz" % (min(rates), max(rates)))
    if set(reads) != {p["id"] for p in st["plates"]}:
        bad(s, "plates in scales.log differ from the store's")

    # Every true change shows as a step of its grams on its plate.
    events = nd(os.path.join(s, "truth/events.ndjson"))
    byplate = {}
    for e in events:
        if e["plate"] is not None:
            byplate.setdefault(e["plate"], []).append(e)
        it = items[e["sku"]]
        n = abs(e["qty"])
        if abs(e["g"] - n * it["unit_g"]) > 5 * it["sd_g"] * n ** 0.5 + 0.1:
            bad(s, "event %r: grams unlike the catalog's" % e)
    checked = 0
    for pl, evs in byplate.items():
        evs.sort(key=lambda e: e["touch"][0])
        groups = []
        for e in evs:
            if groups and e["touch"][0] - 1.2 < groups[-1][1]:
                groups[-1][1] = max(groups[-1][1], e["touch"][1])
                groups[-1][2].append(e)
            else:
                groups.append([e["touch"][0], e["touch"][1], [e]])
        r = reads[pl]
        for t0, t1, g in groups:
            before = [v for t, v in r if t0 - 0.6 <= t < t0 - 0.05]
            after = [v for t, v in r if t1 + 0.5 <= t < t1 + 1.1]
            if len(before) < 4 or len(after) < 4:
                continue
            want = -sum(e["g"] if e["qty"] > 0 else -e["g"] for e in g)
            got = median(after) - median(before)
            checked += 1
            if abs(got - want) > 3.0:
                bad(s, "plate %s at %.3f: step %.1f g, truth %.1f g" %
                    (pl, t0, got, want))
    if events and checked == 0:
        bad(s, "no scale step checked")

    # A misplaced unit lies on another product's plate and is taken from
    # there by someone else; a unit left on the floor lies on the floor.
    planogram = {p["id"]: p["sku"] for p in st["plates"]}
    for e in events:
        if e.get("case") == "misplaced" and e["qty"] < 0:
            if planogram[e["plate"]] == e["sku"]:
                bad(s, "misplaced onto its own plate: %r" % e)
            if not any(f["plate"] == e["plate"] and f["sku"] == e["sku"] and
                       f["qty"] > 0 and f["ts"] > e["ts"] and
                       f["account"] != e["account"] for f in events):
                bad(s, "misplaced unit never taken by another: %r" % e)
        if e["plate"] is None and not (
                e["qty"] < 0 and 0 <= e["x"] <= st["floor"]["w"] and
                0 <= e["y"] <= st["floor"]["h"]):
            bad(s, "floor event off the floor: %r" % e)

    # The receipts are what the events leave each shopper with.
    net = {}
    for e in events:
        k = (e["account"], e["sku"])
        net[k] = net.get(k, 0) + e["qty"]
    for r in nd(os.path.join(s, "truth/receipts.ndjson")):
        got = {i["sku"]: i["qty"] for i in r["items"]}
        want = {k[1]: v for k, v in net.items() if k[0] == r["account"] and v}
        if got != want:
            bad(s, "receipt %s: %r, events say %r" % (r["account"], got, want))

    # Every true position inside a camera's view is in a person box there,
    # and every true hand in a hand box, both within a pixel.
    cams = st["cameras"]
    inv = {c["id"]: inv3(c["homography"]) for c in cams}
    tracks = nd(os.path.join(s, "truth/tracks.ndjson"))
    seen = hseen = 0
    for tp in tracks:
        msn = int(round(tp["ts"] * 1000))
        pts = [(0, tp["x"], tp["y"])]
        pts += [(1, h["x"], h["y"]) for h in tp.get("hands", [])]
        hseen += len(pts) - 1
        for c in cams:
            W, H = c["width"], c["height"]
            lab = os.path.join(s, "truth/labels", c["id"], "%d.txt" % msn)
            boxes = [list(map(float, l.split())) for l in open(lab)]
            for k, x, y in pts:
                u, v = proj(inv[c["id"]], x, y)
                if not (4 <= u < W - 4 and 4 <= v < H - 4):
                    continue
                ok = any(b[0] == k and
                         abs(u - b[1] * W) <= b[3] * W / 2 + 1 and
                         abs(v - b[2] * H) <= b[4] * H / 2 + 1
                         for b in boxes)
                seen += k == 0
                if not ok:
                    bad(s, "%s of %s at %d (%.1f,%.1f) in %s: no box" %
                        ("hand" if k else "track", tp["account"], msn, u,
                         v, c["id"]))
    if tracks and seen == 0:
        bad(s, "no track point seen by a camera")
    if events and hseen == 0:
        bad(s, "shoppers took items, but the truth shows no hand")

    # Nobody stands or walks in another's personal space: the centres of
    # two shoppers in the store at one time are at least 0.5 m apart.
    at = {}
    for tp in tracks:
        at.setdefault(tp["ts"], []).append(tp)
    closest = 9.0
    for ts, ps in at.items():
        for i in range(len(ps)):
            for j in range(i + 1, len(ps)):
                d = ((ps[i]["x"] - ps[j]["x"]) ** 2 +
                     (ps[i]["y"] - ps[j]["y"]) ** 2) ** 0.5
                closest = min(closest, d)
                if d < 0.5:
                    bad(s, "%s and %s %.3f m apart at %.3f" %
                        (ps[i]["account"], ps[j]["account"], d, ts))

    # One frame and one label file per camera and frame time; the
    # detector's three classes all occur.
    ncls = {"0": 0, "1": 0, "2": 0}
    for c in cams:
        fr = sorted(os.listdir(os.path.join(s, "cams", c["id"])))
        lb = sorted(os.listdir(os.path.join(s, "truth/labels", c["id"])))
        if [f.rsplit(".", 1)[0] for f in fr] != [f[:-4] for f in lb]:
            bad(s, "frames and labels of %s differ" % c["id"])
        for f in lb:
            for l in open(os.path.join(s, "truth/labels", c["id"], f)):
                p = l.split()
                if len(p) != 5 or p[0] not in "012" or \
                   not all(0 < float(x) <= 1 for x in p[1:]):
                    bad(s, "label %s/%s: %r" % (c["id"], f, l))
                else:
                    ncls[p[0]] += 1
    if events and min(ncls.values()) == 0:
        bad(s, "labels by class: %r" % ncls)
    print("%s: %d events, %d steps checked, %d track views, %d garbled, "
          "%.0f-%.0f Hz, boxes %r, closest %.2f m" %
          (s, len(events), checked, seen, garbled, min(rates), max(rates),
           ncls, closest))

for f in fails[:30]:
    print(f)
sys.exit(1 if fails else 0)
PY
