#!/bin/sh
# wo-eval against a second, brute-force implementation in Python: random
# small sessions (fixed seeds) of receipts, tracks, hands and detections,
# scored by both; every number must agree.  The reference enumerates every
# assignment instead of using the Hungarian method, and follows the rules
# as wo-eval(1) states them.
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
exec python3 - <<'PY'
import itertools, json, math, os, random, subprocess, sys

def run(sess, lines, *opts):
    p = subprocess.run(["wo-eval", "-j", *opts, sess], input="".join(
        json.dumps(l) + "\n" for l in lines), capture_output=True, text=True)
    if p.returncode != 0 or p.stderr:
        sys.exit("wo-eval failed: %d %s" % (p.returncode, p.stderr))
    return json.loads(p.stdout)

def ratio(a, b):
    return None if b == 0 else a / b

def receipts(rng):
    skus = ["a", "b", "c", "d"]
    accts = ["acct-%08x" % i for i in range(5)]
    truth, want_t = [], {}
    for a in accts[:rng.randint(0, 4)]:
        items = [{"sku": s, "qty": rng.randint(0, 3)}
                 for s in rng.sample(skus, rng.randint(0, 3))]
        truth.append({"account": a, "items": items})
        want_t.setdefault(a, {})
        for it in items:
            want_t[a][it["sku"]] = want_t[a].get(it["sku"], 0) + it["qty"]
    evs, got, nflag = [], {}, 0
    for i in range(rng.randint(0, 6)):
        a = rng.choice(accts + [None])
        items = [{"sku": s, "qty": rng.randint(0, 3)}
                 for s in rng.sample(skus, rng.randint(0, 3))]
        review = rng.random() < 0.3
        nflag += review
        evs.append({"type": "checkout", "ts": i, "visit": "v%d" % i,
                    "account": a, "items": items, "review": review})
        got.setdefault(a, {})
        for it in items:
            got[a][it["sku"]] = got[a].get(it["sku"], 0) + it["qty"]
    tp = fp = fn = nexact = 0
    for a in set(want_t) | set(got):
        t, c = want_t.get(a, {}), got.get(a, {})
        for s in set(t) | set(c):
            x, y = t.get(s, 0), c.get(s, 0)
            tp += min(x, y); fp += max(y - x, 0); fn += max(x - y, 0)
        if a in want_t:
            nexact += all(t.get(s, 0) == c.get(s, 0) for s in set(t) | set(c))
    want = {"tp": tp, "fp": fp, "fn": fn, "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, tp + fn), "f1": ratio(2 * tp, 2 * tp + fp + fn),
            "exact": ratio(nexact, len(want_t)), "review": ratio(nflag, len(evs)),
            "visits": len(want_t), "checkouts": len(evs), "flagged": nflag}
    return truth, evs, want

def best_matching(rows, cols, ok, key):
    """Every one-to-one matching of rows into cols (or none); the best by key."""
    best = None
    for k in range(min(len(rows), len(cols)), -1, -1):
        for rs in itertools.combinations(rows, k):
            for cs in itertools.permutations(cols, k):
                pairs = list(zip(rs, cs))
                if all(ok(r, c) for r, c in pairs):
                    if best is None or key(pairs) < key(best):
                        best = pairs
    return best

