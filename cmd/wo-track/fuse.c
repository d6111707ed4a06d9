/* fuse.c: project one moment's boxes onto the floor and merge the cameras' views. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "track.h"

#define HAND_TWIN	0.1	/* m, one camera's hand boxes this close: one */

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

/*
 * Whether pixel (u, v) of person box b lies in a surer person box of its
 * frame (boxes from index from on).  Where two boxes overlap, the person
 * seen best is most likely the one in front, and the pixel shows them: a
 * box straddling two close shoppers would otherwise take on the look of
 * the one in front and pull that one's track to it (busy seed 14's swap).
 */
int
box_covered(const struct moment *m, int from, const struct box *b,
    double u, double v)
{
	int i;

	for (i = from; i < m->nbox; i++) {
		const struct box *o = &m->box[i];

		if (o != b && o->cls == CLS_PERSON && o->conf > b->conf &&
		    u >= o->x && u < o->x + o->w &&
		    v >= o->y && v < o->y + o->h)
			return 1;
	}
	return 0;
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
 *
 * Along an axis where the box is long enough to hold two shoppers standing
 * as close as they do (LONG_M), the middle is no place for a body: with no
 * hand at one end only, the body is at either end (end, either), and a
 * track takes the end it stands at.  Two shoppers reaching across each
 * other both have boxes spanning the two of them, and a hand of theirs
 * easily missed or seen just inside makes the box seem to end in one arm
 * only: when another person box of the picture has its centre inside, the
 * far end stays a place for the body too (end, not either).
 */
#define BODY_R	0.18	/* m, half a body along the arm, shoulder to back */
#define LONG_M	(CLOSE_M + 2 * BODY_R)	/* a box that holds two of them */
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

/* Another person box of b's picture has its centre inside b. */
static int
shared(const struct moment *m, const struct box *b)
{
	int k;

	for (k = 0; k < m->nbox; k++) {
		const struct box *o = &m->box[k];
		double u = o->x + o->w / 2, v = o->y + o->h / 2;

		if (o != b && o->cls == CLS_PERSON && o->cam == b->cam &&
		    u >= b->x && u <= b->x + b->w && v >= b->y &&
		    v <= b->y + b->h)
			return 1;
	}
	return 0;
}

static int
body(const struct moment *m, const struct wo_store *st, const struct box *b,
    double c[2], double end[2][2], int either[2])
{
	const double *H = st->cams[b->cam].H;
	double lo[2], hi[2], hlo[2], hhi[2];
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
	for (i = 0; i < 2; i++) {
		int one = side[i] == 1 || side[i] == -1;

		if (one && hi[i] - lo[i] > 2 * BODY_R)
			c[i] = side[i] > 0 ? lo[i] + BODY_R : hi[i] - BODY_R;
		end[i][0] = end[i][1] = c[i];
		either[i] = 0;
		if (hi[i] - lo[i] > LONG_M && (!one || shared(m, b))) {
			end[i][0] = lo[i] + BODY_R;
			end[i][1] = hi[i] - BODY_R;
			either[i] = !one;
		}
	}
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
    const struct box *b, double c[2], double end[2][2], int either[2])
{
	int i;

	if (cls == CLS_PERSON)
		return body(m, st, b, c, end, either);
	if (!wo_homog(st->cams[b->cam].H, b->x + b->w / 2, b->y + b->h / 2,
	    &c[0], &c[1]))
		return 0;
	for (i = 0; i < 2; i++) {
		end[i][0] = end[i][1] = c[i];
		either[i] = 0;
	}
	return 1;
}

/* Adds view b to observation o, all but its place; fresh: o is new. */
static void
join(struct moment *m, struct box *b, int cls, struct obs *o, int fresh)
{
	if (fresh) {
		memset(o, 0, sizeof(*o));
		o->owner = -1;
		o->arm = -1;
		o->conf = b->conf;
		o->clean = !b->clip;
	} else if ((!b->clip || !o->clean) && b->conf > o->conf)
		o->conf = b->conf;
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
		int w = ends(m, b), a;

		if (h > o->item)
			o->item = h;
		if (w >= 0 && o->owner < 0)
			o->owner = w;
		/* Views that disagree about the arm leave it unknown. */
		if (b->arm >= 0 && o->arm != -2) {
			a = m->box[b->arm].obs;
			o->arm = o->arm == -1 || o->arm == a ? a : -2;
		}
	}
}

/* A view placed on the floor, and the group of views it is in. */
struct view {
	struct box *b;
	double	 c[2], end[2][2];
	int	 either[2];
	int	 root;		/* the group's first view */
};

/* A group of views taken for one person while fuse() gathers them. */
struct group {
	double	 sx, sy;	/* sum of the positions that place it */
	int	 n, clean;
	unsigned long cams;
	int	 trk;		/* persons: the track it lies by, or -1 */
};

/*
 * The confirmed track still seen (not lost) that a group of person views
 * lies by: the nearest whose prediction is within CLOSE_M (further off, a
 * neighbour standing as close as shoppers do could be the one seen), or
 * -1.  Views cut by an edge have their centres in the wrong place and lie
 * by none.
 */
