#!/usr/bin/env python3
# mkhold.py: writes the fixture session hold/ for the put-then-hold case: a
# foreign item put on a plate lies still 1.8 s, then a hand comes to rest
# on the plate for five seconds, while the item and then one of the
# plate's own are taken off (busy seed 64); the noise is seeded, so the
# file is the same on every run.
import math
import random

import scalelog

random.seed(29)
RATE = 40

# cola-330 (350 g) on A1, five of them; the stray weighs 440 g; a resting
# hand presses 150 g and wobbles.
def a1(t):
    press = 150 + 10 * math.sin(40 * t)
    if t < 2: return 1750
    if t < 2.3: return 2215 + 10 * math.sin(40 * t)   # put down
    if t < 4.1: return 2190                           # still, 1.8 s
    if t < 6: return 2190 + press                     # a hand rests
    if t < 8: return 1750 + press                     # 6.0: the stray taken
    if t < 9: return 1400 + press                     # 8.0: a cola taken
    return 1400

scalelog.write("hold/scales.log", "A1", a1, 12, RATE, 0.5)
