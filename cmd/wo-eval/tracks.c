/* tracks.c: MOTA (CLEAR MOT) and IDF1 of tracks against the true tracks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

/* One position at one frame time: a true shopper's or a track's. */
struct obs {
	long long	 ms;	/* frame time, whole milliseconds */
	int		 id;	/* index into the truth's or the tracks' ids */
	int		 acct;	/* its account (an index into accts), -1 none */
	double		 x, y;
	long		 seq;	/* input line, to order duplicates */
};

struct side {
	struct obs	*o;
	size_t		 n, cap;
	json_t		*ids;	/* account or track number -> index */
};

struct tracks {
	char		*session;
	double		 dist;	/* a match is at most this far, metres */
	struct side	 gt, hy;
	json_t		*accts;	/* account -> index, both sides */
};

static int
id_of(struct side *s, const char *key)
{
	json_t *v = json_object_get(s->ids, key);
	int id;

	if (v != NULL)
		return json_integer_value(v);
	id = json_object_size(s->ids);
	json_object_set_new(s->ids, key, json_integer(id));
	return id;
}

static void
push(struct side *s, double ts, int id, int acct, double x, double y,
    long seq)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->o = wo_realloc(s->o, s->cap * sizeof(*s->o));
	}
	s->o[s->n].ms = llround(ts * 1000);
	s->o[s->n].id = id;
	s->o[s->n].acct = acct;
	s->o[s->n].x = x;
	s->o[s->n].y = y;
	s->o[s->n].seq = seq;
	s->n++;
}

struct tracks *
tracks_new(const char *session, double dist)
{
	struct tracks *t = wo_calloc(1, sizeof(*t));

	t->session = wo_strdup(session);
	t->dist = dist;
	t->gt.ids = json_object();
	t->hy.ids = json_object();
	t->accts = json_object();
	return t;
}

/* Returns 0 for an event reported and skipped. */
int
tracks_event(struct tracks *t, const struct wo_ev *ev)
{
	long long track;
	double x, y;
	char key[32];

	if (!wo_need_int(ev, "track", &track) || !wo_need_num(ev, "x", &x) ||
	    !wo_need_num(ev, "y", &y))
		return 0;
	snprintf(key, sizeof(key), "%lld", track);
	push(&t->hy, ev->ts, id_of(&t->hy, key), acct_index(t->accts,
	    json_object_get(ev->obj, "account")), x, y, ev->line);
	return 1;
}

int
tracks_seen(const struct tracks *t)
{
	return t->hy.n > 0;
}

/* The truth is the referee: any bad line ends the run with status 1. */
static void
load_truth(struct tracks *t, const char *path)
{
	struct wo_in *in = wo_in_open(path);
	json_t *o, *acct;
	double ts, x, y;

	while ((o = truth_next(in)) != NULL) {
		acct = json_object_get(o, "account");
		if (!json_is_string(acct))
			wo_die(1, "%s:%ld: position has no account", path,
			    in->line);
		if (!finite_num(o, "ts", &ts) || ts < 0)
			wo_die(1, "%s:%ld: position has no ts", path, in->line);
		if (!finite_num(o, "x", &x) || !finite_num(o, "y", &y))
			wo_die(1, "%s:%ld: position has no x and y", path,
			    in->line);
		push(&t->gt, ts, id_of(&t->gt, json_string_value(acct)),
		    acct_index(t->accts, acct), x, y, in->line);
		json_decref(o);
	}
	wo_in_close(in);
}

