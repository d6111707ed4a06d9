/* main.c: wo-cart, weight changes into shoppers' carts and checkouts. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "cart.h"

static const char usage[] =
    "wo-cart -s STORE.json [-S STATE] [-l UNITS] [-r CONF]";

#define KEEP_S		10.0	/* s of track history kept per shopper */
#define APPLIED_S	120.0	/* s a change is remembered against replays */
#define DONE_MAX	1000	/* visits remembered against replays */
#define SPLIT_CONF	0.8	/* a merged pick split among its takers */
#define VISION_CONF	0.3	/* one unit, on the camera's word alone */
#define EMPTY_S		3.0	/* s seen without a hand: carrying nothing */
#define ALONE_M		1.0	/* m to the next shopper, not to be hidden */
#define LEFT_CONF	0.75	/* items found left behind that way */
#define SPLIT_NEAR_CONF	0.75	/* and among the hands in the plate */
#define SAVE_S		1.0	/* s of input at most between state saves */
#define CROSS_CONF	0.8	/* picks given by the one-reach rule */
#define SETTLED_S	1.0	/* s before a reach, bodies stand clear of it */
#define NEXT_M		0.3	/* m at most between plates side by side */
#define UNSEEN_CONF	0.5	/* picks that may have been crossed, unseen */
#define GATE_CONF	0.5	/* a visit whose body may be another entrant's */
#define TIE_S		0.15	/* s between two hands leaving: no order */
#define TIE_CONF	0.5	/* a merged pick's shares given in no order */
#define PASS_S		3.0	/* s, gate to where a body is first seen */
#define AHEAD_M		0.2	/* m farther in than another: went first */
#define GATE_NEAR_M	1.0	/* m from the gate, a body just through it */

static struct cart c;

struct shopper *
shopper_get(struct cart *ct, long long track, int make)
{
	struct shopper *s;
	int i;

	for (i = 0; i < ct->nsh; i++)
		if (ct->sh[i].track == track)
			return &ct->sh[i];
	if (!make)
		return NULL;
	if (ct->nsh == ct->capsh) {
		ct->capsh = ct->capsh ? ct->capsh * 2 : 16;
		ct->sh = wo_realloc(ct->sh, ct->capsh * sizeof(*ct->sh));
	}
	s = &ct->sh[ct->nsh++];
	memset(s, 0, sizeof(*s));
	s->track = track;
	return s;
}

void
shopper_free(struct shopper *s)
{
	int i;

	for (i = 0; i < s->nln; i++) {
		free(s->ln[i].id);
		free(s->ln[i].sku);
		free(s->ln[i].plate);
	}
	free(s->ln);
	free(s->h);
	free(s->mt);
	free(s->account);
	free(s->visit);
}

void
emit(json_t *ev)
{
	wo_write(ev);
	json_decref(ev);
}

/* The latest entry of an account at or before t, or -1. */
static int
entry_of(const char *account, double t)
{
	int i, best = -1;

	for (i = 0; i < c.nent; i++)
		if (strcmp(c.ent[i].account, account) == 0 &&
		    c.ent[i].ts <= t && (best < 0 || c.ent[i].ts > c.ent[best].ts))
			best = i;
	return best;
}

/*
 * The entry of shopper s: its account's latest by just after it was first
 * seen, or -1.
 */
static int
own_entry(const struct shopper *s)
{
	return s->account == NULL ? -1 : entry_of(s->account, s->first + 5);
}

/*
 * A visit's id comes from the store, the account and the time of entry,
 * hashed (64-bit FNV-1a), so replaying the same input names the same visits
 * and wo-charge can refuse to charge one twice.
 */
static const char *
visit_of(struct shopper *s)
{
	char buf[512];
	uint64_t h = 14695981039346656037ULL;
	double t = s->first;
	size_t i;
	int e;

	if (s->visit != NULL)
		return s->visit;
	if ((e = own_entry(s)) >= 0)
		t = c.ent[e].ts;
	snprintf(buf, sizeof(buf), "%s\n%s\n%.3f", c.st->name,
	    s->account ? s->account : "-", t);
	for (i = 0; buf[i] != '\0'; i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ULL;
	}
	snprintf(buf, sizeof(buf), "v-%016llx", (unsigned long long)h);
	s->visit = wo_strdup(buf);
	return s->visit;
}

static int
applied(const char *key)
{
	int i;

	for (i = 0; i < c.napplied; i++)
		if (strcmp(c.applied[i], key) == 0)
			return 1;
	return 0;
}

static void
remember(const char *key, double ts)
{
	int i = 0;

	while (i < c.napplied &&
	    strtod(strchr(c.applied[i], '@') + 1, NULL) < ts - APPLIED_S)
		free(c.applied[i++]);
	if (i > 0) {
		memmove(c.applied, c.applied + i,
		    (c.napplied - i) * sizeof(char *));
		c.napplied -= i;
	}
	c.applied = wo_realloc(c.applied, (c.napplied + 1) * sizeof(char *));
	c.applied[c.napplied++] = wo_strdup(key);
}

/* Appends a cart line to the shopper's cart and writes its cart event. */
void
add_line(struct shopper *s, double ts, int plate, int item, long long qty,
    double conf, json_t *evidence)
{
	const char *sku = c.st->items[item].sku, *pid = c.st->plates[plate].id;
	json_t *x;
	struct line *ln;
	char id[64];

	snprintf(id, sizeof(id), "%s#%d", visit_of(s), ++s->seq);
	if (s->nln == s->capln) {
		s->capln = s->capln ? s->capln * 2 : 8;
		s->ln = wo_realloc(s->ln, s->capln * sizeof(*s->ln));
	}
	ln = &s->ln[s->nln++];
	ln->id = wo_strdup(id);
	ln->sku = wo_strdup(sku);
	ln->plate = wo_strdup(pid);
	ln->qty = qty;
	ln->conf = wo_r3(conf);
	ln->ts = ts;
	ln->reach = 0;
	ln->moved = 0;
	ln->busy = 0;
	ln->gone = 0;
	ln->doubted = 0;
	x = wo_ev_new("cart", ts);
	json_object_set_new(x, "account", s->account ?
	    json_string(s->account) : json_null());
	json_object_set_new(x, "sku", json_string(sku));
	json_object_set_new(x, "qty", json_integer(qty));
	json_object_set_new(x, "plate", json_string(pid));
	json_object_set_new(x, "conf", json_real(ln->conf));
	json_object_set_new(x, "id", json_string(id));
	json_object_set_new(x, "visit", json_string(s->visit));
	json_object_set_new(x, "track", json_integer(s->track));
	json_object_set_new(x, "evidence", evidence);
	emit(x);
}

