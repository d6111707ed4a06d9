/* space.c: walks that keep every shopper GAP from the others. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/*
 * Shoppers are planned one after another; each walk keeps clear of the
 * shoppers planned before, whose whole motion is known, so no pair is
 * ever closer than GAP.  The checks keep a centimetre more, so that times
 * rounded to the millisecond in the truth never bring two under GAP.
 */
#define NEAR	(GAP + 0.01)
/* A search that has looked at this many places gives up. */
#define MAXPOP	20000

/* Another shopper's straight motion from (x0,y0) at t0 to (x1,y1) at t1. */
struct seg {
	double	 t0, t1, x0, y0, x1, y1, vx, vy;
	double	 lo[2], hi[2];	/* where it goes, grown by NEAR */
};

/*
 * The motions, and which of them come near each square metre of the
 * floor (bucket b holds item[start[b]] to item[start[b + 1] - 1]), so that
 * a check looks only at those nearby; seen marks those already looked at
 * in one check.
 */
#define BUCKET	1.0
struct segs {
	struct seg *v;
	size_t	 n, cap;
	int	 bw, bh, *start, *item;
	unsigned *seen, stamp;
};

static void
span(const struct segs *ss, double lx, double ly, double hx, double hy,
    int *b)
{
	b[0] = (int)fmax(0, fmin(ss->bw - 1, floor(lx / BUCKET)));
	b[1] = (int)fmax(0, fmin(ss->bh - 1, floor(ly / BUCKET)));
	b[2] = (int)fmax(0, fmin(ss->bw - 1, floor(hx / BUCKET)));
	b[3] = (int)fmax(0, fmin(ss->bh - 1, floor(hy / BUCKET)));
}

static void
bucket(struct segs *ss, const struct sim *s)
{
	size_t i, nb;
	int b[4], x, y, *fill;

	ss->bw = (int)ceil(s->st->floor_w / BUCKET) + 1;
	ss->bh = (int)ceil(s->st->floor_h / BUCKET) + 1;
	nb = (size_t)ss->bw * ss->bh;
	ss->start = wo_calloc(nb + 1, sizeof(int));
	ss->seen = wo_calloc(ss->n ? ss->n : 1, sizeof(unsigned));
	ss->stamp = 0;
	for (i = 0; i < ss->n; i++) {
		span(ss, ss->v[i].lo[0], ss->v[i].lo[1], ss->v[i].hi[0],
		    ss->v[i].hi[1], b);
		for (y = b[1]; y <= b[3]; y++)
			for (x = b[0]; x <= b[2]; x++)
				ss->start[y * ss->bw + x + 1]++;
	}
	for (i = 0; i < nb; i++)
		ss->start[i + 1] += ss->start[i];
	ss->item = wo_malloc((ss->start[nb] ? ss->start[nb] : 1) *
	    sizeof(int));
	fill = wo_malloc(nb * sizeof(int));
	memcpy(fill, ss->start, nb * sizeof(int));
	for (i = 0; i < ss->n; i++) {
		span(ss, ss->v[i].lo[0], ss->v[i].lo[1], ss->v[i].hi[0],
		    ss->v[i].hi[1], b);
		for (y = b[1]; y <= b[3]; y++)
			for (x = b[0]; x <= b[2]; x++)
				ss->item[fill[y * ss->bw + x]++] = (int)i;
	}
	free(fill);
}

static void
segs_free(struct segs *ss)
{
	free(ss->v);
	free(ss->start);
	free(ss->item);
	free(ss->seen);
}

/* hypot() takes care over overflow that metres in a store never need. */
static double
dist(double x, double y)
{
	return sqrt(x * x + y * y);
}

