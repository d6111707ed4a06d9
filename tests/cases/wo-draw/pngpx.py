#!/usr/bin/env python3
# pngpx: prints the size of an 8-bit RGB PNG and the colour of the pixels
# named, "X,Y RRGGBB" a line, so the drawing tests can look at wo-draw's
# pictures without an imaging library.
# usage: pngpx.py FILE [X,Y ...]
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("pngpx: %s: not a PNG" % path)
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype != 2 or lace != 0:
                sys.exit("pngpx: %s: not 8-bit RGB" % path)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * 3, [], bytearray(w * 3)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth(a, b, c))[f]) & 255
        rows.append(line)
        prev = line
    return w, h, rows


w, h, rows = read(sys.argv[1])
print("%dx%d" % (w, h))
for arg in sys.argv[2:]:
    x, y = map(int, arg.split(","))
    print("%d,%d %02x%02x%02x" % ((x, y) + tuple(rows[y][3 * x:3 * x + 3])))
