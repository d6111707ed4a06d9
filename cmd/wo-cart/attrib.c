/* attrib.c: whose hand was at the plate when its weight changed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "cart.h"

/* The moments around a change's start that count: reaching in, taking out. */
#define BEFORE		1.0	/* s before t0 */
#define AFTER		1.0	/* s after t0 */
#define BODY_PENALTY	0.35	/* m added when only the body was near */
#define REACH_MAX	1.5	/* m, farther than this nobody did it */
#define NEAR_HAND	0.3	/* m, a hand this close is "at" the plate */
#define TOOK_HAND	0.1	/* m, and this close took from it, not its neighbour */
#define LATE		0.4	/* m added per second away from t0 */
#define IN_PLATE	0.05	/* m, a hand this near is in the plate */
#define OWN_SIDE	0.15	/* m nearer its own plate: not in the middle */
#define ITEM_SURE	0.5	/* an item seen this surely is one */
#define REST_S		0.3	/* s, how recently a resting hand rests */
#define MOVE_S		0.1	/* s for a lifting hand to move off its place */
#define STILL_M		0.04	/* m, a resting hand's jitter in views */
#define FRAME_S		0.35	/* s between frames at the slowest cameras (3 fps) */
#define STEP_S		0.15	/* s apart, moments that show a reach */
#define HIDDEN_CONF	0.6	/* a pick given by the hand that carried it out */
#define HAND_MEET	0.35	/* m, wo-track's hand gate: nearer may trade */
#define ARMS_SEEN	2	/* views of crossed arms that tell */
#define WALK_S		0.3	/* s over which a body that moved */
#define WALK_M		0.15	/* m or more was walking, not reaching */
#define LONG_S		(BEFORE + AFTER)	/* s, a change this long was a hold */

static int	nearer_other(const struct shopper *, const struct wo_plate *,
		    const struct sample *, int, const struct shopper *);

void
sample_add(struct shopper *s, const struct sample *sm, double keep)
{
	int i = 0;

	/* History older than keep seconds can no longer explain a change. */
	while (i < s->nh && s->h[i].ts < sm->ts - keep)
		i++;
	if (i > 0) {
		memmove(s->h, s->h + i, (s->nh - i) * sizeof(*s->h));
		s->nh -= i;
	}
	if (s->nh == s->caph) {
		s->caph = s->caph ? s->caph * 2 : 64;
		s->h = wo_realloc(s->h, s->caph * sizeof(*s->h));
	}
	s->h[s->nh++] = *sm;
}

/*
 * Whether a view at ts falls in the moments that tell who made a change:
 * around its start t0, where a hand reaches in, and around te, the end of
 * a hold whose press went unseen (hold_end; te is t0 for any other).
 */
static int
in_moments(double ts, double t0, double te)
{
	return (ts >= t0 - BEFORE && ts <= t0 + AFTER) ||
	    (ts >= te - BEFORE && ts <= te + AFTER);
}

/* How far in time a view at ts lies from the nearer of those moments. */
static double
off_moments(double ts, double t0, double te)
{
	return fmin(fabs(ts - t0), fabs(ts - te));
}

/* Trades the places of candidates i and j. */
void
cand_swap(struct cand *cd, int i, int j)
{
	struct cand t = cd[i];

	cd[i] = cd[j];
	cd[j] = t;
}

/* Distance from (x, y) to the plate's rectangle, 0 inside. */
double
to_plate(const struct wo_plate *p, double x, double y)
{
	return wo_rect_dist(x, y, p->x, p->y, p->w, p->h);
}

/* The shopper's moment nearest t, or NULL when none is kept. */
const struct sample *
moment(const struct shopper *s, double t)
{
	const struct sample *m = NULL;
	int j;

	for (j = 0; j < s->nh; j++)
		if (m == NULL || fabs(s->h[j].ts - t) < fabs(m->ts - t))
			m = &s->h[j];
	return m;
}

/* How far the shopper's body was from the plate at the moment nearest t. */
double
body_dist(const struct cart *c, const struct shopper *s, int plate, double t)
{
	const struct sample *m = moment(s, t);

	return m == NULL ? INFINITY : to_plate(&c->st->plates[plate], m->x,
	    m->y);
}

/*
 * Where hand hid of shopper s was seen next before (dir < 0) or after
 * (dir > 0) time t: its moment, and the hand's index in it in *k.
 */
static const struct sample *
hand_near(const struct shopper *s, long long hid, double t, int dir, int *k)
{
	int j, i;

	for (j = dir < 0 ? s->nh - 1 : 0; j >= 0 && j < s->nh; j += dir) {
		if (dir < 0 ? s->h[j].ts >= t : s->h[j].ts <= t)
			continue;
		for (i = 0; i < s->h[j].nh; i++)
			if (s->h[j].hid[i] == hid) {
				*k = i;
				return &s->h[j];
			}
	}
	return NULL;
}

