#!/usr/bin/env python3
# score.py: scores wo-weigh's weight events against a wo-sim session's truth.
# Usage: score.py TRUTH/events.ndjson EVENTS NAME [GAP]
# Prints one line of figures and the misses; exits 1 unless every true
# change was found once and nothing else was.
#
# Picks on one plate whose touches overlap, or follow each other within GAP
# seconds (default 0), leave no settled moment between them: a scale sees
# them as one change, the sum of theirs.  Items dropped on the floor
# (plate null) never reach a scale.
import json
import sys

truth = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
evs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
name = sys.argv[3]
gap = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0


def moved(t):
    """What a true event does to its plate's weight: "g" weighs all its items."""
    return -t["g"] if t["qty"] > 0 else t["g"]


groups = []
for t in sorted((t for t in truth if t["plate"]), key=lambda t: t["touch"][0]):
    for g in groups:
        if g["plate"] == t["plate"] and t["touch"][0] <= g["end"] + gap:
            g["delta"] += moved(t)
            g["end"] = max(g["end"], t["touch"][1])
            g["n"] += 1
            break
    else:
        groups.append({"plate": t["plate"], "start": t["touch"][0],
                       "end": t["touch"][1], "delta": moved(t), "n": 1,
                       "hit": 0})

# A weight event finds a change when it is on its plate, began while the
# hand was there, settled after it left, and moved the true weight.
fp = 0
weights = [e for e in evs if e["type"] == "weight"]
for e in weights:
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
print("%s: changes %d tp %d events %d fp %d precision %.3f recall %.3f" % (
    name, len(groups), tp, len(weights), fp,
    (len(weights) - fp) / len(weights) if weights else 1,
    tp / len(groups) if groups else 1))
sys.exit(0 if fp == 0 and tp == len(groups) else 1)
