/* shopper.c: what each shopper does, when, and which units end up where. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

const char *hc_names[HC_N] = {
	"crossing-arms", "same-plate", "multi-pick", "long-hold", "misplaced",
	"same-weight", "floor", "put-back",
};

static struct rng R;

static void
addkey(struct shopper *p, double t, double x, double y, double face)
{
	if (p->nkeys == p->capkeys) {
		p->capkeys = p->capkeys ? 2 * p->capkeys : 32;
		p->keys = wo_realloc(p->keys, p->capkeys * sizeof(*p->keys));
	}
	p->keys[p->nkeys].t = t;
	p->keys[p->nkeys].x = x;
	p->keys[p->nkeys].y = y;
	p->keys[p->nkeys].face = face;
	p->nkeys++;
}

static struct key *
last(struct shopper *p)
{
	return &p->keys[p->nkeys - 1];
}

/*
 * Walks to the first of the goals (x,y pairs) it can reach and stand at
 * for need seconds without coming closer than GAP to anyone (space.c), at
 * v metres a second at most.  Returns the arrival and the goal reached in
 * *which, or -1 when there is no way there.  With must, a walk with no
 * way goes the shortest route regardless and is counted as crowded.
 */
#define AWAY	1.5

static double
go(struct sim *s, struct shopper *p, const double *goal, int ngoal,
    double need, double v, int must, int *which)
{
	struct key k = *last(p);
	struct wpt *w;
	double *pts, f = k.face, t;
	size_t n, i;
	int g;

	/*
	 * A stand is over when it is planned to be, but the place is asked
	 * to stay free a little longer: someone planned before, who walks
	 * through it just after, would leave no time to step out of the way.
	 */
	if (need > 0)
		need += AWAY;
	g = space_walk(s, p, goal, ngoal, need, v, &w, &n);
	if (g < 0 && !must)
		return -1;
	if (g < 0) {
		s->crowded++;
		g = 0;
		route(s, k.x, k.y, goal[0], goal[1], &pts, &n);
		w = wo_calloc(n, sizeof(*w));
		for (i = 0, t = k.t; i < n; i++) {
			if (i > 0)
				t += hypot(pts[2 * i] - pts[2 * i - 2],
				    pts[2 * i + 1] - pts[2 * i - 1]) / v;
			w[i].x = pts[2 * i];
			w[i].y = pts[2 * i + 1];
			w[i].t = t;
		}
		free(pts);
	}
	for (i = 1; i < n; i++) {
		double dx = w[i].x - w[i - 1].x, dy = w[i].y - w[i - 1].y;

		if (w[i].t - last(p)->t < 1e-6)
			continue;
		if (hypot(dx, dy) > 1e-6)
			f = atan2(dy, dx);
		addkey(p, w[i].t, w[i].x, w[i].y, f);
	}
	t = last(p)->t;
	free(w);
	if (which != NULL)
		*which = g;
	return t;
}

/* Walks to (x,y) at v, to stand there need seconds; returns the arrival. */
static double
walk(struct sim *s, struct shopper *p, double x, double y, double v,
    double need, int must)
{
	double g[2] = { x, y };

	return go(s, p, g, 1, need, v, must, NULL);
}

/* Stands still, facing face, until t. */
static void
stand(struct shopper *p, double t, double face)
{
	struct key k = *last(p);

	addkey(p, k.t + 0.001, k.x, k.y, face);
	if (t > k.t + 0.001)
		addkey(p, t, k.x, k.y, face);
}

