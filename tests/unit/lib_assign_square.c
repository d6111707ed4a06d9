/* lib_assign_square: wo_assign on square matrices, as wo-eval uses it, against known and brute-force optima. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"

static int fails;

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL %s\n", what);
		fails++;
	}
}

/* The least total over all n! assignments, by Heap's permutations. */
static double
brute(const double *c, int n)
{
	int p[8], k[8], i, t, sw;
	double best = HUGE_VAL, s;

	for (i = 0; i < n; i++) {
		p[i] = i;
		k[i] = 0;
	}
	for (;;) {
		for (s = 0, i = 0; i < n; i++)
			s += c[i * n + p[i]];
		if (s < best)
			best = s;
		for (i = 1; i < n && k[i] >= i; i++)
			k[i] = 0;
		if (i >= n)
			break;
		t = i % 2 ? k[i] : 0;
		sw = p[t];
		p[t] = p[i];
		p[i] = sw;
		k[i]++;
	}
	return best;
}

static double
total(const double *c, int n, const int *col, int *perm)
{
	int seen[8] = { 0 }, i;
	double s = 0;

	*perm = 1;
	for (i = 0; i < n; i++) {
		if (col[i] < 0 || col[i] >= n || seen[col[i]]++)
			*perm = 0;
		else
			s += c[i * n + col[i]];
	}
	return s;
}

int
main(void)
{
	/* Worked by hand: 1 + 2 + 2 = 5 beats the other five orders. */
	double a[9] = { 4, 1, 3, 2, 0, 5, 3, 2, 2 };
	/* Padding as wo-eval uses it: 9 stands for "no pair". */
	double b[9] = { 0.2, 9, 9, 0.1, 0.3, 9, 9, 9, 9 };
	double c[64];
	int col[8], n, r, i, perm;
	char what[64];

	wo_assign(a, 0, 0, INFINITY, col);
	col[0] = -1;
	wo_assign(a, 1, 1, INFINITY, col);
	check(col[0] == 0, "1 by 1");
	wo_assign(a, 3, 3, INFINITY, col);
	check(col[0] == 1 && col[1] == 0 && col[2] == 2, "hand-worked 3 by 3");
	/* Row 1 gives up its nearer column 0 so that both rows are paired. */
	wo_assign(b, 3, 3, INFINITY, col);
	check(col[0] == 0 && col[1] == 1 && col[2] == 2, "most pairs first");

	srand(12345);
	for (n = 1; n <= 7; n++)
		for (r = 0; r < 300; r++) {
			for (i = 0; i < n * n; i++)
				c[i] = r % 2 ? rand() % 5 - 2 :
				    (double)rand() / RAND_MAX * 10;
			wo_assign(c, n, n, INFINITY, col);
			snprintf(what, sizeof(what), "random %d by %d, #%d", n,
			    n, r);
			check(fabs(total(c, n, col, &perm) - brute(c, n)) <
			    1e-9, what);
			check(perm, what);
		}
	if (fails == 0)
		printf("lib_assign_square: ok\n");
	return fails != 0;
}
