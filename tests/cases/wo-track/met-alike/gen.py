# gen.py: draws met-alike's frames (cams/c1/*.png) from the boxes in frames: grey squares with a red or blue stripe
import json, os, struct, zlib
here = os.path.dirname(os.path.abspath(__file__))
def png(path, w, h, px):
    raw = b''.join(b'\0' + bytes(px[y * w * 3:(y + 1) * w * 3]) for y in range(h))
    def chunk(t, c):
        return struct.pack('>I', len(c)) + t + c + struct.pack('>I', zlib.crc32(t + c))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
                chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))
# Top pair: one stripe row of the box's middle 13 x 13 (8% of it); bottom pair: four rows (31%).
rows = {50.0: [10], 140.0: [8, 9, 10, 11]}
for l in open(os.path.join(here, 'frames')):
    e = json.loads(l)
    w, h = e['width'], e['height']
    px = bytearray([200] * (w * h * 3))
    for i, o in enumerate(e['objects']):
        x0, y0 = int(o['x']), int(o['y'])
        stripe = (220, 30, 30) if i % 2 == 0 else (30, 30, 220)
        for y in range(y0, y0 + int(o['h'])):
            c = stripe if y - y0 in rows[o['y']] else (90, 90, 90)
            for x in range(x0, x0 + int(o['w'])):
                px[(y * w + x) * 3:(y * w + x) * 3 + 3] = bytes(c)
    p = e['path'].replace('@CASE@', here)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    png(p, w, h, px)
