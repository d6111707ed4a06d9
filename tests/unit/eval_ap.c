/* eval_ap: wo-eval's average precision on curves worked by hand. */
#include <math.h>
#include <stdio.h>

#include "../../cmd/wo-eval/ap.c"

static int fails;

static void
check(const char *what, const int *tp, size_t n, size_t npos, double want)
{
	double got = detect_ap(tp, n, npos);

	if (isnan(want) ? !isnan(got) : !(fabs(got - want) < 1e-12)) {
		fprintf(stderr, "FAIL %s: %.12g, want %.12g\n", what, got,
		    want);
		fails++;
	}
}

int
main(void)
{
	static const int t11[] = { 1, 1 }, t1100[] = { 1, 1, 0, 0 };
	static const int t01[] = { 0, 1 }, t101[] = { 1, 0, 1 };
	static const int t101001[] = { 1, 0, 1, 0, 0, 1 };

	check("no truth", t11, 2, 0, NAN);
	check("no detections", t11, 0, 3, 0);
	check("all found in order", t11, 2, 2, 1);
	/* Recall 1/3 and 2/3 at precision 1, then only misses: 2/3. */
	check("two of three, misses last", t1100, 4, 3, 2.0 / 3);
	/* The miss first: precision 1/2 at the only recall, 1. */
	check("miss first", t01, 2, 1, 0.5);
	/* Recall 1/2 at precision 1, then 1 at precision 2/3. */
	check("a miss between", t101, 3, 2, 0.5 + 0.5 * 2 / 3);
	/* Precisions 1, 1/2, 2/3, 1/2, 2/5, 1/2 at recalls 1/4 1/4 1/2 1/2
	 * 1/2 3/4 of 4: raised, 1 up to 1/4, 2/3 to 1/2, 1/2 to 3/4, and
	 * nothing beyond: 1/4 + 1/6 + 1/8 = 13/24. */
	check("the envelope", t101001, 6, 4, 13.0 / 24);
	if (fails == 0)
		printf("eval_ap: ok\n");
	return fails != 0;
}