static struct reach *
reach(struct shopper *p, int kind, double t0, double hold, double tx,
    double ty, int hand, int plate)
{
	struct reach *r;

	if (p->nr == p->capr) {
		p->capr = p->capr ? 2 * p->capr : 8;
		p->r = wo_realloc(p->r, p->capr * sizeof(*p->r));
	}
	r = &p->r[p->nr++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->t0 = t0;
	r->t1 = t0 + rng_range(&R, 0.4, 0.6);
	r->t2 = r->t1 + hold;
	r->t3 = r->t2 + rng_range(&R, 0.4, 0.6);
	r->tx = tx;
	r->ty = ty;
	r->hand = hand;
	r->plate = plate;
	r->qty = 1;
	r->from = -1;
	r->hc = -1;
	r->press = rng_range(&R, 15, 120);
	return r;
}

/* A point on the plate where a hand lands. */
static void
on_plate(const struct sim *s, int pl, double *x, double *y)
{
	const struct wo_plate *p = &s->st->plates[pl];

	*x = p->x + p->w * rng_range(&R, 0.3, 0.7);
	*y = p->y + p->h * rng_range(&R, 0.3, 0.7);
}

static double
face_to(const struct shopper *p, int pl, const struct sim *s)
{
	const struct wo_plate *q = &s->st->plates[pl];
	const struct key *k = &p->keys[p->nkeys - 1];

	return atan2(q->y + q->h / 2 - k->y, q->x + q->w / 2 - k->x);
}

/* The hand on the side of (x,y) as seen facing face from the last key. */
static int
side(const struct shopper *p, double face, double x, double y)
{
	const struct key *k = &p->keys[p->nkeys - 1];

	return (-sin(face) * (x - k->x) + cos(face) * (y - k->y)) >= 0;
}

static double
speed(void)
{
	return rng_range(&R, 0.8, 1.4);
}

/*
 * Walks to plate pl's spot shifted along the shelf by one of the shifts,
 * the first if it is free for need seconds soon enough, to stand beside
 * otherwise, as people do at a busy shelf.  Returns the arrival, or -1.
 */
static double
go_plate(struct sim *s, struct shopper *p, int pl, const double *shift,
    int nshift, double need)
{
	const struct spot *sp = &s->spots[pl];
	double g[8];
	int i, n = 0;

	for (i = 0; i < nshift && n < 4; i++) {
		double x = sp->x + shift[i] * sp->ax, y = sp->y + shift[i] * sp->ay;

		if (i > 0 && grid_blocked(grid_cell(x, y)))
			continue;
		g[2 * n] = x;
		g[2 * n + 1] = y;
		n++;
	}
	return go(s, p, g, n, need, speed(), 0, NULL);
}

/* Takes qty from plate pl at t0; returns the index of the reach. */
static int
take(struct sim *s, struct shopper *p, int pl, double t0, double hold,
    int qty, int hc)
{
	double x, y, f = face_to(p, pl, s);
	struct reach *r;

	on_plate(s, pl, &x, &y);
	stand(p, t0, f);
	r = reach(p, R_TAKE, t0, hold, x, y, side(p, f, x, y), pl);
	r->qty = qty;
	r->hc = hc;
	if (hc == HC_LONGHOLD)
		r->longhold = 1;
	if (hc >= 0)
		s->ncases[hc]++;
	return (int)(p->nr - 1);
}

static int
put(struct sim *s, struct shopper *p, int pl, double t0, int from, int hc)
{
	double x, y, f = face_to(p, pl, s);
	struct reach *r;

	on_plate(s, pl, &x, &y);
	stand(p, t0, f);
	r = reach(p, R_PUT, t0, rng_range(&R, 0.2, 0.5), x, y,
	    side(p, f, x, y), pl);
	r->from = from;
	r->hc = hc;
	if (hc >= 0)
		s->ncases[hc]++;
	return (int)(p->nr - 1);
}

static double
done(const struct shopper *p)
{
	return p->nr > 0 ? fmax(p->r[p->nr - 1].t3, p->keys[p->nkeys - 1].t) :
	    p->keys[p->nkeys - 1].t;
}

/* Plates next to each other along one shelf front. */
static int
neighbour(const struct sim *s, int pl, int *out)
{
	const struct spot *a = &s->spots[pl];
	double best = 1.3, d;
	size_t i;

	*out = -1;
	for (i = 0; i < s->st->nplates; i++) {
		const struct spot *b = &s->spots[i];

		if ((int)i == pl || !b->ok || a->ax != b->ax ||
		    fabs((b->x - a->x) * a->ay + (b->y - a->y) * a->ax) > 0.05)
			continue;
		d = hypot(b->x - a->x, b->y - a->y);
		if (d < best) {
			best = d;
			*out = (int)i;
		}
	}
	return *out >= 0;
}

static int
any_plate(const struct sim *s)
{
	int i, n = (int)s->st->nplates;

	for (i = 0; i < 100; i++) {
		int pl = rng_int(&R, n);

		if (s->spots[pl].ok)
			return pl;
	}
	return -1;
}

/* Time a stop at plate pl and the way out would take from the last key. */
static int
fits(const struct sim *s, const struct shopper *p, int pl, double extra)
{
	const struct key *k = &p->keys[p->nkeys - 1];
	const struct spot *sp = &s->spots[pl];
	const struct wo_gate *g = NULL;
	size_t i;

	for (i = 0; i < s->st->ngates; i++)
		if (!s->st->gates[i].entry)
			g = &s->st->gates[i];
	if (g == NULL)
		return 0;
	return done(p) + (hypot(sp->x - k->x, sp->y - k->y) +
	    hypot(g->x + g->w / 2 - sp->x, g->y + g->h / 2 - sp->y)) * 1.25 +
	    3.0 + extra < s->dur - 0.5;
}

/*
 * An ordinary stop: look, take one or two, sometimes put one back.  The
 * times are drawn first, so that the walk there knows how long the spot
 * must stay free: at most the look, the reach and hold, a put-back and
 * the pause after.  Returns 0 when there is no way to the plate.
 */
static int
stop(struct sim *s, struct shopper *p, int pl, int hc)
{
	double shift[5] = { rng_range(&R, -0.12, 0.12), -0.3, 0.3, -0.45,
	    0.45 };
	double hold = hc == HC_LONGHOLD ? rng_range(&R, 4.0, 6.5) :
	    rng_range(&R, 0.3, 0.9);
	double look = rng_range(&R, 0.3, 1.0), after = rng_range(&R, 0.2, 0.8);
	double back = hc == HC_PUTBACK ? rng_range(&R, 0.8, 2.0) : 0, t;
	int qty = hc == HC_MULTI ? 2 + rng_int(&R, 2) : 1, k;

	t = go_plate(s, p, pl, shift, 5, look + hold + 1.2 +
	    (hc == HC_PUTBACK ? back + 1.7 : 0) + after + 0.05);
	if (t < 0)
		return 0;
	k = take(s, p, pl, t + look, hold, qty, hc);
	if (hc == HC_PUTBACK)
		put(s, p, pl, p->r[k].t3 + back, k, hc);
	stand(p, done(p) + after, last(p)->face);
	return 1;
}

/*
 * Takes one, walks into the aisle and leaves it on the floor.  Returns 0
 * when there is no way to the plate.
 */
static int
drop(struct sim *s, struct shopper *p, int pl)
{
	double f, x, y, t;
	int k;
	struct reach *r;

	if (!stop(s, p, pl, -1))
		return 0;
	k = (int)p->nr - 1;
	f = last(p)->face;
	/* One step back from the shelf, then the hand goes down beside. */
	t = walk(s, p, last(p)->x - cos(f) * 0.5, last(p)->y - sin(f) * 0.5,
	    0.8, 2.3, 0);
	if (t < 0)
		return 1;
	p->r[k].hc = HC_FLOOR;
	x = last(p)->x - sin(f) * 0.45;
	y = last(p)->y + cos(f) * 0.45;
	stand(p, t + 0.4, f);
	r = reach(p, R_DROP, t + 0.4, 0.2, x, y, 1, -1);
	r->from = k;
	r->hc = HC_FLOOR;
	s->ncases[HC_FLOOR]++;
	stand(p, r->t3 + 0.3, f);
	return 1;
}

static int
same_weight_plate(const struct sim *s)
{
	size_t i;
	int n, off = rng_int(&R, (int)s->st->nplates);

	for (i = 0; i < s->st->nplates; i++) {
		int pl = (int)((i + off) % s->st->nplates);
		const struct wo_plate *a = &s->st->plates[pl];

		if (!s->spots[pl].ok || !neighbour(s, pl, &n))
			continue;
		if (strcmp(a->sku, s->st->plates[n].sku) != 0 &&
		    fabs(s->st->items[a->item].unit_g -
		    s->st->items[s->st->plates[n].item].unit_g) <= 5.0)
			return pl;
	}
	return -1;
}

static void
enter(struct sim *s, struct shopper *p, double tin)
{
	const struct wo_gate *g = NULL;
	size_t i;

	for (i = 0; i < s->st->ngates && g == NULL; i++)
		if (s->st->gates[i].entry)
			g = &s->st->gates[i];
	p->tin = ms(tin);
	addkey(p, p->tin, g->x + g->w / 2, g->y + g->h / 2, -M_PI / 2);
}

/* p steps through the entry gate once nobody is in the way there. */
static void
admit(struct sim *s, struct shopper *p)
{
	struct key *k = &p->keys[0];
	double t = p->tin;
	int n;

	for (n = 0; n < 3000 && !space_free(s, p, k->x, k->y, t, t + 0.5);
	    n++)
		t += 0.1;
	p->tin = k->t = ms(t);
	p->state = 1;
}

/* What a staged pair had planned before it began, to go back to. */
struct snap {
	size_t	 nkeys[2], nr[2];
	double	 tin[2];
	int	 state[2], ncases[HC_N];
};

static void
save(const struct sim *s, struct shopper *a, struct shopper *b,
    struct snap *sn)
{
	struct shopper *p[2] = { a, b };
	int i;

	for (i = 0; i < 2; i++) {
		sn->nkeys[i] = p[i]->nkeys;
		sn->nr[i] = p[i]->nr;
		sn->tin[i] = p[i]->tin;
		sn->state[i] = p[i]->state;
	}
	memcpy(sn->ncases, s->ncases, sizeof(sn->ncases));
}

/* Undoes a staged pair that could not keep its distance; returns 0. */
static int
undo(struct sim *s, struct shopper *a, struct shopper *b,
    const struct snap *sn)
{
	struct shopper *p[2] = { a, b };
	int i;

	for (i = 0; i < 2; i++) {
		p[i]->nkeys = sn->nkeys[i];
		p[i]->nr = sn->nr[i];
		p[i]->tin = p[i]->keys[0].t = sn->tin[i];
		p[i]->state = sn->state[i];
	}
	memcpy(s->ncases, sn->ncases, sizeof(sn->ncases));
	return 0;
}

/* Whether p's stand at its last place since t keeps clear of everyone. */
static int
kept(const struct sim *s, const struct shopper *p, double t)
{
	const struct key *k = &p->keys[p->nkeys - 1];

	return space_free(s, p, k->x, k->y, t, k->t);
}

/* Whether p has laid something on plate pl: nobody takes it back. */
static int
put_on(const struct shopper *p, int pl)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (p->r[i].kind == R_PUT && p->r[i].plate == pl)
			return 1;
	return 0;
}