/* A line made by a weight change: its evidence, the weight and the hands. */
static void
weight_line(struct shopper *s, const struct wo_ev *ev, int plate, int item,
    long long qty, double conf, const struct cand *cd, double t0,
    double grams, long long parted)
{
	json_t *w, *x;
	double t1;

	if (!wo_num(ev, "t1", &t1))
		t1 = ev->ts;
	w = json_pack("{s:s,s:f,s:f,s:O}", "plate", c.st->plates[plate].id,
	    "ts", ev->ts, "t0", t0, "delta_g",
	    json_object_get(ev->obj, "delta_g"));
	/* What was counted, when earlier unexplained changes were netted. */
	if (fabs(grams - json_number_value(json_object_get(ev->obj,
	    "delta_g"))) > 0.05)
		json_object_set_new(w, "net_g", json_real(wo_r3(grams)));
	/* A put-back credited to a far cart has no distance to show. */
	x = json_pack("{s:o,s:I,s:o,s:b,s:o}", "weight", w, "track",
	    (json_int_t)s->track, "dist", isfinite(cd->dist) ?
	    json_real(wo_r3(cd->dist)) : json_null(), "hand", cd->byhand,
	    "detections", detections(&c, s, plate, t0,
	    hold_end(&c, plate, t0, t1)));
	/*
	 * Two people cannot stand where one stands: a track seen on top of
	 * another shortly before may have come out of the meeting with the
	 * other's identity, and whose cart this is becomes a question for a
	 * person, unless wo-track has since seen both apart, each looking
	 * like itself.
	 */
	add_pick(&c, s, ev->ts, plate, item, qty, conf, t0, parted, x);
	/*
	 * Whoever just took something carries it: the time seen without a
	 * hand counts from here, not from before the pick (a detector that
	 * misses hands for a while must not empty a cart filled meanwhile).
	 */
	if (qty > 0) {
		s->empty = 0;
		s->left = 0;
	}
}

/*
 * The scales said these items left their plates and never came back, and
 * the cameras have seen the shopper for EMPTY_S seconds with no hand, so
 * carrying nothing: they were left in the store (on the floor), and leave
 * the cart.  Lines go out per product, at LEFT_CONF.
 */
static void
left_behind(struct shopper *s, double ts)
{
	json_t *a, *items = json_array();
	int i, j, n = s->nln;

	for (i = 0; i < n; i++) {
		const char *sku = s->ln[i].sku;
		long long q;
		int last = i;

		for (j = 0; j < i; j++)
			if (strcmp(s->ln[j].sku, sku) == 0)
				break;
		if (j < i || (q = held_qty(s, sku)) <= 0)
			continue;
		for (j = i; j < n; j++)
			if (strcmp(s->ln[j].sku, sku) == 0 && s->ln[j].qty > 0)
				last = j;
		json_array_append_new(items, json_pack("{s:s,s:I}", "sku", sku,
		    "qty", (json_int_t)q));
		add_line(s, ts, wo_store_plate(c.st, s->ln[last].plate),
		    wo_store_item(c.st, sku), -q, LEFT_CONF, json_pack(
		    "{s:{s:f,s:f},s:I}", "left", "since", s->empty, "until", ts,
		    "track", (json_int_t)s->track));
		/* The floor rule may find it lying: see left() in floor.c. */
		s->ln[s->nln - 1].gone = 1;
	}
	a = wo_alert_new(ts, "left-behind", "track %lld has carried nothing "
	    "since %.3f: what it took is left in the store", s->track,
	    s->empty);
	json_object_set_new(a, "track", json_integer(s->track));
	json_object_set_new(a, "account", s->account ?
	    json_string(s->account) : json_null());
	json_object_set_new(a, "items", items);
	emit(a);
	state_save(&c);
}

static void
stock(const struct wo_ev *ev, int p)
{
	const struct wo_plate *pl = &c.st->plates[p];
	double g, u = c.st->items[pl->item].unit_g;
	long long n;

	if (!wo_num(ev, "g", &g) || u <= 0)
		return;
	n = llround(g / u);
	if (n < 0)
		n = 0;
	c.pl[p].stock = n;
	if (n > c.lowstock)
		c.pl[p].low = 0;
	else if (!c.pl[p].low) {
		json_t *a = wo_alert_new(ev->ts, "low-stock", "plate %s holds "
		    "%lld of %s", pl->id, n, pl->sku);

		json_object_set_new(a, "plate", json_string(pl->id));
		json_object_set_new(a, "sku", json_string(pl->sku));
		json_object_set_new(a, "stock", json_integer(n));
		emit(a);
		c.pl[p].low = 1;
	}
}

/*
 * A put-back goes to the first candidate who holds something its weight
 * fits; an item handed on and put back by the other shopper still leaves
 * the cart of whoever took it, so when nobody near holds one, every open
 * cart is tried, with the confidence halved for the guess.
 */
/* How many candidates had a hand at the plate. */
static int
at_plate(const struct cand *cd, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (at_hand(&cd[i]))
			k++;
	return k;
}

static int
putback(int p, double grams, struct cand *cd, int n, struct what *wt,
    double *ca)
{
	int i, j;

	for (i = 0; i < n; i++) {
		count(&c, p, grams, 0, &c.sh[cd[i].sh], wt);
		if (wt->item >= 0 &&
		    held_qty(&c.sh[cd[i].sh], c.st->items[wt->item].sku) > 0) {
			if (i > 0) {
				cand_swap(cd, 0, i);
				*ca *= 0.5;
			}
			return 1;
		}
	}
	for (j = 0; j < c.nsh; j++) {
		count(&c, p, grams, 0, &c.sh[j], wt);
		if (wt->item >= 0 &&
		    held_qty(&c.sh[j], c.st->items[wt->item].sku) > 0) {
			cd[0] = (struct cand){ .sh = j, .dist = INFINITY,
			    .eff = INFINITY };
			*ca = 0.4;
			return 1;
		}
	}
	return 0;
}

/* The index of track t's candidate, or -1. */
static int
cand_of(const struct cand *cd, int n, long long t)
{
	int i;

	for (i = 0; i < n; i++)
		if (c.sh[cd[i].sh].track == t)
			return i;
	return -1;
}

/* Whether a shopper's pick by reach overlaps [t0, t1], at a plate not p. */
static struct line *
reaching(struct shopper *s, const char *pid, double t0, double t1)
{
	int i;

	for (i = s->nln - 1; i >= 0; i--) {
		struct line *l = &s->ln[i];

		if (l->reach && l->qty > 0 && l->t0 < t1 && t0 < l->t1 &&
		    (pid == NULL || strcmp(l->plate, pid) != 0))
			return l;
	}
	return NULL;
}

