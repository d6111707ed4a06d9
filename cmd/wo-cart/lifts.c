/* lifts.c: the two lifts of a merged pick, read off the plate's trace. */
#include <math.h>
#include <stdlib.h>

#include "wo.h"
#include "cart.h"

/*
 * Samples the level between the two lifts must last: shorter, and the
 * plate's ringing after the first lift (a tenth of a second) is all it is.
 */
#define MID_N		3
/*
 * How far the split's reading may lie from a whole unit's difference and
 * still be taken: nearer a half unit than this, the presses decide it.
 */
#define HALF_MARGIN	0.1
/* The least step taken for a lift, in units (see lift_steps()). */
#define STEP_MIN	0.75
/*
 * The most the level between the lifts may spread (its standard
 * deviation), as a share of the lesser step: more, and the plate never
 * held still between them, one lift still under way as the other began.
 */
#define LEVEL_SD	0.25

/*
 * The trace from its peak (every hand resting on the plate, the items not
 * yet lifted) falls in two steps, one lift each: the level splits into
 * three that fit it best, the middle one a level the plate held between
 * the lifts (see LEVEL_SD).  Each step is at least a unit: a hand lifts a
 * whole unit and its own press; the plate's ringing and the other hand's
 * wobble take no more than a quarter of one off it (one hand lifting all
 * at once shows one step; on busy simulated seeds 1-90 no such pick of two
 * to six units showed two).  Returns 1 and the lifts' times in *lf when
 * the trace shows two lifts, 0 otherwise.
 *
 * The difference of the two steps is (q1 - q2) units, give or take the
 * difference of the presses, and tells how many the first lift took, q1 in
 * *lf: or 0 when it cannot be told.  Before the first lift the plate bore
 * both presses on top of its load (lp), so their difference is no more
 * than that, and it must stay under a unit not to pass for one; nor may
 * the difference read half a unit, give or take HALF_MARGIN.
 */
int
lift_steps(const double *g, int n, double t, double dt, double unit,
    long long qty, struct lifts *lf)
{
	double *s1, *s2, best = INFINITY, lp = 0, lm = 0, le = 0, sm = 0;
	double d1, d2, x;
	int ip = 0, k, i, j, bi = 0, bj = 0, len;

	if (n < 1 || unit <= 0 || qty < 2)
		return 0;
	for (k = 1; k < n; k++)
		if (g[k] > g[ip])
			ip = k;
	if ((len = n - ip) < MID_N + 2)
		return 0;
	s1 = wo_calloc(len + 1, sizeof(*s1));
	s2 = wo_calloc(len + 1, sizeof(*s2));
	for (k = 0; k < len; k++) {
		s1[k + 1] = s1[k] + g[ip + k];
		s2[k + 1] = s2[k] + g[ip + k] * g[ip + k];
	}
#define SSE(a, b)	(s2[b] - s2[a] - (s1[b] - s1[a]) * (s1[b] - s1[a]) / \
			    ((b) - (a)))
	for (i = 1; i + MID_N < len; i++)
		for (j = i + MID_N; j < len; j++) {
			double e = SSE(0, i) + SSE(i, j) + SSE(j, len);

			if (e < best) {
				best = e;
				bi = i;
				bj = j;
			}
		}
	if (bi > 0) {
		lp = s1[bi] / bi;
		lm = (s1[bj] - s1[bi]) / (bj - bi);
		le = (s1[len] - s1[bj]) / (len - bj);
		sm = sqrt(fmax(SSE(bi, bj), 0) / (bj - bi));
	}
#undef SSE
	free(s1);
	free(s2);
	d1 = lp - lm;
	d2 = lm - le;
	if (bi == 0 || d1 < STEP_MIN * unit || d2 < STEP_MIN * unit ||
	    sm > LEVEL_SD * fmin(d1, d2))
		return 0;
	/* A step lies between the last sample of one level and the next. */
	lf->ta = t + (ip + bi - 0.5) * dt;
	lf->tb = t + (ip + bj - 0.5) * dt;
	x = ((d1 - d2) / unit + qty) / 2;
	if (lp >= unit || (fabs(x - floor(x) - 0.5) < HALF_MARGIN && x > 1 &&
	    x < qty - 1))
		lf->q1 = 0;
	else
		lf->q1 = llround(fmin(fmax(x, 1), qty - 1));
	return 1;
}

/*
 * lift_steps() on the weight event's trace (wo-weigh's filtered weight
 * every dt seconds from t); 0 when it has none.
 */
int
trace_lifts(const struct wo_ev *ev, double unit, long long qty,
    struct lifts *lf)
{
	json_t *tr = json_object_get(ev->obj, "trace"), *g;
	double *v, t, dt;
	size_t i, n;
	int ok;

	if (!json_is_object(tr) || !json_is_number(json_object_get(tr, "t")) ||
	    !json_is_number(json_object_get(tr, "dt")) ||
	    !json_is_array(g = json_object_get(tr, "g")) ||
	    (n = json_array_size(g)) == 0)
		return 0;
	t = json_number_value(json_object_get(tr, "t"));
	dt = json_number_value(json_object_get(tr, "dt"));
	if (!(dt > 0))
		return 0;
	v = wo_calloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_number_value(json_array_get(g, i));
	ok = lift_steps(v, (int)n, t, dt, unit, qty, lf);
	free(v);
	return ok;
}
