#!/bin/sh
# wo-weigh-truth: on the bundled wo-sim sessions every true pick and put-back is found once, on its plate, with its weight, and nothing else
command -v python3 >/dev/null 2>&1 || exit 77
rval=0
for s in "$TESTDATA"/small "$TESTDATA"/hard; do
	[ -f "$s/truth/events.ndjson" ] || continue
	wo-weigh -r "$s" </dev/null >ev 2>err || { cat err; exit 1; }
	python3 - "$s/truth/events.ndjson" ev "$(basename "$s")" <<'PY' || rval=1
import json, sys

truth = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
evs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
name = sys.argv[3]

# What a true event does to its plate's weight: "g" weighs all its items.
def moved(t):
    return -t["g"] if t["qty"] > 0 else t["g"]

# Picks on one plate whose touches overlap leave no settled moment between
# them: a scale sees them as one change, the sum of theirs.  Items dropped
# on the floor (plate null) never reach a scale.
groups = []
for t in sorted((t for t in truth if t["plate"]), key=lambda t: t["touch"][0]):
    for g in groups:
        if g["plate"] == t["plate"] and t["touch"][0] <= g["end"]:
            g["delta"] += moved(t)
            g["end"] = max(g["end"], t["touch"][1])
            g["n"] += 1
            break
    else:
        groups.append({"plate": t["plate"], "start": t["touch"][0],
            "end": t["touch"][1], "delta": moved(t), "n": 1,
            "hit": 0})

fp = 0
for e in evs:
    if e["type"] != "weight":
        continue
    for g in groups:
        if (g["plate"] == e["plate"] and
            g["start"] - 0.5 <= e["t0"] <= g["end"] + 0.5 and
            g["end"] <= e["ts"] <= g["end"] + 3 and
            abs(e["delta_g"] - g["delta"]) <= 3 + 0.02 * abs(g["delta"])):
            g["hit"] += 1
            break
    else:
        fp += 1
        print("%s: false change %s" % (name, json.dumps(e)))
for g in groups:
    if g["hit"] != 1:
        print("%s: found %d times: %s" % (name, g["hit"], json.dumps(g)))
tp = sum(1 for g in groups if g["hit"] == 1)
nw = sum(1 for e in evs if e["type"] == "weight")
found = sum(g["n"] for g in groups if g["hit"] == 1)
print("%s: %d changes (%d true events on plates), %d weight events, "
    "precision %.3f, recall %.3f (events %.3f)" % (name, len(groups),
    sum(g["n"] for g in groups), nw, (nw - fp) / nw if nw else 1,
    tp / len(groups) if groups else 1,
    found / sum(g["n"] for g in groups) if groups else 1))
sys.exit(0 if fp == 0 and tp == len(groups) else 1)
PY
done
exit $rval