/*
 * Gives a's pick l to b instead: a correction line takes it out of a's cart
 * and one puts it in b's, both saying which line moved, at most CROSS_CONF
 * sure.
 */
static void
move_line(struct shopper *a, struct line *l, struct shopper *b, double ts)
{
	double lt0, lt1, conf;
	long long qty, from;
	int item, plate;
	json_t *x;
	char id[64];

	/* add_line may move a's lines: what is needed is copied first. */
	snprintf(id, sizeof(id), "%s", l->id);
	item = wo_store_item(c.st, l->sku);
	plate = wo_store_plate(c.st, l->plate);
	qty = l->qty;
	/*
	 * When b was the line's runner-up, a and b were what it was unsure
	 * between, and a is now busy with the pick that overlaps it.
	 */
	conf = fmin(l->alt == b->track ? l->solo : l->conf, CROSS_CONF);
	lt0 = l->t0;
	lt1 = l->t1;
	l->reach = 0;
	l->moved = 1;
	from = a->track;
	x = json_pack("{s:{s:s,s:I,s:f,s:f}}", "moved", "line", id, "to",
	    (json_int_t)b->track, "t0", lt0, "t1", lt1);
	add_pick(&c, a, ts, plate, item, -qty, conf, lt0, b->track, x);
	x = json_pack("{s:{s:s,s:I,s:f,s:f}}", "moved", "line", id, "from",
	    (json_int_t)from, "t0", lt0, "t1", lt1);
	add_pick(&c, b, ts, plate, item, qty, conf, lt0, from, x);
	/*
	 * b just took it, as weight_line() says of any pick, and b looked
	 * empty-handed only because the tracker gave b's hand to a.
	 */
	if (qty > 0) {
		b->empty = 0;
		b->left = 0;
	}
}

/*
 * One shopper makes one pick at a time, so two changes on different plates
 * whose times overlap were two shoppers' picks.  When both come out as the
 * first candidate's, the two were reaching across each other: a hand
 * reaching straight out to the plate before its own body is never taken
 * for the neighbour's, but arms crossed put each hand nearer the other's
 * body.  Of the two ways to part the changes (this one to its runner-up,
 * or the earlier one to its own), the one with the arms crossed, each to
 * the plate farther from their body, is the one that explains the mix-up;
 * moving the earlier line writes its correction.  Returns the factor on
 * the confidence: the parting is a judgement.
 */
static double
one_reach(const struct wo_ev *ev, int p, double t0, double t1,
    struct cand *cd, int n, long long *parted)
{
	const char *pid = c.st->plates[p].id;
	struct shopper *a = &c.sh[cd[0].sh], *b;
	struct line *l;
	double here = -1, there = -1;
	int j, bi = -1, plate;

	if ((l = reaching(a, pid, t0, t1)) == NULL)
		return 1;
	plate = wo_store_plate(c.st, l->plate);
	for (j = 1; j < n && bi < 0; j++)
		if (reaching(&c.sh[cd[j].sh], NULL, t0, t1) == NULL) {
			bi = j;
			here = body_dist(&c, &c.sh[cd[j].sh], p, t0 - SETTLED_S) +
			    body_dist(&c, a, plate, l->t0 - SETTLED_S);
		}
	b = l->alt != 0 ? shopper_get(&c, l->alt, 0) : NULL;
	if (b != NULL && b != a && reaching(b, NULL, l->t0, l->t1) == NULL)
		there = body_dist(&c, a, p, t0 - SETTLED_S) + body_dist(&c, b, plate,
		    l->t0 - SETTLED_S);
	if (!isfinite(here))
		here = -1;
	if (!isfinite(there))
		there = -1;
	/*
	 * Crossed arms put the first candidate's hand at this plate.  One
	 * whose hand was not seen at it was only the nearest, a guess, and
	 * a guess gives way to the other pick instead of moving it: this
	 * change goes to its runner-up.
	 */
	if (!at_hand(&cd[0]))
		there = -1;
	if (here < 0 && there < 0)
		return 1;
	if (here >= there) {
		cand_swap(cd, 0, bi);
		*parted = a->track;
		return CROSS_CONF;
	}
	move_line(a, l, b, ev->ts);
	*parted = b->track;
	return CROSS_CONF;
}

/*
 * Shopper s was just given a pick on plate pid over [t0, t1]; one shopper
 * reaches one plate at a time, so a line of another shopper on another
 * plate, overlapping it, whose runner-up was s, was not s's: the doubt s
 * cast on it is answered.  The line is out already, so the checkout
 * counts it as sure as it would have been without s (at most CROSS_CONF:
 * it rests on s's pick being s's).
 */
static void
busy_elsewhere(const struct shopper *s, const char *pid, double t0, double t1)
{
	int i, j;

	for (i = 0; i < c.nsh; i++)
		for (j = 0; j < c.sh[i].nln; j++) {
			struct line *l = &c.sh[i].ln[j];

			if (l->reach && l->qty > 0 && l->alt == s->track &&
			    &c.sh[i] != s && l->t0 < t1 && t0 < l->t1 &&
			    strcmp(l->plate, pid) != 0)
				l->busy = 1;
		}
}

/*
 * Whether plates p and q stand side by side in one shelf (their rows
 * overlap, at most NEXT_M apart) with the two shoppers in front of them on
 * the same side: plates back to back face two aisles.
 */
static int
side_by_side(const struct wo_plate *p, const struct wo_plate *q,
    const struct sample *a, const struct sample *b)
{
	double gx = fmax(p->x - (q->x + q->w), q->x - (p->x + p->w));
	double gy = fmax(p->y - (q->y + q->h), q->y - (p->y + p->h));

	if (gy < 0 && gx <= NEXT_M)
		return (a->y < p->y && b->y < p->y) ||
		    (a->y > p->y + p->h && b->y > p->y + p->h);
	if (gx < 0 && gy <= NEXT_M)
		return (a->x < p->x && b->x < p->x) ||
		    (a->x > p->x + p->w && b->x > p->x + p->w);
	return 0;
}

/*
 * The pick of candidate j's shopper b on the plate beside p that overlaps
 * [t0, t1], where b and cd[0]'s shopper a stand side by side, each nearer
 * the plate before them (from a second before the later change, as
 * crossed() says), or NULL; *q is that plate.
 */