static void
leave(struct sim *s, struct shopper *p)
{
	const struct wo_gate *g = NULL;
	size_t i;
	int pl;

	for (i = 0; i < s->st->ngates; i++)
		if (!s->st->gates[i].entry)
			g = &s->st->gates[i];
	for (i = 0; i < 6; i++) {
		size_t nk = p->nkeys, nr = p->nr, ns;
		double t;

		pl = any_plate(s);
		if (pl < 0 || !fits(s, p, pl, 0) || (i > 0 &&
		    rng_unif(&R) < 0.35))
			break;
		if (put_on(p, pl))
			continue;
		if (!stop(s, p, pl, -1))
			continue;
		/*
		 * A stop after which the way out, waiting included, would
		 * end past the session is undone (tried at a middling 1.1 m/s,
		 * not drawn, so that trying changes nothing else).
		 */
		ns = p->nkeys;
		t = walk(s, p, g->x + g->w / 2, g->y + g->h / 2, 1.1, 0, 0);
		p->nkeys = ns;
		if (t < 0 || t > s->dur - 0.5) {
			p->nkeys = nk;
			p->nr = nr;
			break;
		}
	}
	stand(p, done(p), last(p)->face);
	p->tout = ms(walk(s, p, g->x + g->w / 2, g->y + g->h / 2, speed(), 0,
	    1));
	p->state = 2;
}

