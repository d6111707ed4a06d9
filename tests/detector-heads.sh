#!/bin/sh
# scripts/detector-heads on made-up weights of the stage-3 and stage-4
# cfgs, each float its own index: what comes out must be exactly the
# floats models/README says the next stage starts from, behind Darknet's
# header with its count of images seen set to 0; anything else is refused
# with a message naming the file.
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
exec python3 - "$ROOT/scripts/detector-heads" <<'PY'
import array, struct, subprocess, sys

heads = sys.argv[1]

def conv(n, c, size=3, bn=True):
    return (4 if bn else 1) * n + n * c * size * size

body = sum(conv(n, c) for n, c in ((8, 3), (16, 8), (32, 16), (64, 32),
                                    (64, 64)))

def made(name, n):
    with open(name, "wb") as f:
        f.write(struct.pack("<iiiq", 0, 2, 0, 38400))
        f.write(array.array("f", range(n)).tobytes())

def cut(name):
    p = subprocess.run([heads, name, name + ".out"], capture_output=True,
                       text=True)
    return p.returncode, p.stderr

def floats(name):
    data = open(name, "rb").read()
    w = array.array("f")
    w.frombytes(data[20:])
    return struct.unpack("<iiiq", data[:20]), list(w)

fail = 0
def check(what, ok):
    global fail
    if not ok:
        print("wrong:", what)
        fail = 1

# Stage 3: the 1x1 layer's 32 biases, then its 32 x 64 weights, anchors
# 0-3 of 8 filters each; anchors 2 and 3 are filters 16 to 31.
made("s3", body + 32 + 32 * 64)
rc, err = cut("s3")
check("stage 3 exit %d %s" % (rc, err), rc == 0 and err == "")
head, w = floats("s3.out")
want = (list(range(body)) + list(range(body + 16, body + 32)) +
        list(range(body + 32 + 16 * 64, body + 32 + 32 * 64)))
check("stage 3 header %s" % (head,), head == (0, 2, 0, 0))
check("stage 3 floats", w == [float(x) for x in want])

# Stage 4: everything before the stride-4 head's 3x3 layer stays.
start = body + conv(16, 64, 1, False) + conv(16, 64, 1)
made("s4", start + conv(16, 32) + conv(16, 16, 1, False))
rc, err = cut("s4")
check("stage 4 exit %d %s" % (rc, err), rc == 0 and err == "")
head, w = floats("s4.out")
check("stage 4 header %s" % (head,), head == (0, 2, 0, 0))
check("stage 4 floats", w == [float(x) for x in range(start)])

made("odd", body + 7)
for name, msg in (("odd", "odd: %d floats, neither the stage-3 cfg's %d "
                   "nor the stage-4 cfg's %d" % (body + 7, body + 32 + 32 * 64,
                   start + conv(16, 32) + conv(16, 16, 1, False))),
                  ("missing", "missing: No such file or directory")):
    rc, err = cut(name)
    check("%s: exit %d, %r" % (name, rc, err),
          rc == 1 and err == "detector-heads: %s\n" % msg)
open("text", "w").write("not weights\n")
rc, err = cut("text")
check("text: exit %d, %r" % (rc, err), rc == 1 and
      err == "detector-heads: text: not Darknet weights (12 bytes)\n")
sys.exit(fail)
PY