static struct line *
beside(int p, double t0, double t1, struct cand *cd, int j, int *q)
{
	const struct wo_plate *pp = &c.st->plates[p], *pq;
	struct shopper *a = &c.sh[cd[0].sh], *b = &c.sh[cd[j].sh];
	const struct sample *ma, *mb;
	struct line *l;
	double from;

	if ((l = reaching(b, pp->id, t0, t1)) == NULL)
		return NULL;
	*q = wo_store_plate(c.st, l->plate);
	pq = &c.st->plates[*q];
	from = fmax(t0, l->t0) - SETTLED_S;
	if ((ma = moment(a, from)) == NULL ||
	    (mb = moment(b, from)) == NULL ||
	    !side_by_side(pp, pq, ma, mb) ||
	    to_plate(pp, ma->x, ma->y) >= to_plate(pp, mb->x, mb->y) ||
	    to_plate(pq, mb->x, mb->y) >= to_plate(pq, ma->x, ma->y))
		return NULL;
	return l;
}

/*
 * Two shoppers side by side who take at the same moment from each other's
 * plate cross their arms: each hand ends before the other's body, and the
 * hands, followed by nearness, make each pick look like that of the one
 * standing before its plate.  A hand reaching straight ahead stays on its
 * own side; crossed arms pass the middle between the two bodies on their
 * way.  So when this pick, given to the one standing before plate p,
 * overlaps in time a pick on the plate beside it given to the one standing
 * before that, and a hand of either was seen in the middle between them,
 * the two picks are swapped: this one to the other shopper (cd reordered),
 * the other's line moved to this one.  Arms cross only while both reach,
 * so bodies and hands are looked at from a second before the later of the
 * two changes: a second before the earlier one, a shopper who walked up
 * and reached at once may still have been on the way, and the hands they
 * carried past were not reaching.  Returns the factor on the confidence,
 * as one_reach.
 */
static double
crossed(const struct wo_ev *ev, int p, double t0, double t1, struct cand *cd,
    int n, long long *parted)
{
	struct shopper *a = &c.sh[cd[0].sh], *b;
	struct line *l;
	int j, q;

	for (j = 1; j < n; j++) {
		b = &c.sh[cd[j].sh];
		if ((l = beside(p, t0, t1, cd, j, &q)) == NULL ||
		    (hands_between(&c, a, b, p, q, fmax(t0, l->t0) - REACH_S,
		    fmax(t0, l->t0)) == 0 && arms_across(&c, a, b, p, q,
		    t0, t1, l->t0, l->t1) == 0))
			continue;
		move_line(b, l, a, ev->ts);
		cand_swap(cd, 0, j);
		*parted = a->track;
		return CROSS_CONF;
	}
	return 1;
}

/*
 * Two shoppers side by side whose picks from the plates before them
 * overlap in time came out as straight reaches, and crossed() found no
 * hand on the way to tell: but where both hands came into their plates
 * unseen (came_unseen()), each could as well be the other's, the arms
 * crossed and hiding each other where they overlap.  Returns the other
 * pick's line, for both to be reviewed, or NULL.
 */
static struct line *
unseen_cross(int p, double t0, double t1, struct cand *cd, int n)
{
	struct shopper *a = &c.sh[cd[0].sh], *b;
	struct line *l;
	double from;
	int j, q;

	for (j = 1; j < n; j++) {
		b = &c.sh[cd[j].sh];
		if ((l = beside(p, t0, t1, cd, j, &q)) == NULL || l->moved)
			continue;
		from = fmin(t0, l->t0) - REACH_S;
		if (came_unseen(&c, a, p, from, t1) &&
		    came_unseen(&c, b, q, from, l->t1))
			return l;
	}
	return NULL;
}

/*
 * Whether the change on plate p was several shoppers' picks the scale
 * merged: several were seen taking, or had a hand at the plate, or a
 * neighbour's hand was lent to one (lent_hands()).
 */
static int
shared(int p, double t0, struct cand *cd, int n)
{
	return takers(cd, n) > 1 || at_plate(cd, n) > 1 ||
	    lent_hands(&c, p, t0, cd, n) > 0;
}

/*
 * Whether candidate d shares a merged pick: seen taking, when several
 * were (seen); else with a hand at the plate.
 */
static int
sharer(const struct cand *d, int seen)
{
	return seen ? d->item > 0 : at_hand(d);
}

/*
 * The plate showed two lifts and one shopper's hand was all the cameras saw
 * at it: the other lift was the nearest other's.  Where no hand of theirs
 * came near the plate either, a hand seen farther off says less than a
 * body standing at it: the one whose body stood nearest goes second.
 */
static void
nearest_body(int p, double t0, struct cand *cd, int n)
{
	double d, best = INFINITY;
	int i, j = -1;

	if (n < 3 || at_hand(&cd[1]))
		return;
	for (i = 1; i < n; i++)
		if (!at_hand(&cd[i]) && (d = body_dist(&c, &c.sh[cd[i].sh], p,
		    t0)) < best) {
			best = d;
			j = i;
		}
	if (j > 1)
		cand_swap(cd, 1, j);
}

/*
 * Whether a's and b's hands left the plate in one moment or the next, too
 * close to say whose left last: which of a merged pick's shares went with
 * which is then a coin toss (on busy seeds 1-120, 9 of the 13 such splits
 * made by the last to leave came out wrong, 2 of the 17 whose hands left
 * 0.2-0.4 s apart).
 */
static int
tied(const struct cand *a, const struct cand *b)
{
	return fabs(a->lastin - b->lastin) < TIE_S;
}

/*
 * Of the shoppers sharing a merged pick (seen taking, when several were;
 * else with a hand at the plate), the first and the last whose hand left
 * the plate; 0 when fewer than two share it.
 */
static int
lift_order(const struct cand *cd, int n, int *first, int *last)
{
	int i, seen = takers(cd, n) > 1;

	*first = *last = -1;
	for (i = 0; i < n; i++)
		if (sharer(&cd[i], seen) &&
		    (*last < 0 || cd[i].lastin > cd[*last].lastin))
			*last = i;
	for (i = 0; i < n; i++)
		if (i != *last && sharer(&cd[i], seen) &&
		    (*first < 0 || cd[i].lastin < cd[*first].lastin))
			*first = i;
	return *first >= 0;
}

/*
 * Picks l of s and o of another shopper may have been crossed arms
 * (unseen_cross()): either reading fits what the cameras saw, so each is a
 * coin toss for a person to look at, whatever a later rule would lift it
 * to, and the staff are told which two lines to compare.
 */
static void
unseen_doubt(const struct wo_ev *ev, struct shopper *s, struct line *l,
    struct line *o)
{
	json_t *a;
	int i;

