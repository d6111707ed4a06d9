# gen.py: writes hands-twin's in (camera c1 of ../store.json: 0.01875 m a
# pixel across, 1/30 m down).
import json, os
here = os.path.dirname(os.path.abspath(__file__))
T0 = 1000.0
def box(cls, x, y, w, h, conf=0.9):
    return {'class': cls, 'conf': conf, 'x': round(x / 0.01875 - w / 2, 1),
            'y': round(y * 30 - h / 2, 1), 'w': w, 'h': h}
with open(os.path.join(here, 'in'), 'w') as f:
    f.write(json.dumps({'type': 'entry', 'ts': T0, 'gate': 'in',
                        'account': 'acct-0000000a'}) + '\n')
    for k in range(0, 61):
        t = round(k / 10, 1)
        x, y = (0.5 + (2.5 - 0.5) * min(t / 3, 1), 7.5 - 3.5 * min(t / 3, 1))
        objs = [box('person', x, y, 21.3, 12.0)]
        if 3.5 <= t < 4.5:
            # one hand, boxed twice by the detector 2 pixels apart
            objs += [box('hand', 2.3, 3.4, 8.5, 4.8),
                     box('hand', 2.3 + 2 * 0.01875, 3.4, 8.5, 4.8, 0.6)]
        if 4.5 <= t < 5.5:
            # two hands 0.15 m apart (8 pixels), both kept
            objs += [box('hand', 2.3, 3.4, 8.5, 4.8),
                     box('hand', 2.3 + 8 * 0.01875, 3.4, 8.5, 4.8)]
        f.write(json.dumps({'type': 'frame', 'ts': T0 + t, 'cam': 'c1',
                            'path': 'cams/c1/%d.jpg' % ((T0 + t) * 1000),
                            'width': 320, 'height': 240,
                            'objects': objs}) + '\n')
