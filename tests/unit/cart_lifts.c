/* cart_lifts: wo-cart reads a merged pick's two lifts off the plate's trace. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../cmd/wo-cart/lifts.c"

static int fails;

#define CHECK(c, ...) do { if (!(c)) { fails++; \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

#define DT	0.05
#define MAXN	64

/*
 * A trace of n samples from 0: both hands press pa + pb from 0.1 s, the
 * first lifts qa units of unit (and its press) at ta, the second qb at tb;
 * a wobble of amp grams rides on it.
 */
static int
stair(double *g, double unit, double pa, double pb, int qa, int qb,
    double ta, double tb, double amp)
{
	int i, n = (int)((tb + 0.6) / DT);

	for (i = 0; i < n && i < MAXN; i++) {
		double t = i * DT, v = t < 0.1 ? pa : pa + pb;

		if (t >= ta)
			v -= qa * unit + pa;
		if (t >= tb)
			v -= qb * unit + pb;
		g[i] = v + amp * sin(2 * M_PI * 4.3 * t);
	}
	return i;
}

int
main(void)
{
	struct lifts lf;
	double g[MAXN];
	int n;

	/* One cola, then two, 0.4 s apart: the first took one. */
	n = stair(g, 350, 60, 110, 1, 2, 0.6, 1.0, 5);
	CHECK(lift_steps(g, n, 100, DT, 350, 3, &lf) == 1, "1+2: no lifts");
	CHECK(lf.q1 == 1, "1+2: first took %lld", lf.q1);
	CHECK(fabs(lf.ta - 100.6) < 0.06 && fabs(lf.tb - 101.0) < 0.06,
	    "1+2: lifts at %.3f, %.3f", lf.ta, lf.tb);

	/* Two yogurts, then one, the first hand pressing hardest. */
	n = stair(g, 135, 110, 15, 2, 1, 0.5, 0.8, 3);
	CHECK(lift_steps(g, n, 0, DT, 135, 3, &lf) == 1 && lf.q1 == 2,
	    "2+1: first took %lld", lf.q1);

	/* Four of milk, one and three. */
	n = stair(g, 1040, 40, 90, 1, 3, 0.7, 1.2, 8);
	CHECK(lift_steps(g, n, 0, DT, 1040, 4, &lf) == 1 && lf.q1 == 1,
	    "1+3: first took %lld", lf.q1);

	/* One hand lifts both at once: one step, not two lifts. */
	n = stair(g, 350, 60, 0, 2, 0, 0.6, 0.6, 5);
	CHECK(lift_steps(g, n, 0, DT, 350, 2, &lf) == 0,
	    "one lift taken for two");

	/*
	 * Gum: the presses outweigh a unit many times, so their difference
	 * may pass for a unit.  Two lifts, but not how many each.
	 */
	n = stair(g, 16, 100, 40, 1, 2, 0.6, 1.0, 0);
	CHECK(lift_steps(g, n, 0, DT, 16, 3, &lf) == 1, "gum: no lifts");
	CHECK(lf.q1 == 0, "gum: first took %lld", lf.q1);

	/* A step of less than a unit is a hand's press let go, not a lift. */
	n = stair(g, 135, 60, 30, 0, 2, 0.6, 1.0, 0);
	CHECK(lift_steps(g, n, 0, DT, 135, 2, &lf) == 0,
	    "a press let go taken for a lift");

	/*
	 * Two lifts 0.1 s apart: the weight slides down from the presses to
	 * the three colas' loss, with no level between that the plate held.
	 */
	for (n = 0; n < 30; n++) {
		double t = n * DT;

		g[n] = t < 0.6 ? 110 : t > 0.8 ? -1050 : 110 - 1160 *
		    (t - 0.6) / 0.2;
	}
	CHECK(lift_steps(g, n, 0, DT, 350, 3, &lf) == 0,
	    "a slide taken for two lifts, the first of %lld", lf.q1);

	/* Too short a trace, and nonsense, are no lifts. */
	CHECK(lift_steps(g, 3, 0, DT, 350, 3, &lf) == 0, "short trace");
	CHECK(lift_steps(g, n, 0, DT, 0, 3, &lf) == 0, "no unit weight");
	CHECK(lift_steps(g, n, 0, DT, 350, 1, &lf) == 0, "one unit");
	return fails != 0;
}