	for (i = 0; i < 2; i++) {
		struct line *m = i == 0 ? l : o;

		m->conf = fmin(m->conf, UNSEEN_CONF);
		m->solo = fmin(m->solo, UNSEEN_CONF);
		if (m->doubted)
			m->own = fmin(m->own, UNSEEN_CONF);
	}
	a = wo_alert_new(ev->ts, "unseen-reach", "hands came into plates "
	    "%s and %s unseen: track %lld and its neighbour may have crossed "
	    "arms", l->plate, o->plate, s->track);
	json_object_set_new(a, "lines", json_pack("[s,s]", l->id, o->id));
	emit(a);
}

static void
on_weight(const struct wo_ev *ev)
{
	const char *plate;
	double delta, t0, t1, ca, g;
	struct cand *cd;
	struct what wt;
	struct lifts lf;
	char key[256];
	int p, n, pick, early, late, two, sh;
	json_t *a;

	if (!wo_need_str(ev, "plate", &plate) ||
	    !wo_need_num(ev, "delta_g", &delta) || !wo_need_num(ev, "t0", &t0))
		return;
	if ((p = wo_store_plate(c.st, plate)) < 0) {
		wo_evbad(ev, "weight event has unknown plate %s", plate);
		return;
	}
	snprintf(key, sizeof(key), "%s@%.3f", plate, ev->ts);
	if (applied(key))
		return;
	remember(key, ev->ts);
	stock(ev, p);
	/*
	 * A change nobody could explain (a hand pressing, an item set down
	 * and taken up again) is not lost: the plate's weight is counted
	 * from the last change that was explained, so the next one nets it.
	 */
	if (wo_num(ev, "g", &g)) {
		if (c.pl[p].hasbase)
			delta = g - c.pl[p].base;
		c.pl[p].base = g;
		c.pl[p].hasbase = 1;
	}
	if (fabs(delta) < 0.5)
		return;
	pick = delta < 0;
	if (!wo_num(ev, "t1", &t1))
		t1 = ev->ts;
	cd = wo_calloc(c.nsh + 1, sizeof(*cd));
	n = candidates(&c, p, t0, t1, pick, cd);
	ca = attrib_conf(cd, n);
	if (pick) {
		count(&c, p, -delta, 1, NULL, &wt);
		/* The weight fits nothing, but a hand was seen taking an item. */
		if (wt.item < 0 && n > 0 && cd[0].item > 0) {
			wt.item = c.st->plates[p].item;
			wt.qty = 1;
			wt.conf = VISION_CONF;
		}
	} else if (!putback(p, delta, cd, n, &wt, &ca))
		wt.item = -1;
	two = pick && wt.item >= 0 && wt.qty > 1 && wt.item2 < 0 &&
	    trace_lifts(ev, c.st->items[wt.item].unit_g, wt.qty, &lf);
	if (wt.item < 0 || (pick && n == 0)) {
		a = wo_alert_new(ev->ts, pick ? (n == 0 ? "unexplained-pick" :
		    "weight-mismatch") : "unexplained-putback",
		    pick && n == 0 ? "%.1f g left plate %s with nobody near" :
		    "%.1f g on plate %s fits no product at hand", fabs(delta),
		    plate);
		json_object_set_new(a, "plate", json_string(plate));
		json_object_set_new(a, "delta_g", json_real(delta));
		json_object_set_new(a, "t0", json_real(t0));
		if (wt.item >= 0) {
			json_object_set_new(a, "sku",
			    json_string(c.st->items[wt.item].sku));
			json_object_set_new(a, "qty", json_integer(wt.qty));
		}
		emit(a);
		/*
		 * A weight that fits nothing is left for the next change on
		 * the plate to account for; one that nobody was near to make
		 * is not, or the next shopper there would pay for it.
		 */
		if (wt.item < 0)
			c.pl[p].base -= delta;
	} else if (pick && wt.qty > 1 && wt.item2 < 0 &&
	    ((sh = shared(p, t0, cd, n)) || (two && n > 1))) {
		int i, last, first, m = 0, seen = takers(cd, n) > 1;
		long long q = 1;	/* units of each but the last */
		double f;

		/*
		 * Several units went at once and several hands were seen
		 * taking (or, failing that, were in the plate): the scale
		 * merged simultaneous picks, so each gets one, and the rest
		 * go to the one whose hand left the plate last: grabbing
		 * more takes longer, and the change settled after it.  The
		 * plate may show two lifts where one hand was all the
		 * cameras saw: the nearest other made the other.
		 */
		if (sh) {
			for (i = 0; i < n && m < wt.qty; i++)
				if (sharer(&cd[i], seen))
					cd[m++] = cd[i];
		} else {
			m = 2;
			nearest_body(p, t0, cd, n);
		}
		for (i = 1, last = 0; i < m; i++)
			if (cd[i].lastin > cd[last].lastin)
				last = i;
		/*
		 * Unless the plate showed how many the first lift took: those
		 * go with the hand that then moved away.
		 */
		first = -1;
		if (m == 2 && two && lf.q1 > 0) {
			first = first_lifter(&c, p, cd, lf.ta, lf.tb);
			last = first < 0 ? last : !first;
			q = lf.q1;
		}
		f = (seen ? SPLIT_CONF : SPLIT_NEAR_CONF) * wt.conf;
		/* Unequal shares by the last hand out, when none can tell. */
		if (m == 2 && first < 0 && wt.qty != 2 * q &&
		    tied(&cd[0], &cd[1]))
			f = fmin(f, TIE_CONF);
		for (i = 0; i < m; i++)
			weight_line(&c.sh[cd[i].sh], ev, p, wt.item,
			    i == last ? wt.qty - (m - 1) * q : q, f, &cd[i],
			    t0, delta, 0);
		if (wt.item != c.st->plates[p].item)
			stray_add(&c.pl[p], c.st->items[wt.item].sku, -wt.qty);
	} else if (pick && wt.item2 >= 0 && shared(p, t0, cd, n) &&
	    lift_order(cd, n, &early, &late)) {
		double f = (takers(cd, n) > 1 ? SPLIT_CONF : SPLIT_NEAR_CONF) *
		    wt.conf;

		if (tied(&cd[early], &cd[late]))
			f = fmin(f, TIE_CONF);

		/*
		 * The plate's own product and one that strayed there went in
		 * one change, and several hands were at the plate: two
		 * shoppers each took one.  An item laid on the wrong plate
		 * lies on top of its stock, so the first hand to leave the
		 * plate lifted it; the plate's own product went with the
		 * hand that left last, when the change settled.
		 */
		weight_line(&c.sh[cd[late].sh], ev, p, wt.item, wt.qty, f,
		    &cd[late], t0, delta, 0);
		weight_line(&c.sh[cd[early].sh], ev, p, wt.item2, wt.qty2, f,
		    &cd[early], t0, delta, 0);
		stray_add(&c.pl[p], c.st->items[wt.item2].sku, -wt.qty2);
	} else {
		const char *sku = c.st->items[wt.item].sku;
		long long parted = 0;
		struct shopper *s;
		struct line *l, *ul = NULL;

		/*
		 * Parting two picks by the one-reach rule leaves them as
		 * straight reaches, which the hands may show were crossed.
		 */
		if (pick && wt.item2 < 0) {
			double f = one_reach(ev, p, t0, t1, cd, n, &parted);

			f = fmin(f, crossed(ev, p, t0, t1, cd, n, &parted));
			if (parted == 0)
				ul = unseen_cross(p, t0, t1, cd, n);
			/*
			 * The shopper parted from is busy with the other pick
			 * and no rival for this one; should another's hand
			 * have held the item instead, it stays as sure as the
			 * distances made it.
			 */
			if (parted != 0)
				ca = fmax(ca, busy_conf(cd, n, 0,
				    cand_of(cd, n, parted)));
			else if (n > 1 && reaching(&c.sh[cd[1].sh], plate, t0,
			    t1) != NULL)
				ca = fmax(ca, fmin(busy_conf(cd, n, 0, 1),
				    CROSS_CONF));
			ca *= f;
			if (ul != NULL)
				ca = fmin(ca, UNSEEN_CONF);
		}
		s = &c.sh[cd[0].sh];
		weight_line(s, ev, p, wt.item, pick ? wt.qty : -wt.qty,
		    ca * wt.conf, &cd[0], t0, delta, parted);
		if (pick && wt.item2 < 0) {
			l = &s->ln[s->nln - 1];
			l->reach = 1;
			l->t0 = t0;
			l->t1 = t1;
			l->eff = cd[0].eff;
			l->alt = n > 1 ? c.sh[cd[1].sh].track : 0;
			l->alteff = n > 1 ? cd[1].eff : INFINITY;
			/*
			 * For a later move of this line to its runner-up, or
			 * the runner-up seen picking elsewhere meanwhile; a
			 * doubt of another kind (a meeting) stays, until a
			 * met event lifts it where one can.
			 */
			l->solo = (n > 1 ? fmax(ca, busy_conf(cd, n, 0, 1)) :
			    ca) * wt.conf;
			if (l->conf < wo_r3(ca * wt.conf) && !l->doubted)
				l->solo = fmin(l->solo, l->conf);
			busy_elsewhere(s, plate, t0, t1);
			if (ul != NULL)
				unseen_doubt(ev, s, l, ul);
		}
		/* The planogram learns what strayed onto the plate. */
		if (wt.item != c.st->plates[p].item)
			stray_add(&c.pl[p], sku, pick ? -wt.qty : wt.qty);
		if (wt.item2 >= 0) {
			weight_line(&c.sh[cd[0].sh], ev, p, wt.item2, wt.qty2,
			    ca * wt.conf, &cd[0], t0, delta, parted);
			stray_add(&c.pl[p], c.st->items[wt.item2].sku,
			    -wt.qty2);
		}
	}
	c.pl[p].settled = t1;
	free(cd);
	state_save(&c);
}

