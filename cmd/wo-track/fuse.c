/* fuse.c: project one moment's boxes onto the floor and merge the cameras' views. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "track.h"

void
moment_add(struct moment *m, const struct box *b)
{
	if (m->nbox == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 32;
		m->box = wo_realloc(m->box, m->cap * sizeof(*m->box));
	}
	m->box[m->nbox++] = *b;
}

void
moment_clear(struct moment *m)
{
	m->nbox = 0;
	m->nperson = m->nhand = 0;
}

static int
byconf(const void *a, const void *b)
{
	const struct box *x = *(struct box *const *)a, *y = *(struct box *const *)b;

	if (x->conf != y->conf)
		return x->conf < y->conf ? 1 : -1;
	/* Ties fall back to the input order, which keeps the output stable. */
	return x < y ? -1 : x > y;
}

/* An item box belongs to a hand when their boxes overlap in the same view. */
static double
held(const struct moment *m, const struct box *h)
{
	double best = 0;
	int i;

	for (i = 0; i < m->nbox; i++) {
		const struct box *b = &m->box[i];

		if (b->cls != CLS_ITEM || b->cam != h->cam)
			continue;
		if (b->x < h->x + h->w && h->x < b->x + b->w &&
		    b->y < h->y + h->h && h->y < b->y + b->h && b->conf > best)
			best = b->conf;
	}
	return best;
}

/*
 * Merges the boxes of class cls into observations: overhead cameras see a
 * person's centre straight down, so the box centre through the camera's
 * homography is where the person stands.  Views from different cameras
 * closer than r are one person; two boxes from one camera never are, which
 * keeps two shoppers standing close apart.  Strongest boxes go first, so an
 * observation's position leans to the best views.
 */
static int
fuse(struct moment *m, const struct wo_store *st, int cls, double r,
    struct obs *out)
{
	struct box **v;
	int i, j, nv = 0, n = 0;

	v = wo_calloc(m->nbox ? m->nbox : 1, sizeof(*v));
	for (i = 0; i < m->nbox; i++)
		if (m->box[i].cls == cls)
			v[nv++] = &m->box[i];
	qsort(v, nv, sizeof(*v), byconf);
	for (i = 0; i < nv; i++) {
		const struct box *b = v[i];
		unsigned long bit = 1UL << (b->cam % (8 * sizeof(long)));
		double x, y, bd = r;
		int best = -1;

		if (!wo_homog(st->cams[b->cam].H, b->x + b->w / 2,
		    b->y + b->h / 2, &x, &y))
			continue;
		for (j = 0; j < n; j++) {
			double d = hypot(out[j].x - x, out[j].y - y);

			if (!(out[j].cams & bit) && d < bd) {
				bd = d;
				best = j;
			}
		}
		if (best < 0) {
			best = n++;
			memset(&out[best], 0, sizeof(out[best]));
			out[best].x = x;
			out[best].y = y;
			out[best].conf = b->conf;
			out[best].n = 1;
		} else {
			struct obs *o = &out[best];
			double w = o->n * 1.0;

			/* Equal weights per view: conf is not a position error. */
			o->x = (o->x * w + x) / (w + 1);
			o->y = (o->y * w + y) / (w + 1);
			o->n++;
		}
		out[best].cams |= bit;
		if (cls == CLS_HAND) {
			double h = held(m, b);

			if (h > out[best].item)
				out[best].item = h;
		}
	}
	free(v);
	return n;
}

void
moment_fuse(struct moment *m, const struct wo_store *st, double person_r,
    double hand_r)
{
	free(m->person);
	free(m->hand);
	m->person = wo_calloc(m->nbox + 1, sizeof(*m->person));
	m->hand = wo_calloc(m->nbox + 1, sizeof(*m->hand));
	m->nperson = fuse(m, st, CLS_PERSON, person_r, m->person);
	m->nhand = fuse(m, st, CLS_HAND, hand_r, m->hand);
}
