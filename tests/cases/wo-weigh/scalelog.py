# scalelog.py: what the one-plate fixture generators (mkslide.py,
# mkstair.py, mkstray.py, mkhold.py) share: a plate's readings, a function
# of time plus Gaussian noise from the caller's seeded random, written as
# a session's scales.log.
import random

T = 1790000000.0

def write(path, plate, weight, seconds, rate, sd):
    with open(path, "w") as f:
        for i in range(seconds * rate):
            t = i / rate
            f.write("%.3f %s %.1f\n" % (T + t, plate,
                                        weight(t) + random.gauss(0, sd)))