static void
addseg(struct segs *ss, double t0, double t1, const struct key *a,
    const struct key *b)
{
	struct seg *g;

	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? 2 * ss->cap : 256;
		ss->v = wo_realloc(ss->v, ss->cap * sizeof(*ss->v));
	}
	g = &ss->v[ss->n++];
	g->t0 = t0;
	g->t1 = t1;
	g->x0 = a->x;
	g->y0 = a->y;
	g->x1 = b->x;
	g->y1 = b->y;
	g->vx = g->vy = 0;
	if (isfinite(t1) && t1 - t0 > 1e-9) {
		g->vx = (b->x - a->x) / (t1 - t0);
		g->vy = (b->y - a->y) / (t1 - t0);
	}
	g->lo[0] = fmin(a->x, b->x) - NEAR;
	g->lo[1] = fmin(a->y, b->y) - NEAR;
	g->hi[0] = fmax(a->x, b->x) + NEAR;
	g->hi[1] = fmax(a->y, b->y) + NEAR;
}

static int
segcmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	if (x->t0 != y->t0)
		return x->t0 < y->t0 ? -1 : 1;
	if (x->t1 != y->t1)
		return x->t1 < y->t1 ? -1 : 1;
	if (x->x0 != y->x0)
		return x->x0 < y->x0 ? -1 : 1;
	return x->y0 < y->y0 ? -1 : x->y0 > y->y0;
}

/*
 * The others' motion from t on.  A shopper still being planned (the
 * partner of a staged pair) stands at its last key until it is planned
 * further; a planned one is gone at its exit.
 */
static void
gather(const struct sim *s, const struct shopper *p, double t,
    struct segs *ss)
{
	size_t i, j;

	ss->n = 0;
	for (i = 0; i < s->nsh; i++) {
		const struct shopper *q = &s->sh[i];
		const struct key *k = q->keys, *e;
		double end;

		if (q == p || q->state == 0)
			continue;
		for (j = 0; j + 1 < q->nkeys; j++)
			if (k[j + 1].t >= t)
				addseg(ss, k[j].t, k[j + 1].t, &k[j], &k[j + 1]);
		e = &k[q->nkeys - 1];
		end = q->state == 2 ? fmax(q->tout, e->t) : HUGE_VAL;
		if (end >= t)
			addseg(ss, e->t, end, e, e);
	}
	/* In time order, so that a check can stop at the first too late. */
	if (ss->n > 0)
		qsort(ss->v, ss->n, sizeof(*ss->v), segcmp);
	bucket(ss, s);
}

/* When another's motion g is within NEAR of (x,y): [*a, *b]. */
static int
near_point(const struct seg *g, double x, double y, double *a, double *b)
{
	double ax = g->x0 - x, ay = g->y0 - y, A, B, C, D, u0, u1;

	if (x < g->lo[0] || x > g->hi[0] || y < g->lo[1] || y > g->hi[1])
		return 0;
	A = g->vx * g->vx + g->vy * g->vy;
	B = 2 * (ax * g->vx + ay * g->vy);
	C = ax * ax + ay * ay - NEAR * NEAR;
	if (A < 1e-12) {
		if (C >= 0)
			return 0;
		*a = g->t0;
		*b = g->t1;
		return 1;
	}
	D = B * B - 4 * A * C;
	if (D <= 0)
		return 0;
	D = sqrt(D);
	u0 = fmax((-B - D) / (2 * A), 0);
	u1 = fmin((-B + D) / (2 * A), g->t1 - g->t0);
	if (u0 >= u1)
		return 0;
	*a = g->t0 + u0;
	*b = g->t0 + u1;
	return 1;
}

static int
ivcmp(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/*
 * The intervals from t on in which nobody comes within NEAR of (x,y), as
 * pairs of start and end (the last may end at infinity); returns how many.
 */
static size_t
safe_at(const struct segs *ss, double x, double y, double t, double **out)
{
	double *u = NULL, *v, a, b, from = t;
	size_t n = 0, cap = 0, i, m = 0;
	int bk[4], e;

	span(ss, x, y, x, y, bk);
	e = ss->start[bk[1] * ss->bw + bk[0] + 1];
	for (i = ss->start[bk[1] * ss->bw + bk[0]]; i < (size_t)e; i++) {
		const struct seg *g = &ss->v[ss->item[i]];

		if (g->t1 < t || !near_point(g, x, y, &a, &b) || b <= t)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			u = wo_realloc(u, cap * 2 * sizeof(double));
		}
		u[2 * n] = a;
		u[2 * n + 1] = b;
		n++;
	}
	if (n > 0)
		qsort(u, n, 2 * sizeof(double), ivcmp);
	v = wo_malloc((n + 1) * 2 * sizeof(double));
	for (i = 0; i < n; i++) {
		if (u[2 * i] > from) {
			v[2 * m] = from;
			v[2 * m + 1] = u[2 * i];
			m++;
		}
		from = fmax(from, u[2 * i + 1]);
	}
	v[2 * m] = from;
	v[2 * m + 1] = HUGE_VAL;
	m++;
	free(u);
	*out = v;
	return m;
}