static int
by_track(const struct group *a)
{
	double bd = CLOSE_M, d;
	int i, best = -1;

	if (!a->clean)
		return -1;
	for (i = 0; i < ntrk; i++)
		if (trk[i].confirmed && trk[i].t - trk[i].seen <= LOST_AFTER &&
		    (d = hypot(trk[i].kf.x[0] - a->sx / a->n,
		    trk[i].kf.x[1] - a->sy / a->n)) < bd) {
			bd = d;
			best = i;
		}
	return best;
}

/* How much nearer track k is to group a than to point m. */
static double
nearer(int k, const struct group *a, const double m[2])
{
	return hypot(trk[k].kf.x[0] - m[0], trk[k].kf.x[1] - m[1]) -
	    hypot(trk[k].kf.x[0] - a->sx / a->n, trk[k].kf.x[1] - a->sy / a->n);
}

static double
apart(const struct group *a, const struct group *b)
{
	double m[2] = { (a->sx + b->sx) / (a->n + b->n),
	    (a->sy + b->sy) / (a->n + b->n) };

	/*
	 * Two cameras that each see one shopper, each by a different tracked
	 * shopper that stands nearer that view than the point between the
	 * views, saw the two of them, each hidden from one camera by the
	 * other (or both in one box): the two views place the two tracks
	 * better than one person between them would.  Merged, the view falls
	 * between them, takes the walker's track over to the one standing,
	 * and leaves that one's track unfed until it takes the walker (busy
	 * seed 56's swap).  One shopper's two views lie by one track, or by
	 * two tracks of one person that lie nearer the point between them.
	 */
	if (a->trk >= 0 && b->trk >= 0 && a->trk != b->trk &&
	    nearer(a->trk, a, m) > 0 && nearer(b->trk, b, m) > 0)
		return INFINITY;
	return hypot(a->sx / a->n - b->sx / b->n, a->sy / a->n - b->sy / b->n);
}

/*
 * Places each observation: the mean of its views, those cut by an edge only
 * when it has no other.  Along an axis where some of them are short, the
 * long ones do not count; where all are long, the ends are their ends'
 * means, and the body is at either end when every one of them says so.
 */
static void
settle(struct obs *out, int n, const struct view *w, int nw)
{
	double *s;
	int *c, *nboth, i, j, a, k;

	s = wo_calloc((size_t)n * 8 + 1, sizeof(*s));
	c = wo_calloc((size_t)n * 4 + 1, sizeof(*c));
	nboth = wo_calloc((size_t)n * 2 + 1, sizeof(*nboth));
	for (i = 0; i < nw; i++) {
		j = w[i].b->obs;
		if (w[i].b->clip && out[j].clean)
			continue;
		out[j].n++;
		for (a = 0; a < 2; a++) {
			double *p = &s[j * 8 + a * 4];

			if (w[i].end[a][0] == w[i].end[a][1]) {
				p[0] += w[i].c[a];
				c[j * 4 + a * 2]++;
			} else {
				p[1] += w[i].c[a];
				p[2] += w[i].end[a][0];
				p[3] += w[i].end[a][1];
				c[j * 4 + a * 2 + 1]++;
				nboth[j * 2 + a] += w[i].either[a];
			}
		}
	}
	for (j = 0; j < n; j++)
		for (a = 0; a < 2; a++) {
			double *p = &s[j * 8 + a * 4], *x = a ? &out[j].y :
			    &out[j].x;
			int *q = &c[j * 4 + a * 2];

			out[j].either[a] = 0;
			if (q[0] > 0) {
				*x = p[0] / q[0];
				out[j].end[a][0] = out[j].end[a][1] = *x;
			} else {
				*x = p[1] / q[1];
				for (k = 0; k < 2; k++)
					out[j].end[a][k] = p[2 + k] / q[1];
				out[j].either[a] = nboth[j * 2 + a] == q[1];
			}
		}
	free(s);
	free(c);
	free(nboth);
}

/*
 * Whether b, cut by the picture's edge, lies inside a surer person box of
 * its camera that is cut too.  The detector often puts two or three boxes
 * on the sliver of a shopper that an edge cuts (held-out seed 44: three,
 * 8 pixels wide, one inside another); one camera's boxes never fuse, so
 * the extras became views of their own where the cut sliver is, 0.15 m
 * from the shopper, and kept a second track on them, which took the view
 * of a neighbour who went unseen for half a second.  A cut box only
 * confirms a whole view, and a sliver inside a sliver confirms nothing
 * more; a whole box inside another may be a neighbour under a reaching
 * arm, and is kept.
 */
static int
cut_inside(const struct moment *m, const struct box *b)
{
	int i;

	if (b->cls != CLS_PERSON || !b->clip)
		return 0;
	for (i = 0; i < m->nbox; i++) {
		const struct box *o = &m->box[i];

		if (o != b && o->cls == CLS_PERSON && o->cam == b->cam &&
		    o->clip && o->conf > b->conf &&
		    b->x >= o->x - EDGE_PX && b->y >= o->y - EDGE_PX &&
		    b->x + b->w <= o->x + o->w + EDGE_PX &&
		    b->y + b->h <= o->y + o->h + EDGE_PX)
			return 1;
	}
	return 0;
}