/*
 * How long each of a staged pair may have to stand at its plate, waiting
 * for the other to come: what the walk there asks to be free, checked
 * again once both are planned.
 */
#define PAIRWAIT 8.0

/* Where one of a staged pair stands and what it takes, and how. */
struct pairpart {
	int spot;		/* the plate it stands at */
	const double *shift;	/* where along that plate, in turn */
	int nshift;
	int plate;		/* the plate it takes from */
	int qty;
	double hold;
};

/*
 * a and b come to their spots, wait for each other and take at nearly one
 * time (b lag seconds after a); both then leave.  Undone when either
 * cannot keep its spot.
 */
static int
reach_pair(struct sim *s, struct shopper *a, struct shopper *b,
    const struct pairpart *ra, const struct pairpart *rb, double lag, int hc)
{
	struct snap sn;
	double t, ta, tb;

	save(s, a, b, &sn);
	if ((ta = go_plate(s, a, ra->spot, ra->shift, ra->nshift,
	    PAIRWAIT)) < 0)
		return undo(s, a, b, &sn);
	admit(s, b);
	if ((tb = go_plate(s, b, rb->spot, rb->shift, rb->nshift,
	    PAIRWAIT)) < 0)
		return undo(s, a, b, &sn);
	t = fmax(ta, tb) + 0.3;
	take(s, a, ra->plate, t, ra->hold, ra->qty, hc);
	take(s, b, rb->plate, t + lag, rb->hold, rb->qty, hc);
	stand(a, done(a) + 0.3, last(a)->face);
	stand(b, done(b) + 0.3, last(b)->face);
	if (!kept(s, a, ta) || !kept(s, b, tb))
		return undo(s, a, b, &sn);
	leave(s, a);
	leave(s, b);
	return 1;
}