/* Whether a walk from (x0,y0) at t0 to (x1,y1) at t1 keeps NEAR from all. */
static int
clear_walk(struct segs *ss, double x0, double y0, double t0, double x1,
    double y1, double t1)
{
	double T = t1 - t0, wx = 0, wy = 0;
	double lx = fmin(x0, x1), hx = fmax(x0, x1);
	double ly = fmin(y0, y1), hy = fmax(y0, y1);
	int b[4], k, i;

	if (T > 1e-9) {
		wx = (x1 - x0) / T;
		wy = (y1 - y0) / T;
	}
	span(ss, lx, ly, hx, hy, b);
	ss->stamp++;
	for (k = 0; k < (b[2] - b[0] + 1) * (b[3] - b[1] + 1); k++) {
		int bk = (b[1] + k / (b[2] - b[0] + 1)) * ss->bw + b[0] +
		    k % (b[2] - b[0] + 1);

		for (i = ss->start[bk]; i < ss->start[bk + 1]; i++) {
			const struct seg *g = &ss->v[ss->item[i]];
			double lo, hi, px, py, rx, ry, A, u;

			if (g->t0 > t1)
				break;
			if (ss->seen[ss->item[i]] == ss->stamp)
				continue;
			ss->seen[ss->item[i]] = ss->stamp;
			if (g->t1 < t0 || hx < g->lo[0] ||
			    lx > g->hi[0] || hy < g->lo[1] || ly > g->hi[1])
				continue;
			lo = fmax(t0, g->t0);
			hi = fmin(t1, g->t1);
			px = x0 + wx * (lo - t0) - (g->x0 + g->vx *
			    (lo - g->t0));
			py = y0 + wy * (lo - t0) - (g->y0 + g->vy *
			    (lo - g->t0));
			rx = wx - g->vx;
			ry = wy - g->vy;
			A = rx * rx + ry * ry;
			u = A > 1e-12 ? fmin(fmax(-(px * rx + py * ry) / A, 0),
			    hi - lo) : 0;
			px += rx * u;
			py += ry * u;
			if (px * px + py * py < NEAR * NEAR)
				return 0;
		}
	}
	return 1;
}

int
space_free(const struct sim *s, const struct shopper *p, double x,
    double y, double t0, double t1)
{
	struct segs ss;
	int ok;

	memset(&ss, 0, sizeof(ss));
	gather(s, p, t0, &ss);
	ok = clear_walk(&ss, x, y, t0, x, y, t1);
	segs_free(&ss);
	return ok;
}

static void
addpt(struct wpt **w, size_t *n, size_t *cap, double x, double y, double t)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		*w = wo_realloc(*w, *cap * sizeof(**w));
	}
	(*w)[*n].x = x;
	(*w)[*n].y = y;
	(*w)[*n].t = t;
	(*n)++;
}

/* The shortest route to goal at v, if it meets nobody and goal stays free. */
static int
direct(const struct sim *s, struct segs *ss, const struct key *k,
    const double *goal, double need, double v, struct wpt **w, size_t *nw)
{
	double *pts, t = k->t, d;
	size_t n, i, cap = 0;
	int ok = 1;

	*w = NULL;
	*nw = 0;
	route((struct sim *)s, k->x, k->y, goal[0], goal[1], &pts, &n);
	addpt(w, nw, &cap, k->x, k->y, t);
	for (i = 1; i < n && ok; i++) {
		d = dist(pts[2 * i] - pts[2 * i - 2],
		    pts[2 * i + 1] - pts[2 * i - 1]);
		if (d < 1e-6)
			continue;
		ok = clear_walk(ss, pts[2 * i - 2], pts[2 * i - 1], t,
		    pts[2 * i], pts[2 * i + 1], t + d / v);
		t += d / v;
		addpt(w, nw, &cap, pts[2 * i], pts[2 * i + 1], t);
	}
	free(pts);
	if (ok)
		ok = clear_walk(ss, goal[0], goal[1], t, goal[0], goal[1],
		    t + need);
	return ok;
}

