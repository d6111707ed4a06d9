#!/usr/bin/env python3
# mkstray.py: writes the fixture session stray/ for the stray-loss case:
# a foreign item taken off a plate, then one of the plate's own a moment
# later; the noise is seeded, so the file is the same on every run.
import random

random.seed(11)
T = 1790000000.0
RATE = 10

# cola-330 (350 g) on A1; a 100 g item that strayed there lies on it too.
def a1(t):
    if t < 3: return 2200          # 6 colas and the stray
    if t < 4.5: return 2100        # 3.0: the stray taken, still 1.5 s
    return 1750                    # 4.5: one cola taken

def main():
    with open("stray/scales.log", "w") as f:
        for i in range(8 * RATE):
            t = i / RATE
            f.write("%.3f A1 %.1f\n" % (T + t, a1(t) + random.gauss(0, 0.6)))

main()
