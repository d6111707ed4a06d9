/* count.c: what and how many a weight change was, from the catalog's weights. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "cart.h"

#define SCALE_SD	2.0	/* g, a settled scale's own noise */
#define FIT_Z		4.0	/* standard deviations: beyond, nothing fits */
#define KMAX		50	/* the most units one hand moves at once */
#define MORE		0.4	/* odds of one more unit in the same grab */
#define PAIR		0.2	/* odds of two products in one change */
#define PAIR_KMAX	3	/* the most units of each in such a pair */
#define ONTOP		4.0	/* odds of a stray, on top, over the stock */

long long
held_qty(const struct shopper *s, const char *sku)
{
	long long n = 0;
	int i;

	for (i = 0; i < s->nln; i++)
		if (strcmp(s->ln[i].sku, sku) == 0)
			n += s->ln[i].qty;
	return n;
}

/* Whether the shopper holds any unit: a cart with something in it. */
int
holds(const struct shopper *s)
{
	int i;

	for (i = 0; i < s->nln; i++)
		if (held_qty(s, s->ln[i].sku) > 0)
			return 1;
	return 0;
}

void
stray_add(struct plate *p, const char *sku, long long n)
{
	int i;

	for (i = 0; i < p->ns; i++)
		if (strcmp(p->s[i].sku, sku) == 0)
			break;
	if (i == p->ns) {
		if (n <= 0)
			return;
		p->s = wo_realloc(p->s, (p->ns + 1) * sizeof(*p->s));
		p->s[i].sku = wo_strdup(sku);
		p->s[i].n = 0;
		p->ns++;
	}
	p->s[i].n += n;
	if (p->s[i].n <= 0) {
		free(p->s[i].sku);
		memmove(&p->s[i], &p->s[i + 1], (p->ns - i - 1) * sizeof(*p->s));
		p->ns--;
	}
}

struct hyp {
	int	 item;
	double	 prior;
	long long kmax;
};

/*
 * Weighs every (product, count) that could explain grams: the count k of a
 * product of unit weight u and spread sd weighs k u, give or take
 * sqrt(k sd^2 + scale noise^2).  The prior says which products are at hand:
 * for a pick, the planogram's product and whatever strayed onto the plate,
 * the stray ONTOP times as likely: an item put back lies on top of the
 * plate's stock, where the next hand meets it first, which is all that
 * tells the two apart when they weigh the same;
 * for a put-back, what the shopper holds (the planogram's product only as a
 * long shot), and a grab of many units is rarer than one of a few
 * (each further unit at odds MORE).  The confidence is the winner's share of the posterior, so
 * two products of one weight, or a count between two, come out unsure.
 */
void
count(struct cart *c, int plate, double grams, int pick,
    const struct shopper *s, struct what *w)
{
	const struct wo_store *st = c->st;
	const struct wo_plate *pl = &st->plates[plate];
	const struct plate *ps = &c->pl[plate];
	struct hyp *hy;
	double best = -INFINITY, bestz = INFINITY, sum = 0, *ll;
	int nh = 0, i, bi = -1;
	long long k, bk = 0;

	hy = wo_calloc(st->nitems + 1, sizeof(*hy));
	if (pick) {
		hy[nh++] = (struct hyp){ pl->item, 1.0, KMAX };
		for (i = 0; i < ps->ns; i++) {
			int it = wo_store_item(st, ps->s[i].sku);

			if (it >= 0 && it != pl->item)
				hy[nh++] = (struct hyp){ it, ONTOP,
				    ps->s[i].n };
		}
	} else {
		for (i = 0; i < (int)st->nitems; i++) {
			long long n = s ? held_qty(s, st->items[i].sku) : 0;

			if (n > 0)
				hy[nh++] = (struct hyp){ i,
				    i == pl->item ? 1.2 : 1.0, n };
			else if (i == pl->item)
				hy[nh++] = (struct hyp){ i, 0.05, KMAX };
		}
	}
	ll = wo_calloc(nh * KMAX + 1, sizeof(*ll));
	for (i = 0; i < nh; i++) {
		const struct wo_item *it = &st->items[hy[i].item];

		for (k = 1; k <= hy[i].kmax && k <= KMAX; k++) {
			double var = k * it->sd_g * it->sd_g +
			    SCALE_SD * SCALE_SD;
			double z = (grams - k * it->unit_g) / sqrt(var);
			double l = log(hy[i].prior) + (k - 1) * log(MORE) -
			    z * z / 2 - log(var) / 2;

			ll[i * KMAX + k - 1] = l;
			if (l > best) {
				best = l;
				bestz = fabs(z);
				bi = i;
				bk = k;
			}
		}
	}
	for (i = 0; i < nh; i++)
		for (k = 1; k <= hy[i].kmax && k <= KMAX; k++)
			sum += exp(ll[i * KMAX + k - 1] - best);
	w->item2 = -1;
	w->qty2 = 0;
	/*
	 * Two products in one change: a pick of the plate's own product and
	 * of one that strayed there, made together or so close in time that
	 * the scale saw one change.  Each pair is a long shot (PAIR) against
	 * the stray alone, so it wins only where no single product fits.
	 */
	if (pick)
		for (i = 1; i < nh; i++) {
			const struct wo_item *a = &st->items[hy[0].item];
			const struct wo_item *b = &st->items[hy[i].item];
			long long k2;

			for (k = 1; k <= PAIR_KMAX; k++)
				for (k2 = 1; k2 <= hy[i].kmax && k2 <= PAIR_KMAX;
				    k2++) {
					double var = k * a->sd_g * a->sd_g +
					    k2 * b->sd_g * b->sd_g +
					    SCALE_SD * SCALE_SD;
					double z = (grams - k * a->unit_g -
					    k2 * b->unit_g) / sqrt(var);
					double l = log(hy[i].prior * PAIR) +
					    (k + k2 - 2) * log(MORE) - z * z / 2 -
					    log(var) / 2;

					if (l > best) {
						sum = sum * exp(best - l) + 1;
						best = l;
						bestz = fabs(z);
						bi = 0;
						bk = k;
						w->item2 = hy[i].item;
						w->qty2 = k2;
					} else
						sum += exp(l - best);
				}
		}
	if (bi < 0 || bestz > FIT_Z) {
		w->item = -1;
		w->qty = 0;
		w->item2 = -1;
		w->conf = 0;
	} else {
		w->item = hy[bi].item;
		w->qty = bk;
		w->conf = 1 / sum;
	}
	free(ll);
	free(hy);
}