/*
 * Merges the boxes of class cls into observations: overhead cameras see a
 * person's centre straight down, so the box centre through the camera's
 * homography is where the person stands.  Views from different cameras
 * closer than r are one person; two boxes from one camera never are, which
 * keeps two shoppers standing close apart.  Hand boxes of one camera
 * within HAND_TWIN are: the detector boxes one hand twice (3% of the
 * shipped model's hand boxes on busy seeds 71-75 had such a twin, against
 * 5 pairs of the truth's 16,000 hands).  A box cut by the picture's edge
 * only confirms a whole view of the same person and moves it nowhere.
 * Two views that each lie by a different track are kept apart (apart()).
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
	struct view *w;
	struct group *g;
	double *d, bd, twin = cls == CLS_HAND ? HAND_TWIN : 0;
	unsigned long cams;
	int *obs, i, j, k, bi, bj, nv = 0, nw = 0, n = 0;

	v = wo_calloc(m->nbox + 1, sizeof(*v));
	for (i = 0; i < m->nbox; i++)
		if (m->box[i].cls == cls) {
			m->box[i].obs = -1;
			m->box[i].clip = clipped(st, &m->box[i]);
		}
	for (i = 0; i < m->nbox; i++)
		if (m->box[i].cls == cls && !cut_inside(m, &m->box[i]))
			v[nv++] = &m->box[i];
	/* Whole views first, strongest first: a group's first view leads it. */
	qsort(v, nv, sizeof(*v), byconf);
	w = wo_calloc(nv + 1, sizeof(*w));
	g = wo_calloc(nv + 1, sizeof(*g));
	obs = wo_calloc(nv + 1, sizeof(*obs));
	d = wo_calloc((size_t)nv * nv + 1, sizeof(*d));
	for (i = 0; i < nv; i++) {
		if (!place(m, st, cls, v[i], w[nw].c, w[nw].end, w[nw].either))
			continue;
		w[nw].b = v[i];
		w[nw].root = nw;
		g[nw].sx = w[nw].c[0];
		g[nw].sy = w[nw].c[1];
		g[nw].n = 1;
		g[nw].clean = !v[i]->clip;
		g[nw].cams = 1UL << (v[i]->cam % (8 * sizeof(long)));
		g[nw].trk = cls == CLS_PERSON ? by_track(&g[nw]) : -1;
		nw++;
	}
	for (i = 0; i < nw; i++)
		for (j = i + 1; j < nw; j++)
			d[i * nw + j] = apart(&g[i], &g[j]);
	for (;;) {
		bd = r;
		bi = bj = -1;
		for (i = 0; i < nw; i++)
			for (j = i + 1; j < nw && w[i].root == i; j++)
				if (w[j].root == j && d[i * nw + j] < bd &&
				    (!(g[i].cams & g[j].cams) ||
				    d[i * nw + j] < twin)) {
					bd = d[i * nw + j];
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
		if (cls == CLS_PERSON)
			g[bi].trk = by_track(&g[bi]);
		for (k = 0; k < nw; k++)
			if (w[k].root == bj)
				w[k].root = bi;
		for (k = 0; k < nw; k++)
			if (w[k].root == k && k != bi)
				d[(k < bi ? k : bi) * nw + (k < bi ? bi : k)] =
				    apart(&g[k], &g[bi]);
	}
	for (i = 0; i < nw; i++) {
		int fresh = w[i].root == i;

		if (fresh)
			obs[i] = n++;
		w[i].b->obs = obs[w[i].root];
		join(m, w[i].b, cls, &out[w[i].b->obs], fresh);
	}
	settle(out, n, w, nw);
	free(v);
	free(w);
	free(g);
	free(obs);
	free(d);
	return n;
}

/*
 * The place of o for a track predicted at p and last seen at q: along an
 * axis where the body is at either end of a long box, the end nearer the
 * two; elsewhere its body, or the far end of a long box when that is
 * nearer than the body to both.  Both, because a prediction runs on with a
 * moment's wobble (a box that grew toward the shelf before its hand was
 * seen), while a shopper who reaches stands still, where last seen.
 */
void
obs_near(const struct obs *o, const double p[2], const double q[2],
    double z[2])
{
	double c[2] = { o->x, o->y };
	int a, k;

	for (a = 0; a < 2; a++) {
		const double *e = o->end[a];

		if (o->either[a]) {
			z[a] = fabs(e[0] - p[a]) + fabs(e[0] - q[a]) <=
			    fabs(e[1] - p[a]) + fabs(e[1] - q[a]) ? e[0] : e[1];
			continue;
		}
		z[a] = c[a];
		for (k = 0; k < 2; k++)
			if (fabs(e[k] - p[a]) < fabs(z[a] - p[a]) &&
			    fabs(e[k] - q[a]) < fabs(c[a] - q[a]))
				z[a] = e[k];
	}
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
