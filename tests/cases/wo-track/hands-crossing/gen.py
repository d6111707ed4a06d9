# gen.py: writes hands-crossing's in (camera c1 of ../store.json: 0.01875 m a
# pixel across, 1/30 m down); the crossing is busy seed 119's, at 0.1 s.
import json, os
here = os.path.dirname(os.path.abspath(__file__))
T0 = 1000.0
spot = {'a': (2.5, 4.0), 'b': (3.5, 3.9)}
def lerp(p, q, f):
    return (p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f)
def body(who, t):
    # in at the gate 0.5 s apart, 3 s to the shelf, out again from 8.5 s
    t0 = 0.0 if who == 'a' else 0.5
    gate, out = (0.5, 7.5), (9.5, 7.5)
    if t < t0:
        return None
    if t < t0 + 3:
        return lerp(gate, spot[who], (t - t0) / 3)
    if t < 8.5:
        return spot[who]
    return lerp(spot[who], out, min((t - 8.5) / 3, 1))
# b's hand sets off first, left across a's front to the coffee; a's hand
# appears a moment later, just where b's was, and goes right to the pasta.
hands = {
    'b': {5.8: (3.2, 3.89), 5.9: (2.85, 3.63), 6.0: (2.51, 3.37)},
    'a': {6.0: (2.55, 3.69), 6.1: (2.83, 3.56), 6.2: (3.12, 3.42),
          6.3: (3.37, 3.3)},
}
for k in range(61, 71):
    hands['b'][k / 10] = (2.405, 3.28)
for k in range(64, 75):
    hands['a'][k / 10] = (3.5, 3.24)
# and back, one after the other
hands['b'].update({7.1: (2.7, 3.45), 7.2: (3.0, 3.65), 7.3: (3.3, 3.8)})
hands['a'].update({7.5: (3.2, 3.45), 7.6: (2.9, 3.65), 7.7: (2.65, 3.85)})
def box(cls, p, w, h):
    return {'class': cls, 'conf': 0.9, 'x': round(p[0] / 0.01875 - w / 2, 1),
            'y': round(p[1] * 30 - h / 2, 1), 'w': w, 'h': h}
with open(os.path.join(here, 'in'), 'w') as f:
    for who, t in (('a', 0.0), ('b', 0.5)):
        f.write(json.dumps({'type': 'entry', 'ts': T0 + t, 'gate': 'in',
                            'account': 'acct-0000000' + who}) + '\n')
    for k in range(0, 121):
        t = round(k / 10, 1)
        objs = []
        for who in 'ab':
            p = body(who, t)
            if p is not None:
                objs.append(box('person', p, 21.3, 12.0))
            if t in hands[who]:
                objs.append(box('hand', hands[who][t], 8.5, 4.8))
        f.write(json.dumps({'type': 'frame', 'ts': T0 + t, 'cam': 'c1',
                            'path': 'cams/c1/%d.jpg' % ((T0 + t) * 1000),
                            'width': 320, 'height': 240,
                            'objects': objs}) + '\n')
