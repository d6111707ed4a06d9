/* geom.c: camera homographies and rectangles on the store floor. */
#include <math.h>

#include "wo.h"

/* Maps (u,v,1) through H; 0 when the point lies on the horizon line. */
int
wo_homog(const double H[9], double u, double v, double *x, double *y)
{
	double w = H[6] * u + H[7] * v + H[8];

	if (fabs(w) < 1e-12)
		return 0;
	*x = (H[0] * u + H[1] * v + H[2]) / w;
	*y = (H[3] * u + H[4] * v + H[5]) / w;
	return 1;
}

/* Inverse by the adjugate; 0 when m is singular relative to its scale. */
int
wo_mat3_inv(const double m[9], double inv[9])
{
	double det, big = 0;
	int i;

	for (i = 0; i < 9; i++)
		if (fabs(m[i]) > big)
			big = fabs(m[i]);
	det = m[0] * (m[4] * m[8] - m[5] * m[7]) -
	    m[1] * (m[3] * m[8] - m[5] * m[6]) +
	    m[2] * (m[3] * m[7] - m[4] * m[6]);
	if (big == 0 || !isfinite(det) || fabs(det) <= 1e-12 * big * big * big)
		return 0;
	inv[0] = (m[4] * m[8] - m[5] * m[7]) / det;
	inv[1] = (m[2] * m[7] - m[1] * m[8]) / det;
	inv[2] = (m[1] * m[5] - m[2] * m[4]) / det;
	inv[3] = (m[5] * m[6] - m[3] * m[8]) / det;
	inv[4] = (m[0] * m[8] - m[2] * m[6]) / det;
	inv[5] = (m[2] * m[3] - m[0] * m[5]) / det;
	inv[6] = (m[3] * m[7] - m[4] * m[6]) / det;
	inv[7] = (m[1] * m[6] - m[0] * m[7]) / det;
	inv[8] = (m[0] * m[4] - m[1] * m[3]) / det;
	return 1;
}

int
wo_in_rect(double x, double y, double rx, double ry, double rw, double rh)
{
	return x >= rx && x < rx + rw && y >= ry && y < ry + rh;
}

/* How far (x, y) lies from the rectangle, 0 on or inside it. */
double
wo_rect_dist(double x, double y, double rx, double ry, double rw, double rh)
{
	double dx = 0, dy = 0;

	if (x < rx)
		dx = rx - x;
	else if (x > rx + rw)
		dx = x - (rx + rw);
	if (y < ry)
		dy = ry - y;
	else if (y > ry + rh)
		dy = y - (ry + rh);
	return hypot(dx, dy);
}