/*
 * Two shoppers at neighbouring plates, each reaching across the other:
 * their arms cross, their bodies stand a plate apart.
 */
static int
cross(struct sim *s, struct shopper *a, struct shopper *b)
{
	static const double zero[1] = { 0 };
	struct pairpart ra, rb;
	int i, j = -1, n;

	for (n = 0; n < 50; n++) {
		i = any_plate(s);
		if (i >= 0 && neighbour(s, i, &j))
			break;
	}
	if (j < 0 || !fits(s, a, i, 4) || !fits(s, b, j, 4))
		return 0;
	ra = (struct pairpart){ i, zero, 1, j, 1, rng_range(&R, 0.5, 0.9) };
	rb = (struct pairpart){ j, zero, 1, i, 1, rng_range(&R, 0.5, 0.9) };
	return reach_pair(s, a, b, &ra, &rb, rng_range(&R, 0, 0.3), HC_CROSS);
}

/*
 * Two shoppers shoulder to shoulder taking from one plate at nearly one
 * time, each on their side of it.
 */
static int
same_plate(struct sim *s, struct shopper *a, struct shopper *b)
{
	static const double left[2] = { -0.3, -0.42 }, right[2] = { 0.3, 0.42 };
	struct pairpart ra, rb;
	int pl = any_plate(s);
	double lag;

	if (pl < 0 || !fits(s, a, pl, 4) || !fits(s, b, pl, 4))
		return 0;
	ra = (struct pairpart){ pl, left, 2, pl, 1, rng_range(&R, 0.5, 0.8) };
	rb = (struct pairpart){ pl, right, 2, pl, 0, rng_range(&R, 0.5, 0.8) };
	lag = rng_range(&R, 0.1, 0.4);
	rb.qty = 1 + rng_int(&R, 2);
	return reach_pair(s, a, b, &ra, &rb, lag, HC_SAMEPLATE);
}

/*
 * a lays an item on the wrong plate and leaves; b then takes it from
 * there, waiting nearby or standing beside while a is still at it.
 */
static int
misplace(struct sim *s, struct shopper *a, struct shopper *b)
{
	static const double sa[3] = { -0.2, -0.42, 0.1 };
	static const double sb[4] = { 0.25, -0.2, 0.42, -0.42 };
	struct snap sn;
	int q = any_plate(s), pl = any_plate(s), k, i;
	double t, tb, look, hold, wait;

	for (i = 0; i < 50 && (pl == q || pl < 0 ||
	    strcmp(s->st->plates[pl].sku, s->st->plates[q].sku) == 0); i++)
		pl = any_plate(s);
	if (q < 0 || pl < 0 || pl == q || !fits(s, a, q, 8) ||
	    !fits(s, b, pl, 9))
		return 0;
	save(s, a, b, &sn);
	if (!stop(s, a, q, -1))
		return undo(s, a, b, &sn);
	k = (int)a->nr - 1;
	look = rng_range(&R, 0.3, 0.8);
	if ((t = go_plate(s, a, pl, sa, 3, look + 2.2)) < 0)
		return undo(s, a, b, &sn);
	k = put(s, a, pl, t + look, k, HC_MISPLACE);
	stand(a, done(a) + 0.4, last(a)->face);
	leave(s, a);
	wait = rng_range(&R, 0.2, 0.6);
	hold = rng_range(&R, 0.4, 0.8);
	/* b comes in no sooner than to reach the plate as a's item lies. */
	b->tin = b->keys[0].t = ms(fmax(b->tin, a->r[k].t3 + 1.5 -
	    hypot(s->spots[pl].x - b->keys[0].x, s->spots[pl].y -
	    b->keys[0].y)));
	admit(s, b);
	if ((tb = go_plate(s, b, pl, sb, 4, PAIRWAIT)) < 0)
		return undo(s, a, b, &sn);
	t = fmax(tb, a->r[k].t3 + 1.5) + wait;
	take(s, b, pl, t, hold, 1, HC_MISPLACE);
	stand(b, done(b) + 0.3, last(b)->face);
	if (!kept(s, b, tb))
		return undo(s, a, b, &sn);
	leave(s, b);
	return 1;
}

