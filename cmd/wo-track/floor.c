/* floor.c: wo-track's items lying on the floor, in no hand and on no plate. */
#include <math.h>
#include <stdlib.h>

#include "wo.h"
#include "track.h"

#define NEAR_PX		3	/* pixels between an item and a hand holding it */
#define NEAR_HAND	0.3	/* m from a hand: reached for, not lying there */
#define NEAR_BODY	0.3	/* m from a body: held close, its hand unseen */
#define ON_PLATE	0.05	/* m around a plate that is still the plate */
#define ITEM_FUSE	0.2	/* m, views closer than this are one item */

struct spot {
	double	 x, y, conf;	/* conf: the strongest view's */
	int	 n;
	unsigned long cams;
};

/*
 * A box of class cls in the same picture touches the item box: a hand's
 * holds it, a person's hides it among that person's own pixels.
 */
static int
touches(const struct moment *m, const struct box *b, int cls)
{
	int i;

	for (i = 0; i < m->nbox; i++) {
		const struct box *h = &m->box[i];

		if (h->cls == cls && h->cam == b->cam &&
		    b->x < h->x + h->w + NEAR_PX && h->x < b->x + b->w + NEAR_PX &&
		    b->y < h->y + h->h + NEAR_PX && h->y < b->y + b->h + NEAR_PX)
			return 1;
	}
	return 0;
}

/* Stronger first; ties in input order, which keeps the output stable. */
static int
byconf(const void *a, const void *b)
{
	const struct box *x = *(const struct box *const *)a;
	const struct box *y = *(const struct box *const *)b;

	if (x->conf != y->conf)
		return x->conf < y->conf ? 1 : -1;
	return x < y ? -1 : x > y;
}

/*
 * The items of the moment that lie on the floor: an item box that touches
 * no hand box of its picture, lies within NEAR_HAND of no hand and
 * NEAR_BODY of no person on the floor, and on no plate.  Such an item lies
 * at height 0, so its box centre through the homography is where it lies.
 * Views from different cameras within ITEM_FUSE are one item (strongest
 * first).  Returns an array of {x, y, conf}, or NULL when there is none: a
 * moment without one writes nothing.  Units on the plates are shelf stock,
 * and an item held, or in a hand reaching down for it, is no item left
 * behind.  An item whose strongest view is under minconf is marked weak:
 * a small unit on the floor is often seen only so, and such a view says
 * that an item known to lie there still does, though it is too weak to
 * tell of a new one.
 */
json_t *
floor_items(const struct wo_store *st, const struct moment *m,
    double minconf)
{
	const struct box **v;
	struct spot *sp;
	json_t *a;
	int i, j, k, nv = 0, n = 0;

	v = wo_calloc(m->nbox + 1, sizeof(*v));
	sp = wo_calloc(m->nbox + 1, sizeof(*sp));
	for (i = 0; i < m->nbox; i++)
		if (m->box[i].cls == CLS_ITEM)
			v[nv++] = &m->box[i];
	qsort(v, nv, sizeof(*v), byconf);
	for (i = 0; i < nv; i++) {
		const struct box *b = v[i];
		unsigned long bit = 1UL << (b->cam % (8 * sizeof(long)));
		double x, y;

		/*
		 * A weak view on a person's box is as likely a held item or
		 * a part of that person as an item lying by their feet.
		 */
		if (touches(m, b, CLS_HAND) || (b->conf < minconf &&
		    touches(m, b, CLS_PERSON)) || !wo_homog(st->cams[b->cam].H,
		    b->x + b->w / 2, b->y + b->h / 2, &x, &y) ||
		    x < 0 || y < 0 || x > st->floor_w || y > st->floor_h ||
		    wo_store_on_plate(st, x, y, ON_PLATE))
			continue;
		for (j = 0; j < m->nhand; j++)
			if (hypot(m->hand[j].x - x, m->hand[j].y - y) < NEAR_HAND)
				break;
		if (j < m->nhand)
			continue;
		/*
		 * Nobody stands on what lies on the floor, and a unit let go
		 * of lands an arm's length away: one at a body is held close
		 * by a hand the detector missed.
		 */
		for (j = 0; j < m->nperson; j++)
			if (hypot(m->person[j].x - x, m->person[j].y - y) <
			    NEAR_BODY)
				break;
		if (j < m->nperson)
			continue;
		for (k = 0; k < n; k++)
			if (!(sp[k].cams & bit) &&
			    hypot(sp[k].x - x, sp[k].y - y) < ITEM_FUSE)
				break;
		if (k == n)
			sp[n++].conf = b->conf;
		sp[k].x = (sp[k].x * sp[k].n + x) / (sp[k].n + 1);
		sp[k].y = (sp[k].y * sp[k].n + y) / (sp[k].n + 1);
		sp[k].n++;
		sp[k].cams |= bit;
	}
	a = n > 0 ? json_array() : NULL;
	for (k = 0; k < n; k++) {
		json_t *o = json_pack("{s:f,s:f,s:f}", "x", wo_r3(sp[k].x),
		    "y", wo_r3(sp[k].y), "conf", wo_r3(sp[k].conf));

		if (sp[k].conf < minconf)
			json_object_set_new(o, "weak", json_true());
		json_array_append_new(a, o);
	}
	free(v);
	free(sp);
	return a;
}