/* How far a hand moved along (dx, dy) from view i of p to view j of q. */
static double
along(const struct sample *p, int i, const struct sample *q, int j, double dx,
    double dy)
{
	return (q->hx[j] - p->hx[i]) * dx + (q->hy[j] - p->hy[i]) * dy;
}

/* How much a hand's velocity changed at b, going from a through b to c. */
static double
turn(double ax, double ay, double at, double bx, double by, double bt,
    double cx, double cy, double ct)
{
	return hypot((cx - bx) / (ct - bt) - (bx - ax) / (bt - at),
	    (cy - by) / (ct - bt) - (by - ay) / (bt - at));
}

/*
 * Whether a's hand ka and b's hand kb, seen at moment ma and mb (one
 * time), within HAND_MEET of each other, passed each other: the tracker
 * follows a hand to its nearest next view, and two hands this near may
 * each be the other's next view.  By the tracker's reading, hands that
 * passed each other both came to the middle and went back the way they
 * came (along (dx, dy), from a's body towards b's), which two hands
 * reaching straight ahead do not.  And a moving hand keeps its way from
 * one tenth of a second to the next, so the two hands trading their
 * views there (before this view or after it) must explain the path with
 * less turning than each keeping its own.
 */
static int
traded(const struct shopper *a, const struct sample *ma, int ka,
    const struct shopper *b, const struct sample *mb, int kb, double dx,
    double dy)
{
	const struct sample *pa, *na, *pb, *nb;
	double kept, before, after;
	int i, j, k, l;

	/* Without the tracker's hand ids there is no reading to weigh. */
	if (ma->hid[ka] == 0 || mb->hid[kb] == 0 ||
	    (pa = hand_near(a, ma->hid[ka], ma->ts, -1, &i)) == NULL ||
	    (na = hand_near(a, ma->hid[ka], ma->ts, 1, &j)) == NULL ||
	    (pb = hand_near(b, mb->hid[kb], mb->ts, -1, &k)) == NULL ||
	    (nb = hand_near(b, mb->hid[kb], mb->ts, 1, &l)) == NULL)
		return 0;
	if (along(pa, i, ma, ka, dx, dy) <= 0 ||
	    along(ma, ka, na, j, dx, dy) >= 0 ||
	    along(pb, k, mb, kb, dx, dy) >= 0 ||
	    along(mb, kb, nb, l, dx, dy) <= 0)
		return 0;
	kept = turn(pa->hx[i], pa->hy[i], pa->ts, ma->hx[ka], ma->hy[ka],
	    ma->ts, na->hx[j], na->hy[j], na->ts) +
	    turn(pb->hx[k], pb->hy[k], pb->ts, mb->hx[kb], mb->hy[kb], mb->ts,
	    nb->hx[l], nb->hy[l], nb->ts);
	before = turn(pa->hx[i], pa->hy[i], pa->ts, mb->hx[kb], mb->hy[kb],
	    mb->ts, nb->hx[l], nb->hy[l], nb->ts) +
	    turn(pb->hx[k], pb->hy[k], pb->ts, ma->hx[ka], ma->hy[ka], ma->ts,
	    na->hx[j], na->hy[j], na->ts);
	after = turn(pa->hx[i], pa->hy[i], pa->ts, ma->hx[ka], ma->hy[ka],
	    ma->ts, nb->hx[l], nb->hy[l], nb->ts) +
	    turn(pb->hx[k], pb->hy[k], pb->ts, mb->hx[kb], mb->hy[kb], mb->ts,
	    na->hx[j], na->hy[j], na->ts);
	return fmin(before, after) < kept;
}

/*
 * Whether shopper s was walking at moment m: its body had moved WALK_M
 * or more since WALK_S before (as far as the moments kept tell: none
 * kept from then says nothing).  A hand carried by a shopper walking up
 * to a plate swings through where a reaching arm would be, reaching
 * nothing.
 */
static int
walking(const struct shopper *s, const struct sample *m)
{
	const struct sample *o = moment(s, m->ts - WALK_S);

	return o != NULL && o->ts < m->ts && o->ts >= m->ts - 2 * WALK_S &&
	    hypot(m->x - o->x, m->y - o->y) >= WALK_M;
}

/*
 * Whether a hand at (x, y) is on its way into its own shopper's plate, not
 * the other's: nearer it by OWN_SIDE.  One standing at the near edge of
 * their plate and one where it ends have the middle between them over
 * the first one's plate, and a straight reach into it passes there; an arm
 * crossing to the other plate is as near the two in the middle, and nearer
 * the other beyond it.
 */
static int
own_side(const struct wo_plate *own, const struct wo_plate *other, double x,
    double y)
{
	return to_plate(own, x, y) + OWN_SIDE < to_plate(other, x, y);
}