/* A case one shopper stages, at another plate if one is too busy. */
static void
single(struct sim *s, struct shopper *p, int hc)
{
	int i, pl;

	for (i = 0; i < 3; i++) {
		pl = hc == HC_SAMEWEIGHT ? same_weight_plate(s) : any_plate(s);
		if (pl < 0 || !fits(s, p, pl, hc == HC_LONGHOLD ? 7 : 3))
			return;
		if (hc == HC_FLOOR ? drop(s, p, pl) : stop(s, p, pl, hc))
			return;
	}
}

static const struct rgb shirts[] = {
	{ 30, 60, 150 }, { 170, 30, 40 }, { 40, 120, 60 }, { 220, 220, 215 },
	{ 25, 25, 30 }, { 230, 160, 30 }, { 110, 60, 140 }, { 90, 90, 95 },
	{ 200, 90, 120 }, { 60, 150, 170 }, { 150, 110, 70 }, { 240, 120, 80 },
};
static const struct rgb hairs[] = {
	{ 25, 20, 15 }, { 70, 45, 25 }, { 140, 100, 50 }, { 200, 170, 110 },
	{ 120, 120, 120 }, { 40, 30, 30 },
};
static const struct rgb skins[] = {
	{ 240, 200, 170 }, { 220, 175, 140 }, { 190, 140, 100 },
	{ 150, 100, 70 }, { 100, 65, 45 },
};

static void
person(struct sim *s, struct shopper *p, int i)
{
	unsigned v = (unsigned)rng_next(&R);

	snprintf(p->account, sizeof(p->account), "acct-%08x", v);
	snprintf(p->customer, sizeof(p->customer), "cus_sim%08x",
	    (unsigned)rng_next(&R));
	snprintf(p->pm, sizeof(p->pm), "pm_sim%08x", (unsigned)rng_next(&R));
	snprintf(p->email, sizeof(p->email), "shopper%d@example.org", i + 1);
	p->size = rng_range(&R, 0.85, 1.15);
	p->shirt = shirts[rng_int(&R, sizeof(shirts) / sizeof(*shirts))];
	p->hair = hairs[rng_int(&R, sizeof(hairs) / sizeof(*hairs))];
	p->skin = skins[rng_int(&R, sizeof(skins) / sizeof(*skins))];
}

/*
 * Striped shirts and backpacks come from a stream of their own, so that
 * how people look never changes what they do.
 */
static void
looks(struct sim *s)
{
	static const struct rgb packs[] = { { 30, 30, 35 }, { 20, 50, 110 },
	    { 110, 30, 30 }, { 60, 80, 50 }, { 200, 160, 40 } };
	struct rng r;
	size_t i;

	rng_seed(&r, s->seed, 4);
	for (i = 0; i < s->nsh; i++) {
		s->sh[i].stripes = rng_unif(&r) < 0.3;
		s->sh[i].backpack = rng_unif(&r) < 0.3;
		s->sh[i].pack = packs[rng_int(&r, sizeof(packs) /
		    sizeof(*packs))];
	}
}

static int
chcmp(const void *a, const void *b)
{
	const struct change *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->shopper != y->shopper)
		return x->shopper - y->shopper;
	return x->reach - y->reach;
}

static int
newunit(struct sim *s, int item)
{
	const struct wo_item *it = &s->st->items[item];

	if (s->nunits == s->capunits) {
		s->capunits = s->capunits ? 2 * s->capunits : 256;
		s->units = wo_realloc(s->units,
		    s->capunits * sizeof(*s->units));
	}
	s->units[s->nunits].item = item;
	s->units[s->nunits].g = it->unit_g + it->sd_g * rng_gauss(&R);
	return (int)s->nunits++;
}

