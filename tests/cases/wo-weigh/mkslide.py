#!/usr/bin/env python3
# mkslide.py: writes the fixture session slide/ for the slide-put case: a
# foreign item put on a plate rocks a moment before it lies still, then
# is taken off again 2.5 s after it was put down; the noise is seeded, so
# the file is the same on every run.
import math
import random

import scalelog

random.seed(17)
RATE = 40

# cola-330 (350 g) on A1, five of them; the stray weighs 440 g.
def a1(t):
    if t < 10: return 1750
    if t < 10.5:                    # the hand presses it down
        return 2215 + 10 * math.sin(40 * t)
    if t < 10.6: return 2191.0      # still rocking, a gram heavy
    if t < 13: return 2190          # at rest
    if t < 13.5:                    # the hand takes it back
        return 2215 + 10 * math.sin(40 * t)
    return 1750

scalelog.write("slide/scales.log", "A1", a1, 16, RATE, 0.5)