/*
 * The search below is safe interval path planning (Phillips and
 * Likhachev, 2011) on the route grid: a state is a cell and one interval
 * of time in which nobody comes near its centre, so waiting is a move like
 * any other, and the earliest arrival at a free goal is found.
 */
struct node {
	double	 t, tdep, x, y, f, h;
	int	 cell, iv, parent;
};

struct cellinfo {
	double	*iv, *best;	/* safe intervals as pairs; earliest arrivals */
	size_t	 n;
};

struct search {
	struct segs *ss;
	struct cellinfo *ci;
	int	*touched, ntouched;
	struct node *nd;
	size_t	 nnd, capnd;
	int	*heap;
	size_t	 nheap, capheap;
};

static struct cellinfo *
info(struct search *q, int c)
{
	struct cellinfo *ci = &q->ci[c];
	double x, y;
	size_t i;

	if (ci->iv == NULL) {
		grid_centre(c, &x, &y);
		ci->n = safe_at(q->ss, x, y, q->nd[0].t, &ci->iv);
		ci->best = wo_malloc(ci->n * sizeof(double));
		for (i = 0; i < ci->n; i++)
			ci->best[i] = HUGE_VAL;
		q->touched[q->ntouched++] = c;
	}
	return ci;
}

static int
before(const struct search *q, int a, int b)
{
	const struct node *x = &q->nd[q->heap[a]], *y = &q->nd[q->heap[b]];

	if (x->f != y->f)
		return x->f < y->f;
	if (x->h != y->h)
		return x->h < y->h;
	return q->heap[a] < q->heap[b];
}