/*
 * Plays every hand's change in time order on the plates' stacks: a take
 * lifts the top units, so an item laid on the wrong plate is the next one
 * taken there, whoever takes it.
 */
static void
resolve(struct sim *s)
{
	size_t np = s->st->nplates, i, j, n = 0;
	int **stk = wo_calloc(np, sizeof(*stk)), *ns = wo_calloc(np,
	    sizeof(int));

	s->stack0 = wo_calloc(np, sizeof(*s->stack0));
	s->nstack0 = wo_calloc(np, sizeof(int));
	for (i = 0; i < np; i++) {
		int k, cnt = 8 + rng_int(&R, 7);

		s->stack0[i] = wo_calloc(cnt, sizeof(int));
		for (k = 0; k < cnt; k++)
			s->stack0[i][k] = newunit(s, s->st->plates[i].item);
		s->nstack0[i] = cnt;
		stk[i] = wo_calloc(cnt + 64, sizeof(int));
		memcpy(stk[i], s->stack0[i], cnt * sizeof(int));
		ns[i] = cnt;
	}
	for (i = 0; i < s->nsh; i++)
		n += s->sh[i].nr;
	s->ch = wo_calloc(n ? n : 1, sizeof(*s->ch));
	for (i = 0; i < s->nsh; i++)
		for (j = 0; j < s->sh[i].nr; j++) {
			struct reach *r = &s->sh[i].r[j];

			s->ch[s->nch].t = ms(r->kind == R_TAKE ? r->t2 : r->t1);
			s->ch[s->nch].shopper = (int)i;
			s->ch[s->nch].reach = (int)j;
			s->nch++;
		}
	qsort(s->ch, s->nch, sizeof(*s->ch), chcmp);
	for (i = 0; i < s->nch; i++) {
		struct shopper *p = &s->sh[s->ch[i].shopper];
		struct reach *r = &p->r[s->ch[i].reach], *f;
		int pl = r->plate, k;

		r->nunits = 0;
		if (r->kind == R_TAKE) {
			for (k = 0; k < r->qty && ns[pl] > 0 && k < 4; k++)
				r->units[r->nunits++] = stk[pl][--ns[pl]];
			r->nleft = r->nunits;
			continue;
		}
		f = &p->r[r->from];
		if (f->nleft == 0)
			continue;
		r->units[r->nunits++] = f->units[--f->nleft];
		if (r->kind == R_PUT && ns[pl] < s->nstack0[pl] + 64)
			stk[pl][ns[pl]++] = r->units[0];
	}
	for (i = 0; i < np; i++)
		free(stk[i]);
	free(stk);
	free(ns);
}

void
plan(struct sim *s)
{
	static const int order[HC_N] = { HC_MISPLACE, HC_CROSS, HC_SAMEPLATE,
	    HC_LONGHOLD, HC_FLOOR, HC_MULTI, HC_SAMEWEIGHT, HC_PUTBACK };
	int i, nc = 0, hc;
	double gap;

	rng_seed(&R, s->seed, 1);
	s->nsh = s->nshop;
	s->sh = wo_calloc(s->nsh, sizeof(*s->sh));
	for (i = 0; i < s->nshop; i++)
		person(s, &s->sh[i], i);
	looks(s);
	gap = s->nshop > 1 ? fmin(5.0, 0.4 * s->dur / (s->nshop - 1)) : 0;
	for (i = 0; i < s->nshop; i++)
		enter(s, &s->sh[i], 0.5 + i * gap +
		    rng_range(&R, 0, 0.3 * gap));
	/*
	 * In --every-case the first shoppers stage each case once, in turn,
	 * the longest first so that it fits the session.
	 */
	for (i = 0; i < s->nshop; i++) {
		struct shopper *p = &s->sh[i];

		admit(s, p);
		hc = -1;
		if (s->every && nc < HC_N)
			hc = order[nc++];
		else if (rng_unif(&R) < s->difficulty)
			hc = rng_int(&R, HC_N);
		if (hc == HC_CROSS || hc == HC_SAMEPLATE || hc == HC_MISPLACE) {
			if (i + 1 < s->nshop) {
				struct shopper *q = &s->sh[i + 1];
				int ok = 0, k;

				/* Other plates, when one is too busy. */
				for (k = 0; k < 3 && !ok; k++)
					ok = hc == HC_CROSS ? cross(s, p, q) :
					    hc == HC_SAMEPLATE ?
					    same_plate(s, p, q) :
					    misplace(s, p, q);

				if (ok) {
					i++;
					continue;
				}
			}
		} else if (hc >= 0)
			single(s, p, hc);
		leave(s, p);
	}
	/*
	 * Waiting at the gate, or coming later to a staged case, can change
	 * who comes in first: the shoppers are kept in order of entry, stably.
	 */
	for (i = 1; i < s->nshop; i++) {
		struct shopper t = s->sh[i];
		int j;

		for (j = i; j > 0 && s->sh[j - 1].tin > t.tin; j--)
			s->sh[j] = s->sh[j - 1];
		s->sh[j] = t;
	}
	resolve(s);
}