/*
 * How many views of a's and b's hands between t and u, in neither plate p
 * nor q, lie in the middle third of the way from a's body at t to b's, or
 * lie inside the other's plate (a's in q, b's in p): a hand reaching
 * straight ahead stays on its own side, crossed arms pass the middle on
 * their way and end before the other body.  A hand in the middle counts
 * only out in front of the bodies, nearer the plates than either stands:
 * one level with them or behind hangs at a side, carrying what it took,
 * and one of the two may still have been walking up at t, so that the
 * middle of then is beside where they stand now; nor one much nearer its
 * own shopper's plate than the other (own_side()).  Hands seen over the
 * plates count when a hand of each met there, out in front and midway,
 * and passed each other (traded()): two straight reaches into the plates'
 * inner edges come as near the middle, but do not turn back.
 */
int
hands_between(const struct cart *c, const struct shopper *a,
    const struct shopper *b, int p, int q, double t, double u)
{
	const struct wo_plate *pp = &c->st->plates[p], *pq = &c->st->plates[q];
	const struct sample *ma = moment(a, t), *mb = moment(b, t);
	const struct shopper *s;
	double dx, dy, l2, f, ahead;
	int i, j, k, n = 0;

	if (ma == NULL || mb == NULL)
		return 0;
	ahead = fmin(to_plate(pp, ma->x, ma->y), to_plate(pq, mb->x, mb->y));
	dx = mb->x - ma->x;
	dy = mb->y - ma->y;
	if ((l2 = dx * dx + dy * dy) < 1e-6)
		return 0;
	for (i = 0; i < 2; i++) {
		s = i == 0 ? a : b;
		for (j = 0; j < s->nh; j++) {
			const struct sample *m = &s->h[j];

			if (m->ts < t || m->ts > u)
				continue;
			for (k = 0; k < m->nh; k++) {
				/*
				 * A hand inside the plate before the other
				 * shopper has crossed already.
				 */
				if (to_plate(i == 0 ? pq : pp, m->hx[k],
				    m->hy[k]) == 0) {
					n++;
					continue;
				}
				if (to_plate(pp, m->hx[k], m->hy[k]) == 0 ||
				    to_plate(pq, m->hx[k], m->hy[k]) == 0)
					continue;
				if (walking(s, m) ||
				    fmin(to_plate(pp, m->hx[k], m->hy[k]),
				    to_plate(pq, m->hx[k], m->hy[k])) >= ahead ||
				    own_side(i == 0 ? pp : pq, i == 0 ? pq : pp,
				    m->hx[k], m->hy[k]))
					continue;
				f = ((m->hx[k] - ma->x) * dx +
				    (m->hy[k] - ma->y) * dy) / l2;
				if (f >= 1.0 / 3 && f <= 2.0 / 3)
					n++;
			}
		}
	}
	for (j = 0; j < a->nh; j++) {
		const struct sample *m = &a->h[j], *o = moment(b, m->ts);

		if (m->ts < t || m->ts > u || o == NULL || o->ts != m->ts)
			continue;
		for (k = 0; k < m->nh; k++)
			for (i = 0; i < o->nh; i++) {
				double x = (m->hx[k] + o->hx[i]) / 2;
				double y = (m->hy[k] + o->hy[i]) / 2;

				if (hypot(m->hx[k] - o->hx[i], m->hy[k] -
				    o->hy[i]) >= HAND_MEET ||
				    fmin(to_plate(pp, x, y), to_plate(pq, x,
				    y)) >= ahead)
					continue;
				f = ((x - ma->x) * dx + (y - ma->y) * dy) / l2;
				if (f >= 1.0 / 3 && f <= 2.0 / 3 &&
				    traded(a, m, k, b, o, i, dx, dy))
					n++;
			}
	}
	return n;
}

/*
 * Whether the cameras saw a's and b's arms crossed: a hand in plate p (the
 * one before a) whose arm wo-track saw was b's, or one in plate q (before
 * b) whose arm was a's, and no hand reaching straight into either plate,
 * its arm seen to be that of the one standing before it.  An
 * arm joins a hand to its shoulders in its own sleeves, so it tells whose
 * a hand is where the hands' places cannot: crossed, each ends before the
 * other body.  One sighting the other way is doubt enough to say nothing;
 * but a crossed arm on its way passes over the half of its own plate next
 * to the other plate, so only a hand in the far half of its plate counts
 * as reaching straight.  A hand in a plate tells who took from it only
 * while its weight changed (from a reach before its change began, tp,
 * until it settled, up; the same for q, tq and uq).
 */