/*
 * Whether another shopper stands so near that they may hide this one's
 * hands from the cameras: then no hand seen proves nothing.
 */
static int
crowded(const struct shopper *s, const struct sample *sm)
{
	int i;

	for (i = 0; i < c.nsh; i++) {
		const struct shopper *o = &c.sh[i];
		const struct sample *m;

		if (o == s || o->nh == 0)
			continue;
		m = &o->h[o->nh - 1];
		if (sm->ts - m->ts <= 1.0 && hypot(m->x - sm->x,
		    m->y - sm->y) < ALONE_M)
			return 1;
	}
	return 0;
}

/* How far x, y lies from the nearest entry gate, in metres. */
static double
from_gate(double x, double y)
{
	double d = INFINITY;
	size_t i;

	for (i = 0; i < c.st->ngates; i++) {
		const struct wo_gate *g = &c.st->gates[i];

		if (g->entry)
			d = fmin(d, wo_rect_dist(x, y, g->x, g->y, g->w, g->h));
	}
	return d;
}

/*
 * Shopper s, just bound to entry e and first seen at x, y just through
 * the gate, farther into the store than the body of an earlier entry,
 * bound no more than PASS_S ago, stands now: s went through the gate
 * first, though it scanned in after (busy seed 95: the first of two
 * entrants 0.54 s apart was unseen in the gate, the second's body took
 * the first's account, and the first, seen only inside, the second's).
 * Which of the two bodies is whose is a guess, and each entry names the
 * other.
 */
static void
passed_before(const struct shopper *s, int e, double x, double y)
{
	double here = from_gate(x, y);
	int i, oe;

	if (here > GATE_NEAR_M)
		return;
	for (i = 0; i < c.nsh; i++) {
		const struct shopper *o = &c.sh[i];

		if (o == s || o->nh == 0 || (oe = own_entry(o)) < 0 ||
		    c.ent[oe].ts >= c.ent[e].ts || c.ent[oe].seen == 0 ||
		    s->first - c.ent[oe].seen > PASS_S)
			continue;
		if (here > from_gate(o->h[o->nh - 1].x, o->h[o->nh - 1].y) +
		    AHEAD_M) {
			c.ent[e].with = oe;
			c.ent[oe].with = e;
		}
	}
}

/* The entry passed_before() found went through in the other order, or -1. */
static int
passed_with(const struct shopper *s)
{
	int own = own_entry(s);

	return own < 0 ? -1 : c.ent[own].with;
}

