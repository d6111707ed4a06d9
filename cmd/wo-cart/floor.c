/* floor.c: wo-cart's items seen lying on the floor: left behind, or picked up again. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "cart.h"

#define SAME_M		0.2	/* m, sightings this close are one item */
#define STILL_M		0.1	/* m from its run's place: it has not moved */
#define ON_PLATE	0.05	/* m around a plate that is still the plate */
#define GAP_S		10.0	/* s unseen before a short run is forgotten: the
				   history kept to find who dropped it */
#define RUN		3	/* moments on end before an item lies there */
#define SURE_RUN	2	/* sure sightings before weak ones count too */
#define LOOK_S		1.5	/* s before it showed that its dropper is sought in */
#define BODY_PENALTY	0.35	/* m added when only the body was near */
#define DROP_M		1.5	/* m, farther than this nobody dropped it */
#define AT_M		0.35	/* m, a hand this near was at the spot */
#define APART_M		0.3	/* m more for the runner-up: no doubt who */
#define FLOOR_CONF	0.85	/* one hand at the spot, nobody else near */
#define DOUBT_CONF	0.6	/* anything less: a person should look */
#define PRODUCT_CONF	0.9	/* factor when they held several products */
#define GONE_S		1.0	/* s unseen, a hand there: maybe picked up */
#define CLEAR_S		0.5	/* s after the hands left, still unseen: it was */
#define HIDE_M		0.3	/* m, a body this near hides an item */
#define FORGET_S	600.0	/* s unseen before an item is forgotten */

/*
 * How near the shopper came to (x, y) in [t0, t1]: by a hand (*byhand
 * set), else by the body plus BODY_PENALTY.
 */
static double
nearness(const struct shopper *s, double x, double y, double t0, double t1,
    int *byhand)
{
	double dh = INFINITY, db = INFINITY;
	int j, k;

	for (j = 0; j < s->nh; j++) {
		const struct sample *m = &s->h[j];

		if (m->ts < t0 || m->ts > t1)
			continue;
		if (!m->guessed)
			db = fmin(db, hypot(m->x - x, m->y - y));
		for (k = 0; k < m->nh; k++)
			dh = fmin(dh, hypot(m->hx[k] - x, m->hy[k] - y));
	}
	*byhand = isfinite(dh);
	return *byhand ? dh : db + BODY_PENALTY;
}

/*
 * The product the shopper took last and still holds: the index of its
 * latest taking line, or -1; *several is set when they hold another too.
 */
static int
last_held(const struct shopper *s, int *several)
{
	int i, last = -1;

	*several = 0;
	for (i = s->nln - 1; i >= 0; i--) {
		if (s->ln[i].qty <= 0 || held_qty(s, s->ln[i].sku) <= 0)
			continue;
		if (last < 0)
			last = i;
		else if (strcmp(s->ln[i].sku, s->ln[last].sku) != 0)
			*several = 1;
	}
	return last;
}

/*
 * The line by which the left-behind rule took off what the shopper
 * dropped at floor item f, or -1: the latest such line made no earlier
 * than LOOK_S before f first showed (one made before was about an item
 * left elsewhere) that fewer floor items name than it took units off.
 */
static int
left_line(const struct cart *c, const struct shopper *s,
    const struct fitem *f)
{
	int i, j, n;

	for (i = s->nln - 1; i >= 0; i--) {
		if (!s->ln[i].gone || s->ln[i].ts < f->first - LOOK_S)
			continue;
		for (j = n = 0; j < c->nfl; j++)
			if (c->fl[j].line != NULL &&
			    strcmp(c->fl[j].line, s->ln[i].id) == 0)
				n++;
		if (n < -s->ln[i].qty)
			return i;
	}
	return -1;
}

static json_t *
spot(const struct fitem *f)
{
	return json_pack("{s:f,s:f,s:f,s:f,s:i}", "x", wo_r3(f->x), "y",
	    wo_r3(f->y), "first", f->first, "last", f->last, "frames", f->seen);
}

static void
set_str(char **p, const char *s)
{
	free(*p);
	*p = s != NULL ? wo_strdup(s) : NULL;
}

/* A cart line for floor item f, qty +1 or -1, its id kept with the item. */
static void
floor_line(struct cart *c, struct shopper *s, struct fitem *f, long long qty,
    double ts, double conf, json_t *evidence)
{
	int p = wo_store_plate(c->st, f->plate), it = wo_store_item(c->st,
	    f->sku);

	/* A state file from before the store changed may name neither. */
	if (p < 0 || it < 0) {
		json_decref(evidence);
		return;
	}
	add_line(s, ts, p, it, qty, conf, evidence);
	set_str(&f->line, s->ln[s->nln - 1].id);
	f->conf = s->ln[s->nln - 1].conf;
}

