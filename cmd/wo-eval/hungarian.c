/* hungarian.c: the least-cost one-to-one assignment (Kuhn-Munkres). */
#include <math.h>
#include <stdlib.h>

#include "eval.h"

/*
 * Assigns each row of the n by n matrix cost (row-major) to a distinct
 * column so that the sum of the chosen costs is least; col[i] gets row i's
 * column.  This is the O(n^3) form with row and column potentials u and v:
 * rows are added one at a time, and each addition grows a tree of tight
 * edges (cost - u - v == 0) from the new row until it reaches a free
 * column, then flips the alternating path.  Index 0 of the work arrays is a
 * virtual column that holds the row being added, hence the 1-based loops.
 */
void
hungarian(const double *cost, int n, int *col)
{
	double *u, *v, *minv, cur, delta;
	int *p, *way, *used, i, j, i0, j0, j1;

	if (n <= 0)
		return;
	u = wo_calloc(n + 1, sizeof(*u));
	v = wo_calloc(n + 1, sizeof(*v));
	minv = wo_calloc(n + 1, sizeof(*minv));
	p = wo_calloc(n + 1, sizeof(*p));
	way = wo_calloc(n + 1, sizeof(*way));
	used = wo_calloc(n + 1, sizeof(*used));
	for (i = 1; i <= n; i++) {
		p[0] = i;
		j0 = 0;
		for (j = 0; j <= n; j++) {
			minv[j] = HUGE_VAL;
			used[j] = 0;
		}
		do {
			used[j0] = 1;
			i0 = p[j0];
			delta = HUGE_VAL;
			j1 = 0;
			for (j = 1; j <= n; j++) {
				if (used[j])
					continue;
				cur = cost[(size_t)(i0 - 1) * n + (j - 1)] -
				    u[i0] - v[j];
				if (cur < minv[j]) {
					minv[j] = cur;
					way[j] = j0;
				}
				if (j1 == 0 || minv[j] < delta) {
					delta = minv[j];
					j1 = j;
				}
			}
			for (j = 0; j <= n; j++) {
				if (used[j]) {
					u[p[j]] += delta;
					v[j] -= delta;
				} else
					minv[j] -= delta;
			}
			j0 = j1;
		} while (p[j0] != 0);
		do {
			j1 = way[j0];
			p[j0] = p[j1];
			j0 = j1;
		} while (j0 != 0);
	}
	for (j = 1; j <= n; j++)
		col[p[j] - 1] = j - 1;
	free(u);
	free(v);
	free(minv);
	free(p);
	free(way);
	free(used);
}
