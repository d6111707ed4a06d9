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

/* A box cut by the edge of the picture has its centre in the wrong place. */
static int
clipped(const struct wo_store *st, const struct box *b)
{
	const struct wo_cam *c = &st->cams[b->cam];

	return b->x <= 1 || b->y <= 1 || b->x + b->w >= c->width - 1 ||
	    b->y + b->h >= c->height - 1;
}

static int
byconf(const void *a, const void *b)
{
	const struct box *x = *(struct box *const *)a, *y = *(struct box *const *)b;

	if (x->clip != y->clip)
		return x->clip - y->clip;
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
 * Where a person stands, from their box.  The box holds the arms, hands and
 * items too, so a shopper reaching for a shelf has a box twice their size
 * with its centre over the shelf.  On each floor axis where the hands that
 * end the box (hand boxes at one end of it, same view) are all at the same
 * end, the body is at the other end, BODY_R in from it; otherwise it is in
 * the middle.
 */
#define BODY_R	0.18	/* m, half a body along the arm, shoulder to back */
#define EDGE_PX	3	/* pixels from a box's edge that still touch it */
#define EDGE_M	0.06	/* m, the same on the floor */

/*
 * A person's own outstretched hand is the far end of their box, so it
 * touches the box's edge; a neighbour's hand reaching across lies inside.
 */
static int
at_edge(const struct box *b, const struct box *h)
{
	return h->x - b->x <= EDGE_PX || h->y - b->y <= EDGE_PX ||
	    b->x + b->w - (h->x + h->w) <= EDGE_PX ||
	    b->y + b->h - (h->y + h->h) <= EDGE_PX;
}

static void
floor_box(const double *H, const struct box *b, double lo[2], double hi[2])
{
	double p[2];
	int i, k;

	lo[0] = lo[1] = INFINITY;
	hi[0] = hi[1] = -INFINITY;
	for (k = 0; k < 4; k++) {
		if (!wo_homog(H, b->x + (k & 1) * b->w, b->y + (k >> 1) * b->h,
		    &p[0], &p[1]))
			continue;
		for (i = 0; i < 2; i++) {
			if (p[i] < lo[i])
				lo[i] = p[i];
			if (p[i] > hi[i])
				hi[i] = p[i];
		}
	}
}

static int
body(const struct moment *m, const struct wo_store *st, const struct box *b,
    double *x, double *y)
{
	const double *H = st->cams[b->cam].H;
	double lo[2], hi[2], hlo[2], hhi[2], c[2];
	int side[2] = { 0, 0 }, seen[2] = { 0, 0 }, i, k;

	floor_box(H, b, lo, hi);
	if (!isfinite(lo[0]) || !wo_homog(H, b->x + b->w / 2, b->y + b->h / 2,
	    &c[0], &c[1]))
		return 0;
	/*
	 * Per floor axis, only a hand at that axis's end of the box says
	 * where the arm went: two shoppers reaching across each other for
	 * the shelf both have the other's hand at the shelf side of their
	 * box, but only their own at its far left or right.
	 */
	for (k = 0; k < m->nbox; k++) {
		const struct box *h = &m->box[k];
		double u = h->x + h->w / 2, v = h->y + h->h / 2;

		if (h->cls != CLS_HAND || h->cam != b->cam || u < b->x ||
		    u > b->x + b->w || v < b->y || v > b->y + b->h)
			continue;
		floor_box(H, h, hlo, hhi);
		for (i = 0; i < 2; i++) {
			int s = hhi[i] >= hi[i] - EDGE_M ? 1 :
			    hlo[i] <= lo[i] + EDGE_M ? -1 : 0;

			if (s == 0)
				continue;
			side[i] = seen[i]++ == 0 || side[i] == s ? s : 2;
		}
	}
	for (i = 0; i < 2; i++)
		if ((side[i] == 1 || side[i] == -1) && hi[i] - lo[i] > 2 * BODY_R)
			c[i] = side[i] > 0 ? lo[i] + BODY_R : hi[i] - BODY_R;
	*x = c[0];
	*y = c[1];
	return 1;
}

/*
 * The person view whose box the hand box ends, when exactly one does in
 * its picture: an outstretched arm makes its owner's box reach out to the
 * hand, while a neighbour's box it crosses has it inside.  -1 otherwise.
 */
static int
ends(const struct moment *m, const struct box *h)
{
	int i, o = -1, n = 0;

	for (i = 0; i < m->nbox; i++) {
		const struct box *b = &m->box[i];
		double u = h->x + h->w / 2, v = h->y + h->h / 2;

		if (b->cls != CLS_PERSON || b->cam != h->cam || b->obs < 0 ||
		    u < b->x || u > b->x + b->w || v < b->y ||
		    v > b->y + b->h || !at_edge(b, h))
			continue;
		o = b->obs;
		n++;
	}
	return n == 1 ? o : -1;
}

/* Where a view puts its person or hand on the floor; 0 when nowhere. */
static int
place(const struct moment *m, const struct wo_store *st, int cls,
    const struct box *b, double *x, double *y)
{
	if (cls == CLS_PERSON)
		return body(m, st, b, x, y);
	return wo_homog(st->cams[b->cam].H, b->x + b->w / 2, b->y + b->h / 2,
	    x, y);
}

static void
join(struct moment *m, struct box *b, int cls, double x, double y,
    struct obs *o, int fresh)
{
	if (fresh) {
		memset(o, 0, sizeof(*o));
		o->owner = -1;
		o->x = x;
		o->y = y;
		o->conf = b->conf;
		o->n = 1;
		o->clean = !b->clip;
	} else if (!b->clip || !o->clean) {
		double w = o->n * 1.0;

		/* Equal weights per view: conf is not a position error. */
		o->x = (o->x * w + x) / (w + 1);
		o->y = (o->y * w + y) / (w + 1);
		o->n++;
		if (b->conf > o->conf)
			o->conf = b->conf;
	}
	if (b->hashist) {
		int k;

		for (k = 0; k < NHIST; k++)
			o->hist[k] = (o->hist[k] * o->hashist + b->hist[k]) /
			    (o->hashist + 1);
		o->hashist++;
	}
	o->cams |= 1UL << (b->cam % (8 * sizeof(long)));
	if (cls == CLS_HAND) {
		double h = held(m, b);
		int w = ends(m, b);

		if (h > o->item)
			o->item = h;
		if (w >= 0 && o->owner < 0)
			o->owner = w;
	}
}

/* A group of views taken for one person while fuse() gathers them. */
struct group {
	double	 sx, sy;	/* sum of the positions that place it */
	int	 n, clean;
	unsigned long cams;
};

static double
apart(const struct group *a, const struct group *b)
{
	return hypot(a->sx / a->n - b->sx / b->n, a->sy / a->n - b->sy / b->n);
}

/*
 * Merges the boxes of class cls into observations: overhead cameras see a
 * person's centre straight down, so the box centre through the camera's
 * homography is where the person stands.  Views from different cameras
 * closer than r are one person; two boxes from one camera never are, which
 * keeps two shoppers standing close apart.  A box cut by the picture's edge
 * only confirms a whole view of the same person and moves it nowhere.
 *
 * The closest two groups of views are merged first, again and again, and
 * never two that share a camera.  Taking the views one by one instead, in
 * order of confidence, paired two shoppers 0.5 m apart crosswise: the first
 * view of one joined the other's whenever it lay within r of it and the
 * right partner was not yet there (cut by an edge, so taken last), and both
 * came out at the point between them, where their tracks swapped.
 */
static int
fuse(struct moment *m, const struct wo_store *st, int cls, double r,
    struct obs *out)
{
	struct box **v;
	struct group *g;
	double *px, *py, *d, bd;
	unsigned long cams;
	int *root, *obs, i, j, k, bi, bj, nv = 0, n = 0;

	v = wo_calloc(m->nbox + 1, sizeof(*v));
	for (i = 0; i < m->nbox; i++)
		if (m->box[i].cls == cls) {
			m->box[i].obs = -1;
			m->box[i].clip = clipped(st, &m->box[i]);
			v[nv++] = &m->box[i];
		}
	/* Whole views first, strongest first: a group's first view leads it. */
	qsort(v, nv, sizeof(*v), byconf);
	px = wo_calloc(nv + 1, sizeof(*px));
	py = wo_calloc(nv + 1, sizeof(*py));
	g = wo_calloc(nv + 1, sizeof(*g));
	root = wo_calloc(nv + 1, sizeof(*root));
	obs = wo_calloc(nv + 1, sizeof(*obs));
	d = wo_calloc((size_t)nv * nv + 1, sizeof(*d));
	for (i = 0, k = 0; i < nv; i++) {
		if (!place(m, st, cls, v[i], &px[k], &py[k]))
			continue;
		v[k] = v[i];
		g[k].sx = px[k];
		g[k].sy = py[k];
		g[k].n = 1;
		g[k].clean = !v[k]->clip;
		g[k].cams = 1UL << (v[k]->cam % (8 * sizeof(long)));
		root[k] = k;
		k++;
	}
	nv = k;
	for (i = 0; i < nv; i++)
		for (j = i + 1; j < nv; j++)
			d[i * nv + j] = apart(&g[i], &g[j]);
	for (;;) {
		bd = r;
		bi = bj = -1;
		for (i = 0; i < nv; i++)
			for (j = i + 1; j < nv && root[i] == i; j++)
				if (root[j] == j && !(g[i].cams & g[j].cams) &&
				    d[i * nv + j] < bd) {
					bd = d[i * nv + j];
					bi = i;
					bj = j;
				}
		if (bi < 0)
			break;
		cams = g[bi].cams | g[bj].cams;
		/* Views cut by an edge place a group only while it has no other. */
		if (g[bi].clean == g[bj].clean) {
			g[bi].sx += g[bj].sx;
			g[bi].sy += g[bj].sy;
			g[bi].n += g[bj].n;
		} else if (g[bj].clean)
			g[bi] = g[bj];
		g[bi].cams = cams;
		for (k = 0; k < nv; k++)
			if (root[k] == bj)
				root[k] = bi;
		for (k = 0; k < nv; k++)
			if (root[k] == k && k != bi)
				d[(k < bi ? k : bi) * nv + (k < bi ? bi : k)] =
				    apart(&g[k], &g[bi]);
	}
	for (i = 0; i < nv; i++) {
		int fresh = root[i] == i;

		if (fresh)
			obs[i] = n++;
		j = obs[root[i]];
		join(m, v[i], cls, px[i], py[i], &out[j], fresh);
		v[i]->obs = j;
	}
	free(v);
	free(px);
	free(py);
	free(g);
	free(root);
	free(obs);
	free(d);
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