/*
 * The staff's alert for item f, left on the floor by track; line names
 * the left-behind line that took it off already, if one did.
 */
static void
left_alert(const struct fitem *f, double ts, long long track,
    const char *line)
{
	json_t *a;

	a = wo_alert_new(ts, "floor-item", "an item lies on the floor at "
	    "%.2f, %.2f: %s, left by track %lld", f->x, f->y, f->sku, track);
	json_object_set_new(a, "floor", spot(f));
	json_object_set_new(a, "track", json_integer(track));
	json_object_set_new(a, "sku", json_string(f->sku));
	if (line != NULL)
		json_object_set_new(a, "line", json_string(line));
	emit(a);
}

/*
 * An item has lain at one spot for RUN moments: whoever dropped it no
 * longer carries it.  The dropper is the shopper with a unit in the cart
 * whose hand came nearest the spot in the LOOK_S before it first showed
 * (a hand hides the item it lets go of, so it shows as the hand leaves),
 * and it is the product they took last and still hold.  Sure only with that
 * hand at the spot and everybody else APART_M farther; a cart with several
 * products makes the product a guess too.  When the nearest shopper holds
 * nothing because the left-behind rule took off what they carried, this is
 * what they dropped, and nothing is taken twice: not from them, and not
 * from a shopper farther away who still holds something.  When nobody near
 * holds anything, nothing is taken either.
 */
static void
left(struct cart *c, struct fitem *f, double ts)
{
	struct shopper *best = NULL, *near = NULL;
	double d, bd = INFINITY, nd = INFINITY, od = INFINITY, conf;
	int i, h, hand = 0, k = -1, several = 0;
	json_t *x, *a;

	for (i = 0; i < c->nsh; i++) {
		struct shopper *s = &c->sh[i];

		d = nearness(s, f->x, f->y, f->first - LOOK_S, f->first, &h);
		if (d > DROP_M)
			continue;
		if (d < nd) {
			nd = d;
			near = s;
		}
		if (!holds(s))
			continue;
		if (d < bd) {
			od = bd;
			bd = d;
			hand = h;
			best = s;
		} else if (d < od)
			od = d;
	}
	f->state = F_LEFT;
	if (near != NULL && near != best && (k = left_line(c, near, f)) >= 0) {
		f->track = near->track;
		set_str(&f->sku, near->ln[k].sku);
		set_str(&f->plate, near->ln[k].plate);
		set_str(&f->line, near->ln[k].id);
		f->conf = near->ln[k].conf;
		left_alert(f, ts, near->track, f->line);
		return;
	}
	f->track = best != NULL ? best->track : 0;
	if (best != NULL)
		k = last_held(best, &several);
	if (k < 0) {
		a = wo_alert_new(ts, "floor-item", "an item lies on the floor "
		    "at %.2f, %.2f; nobody near carried anything", f->x, f->y);
		json_object_set_new(a, "floor", spot(f));
		json_object_set_new(a, "track", near != NULL ?
		    json_integer(near->track) : json_null());
		emit(a);
		return;
	}
	/* A shopper nearer than the one chosen, holding nothing, is a rival. */
	if (near != best)
		od = fmin(od, nd);
	conf = hand && bd <= AT_M && od - bd >= APART_M ? FLOOR_CONF :
	    DOUBT_CONF;
	if (several)
		conf *= PRODUCT_CONF;
	set_str(&f->sku, best->ln[k].sku);
	set_str(&f->plate, best->ln[k].plate);
	x = json_pack("{s:o,s:I,s:f,s:b}", "floor", spot(f), "track",
	    (json_int_t)best->track, "dist", wo_r3(bd), "hand", hand);
	if (isfinite(od))
		json_object_set_new(x, "next", json_real(wo_r3(od)));
	floor_line(c, best, f, -1, ts, conf, x);
	f->fresh = 1;
	left_alert(f, ts, best->track, NULL);
}

/*
 * Whether at moment ts some shopper's body stood within HIDE_M of (x, y),
 * where their track puts it, seen or predicted, or (with hands) a hand of
 * theirs within AT_M: what hides an item lying there from the cameras.
 */
static int
hidden(const struct cart *c, double x, double y, double ts, int hands)
{
	int i, j, k;

	for (i = 0; i < c->nsh; i++)
		for (j = c->sh[i].nh - 1; j >= 0 && c->sh[i].h[j].ts >= ts;
		    j--) {
			const struct sample *m = &c->sh[i].h[j];

			if (m->ts != ts)
				continue;
			if (hypot(m->x - x, m->y - y) < HIDE_M)
				return 1;
			for (k = 0; hands && k < m->nh; k++)
				if (hypot(m->hx[k] - x, m->hy[k] - y) <= AT_M)
					return 1;
		}
	return 0;
}

