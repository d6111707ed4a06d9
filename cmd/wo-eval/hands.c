/* hands.c: whether tracks give hands to the shoppers they belong to. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

#define HAND_DIST	0.15	/* m: a reported hand this near a true one */

/* One hand at one frame time, a true one or a reported one. */
struct hand {
	long long	 ms;	/* frame time, whole milliseconds */
	double		 x, y;
	int		 who;	/* its shopper's account (an index), -1 none */
};

struct hlist {
	struct hand	*h;
	size_t		 n, cap;
};

struct hands {
	char		*session;
	struct hlist	 gt, hy;
	json_t		*accts;	/* account -> index */
};

static void
add(struct hlist *l, double ts, double x, double y, int who)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->h = wo_realloc(l->h, l->cap * sizeof(*l->h));
	}
	l->h[l->n].ms = llround(ts * 1000);
	l->h[l->n].x = x;
	l->h[l->n].y = y;
	l->h[l->n].who = who;
	l->n++;
}

/*
 * Adds the hands of an event or a truth line, an array of {"x", "y"}, to
 * l.  Returns -1, adding none, when it is not one.
 */
static int
each_hand(struct hands *h, struct hlist *l, json_t *o, double ts)
{
	json_t *a = json_object_get(o, "hands"), *e;
	double x, y;
	size_t i;
	int who;

	if (a == NULL)
		return 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, e)
		if (!finite_num(e, "x", &x) || !finite_num(e, "y", &y))
			return -1;
	who = acct_index(h->accts, json_object_get(o, "account"));
	json_array_foreach(a, i, e) {
		finite_num(e, "x", &x);
		finite_num(e, "y", &y);
		add(l, ts, x, y, who);
	}
	return 0;
}

struct hands *
hands_new(const char *session)
{
	struct hands *h = wo_calloc(1, sizeof(*h));

	h->session = wo_strdup(session);
	h->accts = json_object();
	return h;
}

void
hands_event(struct hands *h, const struct wo_ev *ev)
{
	if (each_hand(h, &h->hy, ev->obj, ev->ts) < 0)
		wo_bad(ev->file, ev->line, "hands: not an array of x and y");
}

int
hands_seen(const struct hands *h)
{
	return h->hy.n > 0;
}

static int
cmphand(const void *a, const void *b)
{
	const struct hand *p = a, *q = b;

	return (p->ms > q->ms) - (p->ms < q->ms);
}

/*
 * One frame: each reported hand is paired with at most one true hand
 * within HAND_DIST, for the most pairs and then the least distance, and
 * counted right when the track that reported it is the true hand's
 * shopper's account.
 */
static void
frame(const struct hand *g, size_t ng, const struct hand *r, size_t nr,
    long long *n)
{
	double *c;
	int *as;
	size_t i, j;

	c = wo_calloc(nr * ng + 1, sizeof(*c));
	as = wo_calloc(nr + 1, sizeof(*as));
	for (i = 0; i < nr; i++)
		for (j = 0; j < ng; j++)
			c[i * ng + j] = hypot(r[i].x - g[j].x, r[i].y - g[j].y);
	wo_assign(c, nr, ng, HAND_DIST, as);
	for (i = 0; i < nr; i++) {
		if (as[i] < 0)
			continue;
		n[0]++;
		if (r[i].who < 0)
			n[3]++;
		else if (r[i].who == g[as[i]].who)
			n[1]++;
		else
			n[2]++;
	}
	free(c);
	free(as);
}

/*
 * The section, or NULL when the truth records no hands (sessions written
 * before wo-sim did).
 */
json_t *
hands_score(struct hands *h)
{
	struct wo_in *in;
	size_t len, a, b, c, e;
	long long n[4] = { 0 }, ms;	/* matched, right, wrong, unbound */
	double ts;
	char *path;
	json_t *o;

	len = strlen(h->session) + sizeof("/truth/tracks.ndjson");
	path = wo_malloc(len);
	snprintf(path, len, "%s/truth/tracks.ndjson", h->session);
	in = wo_in_open(path);
	while ((o = truth_next(in)) != NULL) {
		if (!finite_num(o, "ts", &ts) ||
		    each_hand(h, &h->gt, o, ts) < 0)
			wo_die(1, "%s:%ld: bad ts or hands", path, in->line);
		json_decref(o);
	}
	wo_in_close(in);
	free(path);
	if (h->gt.n == 0)
		return NULL;
	qsort(h->gt.h, h->gt.n, sizeof(*h->gt.h), cmphand);
	qsort(h->hy.h, h->hy.n, sizeof(*h->hy.h), cmphand);
	a = c = 0;
	while (a < h->gt.n && c < h->hy.n) {
		ms = h->gt.h[a].ms < h->hy.h[c].ms ? h->gt.h[a].ms :
		    h->hy.h[c].ms;
		for (b = a; b < h->gt.n && h->gt.h[b].ms == ms; b++)
			;
		for (e = c; e < h->hy.n && h->hy.h[e].ms == ms; e++)
			;
		frame(h->gt.h + a, b - a, h->hy.h + c, e - c, n);
		a = b;
		c = e;
	}
	o = json_object();
	json_object_set_new(o, "attached", ratio(n[1], n[1] + n[2] + n[3]));
	json_object_set_new(o, "recall", ratio(n[0], h->gt.n));
	json_object_set_new(o, "precision", ratio(n[0], h->hy.n));
	json_object_set_new(o, "gt", json_integer(h->gt.n));
	json_object_set_new(o, "reported", json_integer(h->hy.n));
	json_object_set_new(o, "matches", json_integer(n[0]));
	json_object_set_new(o, "right", json_integer(n[1]));
	json_object_set_new(o, "wrong", json_integer(n[2]));
	json_object_set_new(o, "unbound", json_integer(n[3]));
	json_object_set_new(o, "dist", json_real(HAND_DIST));
	return o;
}

void
hands_free(struct hands *h)
{
	free(h->gt.h);
	free(h->hy.h);
	json_decref(h->accts);
	free(h->session);
	free(h);
}