int
arms_across(const struct cart *c, const struct shopper *a,
    const struct shopper *b, int p, int q, double tp, double up, double tq,
    double uq)
{
	const struct wo_plate *pp = &c->st->plates[p], *pq = &c->st->plates[q];
	double half = hypot(pp->x + pp->w / 2 - pq->x - pq->w / 2,
	    pp->y + pp->h / 2 - pq->y - pq->h / 2) / 2;
	int i, j, k, inp, inq, across = 0;

	for (i = 0; i < 2; i++) {
		const struct shopper *s = i == 0 ? a : b;

		for (j = 0; j < s->nh; j++) {
			const struct sample *m = &s->h[j];

			for (k = 0; k < m->nh; k++) {
				inp = to_plate(pp, m->hx[k], m->hy[k]) == 0 &&
				    m->ts >= tp - REACH_S && m->ts <= up;
				inq = to_plate(pq, m->hx[k], m->hy[k]) == 0 &&
				    m->ts >= tq - REACH_S && m->ts <= uq;
				if ((inp && m->arm[k] == a->track &&
				    to_plate(pq, m->hx[k], m->hy[k]) > half) ||
				    (inq && m->arm[k] == b->track &&
				    to_plate(pp, m->hx[k], m->hy[k]) > half))
					return 0;
				across += (inp && m->arm[k] == b->track) ||
				    (inq && m->arm[k] == a->track);
			}
		}
	}
	/*
	 * Over a change held for seconds, one arm seen the other way in
	 * scores of views is the detector's slip, no crossing.
	 */
	if (across < ARMS_SEEN && (up - tp > LONG_S || uq - tq > LONG_S))
		return 0;
	return across;
}

/*
 * Whether shopper s's hand came into plate p between t and u unseen: in
 * the moment before a hand of theirs was first seen in the plate, none of
 * theirs was out in front (nearer the plate than their body).  A reach
 * takes at least 0.3 s, so cameras taking a frame every 0.15 s or
 * oftener show a hand reaching straight out on its way; two arms crossing
 * hide each other's hands where they overlap, just before they land.
 * With slower cameras, or the moment before missing, nothing is said.
 */
int
came_unseen(const struct cart *c, const struct shopper *s, int p, double t,
    double u)
{
	const struct wo_plate *pp = &c->st->plates[p];
	const struct sample *m, *o;
	int j, k;

	for (j = 1; j < s->nh; j++) {
		m = &s->h[j];
		if (m->ts < t)
			continue;
		if (m->ts > u)
			return 0;
		for (k = 0; k < m->nh; k++)
			if (to_plate(pp, m->hx[k], m->hy[k]) == 0)
				break;
		if (k == m->nh)
			continue;
		o = &s->h[j - 1];
		if (m->ts - o->ts > STEP_S)
			return 0;
		for (k = 0; k < o->nh; k++)
			if (to_plate(pp, o->hx[k], o->hy[k]) <
			    to_plate(pp, o->x, o->y))
				return 0;
		return 1;
	}
	return 0;
}

/*
 * Whether (x, y) is in a plate other than this one: a hand there reaches
 * into that plate, and what it holds there says nothing of this one (a
 * hand placed loosely near the edge of one plate may be on its way to the
 * next).
 */
static int
in_other(const struct cart *c, int plate, double x, double y)
{
	size_t q;

	for (q = 0; q < c->st->nplates; q++)
		if ((int)q != plate && to_plate(&c->st->plates[q], x, y) <=
		    IN_PLATE)
			return 1;
	return 0;
}

/*
 * Whether the shopper's body was only predicted at moment m, and predicted
 * inside a plate: nobody stands in a shelf, so the tracker's guess walked
 * on where the shopper did not.
 */
static int
in_shelf(const struct cart *c, const struct sample *m)
{
	size_t q;

	if (!m->guessed)
		return 0;
	for (q = 0; q < c->st->nplates; q++)
		if (to_plate(&c->st->plates[q], m->x, m->y) == 0)
			return 1;
	return 0;
}

/* The shopper's earliest moment kept that shows hand hid, or NULL. */
const struct sample *
first_view(const struct shopper *s, long long hid)
{
	int j, k;

	if (hid == 0)
		return NULL;
	for (j = 0; j < s->nh; j++)
		for (k = 0; k < s->h[j].nh; k++)
			if (s->h[j].hid[k] == hid)
				return &s->h[j];
	return NULL;
}

/*
 * Whether hand k of moment m was first seen while the shopper's body was
 * predicted inside a shelf: the tracker gives a new hand to the person
 * nearest it, and that guess was nobody's place, so the hand may be
 * anybody's.
 */
static int
guess_born(const struct cart *c, const struct shopper *s,
    const struct sample *m, int k)
{
	const struct sample *f = first_view(s, m->hid[k]);

	return f != NULL && in_shelf(c, f);
}

/*
 * Whether one of the shopper's hands was seen taking an item from the plate
 * (empty when it came to the plate, holding something after t0) or, for a
 * put-back, bringing one (holding it at the plate before t0, empty after).
 * A hand that carries earlier picks past the plate proves nothing, which is
 * why hands are followed by their ids; nor does, for a pick, a hand at the
 * plate before its previous change settled: what that hand came out with
 * was the previous change's item (the window around t0 reaches back a
 * second, past the end of a pick just made).  Returns the item's
 * confidence.
 */