/*
 * The moments: a track or floor event later than the latest moment starts
 * the next one.  Called before the event is handled.
 */
void
floor_moment(struct cart *c, double ts)
{
	if (ts > c->mnow) {
		c->mprev = c->mnow;
		c->mnow = ts;
	}
}

/*
 * A floor event: each item is matched to the one known within SAME_M
 * (items do not move; the nearest), or starts a new one.  An item seen in
 * RUN moments on end, each time within STILL_M of where the run placed
 * it, lies there: new, it was left behind; picked up before, it was put
 * down again by whoever took it.  A moment missed, or a move, starts the
 * run again: an item carried in a hand the detector missed now and then
 * shows in odd moments, and moves with its shopper.  One that stays put
 * keeps the time it was first sighted there, through gaps up to GAP_S.
 * A weak sighting (wo-track's "weak") starts nothing.  It keeps a run
 * that a sure one began going, and counts in it once SURE_RUN sure ones
 * have: a held item whose hand box the detector missed can show once sure
 * and then weak as its hand stands still, where a lying item is seen
 * sure again now and then.  It keeps an item that lies there seen, so a
 * hand passing it while the detector sees it only weakly picks up nothing.
 */
void
on_floor(struct cart *c, const struct wo_ev *ev)
{
	json_t *items, *it;
	size_t i;
	int j, dirty = 0;

	items = json_object_get(ev->obj, "items");
	if (!json_is_array(items)) {
		wo_evbad(ev, "floor event has no items");
		return;
	}
	json_array_foreach(items, i, it) {
		json_t *jx = json_object_get(it, "x"), *jy = json_object_get(it,
		    "y");
		struct fitem *f = NULL;
		double x, y, bd = SAME_M;
		int weak = json_is_true(json_object_get(it, "weak"));

		if (!json_is_number(jx) || !json_is_number(jy)) {
			wo_evbad(ev, "floor event: items[%zu] has no x or y",
			    i);
			continue;
		}
		x = json_number_value(jx);
		y = json_number_value(jy);
		/*
		 * wo-track drops an item at a body it saw; one at a body it
		 * only predicts, its person box missed, is held close too.
		 */
		if (wo_store_on_plate(c->st, x, y, ON_PLATE) ||
		    hidden(c, x, y, ev->ts, 0))
			continue;
		for (j = 0; j < c->nfl; j++)
			if (hypot(c->fl[j].x - x, c->fl[j].y - y) < bd) {
				bd = hypot(c->fl[j].x - x, c->fl[j].y - y);
				f = &c->fl[j];
			}
		/*
		 * A weak view only tells that an item known at that very
		 * spot still lies there: too weak to tell of a new one.
		 */
		if (weak && (f == NULL || bd > STILL_M))
			continue;
		if (f == NULL) {
			c->fl = wo_realloc(c->fl, (c->nfl + 1) * sizeof(*c->fl));
			f = &c->fl[c->nfl++];
			memset(f, 0, sizeof(*f));
			f->x = x;
			f->y = y;
		}
		if (f->last == ev->ts)
			continue;
		if (f->state == F_LEFT) {
			f->last = ev->ts;
			/* Saved: a restart must not ask again if it went. */
			if (f->fresh) {
				f->fresh = 0;
				dirty = 1;
			}
			continue;
		}
		if (f->seen == 0 || f->last < c->mprev ||
		    hypot(f->x - x, f->y - y) > STILL_M) {
			if (weak)
				continue;
			/*
			 * One sighted again where it was first, before it
			 * lay there for a run, has lain there since: the
			 * detector finds a lying item only now and then.
			 */
			if (f->state != F_NEW || f->first == 0 ||
			    hypot(f->x - x, f->y - y) > STILL_M)
				f->first = ev->ts;
			f->seen = 0;
		}
		f->last = ev->ts;
		dirty = 1;
		if (weak && f->seen < SURE_RUN)
			continue;
		/* Where it lies: the mean of the run's sightings. */
		f->x = (f->x * f->seen + x) / (f->seen + 1);
		f->y = (f->y * f->seen + y) / (f->seen + 1);
		if (++f->seen < RUN)
			continue;
		if (f->state == F_NEW)
			left(c, f, ev->ts);
		else {
			struct shopper *s = shopper_get(c, f->track, 0);

			f->state = F_LEFT;
			if (s != NULL && f->sku != NULL) {
				floor_line(c, s, f, -1, ev->ts, f->conf,
				    json_pack("{s:o,s:I,s:s}", "floor",
				    spot(f), "track", (json_int_t)s->track,
				    "again", f->line));
				f->fresh = 1;
			}
		}
	}
	/*
	 * A run of sightings is saved as it grows, so a restart goes on
	 * with it; an item lying there only refreshes its time, which the
	 * periodic save keeps.
	 */
	if (dirty)
		state_save(c);
}