static void
push(struct search *q, struct node *n)
{
	size_t i;
	int tmp;

	if (q->nnd == q->capnd) {
		q->capnd = q->capnd ? 2 * q->capnd : 1024;
		q->nd = wo_realloc(q->nd, q->capnd * sizeof(*q->nd));
	}
	q->nd[q->nnd] = *n;
	if (q->nheap == q->capheap) {
		q->capheap = q->capheap ? 2 * q->capheap : 1024;
		q->heap = wo_realloc(q->heap, q->capheap * sizeof(int));
	}
	i = q->nheap++;
	q->heap[i] = (int)q->nnd++;
	while (i > 0 && before(q, i, (i - 1) / 2)) {
		tmp = q->heap[i];
		q->heap[i] = q->heap[(i - 1) / 2];
		q->heap[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static int
pop(struct search *q)
{
	size_t i = 0, l, m;
	int top = q->heap[0], tmp;

	q->heap[0] = q->heap[--q->nheap];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < q->nheap && before(q, l, m))
			m = l;
		if (l + 1 < q->nheap && before(q, l + 1, m))
			m = l + 1;
		if (m == i)
			break;
		tmp = q->heap[i];
		q->heap[i] = q->heap[m];
		q->heap[m] = tmp;
		i = m;
	}
	return top;
}

/*
 * Tries the move from node n (at its place since n->t, free there until
 * end) to (x,y), arriving in [from, until]: the earliest clear departure,
 * tried every 0.1 s.  Returns the arrival, or HUGE_VAL.
 */
static double
move(const struct search *q, const struct node *n, double end, double x,
    double y, double v, double from, double until, double *tdep)
{
	double d = dist(x - n->x, y - n->y) / v, td;
	int i;

	td = fmax(n->t, from - d);
	for (i = 0; i < 10 && td <= end && td + d <= until; i++, td += 0.1)
		if (clear_walk(q->ss, n->x, n->y, td, x, y, td + d)) {
			*tdep = td;
			return td + d;
		}
	return HUGE_VAL;
}

/* Waypoints from the start to goal node g, waits included. */
static void
unwind(const struct search *q, int g, struct wpt **w, size_t *nw)
{
	size_t n = 0, i, cap = 0;
	int k, *chain;

	for (k = g; k >= 0; k = q->nd[k].parent)
		n++;
	chain = wo_malloc(n * sizeof(int));
	i = n;
	for (k = g; k >= 0; k = q->nd[k].parent)
		chain[--i] = k;
	*w = NULL;
	*nw = 0;
	addpt(w, nw, &cap, q->nd[chain[0]].x, q->nd[chain[0]].y,
	    q->nd[chain[0]].t);
	for (i = 1; i < n; i++) {
		const struct node *a = &q->nd[chain[i - 1]];
		const struct node *b = &q->nd[chain[i]];

		if (b->tdep > a->t + 1e-6)
			addpt(w, nw, &cap, a->x, a->y, b->tdep);
		addpt(w, nw, &cap, b->x, b->y, b->t);
	}
	free(chain);
}

static int
still(const struct wpt *a, const struct wpt *b)
{
	return fabs(a->x - b->x) < 1e-9 && fabs(a->y - b->y) < 1e-9;
}

/*
 * Pulls the grid's zigzags into straight lines where the floor and the
 * others allow, keeping each waypoint's time, so that people walk as
 * before and only wait or step aside where someone is in the way.
 */
static void
smooth(struct segs *ss, struct wpt *w, size_t *nw)
{
	size_t i = 0, j, e, n = 1;

	while (i + 1 < *nw) {
		if (still(&w[i], &w[i + 1])) {
			w[n++] = w[++i];
			continue;
		}
		for (e = i + 1; e + 1 < *nw && !still(&w[e], &w[e + 1]); e++)
			;
		for (j = e; j > i + 1; j--)
			if (grid_clear(w[i].x, w[i].y, w[j].x, w[j].y) &&
			    clear_walk(ss, w[i].x, w[i].y, w[i].t, w[j].x,
			    w[j].y, w[j].t))
				break;
		w[n++] = w[j];
		i = j;
	}
	*nw = n;
}

/* Standing beside the spot asked for is worth this much waiting. */
#define BESIDE	1.0

static int
search(struct segs *ss, const struct key *k, const double *goal,
    int ngoal, double need, double v, struct wpt **w, size_t *nw)
{
	struct search q;
	struct node n, *cur;
	double **gw = wo_calloc(ngoal, sizeof(*gw)), *root, te, end, td, ta;
	size_t *ngw = wo_calloc(ngoal, sizeof(size_t)), i, j;
	int gx, gy, *gc = wo_calloc(ngoal, sizeof(int)), g, c, pops = 0;
	int found = -1, dx, dy, possible = 0;

	memset(&q, 0, sizeof(q));
	q.ss = ss;
	grid_dims(&gx, &gy);
	q.ci = wo_calloc((size_t)gx * gy, sizeof(*q.ci));
	q.touched = wo_malloc((size_t)gx * gy * sizeof(int));
	/* A goal no one leaves free for need seconds is no goal. */
	for (g = 0; g < ngoal; g++) {
		gc[g] = grid_cell(goal[2 * g], goal[2 * g + 1]);
		ngw[g] = safe_at(ss, goal[2 * g], goal[2 * g + 1], k->t,
		    &gw[g]);
		for (i = 0; i < ngw[g]; i++)
			possible |= gw[g][2 * i + 1] - gw[g][2 * i] >= need;
	}
	safe_at(ss, k->x, k->y, k->t, &root);
	te = root[0] <= k->t ? root[1] : k->t;
	free(root);
	memset(&n, 0, sizeof(n));
	n.t = n.tdep = k->t;
	n.x = k->x;
	n.y = k->y;
	n.cell = -1;
	n.parent = -1;
	push(&q, &n);
	while (possible && q.nheap > 0 && pops++ < MAXPOP) {
		int at = pop(&q), home;
		struct cellinfo *ci;

		cur = &q.nd[at];
		if (cur->iv < 0) {
			found = at;
			break;
		}
		if (cur->cell >= 0) {
			ci = &q.ci[cur->cell];
			if (cur->t > ci->best[cur->iv])
				continue;
			end = ci->iv[2 * cur->iv + 1];
			home = cur->cell;
		} else {
			end = te;
			home = grid_cell(cur->x, cur->y);
		}
		for (g = 0; g < ngoal; g++) {
			if (gc[g] != home)
				continue;
			for (i = 0; i < ngw[g]; i++) {
				ta = move(&q, cur, end, goal[2 * g],
				    goal[2 * g + 1], v, gw[g][2 * i],
				    gw[g][2 * i + 1] - need, &td);
				if (ta == HUGE_VAL)
					continue;
				n = *cur;
				n.x = goal[2 * g];
				n.y = goal[2 * g + 1];
				n.t = ta;
				n.tdep = td;
				n.h = 0;
				n.f = ta + (g > 0 ? BESIDE : 0);
				n.cell = g;
				n.iv = -1;
				n.parent = at;
				push(&q, &n);
				cur = &q.nd[at];
				break;
			}
		}
		for (dy = -1; dy <= 1; dy++)
			for (dx = -1; dx <= 1; dx++) {
				int nx = home % gx + dx, ny = home / gx + dy;
				double cx, cy, h = HUGE_VAL;

				if ((dx == 0 && dy == 0 && cur->cell >= 0) ||
				    nx < 0 || ny < 0 || nx >= gx || ny >= gy)
					continue;
				c = ny * gx + nx;
				if (grid_blocked(c) && !grid_blocked(home)) {
					for (g = 0; g < ngoal && gc[g] != c; g++)
						;
					if (g == ngoal)
						continue;
				}
				ci = info(&q, c);
				cur = &q.nd[at];
				grid_centre(c, &cx, &cy);
				for (g = 0; g < ngoal; g++)
					h = fmin(h, dist(goal[2 * g] - cx,
					    goal[2 * g + 1] - cy) / v);
				for (j = 0; j < ci->n; j++) {
					ta = move(&q, cur, end, cx, cy, v,
					    ci->iv[2 * j], ci->iv[2 * j + 1],
					    &td);
					if (ta >= ci->best[j])
						continue;
					ci->best[j] = ta;
					n = *cur;
					n.x = cx;
					n.y = cy;
					n.t = ta;
					n.tdep = td;
					n.h = h;
					n.f = ta + h;
					n.cell = c;
					n.iv = (int)j;
					n.parent = at;
					push(&q, &n);
					cur = &q.nd[at];
				}
			}
	}
	if (found >= 0) {
		unwind(&q, found, w, nw);
		smooth(ss, *w, nw);
		found = q.nd[found].cell;
	}
	for (i = 0; i < (size_t)q.ntouched; i++) {
		free(q.ci[q.touched[i]].iv);
		free(q.ci[q.touched[i]].best);
	}
	for (g = 0; g < ngoal; g++)
		free(gw[g]);
	free(gw);
	free(ngw);
	free(gc);
	free(q.ci);
	free(q.touched);
	free(q.nd);
	free(q.heap);
	return found;
}

/*
 * Plans p's walk from its last key to one of the goals (x,y pairs, the
 * first preferred), arriving where nobody comes near for need seconds
 * after, at v metres a second at most.  The shortest route is taken when
 * it meets nobody; otherwise the earliest way there, waiting or stepping
 * aside.  Returns the goal reached, or -1 when there is no way.
 */
int
space_walk(const struct sim *s, const struct shopper *p, const double *goal,
    int ngoal, double need, double v, struct wpt **w, size_t *nw)
{
	struct segs ss;
	const struct key *k = &p->keys[p->nkeys - 1];
	int g = 0;

	memset(&ss, 0, sizeof(ss));
	gather(s, p, k->t, &ss);
	if (!direct(s, &ss, k, goal, need, v, w, nw)) {
		free(*w);
		*w = NULL;
		*nw = 0;
		g = search(&ss, k, goal, ngoal, need, v, w, nw);
	}
	segs_free(&ss);
	return g;
}