static double
handled(const struct cart *c, const struct shopper *s, int plate, double t0,
    double te, int pick)
{
	const struct wo_plate *p = &c->st->plates[plate];
	long long done[64];
	double best = 0;
	int j, k, jj, kk, i, nd = 0;

	for (j = 0; j < s->nh; j++) {
		const struct sample *m = &s->h[j];

		if (!in_moments(m->ts, t0, te))
			continue;
		for (k = 0; k < m->nh; k++) {
			double first = m->item[k], later = 0;
			int seen = 0;

			if (to_plate(p, m->hx[k], m->hy[k]) > TOOK_HAND ||
			    guess_born(c, s, m, k) ||
			    (pick && m->ts < c->pl[plate].settled))
				continue;
			/* Only the hand's first view at the plate counts. */
			for (i = 0; i < nd; i++)
				if (done[i] == m->hid[k])
					break;
			if (i < nd || nd == 64)
				continue;
			done[nd++] = m->hid[k];
			for (jj = j + 1; jj < s->nh; jj++)
				for (kk = 0; kk < s->h[jj].nh; kk++) {
					if (s->h[jj].hid[kk] != m->hid[k] ||
					    s->h[jj].ts < t0 ||
					    in_other(c, plate, s->h[jj].hx[kk],
					    s->h[jj].hy[kk]))
						continue;
					seen = 1;
					if (s->h[jj].item[kk] > later)
						later = s->h[jj].item[kk];
					if (!pick && s->h[jj].item[kk] == 0)
						later = -1;
				}
			if (pick && first == 0 && later > best)
				best = later;
			if (!pick && first > 0 && m->ts <= t0 &&
			    (!seen || later < 0) && first > best)
				best = first;
		}
	}
	return best;
}

/*
 * Whether one of the shopper's hands carried an item away from the plate
 * as a pick settled: seen holding one surely within NEAR_HAND of it
 * between t0 and a frame after t1 (the first reading at the new weight,
 * when the item is off the plate and the hand leaving it), and never seen
 * before t0, so that it cannot be a hand carrying an earlier pick past.
 * The detector often misses a hand in the plate, where the shelf and the
 * body hide it, and finds it only on its way out.  Returns the item's
 * confidence, 0 none.
 */
static double
carried(const struct cart *c, const struct shopper *s, int plate, double t0,
    double t1)
{
	const struct wo_plate *p = &c->st->plates[plate];
	double best = 0;
	int i, j, k, bad;

	for (j = 0; j < s->nh; j++) {
		const struct sample *m = &s->h[j];

		if (m->ts < t0 || m->ts > t1 + FRAME_S)
			continue;
		for (k = 0; k < m->nh; k++) {
			if (m->hid[k] == 0 || m->item[k] < ITEM_SURE ||
			    m->item[k] <= best ||
			    to_plate(p, m->hx[k], m->hy[k]) > NEAR_HAND ||
			    in_other(c, plate, m->hx[k], m->hy[k]) ||
			    guess_born(c, s, m, k))
				continue;
			bad = first_view(s, m->hid[k])->ts < t0;
			/* A hand nearer another's body may be theirs, lent. */
			for (i = 0; i < c->nsh && !bad; i++)
				if (&c->sh[i] != s &&
				    nearer_other(s, p, m, k, &c->sh[i]))
					bad = 1;
			if (!bad)
				best = m->item[k];
		}
	}
	return best;
}

/*
 * Whether a candidate's hand was at the plate to share a merged pick: in
 * it since t0, or seen within NEAR_HAND of it around t0.  A detector places
 * hands loosely and misses moments, so the hand of a shopper taking one
 * unit beside another may never be seen inside the plate, only at it.
 */
int
at_hand(const struct cand *cd)
{
	return cd->inplate || (cd->byhand && cd->dist <= NEAR_HAND);
}

/* How many candidates were seen taking (or bringing) an item. */
int
takers(const struct cand *cd, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (cd[i].item > 0)
			k++;
	return k;
}

static int
byeff(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->eff != y->eff)
		return x->eff < y->eff ? -1 : 1;
	return (x->sh > y->sh) - (x->sh < y->sh);
}

/*
 * The second moment that tells who made a change over [t0, t1]: t1 for a
 * hold whose press no hand was seen at, t0 (none) for any other change.  A
 * reach in and out takes well under LONG_S (normal changes last 0.3 to 1.6
 * s); a change that lasts longer had a hand resting on the plate, which the
 * scale counts from when it first pressed, and the item left at the end.
 * A hand seen in the plate (within IN_PLATE) at the press is the one that
 * rested there and took the item, and the moments around t0 tell whose it
 * was, as for any change; where none was seen (a neighbour's hand reaching
 * past is not one resting on it), the taker's hand is sought where it
 * withdrew with the item, around t1.  Looking at the end when the
 * press was seen too lets a rival reaching in as the hold ends (or a hand
 * the tracker passes to them) outweigh the hand that rested there.
 */
