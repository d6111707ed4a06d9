/* hands.c: wo-track's hands, followed from moment to moment and given to their owners. */
#include <math.h>
#include <stdlib.h>

#include "wo.h"
#include "track.h"

#define HAND_GATE	0.35	/* m a hand may move between two moments */
#define HAND_LOST	0.3	/* s unseen before a hand is forgotten */
#define STALE		1.0	/* m a second unseen added to a hand's match */
#define VOTES		3	/* moments another's box ends a hand to move it */
#define VEL_GAP		0.15	/* s unseen while a hand's speed holds */

/*
 * A hand followed from view to view, so that it stays with the person it
 * first appeared next to: reaching across a neighbour, a hand can end up
 * nearer the neighbour's body than its owner's.
 */
struct htrk {
	double	 x, y, seen;
	double	 vx, vy;	/* m/s, last two sightings VEL_GAP apart */
	int	 owner;		/* track id, 0 none */
	int	 id;
	int	 other;		/* the box it ends is another's: who */
	int	 votes;		/* for how many moments in a row */
};

static struct htrk *htr;
static int nhtr;
static int *hown;		/* owner track id of each of the moment's hands */
static int *hid;		/* and the id of its hand track */
static int nexthand = 1;

/* The confirmed track nearest (x, y) within max metres: its id, or 0. */
static int
nearest(double x, double y, double max)
{
	int i, id = 0;

	for (i = 0; i < ntrk; i++) {
		double d;

		if (!trk[i].confirmed)
			continue;
		d = hypot(x - trk[i].kf.x[0], y - trk[i].kf.x[1]);
		if (d < max) {
			max = d;
			id = trk[i].id;
		}
	}
	return id;
}

/* A new hand's owner: whose box it ends, else the nearest person. */
static int
birth_owner(const struct obs *h)
{
	int i;

	if (h->owner >= 0)
		for (i = 0; i < ntrk; i++)
			if (trk[i].confirmed && trk[i].matched == h->owner &&
			    hypot(h->x - trk[i].kf.x[0],
			    h->y - trk[i].kf.x[1]) < REACH)
				return trk[i].id;
	return nearest(h->x, h->y, REACH);
}

/*
 * A hand given to the wrong person (two shoppers reaching across each other
 * when it first appeared) is given back when, for VOTES moments in a row,
 * the box it ends is another person's and not its owner's.
 */
static void
recount(struct htrk *h, const struct obs *o)
{
	int i, id = 0;

	if (o->owner >= 0)
		for (i = 0; i < ntrk; i++)
			if (trk[i].confirmed && trk[i].matched == o->owner)
				id = trk[i].id;
	if (id == 0 || id == h->owner) {
		h->votes = 0;
		return;
	}
	if (id != h->other) {
		h->other = id;
		h->votes = 0;
	}
	if (++h->votes >= VOTES) {
		h->owner = id;
		h->votes = 0;
	}
}

/*
 * Gives each of the moment's hands an owner: a hand seen last moment keeps
 * its owner (matched by the Hungarian method within HAND_GATE), a new one
 * goes to the nearest person, next to whose shoulder it appears, and one
 * whose owner is gone or out of reach is given again.
 */
void
own_hands(double t)
{
	double *c;
	int *as, i, j;

	free(hown);
	free(hid);
	hown = wo_calloc(mo.nhand + 1, sizeof(*hown));
	hid = wo_calloc(mo.nhand + 1, sizeof(*hid));
	c = wo_calloc((size_t)nhtr * mo.nhand + 1, sizeof(*c));
	as = wo_calloc(nhtr + 1, sizeof(*as));
	/*
	 * A hand is matched to where it was or to where it was heading,
	 * whichever is nearer: a reaching hand goes on where a neighbour's
	 * hand sets off past it, and a hand that stops is where it was.  A
	 * hand unseen for a few moments may have been withdrawn: it is a
	 * worse match than one seen a moment ago at the same distance, or a
	 * neighbour's hand reaching past would take over its owner.
	 */
	for (i = 0; i < nhtr; i++) {
		double dt = t - htr[i].seen;
		double lead = dt <= VEL_GAP ? dt : 0;
		double px = htr[i].x + htr[i].vx * lead;
		double py = htr[i].y + htr[i].vy * lead;

		for (j = 0; j < mo.nhand; j++)
			c[i * mo.nhand + j] = fmin(hypot(htr[i].x -
			    mo.hand[j].x, htr[i].y - mo.hand[j].y),
			    hypot(px - mo.hand[j].x, py - mo.hand[j].y)) +
			    STALE * dt;
	}
	wo_assign(c, nhtr, mo.nhand, HAND_GATE + STALE * HAND_LOST, as);
	for (i = 0; i < nhtr; i++) {
		struct trk *k;
		double dt = t - htr[i].seen;

		if (as[i] < 0)
			continue;
		j = as[i];
		k = trk_by_id(htr[i].owner);
		if (k == NULL || hypot(k->kf.x[0] - mo.hand[j].x,
		    k->kf.x[1] - mo.hand[j].y) > REACH + HAND_GATE)
			htr[i].owner = nearest(mo.hand[j].x, mo.hand[j].y, REACH);
		else
			recount(&htr[i], &mo.hand[j]);
		if (dt > 0 && dt <= VEL_GAP) {
			htr[i].vx = (mo.hand[j].x - htr[i].x) / dt;
			htr[i].vy = (mo.hand[j].y - htr[i].y) / dt;
		} else
			htr[i].vx = htr[i].vy = 0;
		htr[i].x = mo.hand[j].x;
		htr[i].y = mo.hand[j].y;
		htr[i].seen = t;
		hown[j] = htr[i].owner;
		hid[j] = htr[i].id;
		mo.hand[j].used = 1;
	}
	for (i = 0; i < nhtr; )
		if (t - htr[i].seen > HAND_LOST)
			htr[i] = htr[--nhtr];
		else
			i++;
	htr = wo_realloc(htr, (nhtr + mo.nhand + 1) * sizeof(*htr));
	for (j = 0; j < mo.nhand; j++) {
		if (mo.hand[j].used)
			continue;
		hown[j] = birth_owner(&mo.hand[j]);
		hid[j] = nexthand++;
		htr[nhtr++] = (struct htrk){ mo.hand[j].x, mo.hand[j].y, t,
		    0, 0, hown[j], hid[j], 0, 0 };
	}
	free(c);
	free(as);
}

json_t *
hands_of(const struct trk *k)
{
	json_t *a = json_array();
	int i, j;

	for (j = 0; j < mo.nhand; j++) {
		if (hown[j] != 0 && hown[j] == k->id) {
			json_t *h = json_pack("{s:f,s:f,s:i}", "x",
			    wo_r3(mo.hand[j].x), "y", wo_r3(mo.hand[j].y),
			    "id", hid[j]);

			/* Whose arm was seen reaching it, when clear. */
			for (i = 0; i < ntrk && mo.hand[j].arm >= 0; i++)
				if (trk[i].confirmed &&
				    trk[i].matched == mo.hand[j].arm)
					json_object_set_new(h, "arm",
					    json_integer(trk[i].id));
			if (mo.hand[j].item > 0)
				json_object_set_new(h, "item",
				    json_real(wo_r3(mo.hand[j].item)));
			json_array_append_new(a, h);
		}
	}
	return a;
}

void
hands_free(void)
{
	free(htr);
	free(hown);
	free(hid);
}