/*
 * The hand nearest the spot among those within AT_M of it after t: its
 * shopper, its distance in *dist, and the first and the latest time any
 * was there in *tfirst and *tnear; NULL when none came.  A body within
 * HIDE_M counts in *tnear too: it hides what lies at its feet, and
 * wo-track reports no floor item that near a body.
 */
static struct shopper *
hand_at(struct cart *c, const struct fitem *f, double t, double *dist,
    double *tfirst, double *tnear)
{
	struct shopper *best = NULL;
	int i, j, k;

	*dist = AT_M;
	*tfirst = INFINITY;
	*tnear = -1;
	for (i = 0; i < c->nsh; i++)
		for (j = 0; j < c->sh[i].nh; j++) {
			const struct sample *m = &c->sh[i].h[j];

			if (m->ts >= t && hypot(m->x - f->x, m->y - f->y) <=
			    HIDE_M)
				*tnear = fmax(*tnear, m->ts);
			for (k = 0; k < m->nh && m->ts >= t; k++) {
				double d = hypot(m->hx[k] - f->x,
				    m->hy[k] - f->y);

				if (d > AT_M)
					continue;
				*tfirst = fmin(*tfirst, m->ts);
				*tnear = fmax(*tnear, m->ts);
				if (d <= *dist) {
					*dist = d;
					best = &c->sh[i];
				}
			}
		}
	return best;
}

/*
 * An item just taken off a cart as lying there, unseen in the very next
 * moment with no body and no hand at it to hide it, never lay there: a
 * lying item stays in plain view, and this one moved on in the hand of
 * the shopper it was taken from, which the detector missed while it held
 * still (wo-track reports no item in a hand it sees).  It goes back on
 * their cart as picked up again by them; shown lying again, it was put
 * down after all.
 */
static void
went_along(struct cart *c, struct fitem *f)
{
	struct shopper *s;

	f->fresh = 0;
	if (!hidden(c, f->x, f->y, c->mprev, 1) && f->sku != NULL &&
	    (s = shopper_get(c, f->track, 0)) != NULL) {
		f->state = F_PICKED;
		f->seen = 0;
		floor_line(c, s, f, 1, c->mnow, f->conf, json_pack(
		    "{s:o,s:I,s:f,s:o}", "picked", spot(f), "track",
		    (json_int_t)s->track, "unseen", c->mprev, "was",
		    f->line != NULL ? json_string(f->line) : json_null()));
	}
	/* Asked once: a restart must not ask again at a later moment. */
	state_save(c);
}

/*
 * The clock of the moments.  An item left lying that went unseen while a
 * hand was at it (within AT_M, by GONE_S after its last sighting), and is
 * still unseen CLEAR_S after the last hand and body left, was picked up:
 * it goes back on the cart of whoever's hand came nearest.  One that
 * shows again when they have gone was only hidden by them (a reach past
 * it to a plate, a shopper standing over it); one gone with no hand there
 * was hidden by a body or taken away unseen, and a hand that passes the
 * spot later picks up nothing.  Runs of sightings too short to count, and
 * items long unseen, are forgotten.
 */
void
floor_tick(struct cart *c, double ts)
{
	struct shopper *s;
	double d, tfirst, tnear;
	int i;

	for (i = 0; i < c->nfl; ) {
		struct fitem *f = &c->fl[i];

		if ((f->state == F_NEW && ts - f->last > GAP_S) ||
		    ts - f->last > FORGET_S) {
			free(f->sku);
			free(f->plate);
			free(f->line);
			memmove(f, f + 1, (c->nfl - i - 1) * sizeof(*f));
			c->nfl--;
			continue;
		}
		i++;
		/* The moment after its run is over: was it seen there? */
		if (f->fresh && c->mprev > f->last) {
			went_along(c, f);
			continue;
		}
		if (f->state != F_LEFT || ts - f->last <= GONE_S ||
		    (s = hand_at(c, f, f->last, &d, &tfirst, &tnear)) == NULL ||
		    tfirst > f->last + GONE_S || ts - tnear < CLEAR_S)
			continue;
		f->state = F_PICKED;
		f->seen = 0;
		f->track = s->track;
		if (f->sku != NULL)
			floor_line(c, s, f, 1, ts, f->conf > 0 ? f->conf :
			    DOUBT_CONF, json_pack("{s:o,s:I,s:f,s:o}", "picked",
			    spot(f), "track", (json_int_t)s->track, "dist",
			    wo_r3(d), "was", f->line != NULL ?
			    json_string(f->line) : json_null()));
		state_save(c);
	}
}