double
hold_end(const struct cart *c, int plate, double t0, double t1)
{
	const struct wo_plate *p = &c->st->plates[plate];
	int i, j, k;

	if (t1 - t0 <= LONG_S)
		return t0;
	for (i = 0; i < c->nsh; i++) {
		const struct shopper *s = &c->sh[i];

		for (j = 0; j < s->nh; j++) {
			const struct sample *m = &s->h[j];

			if (m->ts < t0 - BEFORE || m->ts > t0 + AFTER)
				continue;
			for (k = 0; k < m->nh; k++)
				if (to_plate(p, m->hx[k], m->hy[k]) <=
				    IN_PLATE && !guess_born(c, s, m, k))
					return t0;
		}
	}
	return t1;
}

/*
 * Every shopper who could have made the change, nearest first.  The weight
 * event comes a little after the change began (the scale must settle first),
 * so the history kept from the track events is searched around t0 (and the
 * end of a hold, hold_end), not at the event's own time.  An item seen in
 * a hand at the plate is noted: after t0 for a pick (it was taken), before
 * t0 for a put-back (it was brought); for a pick also one carried out of
 * it by t1, when the change settled.
 */
int
candidates(const struct cart *c, int plate, double t0, double t1, int pick,
    struct cand *out)
{
	const struct wo_plate *p = &c->st->plates[plate];
	double te = hold_end(c, plate, t0, t1);
	int i, j, k, n = 0;

	for (i = 0; i < c->nsh; i++) {
		const struct shopper *s = &c->sh[i];
		struct cand cd = { .sh = i, .dist = INFINITY, .eff = INFINITY };
		const struct sample *at = moment(s, t0);
		double body = INFINITY, late;

		for (j = 0; j < s->nh; j++) {
			const struct sample *m = &s->h[j];
			double d;

			/*
			 * Picks the scale merged with this one began later:
			 * their hands count as in the plate until now.
			 */
			for (k = 0; k < m->nh && m->ts >= t0 - BEFORE; k++)
				if (to_plate(p, m->hx[k], m->hy[k]) <= IN_PLATE &&
				    !guess_born(c, s, m, k)) {
					cd.inplate = 1;
					cd.lastin = m->ts;
				}
			if (!in_moments(m->ts, t0, te))
				continue;
			/*
			 * A hand at the plate long before or after the change
			 * explains it less well than one there at t0 (or, for
			 * a hold, at t1).
			 */
			late = LATE * off_moments(m->ts, t0, te);
			d = to_plate(p, m->x, m->y) + late;
			if (d < body && !in_shelf(c, m))
				body = d;
			for (k = 0; k < m->nh; k++) {
				if (guess_born(c, s, m, k))
					continue;
				d = to_plate(p, m->hx[k], m->hy[k]) + late;
				if (d < cd.dist) {
					cd.dist = d;
					cd.byhand = 1;
				}
			}
		}
		cd.item = handled(c, s, plate, t0, te, pick);
		if (pick)
			cd.carried = carried(c, s, plate, t0, t1);
		cd.hidden = at != NULL && at->guessed;
		if (cd.byhand)
			cd.eff = cd.dist;
		else {
			cd.dist = body;
			cd.eff = body + BODY_PENALTY;
		}
		/* One who reached in only later may share a merged pick. */
		if (cd.eff > REACH_MAX && cd.inplate)
			cd.eff = cd.dist = REACH_MAX;
		if (cd.eff <= REACH_MAX)
			out[n++] = cd;
	}
	qsort(out, n, sizeof(*out), byeff);
	return n;
}

/*
 * How sure the first candidate is the one: a hand in the plate is sure, one
 * farther away less so; a rival close behind halves it (a coin toss when
 * both were equally near).  Where distance cannot tell two hands apart, the
 * camera can: if only one of them held an item, that one goes first; and
 * failing that, the one whose hand stayed in the plate longer.
 */
