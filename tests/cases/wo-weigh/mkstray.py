#!/usr/bin/env python3
# mkstray.py: writes the fixture session stray/ for the stray-loss case:
# a foreign item taken off a plate, then one of the plate's own a moment
# later; the noise is seeded, so the file is the same on every run.
import random

import scalelog

random.seed(11)
RATE = 10

# cola-330 (350 g) on A1; a 100 g item that strayed there lies on it too.
def a1(t):
    if t < 3: return 2200          # 6 colas and the stray
    if t < 4.5: return 2100        # 3.0: the stray taken, still 1.5 s
    return 1750                    # 4.5: one cola taken

scalelog.write("stray/scales.log", "A1", a1, 8, RATE, 0.6)
