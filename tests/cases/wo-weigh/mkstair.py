#!/usr/bin/env python3
# mkstair.py: writes the fixture session stair/ for the stair case: two
# hands pick from one plate 0.4 s apart, one item and then two, and each
# lift wobbles the plate a moment, so the scale sees one change of three
# items; the noise is seeded, so the file is the same on every run.
import math
import random

import scalelog

random.seed(23)
RATE = 50

# A lift of g grams from w begun at t0: the weight leaves over 0.1 s and
# wobbles 0.1 s more as the item clears its neighbours.
def lift(w, g, t0, t):
    if t < t0: return w
    if t < t0 + 0.1: return w - g * (t - t0) / 0.1
    if t < t0 + 0.2: return w - g + 10 * math.sin(40 * t)
    return w - g

# cola-330 (350 g) on A1, six of them.
def a1(t):
    if t < 5.4: return lift(2100, 350, 5.0, t)     # the first hand: one
    return lift(1750, 700, 5.4, t)                  # the second: two

scalelog.write("stair/scales.log", "A1", a1, 8, RATE, 0.5)