double
attrib_conf(struct cand *cd, int n)
{
	double near, margin, gap;
	int i;

	if (n == 0)
		return 0;
	if (n > 1 && cd[1].eff - cd[0].eff < NEAR_HAND &&
	    cd[1].item > 0 && cd[0].item == 0) {
		cand_swap(cd, 0, 1);
		if (cd[0].item >= ITEM_SURE)
			return cd[0].byhand ? 0.9 : 0.6;
	}
	/*
	 * The runner-up, hidden when the change began, carried the item out
	 * of the plate surely, and the first one's hands, nearer as they
	 * were, were never seen holding one surely: the runner-up took it.
	 * The tracker gives a hand to the body whose box it ends, and a
	 * shopper hidden behind a neighbour at the plate reaches in with a
	 * hand that ends the neighbour's box; the hand carrying the item
	 * back to the hidden one's body tells whose it was.  A person should
	 * still look: the hand in the plate was not seen to be theirs.
	 */
	if (n > 1 && cd[1].hidden && cd[1].carried >= ITEM_SURE &&
	    cd[0].carried == 0 && cd[0].item < ITEM_SURE) {
		cand_swap(cd, 0, 1);
		return HIDDEN_CONF;
	}
	/*
	 * Both had a hand in the plate, as near, and the camera told them
	 * apart by no item: the item leaves the plate in the taker's hand,
	 * and the weight settles after it, so the hand that stayed in the
	 * plate longer (by more than a frame of the slowest cameras, not a
	 * view missed) took it; the other left without it.
	 */
	if (n > 1 && cd[1].eff - cd[0].eff < NEAR_HAND && cd[0].inplate &&
	    cd[1].inplate && (cd[0].item > 0) == (cd[1].item > 0) &&
	    cd[1].lastin > cd[0].lastin + FRAME_S)
		cand_swap(cd, 0, 1);
	near = cd[0].eff <= 0.05 ? 1 : exp(-(cd[0].eff - 0.05) / 0.5);
	/*
	 * The item was seen coming out of the plate in this one's hand, and
	 * no rival's hand was seen with one or in the plate: as sure as a
	 * hand in the plate.
	 */
	for (i = 1; i < n && cd[i].item == 0 && cd[i].carried == 0 &&
	    !cd[i].inplate; i++)
		;
	if (cd[0].carried > 0 && i == n)
		near = 1;
	gap = n > 1 ? fabs(cd[1].eff - cd[0].eff) : INFINITY;
	margin = 1 - 0.5 * exp(-gap / 0.15);
	/*
	 * Both hands at the plate, but only this one took something: likely,
	 * when the item was seen surely.  A detector that finds items
	 * poorly also sees weak ones in empty hands, no reason to be sure.
	 */
	if (n > 1 && gap < NEAR_HAND && cd[0].item >= ITEM_SURE &&
	    cd[1].item == 0 && margin < 0.9)
		margin = 0.9;
	return near * margin;
}

/*
 * How sure candidate taker is the one once candidate partner (-1: none of
 * them) is known to have been busy at another plate meanwhile: one shopper
 * reaches one plate at a time, so the partner did not make this change,
 * and its nearness to the plate is no rival's.  What the rules that part
 * two such picks take it for is a hand lent: the tracker put the taker's
 * hand on the partner's body, so the nearer of the two hands seen counts
 * as the taker's.  (Where the taker's was the nearer anyway, as for a
 * runner-up seen busy without a parting, that changes nothing.)  The
 * other candidates stay rivals, as in attrib_conf; 0 when one of them now
 * comes first.
 */
double
busy_conf(const struct cand *cd, int n, int taker, int partner)
{
	struct cand *t;
	double conf;
	int i, m = 0;

	t = wo_calloc(n + 1, sizeof(*t));
	t[m++] = cd[taker];
	if (partner >= 0 && cd[partner].eff < t[0].eff) {
		t[0].eff = cd[partner].eff;
		t[0].dist = cd[partner].dist;
		t[0].byhand = cd[partner].byhand;
	}
	for (i = 0; i < n; i++)
		if (i != taker && i != partner)
			t[m++] = cd[i];
	qsort(t + 1, m - 1, sizeof(*t), byeff);
	conf = attrib_conf(t, m);
	/* A rival's hand held the item and the taker's did not: no lift. */
	if (t[0].sh != cd[taker].sh)
		conf = 0;
	free(t);
	return conf;
}

/*
 * The hand views near the plate in the moments of a change (around t0 and
 * te, see hold_end), for the cart line's evidence.
 */
json_t *
detections(const struct cart *c, const struct shopper *s, int plate, double t0,
    double te)
{
	const struct wo_plate *p = &c->st->plates[plate];
	json_t *a = json_array();
	int j, k;

	for (j = 0; j < s->nh; j++) {
		const struct sample *m = &s->h[j];

		if (!in_moments(m->ts, t0, te))
			continue;
		for (k = 0; k < m->nh; k++) {
			json_t *o;

			if (to_plate(p, m->hx[k], m->hy[k]) > NEAR_HAND)
				continue;
			o = json_pack("{s:f,s:f,s:f}", "ts", m->ts,
			    "x", m->hx[k], "y", m->hy[k]);
			if (m->hid[k] != 0)
				json_object_set_new(o, "id",
				    json_integer(m->hid[k]));
			if (m->item[k] > 0)
				json_object_set_new(o, "item",
				    json_real(m->item[k]));
			json_array_append_new(a, o);
		}
	}
	return a;
}

/*
 * The view of hand k of moment m where it was last seen, once it had left
 * plate p after m: where a withdrawing hand goes is its own body.  NULL
 * when it was not seen out of the plate since.
 */
static const struct sample *
withdrawn(const struct shopper *s, const struct wo_plate *p,
    const struct sample *m, int k, int *kk)
{
	const struct sample *w = NULL;
	int j, i;

	if (m->hid[k] == 0)
		return NULL;
	for (j = m - s->h + 1; j < s->nh; j++)
		for (i = 0; i < s->h[j].nh; i++) {
			if (s->h[j].hid[i] != m->hid[k])
				continue;
			if (to_plate(p, s->h[j].hx[i], s->h[j].hy[i]) >
			    IN_PLATE) {
				w = &s->h[j];
				*kk = i;
			} else
				w = NULL;
		}
	return w;
}