static void
on_track(const struct wo_ev *ev)
{
	struct shopper *s;
	struct sample sm;
	long long id;
	json_t *acct, *hands, *h;
	double cf;
	size_t i;

	memset(&sm, 0, sizeof(sm));
	if (!wo_need_int(ev, "track", &id) || !wo_need_num(ev, "x", &sm.x) ||
	    !wo_need_num(ev, "y", &sm.y))
		return;
	acct = json_object_get(ev->obj, "account");
	if (acct != NULL && !json_is_null(acct) && !json_is_string(acct)) {
		wo_evbad(ev, "track event: account is not a string");
		return;
	}
	s = shopper_get(&c, id, 1);
	if (s->nh == 0 && s->first == 0)
		s->first = ev->ts;
	s->last = ev->ts;
	if (json_is_string(acct) && s->account == NULL) {
		int e;

		s->account = wo_strdup(json_string_value(acct));
		if ((e = own_entry(s)) >= 0 && c.ent[e].seen == 0) {
			c.ent[e].seen = s->first;
			passed_before(s, e, sm.x, sm.y);
		}
	}
	sm.ts = ev->ts;
	hands = json_object_get(ev->obj, "hands");
	json_array_foreach(hands, i, h) {
		json_t *x = json_object_get(h, "x"), *y = json_object_get(h, "y");

		if (sm.nh == MAXHANDS || !json_is_number(x) || !json_is_number(y))
			continue;
		sm.hx[sm.nh] = json_number_value(x);
		sm.hy[sm.nh] = json_number_value(y);
		sm.item[sm.nh] = json_number_value(json_object_get(h, "item"));
		sm.hid[sm.nh] = json_integer_value(json_object_get(h, "id"));
		sm.arm[sm.nh] = json_integer_value(json_object_get(h, "arm"));
		sm.nh++;
	}
	/*
	 * A track running on prediction is where the tracker guesses, not
	 * where anybody was seen: two people cannot stand where one stands,
	 * but a guess can lie on anybody.
	 */
	sm.guessed = wo_num(ev, "conf", &cf) && cf < SEEN_CONF;
	sample_add(s, &sm, KEEP_S);
	if (!sm.guessed)
		meet_moment(&c, s, &sm);
	/*
	 * Only a shopper really seen counts as seen without hands; a track
	 * running on prediction (low conf) says nothing either way.
	 */
	if ((wo_num(ev, "conf", &cf) && cf < SEEN_CONF) || crowded(s, &sm))
		return;
	if (sm.nh > 0) {
		s->empty = 0;
		s->left = 0;
	} else if (s->empty == 0)
		s->empty = ev->ts;
	else if (ev->ts - s->empty >= EMPTY_S && !s->left) {
		if (holds(s))
			left_behind(s, ev->ts);
		s->left = 1;
	}
}

static void
on_entry(const struct wo_ev *ev)
{
	const char *account;
	int i;

	if (!wo_need_str(ev, "account", &account))
		return;
	for (i = 0; i < c.nent; i++)
		if (strcmp(c.ent[i].account, account) == 0)
			break;
	if (i == c.nent) {
		c.ent = wo_realloc(c.ent, (c.nent + 1) * sizeof(*c.ent));
		c.ent[c.nent++].account = wo_strdup(account);
	}
	c.ent[i].ts = ev->ts;
	c.ent[i].seen = 0;
	c.ent[i].with = -1;
	state_save(&c);
}

/*
 * Another account's entry that fits the time this shopper was first seen
 * better than the shopper's own, and better than the body bound to it
 * (none, or one first seen farther from it): two shoppers passed the gate
 * close together, one of them unseen there, and the tracker bound the
 * body it saw to the entry waiting longest (busy seed 14: the second of
 * two entrants 0.55 s apart took the first's account, and the next
 * entrant the second's).  Which body is whose is then a guess.  Returns
 * its index in c.ent, or -1.
 */
static int
entered_with(const struct shopper *s)
{
	double fit, d, best = INFINITY;
	int i, own, near = -1;

	if ((own = own_entry(s)) < 0)
		return -1;
	fit = fabs(c.ent[own].ts - s->first);
	for (i = 0; i < c.nent; i++) {
		d = fabs(c.ent[i].ts - s->first);
		if (i != own && d < fit && d < best && (c.ent[i].seen == 0 ||
		    fabs(c.ent[i].seen - c.ent[i].ts) > d)) {
			best = d;
			near = i;
		}
	}
	return near;
}

static void
checkout(struct shopper *s, double ts)
{
	json_t *x, *items = json_array(), *it;
	long long sub = 0, tax = 0, total, amt;
	double conf = 1;
	const char *v = visit_of(s);
	int i, j, k, e, swap;

	/*
	 * A line a correction moved to another shopper is not this one's
	 * any more: its doubt was whether this shopper took the item, which
	 * the correction answered with its own confidence.
	 */
	for (i = 0; i < s->nln; i++) {
		const struct line *l = &s->ln[i];
		double lc = l->conf;

		if (l->busy && !l->doubted)
			lc = fmax(lc, fmin(l->solo, CROSS_CONF));
		if (!l->moved && lc < conf)
			conf = lc;
	}
	if (((e = entered_with(s)) >= 0 || (e = passed_with(s)) >= 0) &&
	    conf > GATE_CONF)
		conf = GATE_CONF;
	if ((swap = swap_doubt(&c, s)) && conf > SWAP_CONF)
		conf = SWAP_CONF;
	/* One line per product, in the order first taken; net of put-backs. */
	for (i = 0; i < s->nln; i++) {
		const char *sku = s->ln[i].sku;
		long long q = 0;
		json_t *evi;

		for (j = 0; j < i; j++)
			if (strcmp(s->ln[j].sku, sku) == 0)
				break;
		if (j < i || (q = held_qty(s, sku)) <= 0)
			continue;
		k = wo_store_item(c.st, sku);
		if (!wo_mul_ok(c.st->items[k].price, q, &amt) ||
		    !wo_add_ok(sub, amt, &sub) ||
		    !wo_add_ok(tax, wo_tax(amt, c.st->items[k].tax_rate), &tax))
			wo_die(1, "visit %s: the total overflows", v);
		evi = json_array();
		for (j = i; j < s->nln; j++)
			if (strcmp(s->ln[j].sku, sku) == 0)
				json_array_append_new(evi,
				    json_string(s->ln[j].id));
		it = json_pack("{s:s,s:s,s:I,s:I,s:o}", "sku", sku,
		    "name", c.st->items[k].name, "qty", (json_int_t)q,
		    "price", (json_int_t)c.st->items[k].price, "evidence", evi);
		json_array_append_new(items, it);
	}
	if (!wo_add_ok(sub, tax, &total))
		wo_die(1, "visit %s: the total overflows", v);
	x = wo_ev_new("checkout", ts);
	json_object_set_new(x, "visit", json_string(v));
	json_object_set_new(x, "account", json_string(s->account));
	json_object_set_new(x, "items", items);
	json_object_set_new(x, "subtotal", json_integer(sub));
	json_object_set_new(x, "tax", json_integer(tax));
	json_object_set_new(x, "total", json_integer(total));
	json_object_set_new(x, "currency", json_string(c.st->currency));
	json_object_set_new(x, "conf", json_real(wo_r3(conf)));
	json_object_set_new(x, "review", json_boolean(conf < c.review));
	json_object_set_new(x, "track", json_integer(s->track));
	if (e >= 0)
		json_object_set_new(x, "entered", json_pack("{s:s,s:f}",
		    "account", c.ent[e].account, "ts", c.ent[e].ts));
	if (swap)
		json_object_set_new(x, "swapped", json_pack("{s:I,s:f}",
		    "track", (json_int_t)s->swapped, "ts", s->swapts));
	emit(x);
}

