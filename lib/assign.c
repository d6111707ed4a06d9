/* assign.c: optimal assignment (the Hungarian method), for tracking and scoring. */
#include <math.h>
#include <stdlib.h>

#include "wo.h"

/*
 * The shortest augmenting path form with row and column potentials, O(n^2 m)
 * for n <= m rows.  Adds one row at a time and grows an alternating tree of
 * columns from it with Dijkstra-like steps on the reduced costs until a free
 * column is reached, then flips the path.  Indices are 1-based inside, with
 * column 0 as the virtual root, which keeps the loop short.
 */
static double
solve(const double *c, int n, int m, int *rowcol)
{
	double *u, *v, *minv, total = 0;
	int *p, *way, *used;
	int i, j, i0, j0, j1;

	u = wo_calloc(n + 1, sizeof(*u));
	v = wo_calloc(m + 1, sizeof(*v));
	minv = wo_calloc(m + 1, sizeof(*minv));
	p = wo_calloc(m + 1, sizeof(*p));
	way = wo_calloc(m + 1, sizeof(*way));
	used = wo_calloc(m + 1, sizeof(*used));
	for (i = 1; i <= n; i++) {
		p[0] = i;
		j0 = 0;
		for (j = 0; j <= m; j++) {
			minv[j] = INFINITY;
			used[j] = 0;
		}
		do {
			double delta = INFINITY, cur;

			used[j0] = 1;
			i0 = p[j0];
			j1 = 0;
			for (j = 1; j <= m; j++) {
				if (used[j])
					continue;
				cur = c[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
				if (cur < minv[j]) {
					minv[j] = cur;
					way[j] = j0;
				}
				if (minv[j] < delta) {
					delta = minv[j];
					j1 = j;
				}
			}
			for (j = 0; j <= m; j++) {
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
	for (i = 0; i < n; i++)
		rowcol[i] = -1;
	for (j = 1; j <= m; j++)
		if (p[j] != 0) {
			rowcol[p[j] - 1] = j - 1;
			total += c[(p[j] - 1) * m + (j - 1)];
		}
	free(u);
	free(v);
	free(minv);
	free(p);
	free(way);
	free(used);
	return total;
}

/*
 * Assigns rows to columns of the n x m cost matrix (row-major) so that the
 * sum is least, each row and column used at most once.  Pairs costing more
 * than gate are left out afterwards (row -1): they are priced at a constant
 * above every admissible cost first, so a forbidden pair never displaces an
 * admissible one.  Returns the number of rows assigned.
 */
int
wo_assign(const double *cost, int n, int m, double gate, int *assign)
{
	double *c, big = 0;
	int *tmp, i, j, k, rows = n, cols = m, t = n > m;

	for (i = 0; i < n; i++)
		assign[i] = -1;
	if (n == 0 || m == 0)
		return 0;
	for (i = 0; i < n * m; i++)
		if (cost[i] <= gate && cost[i] > big)
			big = cost[i];
	big = (big + 1) * (n + m + 1);
	/* The solver wants no more rows than columns; transpose if needed. */
	if (t) {
		rows = m;
		cols = n;
	}
	c = wo_calloc((size_t)n * m, sizeof(*c));
	for (i = 0; i < n; i++)
		for (j = 0; j < m; j++) {
			double x = cost[i * m + j];

			if (!(x <= gate))
				x = big;
			if (t)
				c[j * n + i] = x;
			else
				c[i * m + j] = x;
		}
	tmp = wo_calloc(rows, sizeof(*tmp));
	solve(c, rows, cols, tmp);
	k = 0;
	for (i = 0; i < rows; i++) {
		int r = t ? tmp[i] : i, col = t ? i : tmp[i];

		if (tmp[i] < 0 || !(cost[r * m + col] <= gate))
			continue;
		assign[r] = col;
		k++;
	}
	free(c);
	free(tmp);
	return k;
}