/* Where shopper p is at t and which way it faces. */
void
pose(const struct shopper *p, double t, double *x, double *y, double *face)
{
	size_t lo = 0, hi = p->nkeys - 1, mid;
	const struct key *a, *b;
	double f;

	if (t <= p->keys[0].t || p->nkeys == 1) {
		*x = p->keys[0].x;
		*y = p->keys[0].y;
		*face = p->keys[0].face;
		return;
	}
	if (t >= p->keys[hi].t) {
		*x = p->keys[hi].x;
		*y = p->keys[hi].y;
		*face = p->keys[hi].face;
		return;
	}
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (p->keys[mid].t <= t)
			lo = mid;
		else
			hi = mid;
	}
	a = &p->keys[lo];
	b = &p->keys[hi];
	f = (t - a->t) / (b->t - a->t);
	*x = a->x + f * (b->x - a->x);
	*y = a->y + f * (b->y - a->y);
	*face = b->face;
}

static const struct reach *
change_reach(const struct sim *s, size_t i)
{
	return &s->sh[s->ch[i].shopper].r[s->ch[i].reach];
}

/* The units on plate pl at t, bottom up; returns how many. */
int
plate_units(const struct sim *s, int pl, double t, int *out, int max)
{
	int n = 0, k;
	size_t i;

	for (k = 0; k < s->nstack0[pl] && n < max; k++)
		out[n++] = s->stack0[pl][k];
	for (i = 0; i < s->nch && s->ch[i].t <= t; i++) {
		const struct reach *r = change_reach(s, i);

		if (r->plate != pl)
			continue;
		if (r->kind == R_TAKE)
			n = n >= r->nunits ? n - r->nunits : 0;
		else if (r->kind == R_PUT && r->nunits > 0 && n < max)
			out[n++] = r->units[0];
	}
	return n;
}

/* The units left on the floor by t and where they lie. */
int
floor_units(const struct sim *s, double t, int *out, double *xy, int max)
{
	int n = 0;
	size_t i;

	for (i = 0; i < s->nch && s->ch[i].t <= t && n < max; i++) {
		const struct reach *r = change_reach(s, i);

		if (r->kind != R_DROP || r->nunits == 0)
			continue;
		xy[2 * n] = r->tx;
		xy[2 * n + 1] = r->ty;
		out[n++] = r->units[0];
	}
	return n;
}

/* The units shopper p holds at t: taken and not yet put down. */
int
carried(const struct sim *s, const struct shopper *p, double t, int *out,
    int max)
{
	size_t i, j;
	int n = 0, k, m;

	for (i = 0; i < p->nr; i++) {
		const struct reach *r = &p->r[i];

		if (r->kind != R_TAKE || ms(r->t2) > t)
			continue;
		for (k = 0; k < r->nunits; k++) {
			int gone = 0;

			for (j = 0; j < p->nr; j++) {
				const struct reach *q = &p->r[j];

				for (m = 0; m < q->nunits; m++)
					if (q->kind != R_TAKE &&
					    q->units[m] == r->units[k] &&
					    ms(q->t1) >= ms(r->t2) &&
					    ms(q->t1) <= t)
						gone = 1;
			}
			if (!gone && n < max)
				out[n++] = r->units[k];
		}
	}
	return n;
}

void
plan_free(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->nsh; i++) {
		free(s->sh[i].keys);
		free(s->sh[i].r);
	}
	for (i = 0; i < s->st->nplates; i++)
		free(s->stack0[i]);
	free(s->stack0);
	free(s->nstack0);
	free(s->sh);
	free(s->units);
	free(s->ch);
}