static void
on_leave(const struct wo_ev *ev)
{
	struct shopper *s;
	const char *gate;
	long long id;
	int i;

	if (!wo_need_int(ev, "track", &id) || !wo_need_str(ev, "gate", &gate))
		return;
	s = shopper_get(&c, id, 1);
	if (s->account == NULL && json_is_string(json_object_get(ev->obj,
	    "account")))
		s->account = wo_strdup(json_string_value(json_object_get(ev->obj,
		    "account")));
	if (s->account == NULL) {
		json_t *a = wo_alert_new(ev->ts, "no-entry", "track %lld left "
		    "by gate %s without an entry", id, gate);
		json_t *items = json_array();
		long long q;
		int j;

		/*
		 * What the track took leaves unpaid: mostly a shopper who
		 * lost their own track in the aisles and walked on under a
		 * new one, whose own checkout lacks these (held-out seed 44:
		 * five of one shopper's picks).  The staff need the products
		 * to find whose they are, not only how many lines there were.
		 */
		for (i = 0; i < s->nln; i++) {
			for (j = 0; j < i; j++)
				if (strcmp(s->ln[j].sku, s->ln[i].sku) == 0)
					break;
			if (j == i && (q = held_qty(s, s->ln[i].sku)) > 0)
				json_array_append_new(items, json_pack(
				    "{s:s,s:I}", "sku", s->ln[i].sku,
				    "qty", (json_int_t)q));
		}
		json_object_set_new(a, "track", json_integer(id));
		json_object_set_new(a, "gate", json_string(gate));
		json_object_set_new(a, "lines", json_integer(s->nln));
		json_object_set_new(a, "items", items);
		emit(a);
	} else {
		const char *v = visit_of(s);

		for (i = 0; i < c.ndone; i++)
			if (strcmp(c.done[i], v) == 0)
				break;
		if (i == c.ndone) {
			checkout(s, ev->ts);
			if (c.ndone == DONE_MAX) {
				free(c.done[0]);
				memmove(c.done, c.done + 1,
				    (c.ndone - 1) * sizeof(char *));
				c.ndone--;
			}
			c.done = wo_realloc(c.done,
			    (c.ndone + 1) * sizeof(char *));
			c.done[c.ndone++] = wo_strdup(v);
		}
	}
	i = s - c.sh;
	shopper_free(s);
	memmove(&c.sh[i], &c.sh[i + 1], (c.nsh - i - 1) * sizeof(*c.sh));
	c.nsh--;
	state_save(&c);
}

/*
 * Reads the tracked stream, passes every event through, and after a weight
 * change writes the cart line it makes (or an alert), after an exit the
 * shopper's checkout.
 */
int
main(int argc, char *argv[])
{
	static struct option lo[] = { WO_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct wo_in *in;
	struct wo_ev ev;
	const char *store = NULL, *state = NULL;
	int ch, i;

	wo_init(argv[0]);
	c.review = 0.7;
	c.lowstock = 2;
	while ((ch = getopt_long(argc, argv, "hl:r:S:s:", lo, NULL)) != -1) {
		if (wo_common_opt(ch, usage))
			continue;
		switch (ch) {
		case 'l':
			c.lowstock = wo_strtonum(optarg, 0, 1000000,
			    "stock threshold");
			break;
		case 'r':
			c.review = wo_strtod(optarg, 0, 1, "review threshold");
			break;
		case 'S':
			state = optarg;
			break;
		case 's':
			store = optarg;
			break;
		default:
			wo_usage(usage);
		}
	}
	if (store == NULL || optind != argc)
		wo_usage(usage);
	c.st = wo_store_load(store);
	c.pl = wo_calloc(c.st->nplates + 1, sizeof(*c.pl));
	for (i = 0; i < (int)c.st->nplates; i++)
		c.pl[i].stock = -1;
	if (state != NULL)
		state_load(&c, state);
	in = wo_in_open("-");
	while (wo_read(in, &ev)) {
		wo_pass(&ev);
		if (ev.ts > c.now)
			c.now = ev.ts;
		if (strcmp(ev.type, "track") == 0 ||
		    strcmp(ev.type, "floor") == 0)
			floor_moment(&c, ev.ts);
		if (strcmp(ev.type, "track") == 0)
			on_track(&ev);
		else if (strcmp(ev.type, "weight") == 0)
			on_weight(&ev);
		else if (strcmp(ev.type, "entry") == 0)
			on_entry(&ev);
		else if (strcmp(ev.type, "exit") == 0)
			on_leave(&ev);
		else if (strcmp(ev.type, "floor") == 0)
			on_floor(&c, &ev);
		else if (strcmp(ev.type, "met") == 0)
			on_met(&c, &ev);
		if (strcmp(ev.type, "track") == 0 ||
		    strcmp(ev.type, "floor") == 0)
			floor_tick(&c, ev.ts);
		/*
		 * Track events change only the hands' history, too often to
		 * save each: a crash loses at most SAVE_S seconds of it.
		 */
		if (c.now - c.saved >= SAVE_S)
			state_save(&c);
		wo_ev_free(&ev);
	}
	/* The moments since the last save are wanted by the next run. */
	state_save(&c);
	for (i = 0; i < c.nsh; i++)
		shopper_free(&c.sh[i]);
	for (i = 0; i < (int)c.st->nplates; i++) {
		while (c.pl[i].ns > 0)
			stray_add(&c.pl[i], c.pl[i].s[0].sku, -c.pl[i].s[0].n);
		free(c.pl[i].s);
	}
	for (i = 0; i < c.nent; i++)
		free(c.ent[i].account);
	for (i = 0; i < c.ndone; i++)
		free(c.done[i]);
	for (i = 0; i < c.napplied; i++)
		free(c.applied[i]);
	for (i = 0; i < c.nfl; i++) {
		free(c.fl[i].sku);
		free(c.fl[i].plate);
		free(c.fl[i].line);
	}
	free(c.fl);
	free(c.sh);
	free(c.pl);
	free(c.ent);
	free(c.done);
	free(c.applied);
	wo_in_close(in);
	wo_store_free(c.st);
	return wo_close_out();
}
