#!/usr/bin/env python3
# mkshelf.py: writes the hand-planned fixture session shelf/ used by the
# wo-weigh cases: what happens on each plate is listed below, the noise is
# seeded, so the file is the same on every run.
import random

random.seed(7)
T = 1790000000.0
RATE = 10

# cola-330 (350 g) on A1, chips (60 g) on B1.
def a1(t):
    if t < 3: return 2100          # 6 colas
    if t < 6: return 1750          # 3.0: one taken
    if t < 7.2: return 1750 + 180  # 6.0: a hand rests, still
    if t < 7.6: return 1400 + 150  #      and lifts one off
    if t < 10: return 1050 + 350   # 7.2..: 1400 settled
    if t < 10.2: return 1400 + 300 # 10.0: a touch, nothing taken
    return 1400

def b1(t):
    drift = 0.4 * t                # 0.4 g/s, never a change
    if t < 5: return 600 + drift
    if t < 11: return 480 + drift  # 5.0: two taken
    return 540 + drift             # 11.0: one put back

def main():
    with open("shelf/scales.log", "w") as f:
        for i in range(14 * RATE):
            t = i / RATE
            for p, fn in (("A1", a1), ("B1", b1)):
                g = fn(t) + random.gauss(0, 0.6)
                if p == "A1" and i in (25, 88):
                    g += 600       # lone spikes
                if p == "B1" and i == 40:
                    g -= 300
                f.write("%.3f %s %.1f\n" % (T + t + (0.004 if p == "B1" else 0), p, g))

main()