def tracks(rng, dist):
    truth, evs = [], []
    frames = {}
    acc = {}	# each track's account, or None
    for f in range(rng.randint(1, 7)):
        ts = 100 + f * 0.1
        g = {a: (rng.uniform(0, 2), rng.uniform(0, 2))
             for a in rng.sample(range(4), rng.randint(0, 3))}
        h = {}
        for t in rng.sample(range(5), rng.randint(0, 4)):
            if g and rng.random() < 0.7:
                x, y = g[rng.choice(sorted(g))]
                h[t] = (x + rng.uniform(-0.6, 0.6), y + rng.uniform(-0.6, 0.6))
            else:
                h[t] = (rng.uniform(0, 2), rng.uniform(0, 2))
        frames[f] = (g, h)
        for a, (x, y) in g.items():
            truth.append({"ts": ts, "account": "acct-%08x" % a, "x": x, "y": y})
        for t, (x, y) in h.items():
            evs.append({"type": "track", "ts": ts, "track": t,
                        "account": acc.setdefault(t, rng.choice(
                            [None, "acct-%08x" % rng.randrange(4)])),
                        "x": x, "y": y})
    order = []	# shoppers in order of first appearance, as wo-eval takes them
    for r in truth:
        if r["account"] not in order:
            order.append(r["account"])
    last, gt = {}, 0
    nm = fp = fn = sw = bound = 0
    dsum = 0.0
    pair = {}
    for f in sorted(frames):
        g, h = frames[f]
        g = {"acct-%08x" % a: p for a, p in g.items()}
        d = lambda a, t: math.dist(g[a], h[t])
        gt += len(g)
        for a in g:
            for t in h:
                if d(a, t) <= dist:
                    pair[a, t] = pair.get((a, t), 0) + 1
        used_h, matched = set(), set()
        for a in sorted(g, key=order.index):
            t = last.get(a)
            if t in h and t not in used_h and d(a, t) <= dist:
                used_h.add(t); matched.add(a); dsum += d(a, t); nm += 1
                bound += acc[t] == a
        rows = [a for a in g if a not in matched]
        cols = [t for t in h if t not in used_h]
        best = best_matching(rows, cols, lambda a, t: d(a, t) <= dist,
                             lambda p: (-len(p), sum(d(a, t) for a, t in p)))
        for a, t in best:
            if a in last and last[a] != t:
                sw += 1
            last[a] = t
            dsum += d(a, t); nm += 1
            bound += acc[t] == a
        fn += len(g) - len(matched) - len(best)
        fp += len(h) - len(used_h) - len(best)
    nh = len(evs)
    ga = sorted({a for a, t in pair}); ha = sorted({t for a, t in pair})
    best = best_matching(ga, ha, lambda a, t: True,
                         lambda p: -sum(pair.get(x, 0) for x in p))
    idtp = sum(pair.get(x, 0) for x in best)
    want = {"mota": None if gt == 0 else 1 - (fn + fp + sw) / gt,
            "idf1": ratio(2 * idtp, gt + nh), "idp": ratio(idtp, nh),
            "idr": ratio(idtp, gt), "motp": ratio(dsum, nm),
            "frames": sum(1 for g, h in frames.values() if g or h),
            "gt": gt, "matches": nm, "fp": fp,
            "fn": fn, "idsw": sw, "idtp": idtp, "bound": ratio(bound, nm)}
    return truth, evs, want

def hands(rng):
    """Truth and track events with hands; the hands section wanted."""
    truth, evs = [], []
    gt = rep = nm = right = wrong = unbound = 0
    for f in range(rng.randint(1, 5)):
        ts = 100 + f * 0.1
        g = []	# (x, y, account) of each true hand
        for a in rng.sample(range(3), rng.randint(0, 3)):
            hs = [(rng.uniform(0, 0.6), rng.uniform(0, 0.6))
                  for _ in range(rng.randint(0, 2))]
            g += [(x, y, a) for x, y in hs]
            line = {"ts": ts, "account": "acct-%08x" % a, "x": 0, "y": 0}
            if hs:
                line["hands"] = [{"x": x, "y": y} for x, y in hs]
            truth.append(line)
        h = []	# (x, y, account or None) of each reported hand
        for t in range(rng.randint(0, 3)):
            a = rng.choice([None, 0, 1, 2, 3])
            hs = []
            for _ in range(rng.randint(0, 2)):
                if g and rng.random() < 0.8:
                    x, y, _ = rng.choice(g)
                    hs.append((x + rng.uniform(-0.15, 0.15),
                               y + rng.uniform(-0.15, 0.15)))
                else:
                    hs.append((rng.uniform(0, 0.6), rng.uniform(0, 0.6)))
            h += [(x, y, a) for x, y in hs]
            evs.append({"type": "track", "ts": ts, "track": t,
                        "account": None if a is None else "acct-%08x" % a,
                        "x": 0, "y": 0,
                        "hands": [{"x": x, "y": y} for x, y in hs]})
        gt += len(g); rep += len(h)
        d = lambda i, j: math.dist(h[i][:2], g[j][:2])
        best = best_matching(range(len(h)), range(len(g)),
                             lambda i, j: d(i, j) <= 0.15,
                             lambda p: (-len(p), sum(d(i, j) for i, j in p)))
        for i, j in best:
            nm += 1
            if h[i][2] is None:
                unbound += 1
            elif h[i][2] == g[j][2]:
                right += 1
            else:
                wrong += 1
    want = {"attached": ratio(right, nm), "recall": ratio(nm, gt),
            "precision": ratio(nm, rep), "gt": gt, "reported": rep,
            "matches": nm, "right": right, "wrong": wrong,
            "unbound": unbound}
    return truth, evs, want

def iou(a, b):
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)

