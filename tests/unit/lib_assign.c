/* lib_assign: libwo's optimal assignment (wo_assign) against brute force on random, gated, rectangular matrices. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "wo.h"

static int fails;

#define CHECK(c, ...) do { if (!(c)) { fails++; \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/*
 * The best total over every partial matching within the gate, where the
 * objective is first the most pairs, then the least cost: that is what
 * wo_assign() promises, since a forbidden pair is priced above all others.
 */
static void
brute(const double *c, int n, int m, double gate, int i, unsigned used,
    int pairs, double sum, int *bp, double *bs)
{
	int j;

	if (i == n) {
		if (pairs > *bp || (pairs == *bp && sum < *bs - 1e-9)) {
			*bp = pairs;
			*bs = sum;
		}
		return;
	}
	brute(c, n, m, gate, i + 1, used, pairs, sum, bp, bs);
	for (j = 0; j < m; j++)
		if (!(used & 1u << j) && c[i * m + j] <= gate)
			brute(c, n, m, gate, i + 1, used | 1u << j, pairs + 1,
			    sum + c[i * m + j], bp, bs);
}

int
main(void)
{
	double c[64], sum, bs;
	int as[8], n, m, i, k, t, bp, seen;

	/* A classic 3x3 whose greedy answer is wrong. */
	{
		double g[9] = { 1, 2, 3, 2, 4, 6, 3, 6, 9 };

		k = wo_assign(g, 3, 3, 100, as);
		CHECK(k == 3, "3x3 assigned %d", k);
		CHECK(g[as[0]] + g[3 + as[1]] + g[6 + as[2]] == 10,
		    "3x3 total not 10");
	}
	/* Empty sides assign nothing. */
	CHECK(wo_assign(c, 0, 3, 1, as) == 0, "0 rows");
	CHECK(wo_assign(c, 2, 0, 1, as) == 0 && as[0] == -1 && as[1] == -1,
	    "0 columns");
	/* A pair outside the gate stays unassigned even when it is the only one. */
	{
		double g[2] = { 5, INFINITY };

		k = wo_assign(g, 2, 1, 1, as);
		CHECK(k == 0 && as[0] == -1 && as[1] == -1, "gate ignored");
	}
	srand(7);
	for (t = 0; t < 3000; t++) {
		double gate = t % 3 == 0 ? INFINITY : 0.5;

		n = 1 + rand() % 6;
		m = 1 + rand() % 6;
		for (i = 0; i < n * m; i++)
			c[i] = (rand() % 1000) / 1000.0;
		k = wo_assign(c, n, m, gate, as);
		sum = 0;
		seen = 0;
		for (i = 0; i < n; i++) {
			if (as[i] < 0)
				continue;
			CHECK(as[i] < m, "column out of range");
			CHECK(!(seen & 1 << as[i]), "column used twice");
			CHECK(c[i * m + as[i]] <= gate, "pair over the gate");
			seen |= 1 << as[i];
			sum += c[i * m + as[i]];
		}
		bp = -1;
		bs = INFINITY;
		brute(c, n, m, gate, 0, 0, 0, 0, &bp, &bs);
		CHECK(k == bp, "trial %d (%dx%d): %d pairs, best %d", t, n, m,
		    k, bp);
		CHECK(fabs(sum - bs) < 1e-9, "trial %d (%dx%d): cost %g, best %g",
		    t, n, m, sum, bs);
	}
	return fails != 0;
}
