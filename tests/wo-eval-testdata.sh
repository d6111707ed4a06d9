#!/bin/sh
# wo-eval on every bundled session of testdata/, fed its own truth made into
# events (checkouts, tracks, frames with the labelled boxes as detections):
# a perfect score; then with known damage (a unit short on each receipt,
# every other person box dropped, two shoppers' track numbers swapped
# halfway) the score the damage must give, worked out here independently.
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
ls "$TESTDATA"/*/truth/receipts.ndjson >/dev/null 2>&1 ||
    { echo "no simulated session in testdata"; exit 77; }
exec python3 - <<'PY'
import glob, json, os, subprocess, sys

def score(sess, evs):
    p = subprocess.run(["wo-eval", "-j", sess], capture_output=True, text=True,
                       input="".join(json.dumps(e) + "\n" for e in evs))
    if p.returncode != 0 or p.stderr:
        sys.exit("%s: wo-eval failed: %d %s" % (sess, p.returncode, p.stderr))
    return json.loads(p.stdout)

def expect(what, got, want):
    for k, v in want.items():
        g = got.get(k)
        if (v is None) != (g is None) or (v is not None and abs(g - v) > 1e-6):
            sys.exit("%s: %s is %r, want %r" % (what, k, g, v))

def lines(path):
    with open(path) as fp:
        return [json.loads(l) for l in fp if l.strip()]

n = swaps = 0
for sess in sorted(glob.glob(os.environ["TESTDATA"] + "/*/truth/receipts.ndjson")):
    sess = sess[:-len("/truth/receipts.ndjson")]
    name = os.path.basename(sess)
    truth = lines(sess + "/truth/receipts.ndjson")
    units = sum(it["qty"] for r in truth for it in r["items"])
    accts = {r["account"] for r in truth}

    co = [{"type": "checkout", "ts": 0, "account": r["account"],
           "items": r["items"], "review": False} for r in truth]
    expect(name + " perfect receipts", score(sess, co)["receipts"],
           {"visits": len(accts), "tp": units, "fp": 0, "fn": 0,
            "exact": 1.0 if accts else None})

    short, missed = [], 0
    for r in truth:
        items = [dict(it) for it in r["items"]]
        for it in items:
            if it["qty"] > 0:
                it["qty"] -= 1
                missed += 1
                break
        short.append(dict(r, items=items))
    co = [{"type": "checkout", "ts": 0, "account": r["account"],
           "items": r["items"], "review": True} for r in short]
    per = {}
    for r in short:
        per[r["account"]] = per.get(r["account"], 0) + 1
    expect(name + " receipts a unit short", score(sess, co)["receipts"],
           {"tp": units - missed, "fn": missed, "fp": 0,
            "review": 1.0 if co else None})

    pos = lines(sess + "/truth/tracks.ndjson")
    ids = {}
    for p in pos:
        ids.setdefault(p["account"], len(ids) + 1)
    tr = [{"type": "track", "ts": p["ts"], "track": ids[p["account"]],
           "account": None, "x": p["x"], "y": p["y"]} for p in pos]
    if tr:
        expect(name + " perfect tracks", score(sess, tr)["tracks"],
               {"mota": 1.0, "idf1": 1.0, "gt": len(pos), "idsw": 0})

    # Shoppers a and b trade track numbers at a frame where both are seen
    # more than 1 m apart, having been seen together before: each is then
    # out of reach of its old track and paired with the other's, one switch
    # each, and every position still matches.
    at = {}
    for p in pos:
        at.setdefault(p["ts"], {})[p["account"]] = (p["x"], p["y"])
    pairs = [(a, b) for a in ids for b in ids if a < b]
    for a, b in pairs:
        far = [t for t in sorted(at) if a in at[t] and b in at[t] and
               ((at[t][a][0] - at[t][b][0]) ** 2 +
                (at[t][a][1] - at[t][b][1]) ** 2) > 1.0]
        if len(far) < 2:
            continue
        mid = far[len(far) // 2]
        sw = [dict(e) for e in tr]
        for e in sw:
            if e["ts"] >= mid and e["track"] in (ids[a], ids[b]):
                e["track"] = ids[b] if e["track"] == ids[a] else ids[a]
        expect(name + " swapped tracks", score(sess, sw)["tracks"],
               {"idsw": 2, "mota": 1 - 2 / len(pos), "fp": 0, "fn": 0})
        swaps += 1
        break

    store = json.load(open(sess + "/store.json"))
    size = {c["id"]: (c["width"], c["height"]) for c in store["cameras"]}
    names = ["person", "hand", "item"]
    fr, nper, ngt = [], 0, [0, 0, 0]
    for lab in sorted(glob.glob(sess + "/truth/labels/*/*.txt")):
        cam = os.path.basename(os.path.dirname(lab))
        ms = int(os.path.basename(lab)[:-4])
        W, H = size[cam]
        objs = []
        for l in open(lab).read().split("\n"):
            if not l.strip():
                continue
            c, cx, cy, w, h = l.split()
            c, cx, cy, w, h = int(c), float(cx), float(cy), float(w), float(h)
            ngt[c] += 1
            if c == 0:
                nper += 1
                if nper % 2 == 0:
                    continue
            objs.append({"class": names[c], "conf": 1.0, "x": (cx - w / 2) * W,
                         "y": (cy - h / 2) * H, "w": w * W, "h": h * H})
        fr.append({"type": "frame", "ts": ms / 1000, "cam": cam,
                   "path": "cams/%s/%d.jpg" % (cam, ms), "width": W,
                   "height": H, "objects": objs})
    if fr:
        got = score(sess, fr)["detections"]
        # Every box kept is a true positive at precision 1: the AP of a
        # class is the share of its boxes kept, (n + 1) // 2 of persons.
        expect(name + " detections", got["map50"],
               {"person": (nper + 1) // 2 / nper if nper else None,
                "hand": 1.0 if ngt[1] else None,
                "item": 1.0 if ngt[2] else None})
        expect(name + " frames", got, {"frames": len(fr), "skipped": 0})
    n += 1
if swaps == 0:
    sys.exit("no session had two shoppers to swap")
print("%d sessions scored as expected, %d with swapped tracks" % (n, swaps))
PY