def detections(rng, sess):
    W, H = 200, 100
    names = ["person", "hand", "item"]
    evs, gts, dets = [], {}, []
    os.makedirs(sess + "/truth/labels/c1")
    for f in range(rng.randint(1, 4)):
        ms = 5000 + f * 100
        boxes, lines = [], []
        for i in range(rng.randint(0, 4)):
            c = rng.randrange(3)
            w, h = rng.choice([0.1, 0.2, 0.25]), rng.choice([0.2, 0.4])
            cx, cy = rng.choice([0.25, 0.5, 0.75]), rng.choice([0.25, 0.5])
            lines.append("%d %g %g %g %g\n" % (c, cx, cy, w, h))
            boxes.append((c, ((cx - w / 2) * W, (cy - h / 2) * H, w * W, h * H)))
        with open("%s/truth/labels/c1/%d.txt" % (sess, ms), "w") as fp:
            fp.writelines(lines)
        gts[ms] = boxes
        objs = []
        for i in range(rng.randint(0, 5)):
            if boxes and rng.random() < 0.7:
                c, b = rng.choice(boxes)
                b = (b[0] + rng.uniform(-15, 15), b[1] + rng.uniform(-8, 8),
                     b[2], b[3])
                if rng.random() < 0.2:
                    c = rng.randrange(3)
            else:
                c = rng.randrange(3)
                b = (rng.uniform(0, 150), rng.uniform(0, 70), 30, 20)
            conf = round(rng.random(), 6)
            objs.append({"class": names[c], "conf": conf, "x": b[0],
                         "y": b[1], "w": b[2], "h": b[3]})
            dets.append((-conf, len(dets), ms, c, b))
        evs.append({"type": "frame", "ts": ms / 1000, "cam": "c1",
                    "path": "cams/c1/%d.jpg" % ms, "width": W, "height": H,
                    "objects": objs})
    want = {}
    for c in range(3):
        npos = sum(1 for bs in gts.values() for k, _ in bs if k == c)
        taken, tps = set(), []
        for _, _, ms, k, b in sorted(dets):
            if k != c:
                continue
            ov = [(iou(b, g), j) for j, (kk, g) in enumerate(gts[ms]) if kk == c]
            o, j = max(ov, default=(0, None))
            ok = o >= 0.5 and (ms, j) not in taken
            if ok:
                taken.add((ms, j))
            tps.append(ok)
        if npos == 0:
            want[names[c]] = None
            continue
        rec, prec, n = [0.0], [0.0], 0
        for i, t in enumerate(tps):
            n += t
            rec.append(n / npos); prec.append(n / (i + 1))
        rec.append(1.0); prec.append(0.0)
        for i in range(len(prec) - 2, -1, -1):
            prec[i] = max(prec[i], prec[i + 1])
        want[names[c]] = sum((rec[i + 1] - rec[i]) * prec[i + 1]
                             for i in range(len(rec) - 1))
    return evs, want

def same(a, b):
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)

def check(what, got, want):
    for k, v in want.items():
        if not same(got.get(k), v):
            sys.exit("%s: %s is %r, want %r" % (what, k, got.get(k), v))

for seed in range(150):
    rng = random.Random(seed)
    sess = "s%d" % seed
    os.makedirs(sess + "/truth")
    truth, evs, want = receipts(rng)
    with open(sess + "/truth/receipts.ndjson", "w") as fp:
        fp.writelines(json.dumps(r) + "\n" for r in truth)
    check("seed %d receipts" % seed, run(sess, evs)["receipts"], want)
    dist = rng.choice([0.5, 0.3, 0.8])
    truth, evs, want = tracks(rng, dist)
    with open(sess + "/truth/tracks.ndjson", "w") as fp:
        fp.writelines(json.dumps(r) + "\n" for r in truth)
    if evs:
        check("seed %d tracks" % seed,
              run(sess, evs, "-d", str(dist))["tracks"], want)
    truth, evs, want = hands(random.Random(1000 + seed))
    os.makedirs("h%d/truth" % seed)
    with open("h%d/truth/receipts.ndjson" % seed, "w") as fp:
        fp.write('{"account":"acct-00000000","items":[]}\n')
    with open("h%d/truth/tracks.ndjson" % seed, "w") as fp:
        fp.writelines(json.dumps(r) + "\n" for r in truth)
    got = run("h%d" % seed, evs)
    if want["gt"] and want["reported"]:
        check("seed %d hands" % seed, got["hands"], want)
    evs, want = detections(rng, sess)
    check("seed %d detections" % seed,
          run(sess, evs)["detections"]["map50"], want)
print("150 sessions agree")
PY
