/* lib_geom: homography mapping, inversion and rectangles in libwo. */
#include <math.h>

#include "wo.h"

static int fails;

static void
near(const char *what, double got, double want)
{
	if (fabs(got - want) > 1e-9 * (1 + fabs(want))) {
		printf("FAIL %s = %.12g, want %.12g\n", what, got, want);
		fails++;
	}
}

static void
check(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL %s\n", what);
		fails++;
	}
}

int
main(void)
{
	/* A camera 320x240 over a 10x8 m floor, with some perspective. */
	double H[9] = { 0.03, 0.002, 0.5, -0.001, 0.031, 0.2, 0.0001, 0.0002, 1 };
	double S[9] = { 1, 2, 3, 2, 4, 6, 0, 0, 1 }, Z[9] = { 0 };
	double T[9] = { 1e-3, 0, 0, 0, 1e-3, 0, 0, 0, 1 };
	double P[9] = { 1, 0, 0, 0, 1, 0, 1, 0, 0 };	/* w = u */
	double I[9], x, y, u, v, w;

	check(wo_homog(H, 160, 120, &x, &y), "wo_homog");
	w = 0.0001 * 160 + 0.0002 * 120 + 1;
	near("x", x, (0.03 * 160 + 0.002 * 120 + 0.5) / w);
	near("y", y, (-0.001 * 160 + 0.031 * 120 + 0.2) / w);
	check(wo_mat3_inv(H, I), "wo_mat3_inv");
	wo_homog(I, x, y, &u, &v);
	near("u round trip", u, 160);
	near("v round trip", v, 120);
	check(!wo_mat3_inv(S, I) && !wo_mat3_inv(Z, I),
	    "a singular matrix was inverted");
	/* A small but regular matrix (metres per pixel) is not singular. */
	check(wo_mat3_inv(T, I), "a small scale was taken as singular");
	check(!wo_homog(P, 0, 5, &x, &y), "a point on the horizon was mapped");
	check(wo_in_rect(1.2, 0.4, 1.2, 0.4, 0.5, 0.4) &&
	    !wo_in_rect(1.7, 0.5, 1.2, 0.4, 0.5, 0.4) &&
	    !wo_in_rect(1.3, 0.39, 1.2, 0.4, 0.5, 0.4), "wo_in_rect edges");
	check(wo_rect_dist(1.3, 0.5, 1.2, 0.4, 0.5, 0.4) == 0 &&
	    wo_rect_dist(1.7, 0.8, 1.2, 0.4, 0.5, 0.4) == 0 &&
	    fabs(wo_rect_dist(1.0, 0.5, 1.2, 0.4, 0.5, 0.4) - 0.2) < 1e-12 &&
	    fabs(wo_rect_dist(2.0, 1.2, 1.2, 0.4, 0.5, 0.4) - 0.5) < 1e-12,
	    "wo_rect_dist inside, on the edge, beside and off the corner");
	return fails != 0;
}