/*
 * Whether hand k of moment m lies nearer the body of shopper o than its
 * own, at that moment or, withdrawn from the plate, where it was last
 * seen.  Only a body seen there (not guessed) can have lent it.
 */
static int
nearer_other(const struct shopper *s, const struct wo_plate *p,
    const struct sample *m, int k, const struct shopper *o)
{
	const struct sample *v = m, *ob;
	int i, kk = k;

	for (i = 0; i < 2; i++) {
		if (i == 1 && (v = withdrawn(s, p, m, k, &kk)) == NULL)
			return 0;
		ob = moment(o, v->ts);
		if (ob != NULL && !ob->guessed && fabs(ob->ts - v->ts) <= 0.5 &&
		    hypot(v->hx[kk] - ob->x, v->hy[kk] - ob->y) <
		    hypot(v->hx[kk] - v->x, v->hy[kk] - v->y))
			return 1;
	}
	return 0;
}

/*
 * One track showing two hands in the plate at once, one of them nearer
 * another candidate's body than its own, then or where it withdrew to: the
 * tracker gives a hand to the body whose box it ends, and a neighbour
 * reaching into the same plate ends there too, until it draws back to its
 * own body.  That hand is taken for the neighbour's, who is then counted
 * as in the plate (a merged pick to be split).  Returns how many
 * candidates were so counted.
 */
int
lent_hands(const struct cart *c, int plate, double t0, struct cand *cd,
    int n)
{
	const struct wo_plate *p = &c->st->plates[plate];
	const struct shopper *s;
	int i, j, k, in, lent = 0;

	if (n < 2)
		return 0;
	s = &c->sh[cd[0].sh];
	for (j = 0; j < s->nh; j++) {
		const struct sample *m = &s->h[j];

		if (m->ts < t0 - BEFORE)
			continue;
		for (k = in = 0; k < m->nh; k++)
			if (to_plate(p, m->hx[k], m->hy[k]) <= IN_PLATE)
				in++;
		if (in < 2)
			continue;
		for (k = 0; k < m->nh; k++) {
			if (to_plate(p, m->hx[k], m->hy[k]) > IN_PLATE)
				continue;
			for (i = 1; i < n; i++) {
				if (!nearer_other(s, p, m, k, &c->sh[cd[i].sh]))
					continue;
				if (!cd[i].inplate)
					lent++;
				cd[i].inplate = 1;
				if (m->ts > cd[i].lastin)
					cd[i].lastin = m->ts;
			}
		}
	}
	return lent;
}

/*
 * Which of the two shoppers cd[0] and cd[1] sharing a merged pick lifted
 * first, the plate's trace showing the lifts at ta and tb: the one whose
 * hands all moved off where they rested in the plate after ta, while a
 * hand of the other stayed put there until tb.  A hand is never still
 * while it carries an item away, and one resting in the plate moves no
 * more than the detector's own jitter.  Returns 0 or 1, or -1 when the
 * cameras cannot tell: no moment between the lifts, both moved or both
 * stayed, or one showed no hand resting in the plate (unseen, or taken
 * for the other's).
 */
int
first_lifter(const struct cart *c, int plate, const struct cand *cd,
    double ta, double tb)
{
	const struct wo_plate *p = &c->st->plates[plate];
	int i, j, k, r, how[2];	/* -1 not seen, 0 moved off, 1 stayed */

	for (i = 0; i < 2; i++) {
		const struct shopper *s = &c->sh[cd[i].sh];
		const struct sample *rest = NULL;
		int stay = 0, moved = 0;

		/* Where its hands rested: the last moment before ta. */
		for (j = 0; j < s->nh && s->h[j].ts <= ta; j++)
			for (k = 0; k < s->h[j].nh; k++)
				if (s->h[j].ts >= ta - REST_S && to_plate(p,
				    s->h[j].hx[k], s->h[j].hy[k]) <= IN_PLATE)
					rest = &s->h[j];
		for (; rest != NULL && j < s->nh && s->h[j].ts <= tb; j++) {
			const struct sample *m = &s->h[j];
			int put = 0;

			if (m->ts <= ta + MOVE_S)
				continue;
			for (k = 0; k < m->nh; k++)
				for (r = 0; r < rest->nh; r++)
					if (to_plate(p, rest->hx[r],
					    rest->hy[r]) <= IN_PLATE &&
					    hypot(m->hx[k] - rest->hx[r],
					    m->hy[k] - rest->hy[r]) <= STILL_M)
						put = 1;
			stay += put;
			moved += !put;
		}
		how[i] = stay + moved == 0 ? -1 : stay > moved;
	}
	if (how[0] == how[1] || how[0] < 0 || how[1] < 0)
		return -1;
	return how[0] == 0 ? 0 : 1;
}