static int
cmpobs(const void *a, const void *b)
{
	const struct obs *p = a, *q = b;

	if (p->ms != q->ms)
		return p->ms < q->ms ? -1 : 1;
	if (p->id != q->id)
		return p->id < q->id ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/*
 * Sorts by frame and id.  A track reported twice in one frame counts once,
 * at its last position; a shopper twice in one frame of the truth is an
 * error in the truth.
 */
static void
sort_side(struct side *s, const char *truth)
{
	size_t i, k;

	if (s->n > 0)
		qsort(s->o, s->n, sizeof(*s->o), cmpobs);
	for (i = k = 0; i < s->n; i++) {
		if (k > 0 && s->o[k - 1].ms == s->o[i].ms &&
		    s->o[k - 1].id == s->o[i].id) {
			if (truth != NULL)
				wo_die(1, "%s:%ld: shopper is already at "
				    "%lld ms", truth, s->o[i].seq, s->o[i].ms);
			k--;
		}
		s->o[k++] = s->o[i];
	}
	s->n = k;
}

struct tally {
	long long	 gt, hy, frames, matches, fp, fn, idsw;
	long long	 bound;	/* matches with the shopper's own account */
	double		 dsum;
	long long	*pair;	/* frames each (truth id, track id) are near */
	int		 ng, nh;
};

/*
 * One frame of CLEAR MOT, as py-motmetrics does it: a shopper keeps the
 * track it was last matched to while that track is still within reach;
 * the others are paired by least total distance, most pairs first, and a
 * shopper paired with a track other than its last one is an identity
 * switch.
 */
static void
frame(struct tracks *t, struct tally *ta, int *last, struct obs *g, size_t ng,
    struct obs *h, size_t nh)
{
	double *d, *cost, big;
	int *ug, *uh, *col, *ri, *ci;
	size_t i, j, nr, nc, n, m = 0;

	d = wo_calloc(ng * nh + 1, sizeof(*d));
	ug = wo_calloc(ng + 1, sizeof(*ug));
	uh = wo_calloc(nh + 1, sizeof(*uh));
	for (i = 0; i < ng; i++)
		for (j = 0; j < nh; j++) {
			d[i * nh + j] = hypot(g[i].x - h[j].x, g[i].y - h[j].y);
			if (d[i * nh + j] <= t->dist)
				ta->pair[(size_t)g[i].id * ta->nh + h[j].id]++;
		}
	for (i = 0; i < ng; i++) {
		if (last[g[i].id] < 0)
			continue;
		for (j = 0; j < nh; j++)
			if (!uh[j] && h[j].id == last[g[i].id] &&
			    d[i * nh + j] <= t->dist) {
				ug[i] = uh[j] = 1;
				ta->dsum += d[i * nh + j];
				ta->bound += g[i].acct == h[j].acct;
				m++;
				break;
			}
	}
	ri = wo_calloc(ng + 1, sizeof(*ri));
	ci = wo_calloc(nh + 1, sizeof(*ci));
	for (i = nr = 0; i < ng; i++)
		if (!ug[i])
			ri[nr++] = i;
	for (j = nc = 0; j < nh; j++)
		if (!uh[j])
			ci[nc++] = j;
	n = nr > nc ? nr : nc;
	/* Any pair out of reach, or with padding, costs more than all the
	 * pairs in reach together: the fewest unpaired wins, then distance. */
	big = n * t->dist + 1;
	cost = wo_calloc(n * n + 1, sizeof(*cost));
	col = wo_calloc(n + 1, sizeof(*col));
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			cost[i * n + j] = i < nr && j < nc &&
			    d[ri[i] * nh + ci[j]] <= t->dist ?
			    d[ri[i] * nh + ci[j]] : big;
	wo_assign(cost, n, n, INFINITY, col);
	for (i = 0; i < nr; i++) {
		j = col[i];
		if (j >= nc || cost[i * n + j] == big)
			continue;
		if (last[g[ri[i]].id] >= 0 && last[g[ri[i]].id] != h[ci[j]].id)
			ta->idsw++;
		last[g[ri[i]].id] = h[ci[j]].id;
		ta->dsum += cost[i * n + j];
		ta->bound += g[ri[i]].acct == h[ci[j]].acct;
		m++;
	}
	ta->matches += m;
	ta->fn += ng - m;
	ta->fp += nh - m;
	free(d);
	free(ug);
	free(uh);
	free(ri);
	free(ci);
	free(cost);
	free(col);
}

/*
 * IDF1 (Ristani et al. 2016): pair each shopper with at most one track so
 * that the frames they share within reach, IDTP, are most; the rest of the
 * shopper's frames are IDFN, the rest of the track's IDFP.  Only ids that
 * share a frame within reach with some id can gain from a pairing.
 */
static long long
idtp(struct tally *ta)
{
	int *rows, *cols, *col, r, c, n, i, j;
	double *cost, most = 0;
	long long sum = 0, v;

	rows = wo_calloc(ta->ng + 1, sizeof(*rows));
	cols = wo_calloc(ta->nh + 1, sizeof(*cols));
	for (i = r = 0; i < ta->ng; i++)
		for (j = 0; j < ta->nh; j++)
			if (ta->pair[(size_t)i * ta->nh + j] > 0) {
				rows[r++] = i;
				break;
			}
	for (j = c = 0; j < ta->nh; j++)
		for (i = 0; i < ta->ng; i++)
			if (ta->pair[(size_t)i * ta->nh + j] > 0) {
				cols[c++] = j;
				break;
			}
	n = r > c ? r : c;
	cost = wo_calloc((size_t)n * n + 1, sizeof(*cost));
	col = wo_calloc(n + 1, sizeof(*col));
	for (i = 0; i < r; i++)
		for (j = 0; j < c; j++) {
			v = ta->pair[(size_t)rows[i] * ta->nh + cols[j]];
			if (v > most)
				most = v;
		}
	/* Least cost is most shared frames: cost = most - shared. */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			cost[(size_t)i * n + j] = most - (i < r && j < c ?
			    ta->pair[(size_t)rows[i] * ta->nh + cols[j]] : 0);
	wo_assign(cost, n, n, INFINITY, col);
	for (i = 0; i < r; i++)
		if (col[i] < c)
			sum += ta->pair[(size_t)rows[i] * ta->nh +
			    cols[col[i]]];
	free(rows);
	free(cols);
	free(cost);
	free(col);
	return sum;
}

json_t *
tracks_score(struct tracks *t)
{
	struct tally ta;
	size_t len, a, b, c, e;
	char *path;
	int *last, i;
	long long tp, ms;
	json_t *o;

	len = strlen(t->session) + sizeof("/truth/tracks.ndjson");
	path = wo_malloc(len);
	snprintf(path, len, "%s/truth/tracks.ndjson", t->session);
	load_truth(t, path);
	sort_side(&t->gt, path);
	sort_side(&t->hy, NULL);
	memset(&ta, 0, sizeof(ta));
	ta.ng = json_object_size(t->gt.ids);
	ta.nh = json_object_size(t->hy.ids);
	ta.pair = wo_calloc((size_t)ta.ng * ta.nh + 1, sizeof(*ta.pair));
	last = wo_calloc(ta.ng + 1, sizeof(*last));
	for (i = 0; i < ta.ng; i++)
		last[i] = -1;
	a = c = 0;
	while (a < t->gt.n || c < t->hy.n) {
		if (c >= t->hy.n ||
		    (a < t->gt.n && t->gt.o[a].ms <= t->hy.o[c].ms))
			ms = t->gt.o[a].ms;
		else
			ms = t->hy.o[c].ms;
		for (b = a; b < t->gt.n && t->gt.o[b].ms == ms; b++)
			;
		for (e = c; e < t->hy.n && t->hy.o[e].ms == ms; e++)
			;
		frame(t, &ta, last, t->gt.o + a, b - a, t->hy.o + c, e - c);
		ta.frames++;
		a = b;
		c = e;
	}
	ta.gt = t->gt.n;
	ta.hy = t->hy.n;
	tp = idtp(&ta);
	o = json_object();
	json_object_set_new(o, "mota", ta.gt == 0 ? json_null() :
	    json_real(1 - (double)(ta.fn + ta.fp + ta.idsw) / ta.gt));
	json_object_set_new(o, "idf1", ratio(2 * tp, ta.gt + ta.hy));
	json_object_set_new(o, "idp", ratio(tp, ta.hy));
	json_object_set_new(o, "idr", ratio(tp, ta.gt));
	json_object_set_new(o, "motp", ratio(ta.dsum, ta.matches));
	json_object_set_new(o, "frames", json_integer(ta.frames));
	json_object_set_new(o, "gt", json_integer(ta.gt));
	json_object_set_new(o, "matches", json_integer(ta.matches));
	json_object_set_new(o, "fp", json_integer(ta.fp));
	json_object_set_new(o, "fn", json_integer(ta.fn));
	json_object_set_new(o, "idsw", json_integer(ta.idsw));
	json_object_set_new(o, "idtp", json_integer(tp));
	json_object_set_new(o, "idfp", json_integer(ta.hy - tp));
	json_object_set_new(o, "idfn", json_integer(ta.gt - tp));
	json_object_set_new(o, "bound", ratio(ta.bound, ta.matches));
	json_object_set_new(o, "dist", json_real(t->dist));
	free(ta.pair);
	free(last);
	free(path);
	return o;
}

void
tracks_free(struct tracks *t)
{
	free(t->gt.o);
	free(t->hy.o);
	json_decref(t->gt.ids);
	json_decref(t->hy.ids);
	json_decref(t->accts);
	free(t->session);
	free(t);
}
