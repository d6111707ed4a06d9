/* kalman.c: a constant-velocity Kalman filter on the floor plane for wo-track. */
#include <math.h>
#include <string.h>

#include "track.h"

/*
 * The state is (x, y, vx, vy) and only the position is measured, so the
 * measurement matrix just picks the first two rows; the code uses that
 * directly instead of multiplying by it.
 */

void
kf_init(struct kf *kf, double x, double y, double pos_var, double vel_var)
{
	memset(kf, 0, sizeof(*kf));
	kf->x[0] = x;
	kf->x[1] = y;
	kf->P[0] = kf->P[5] = pos_var;
	kf->P[10] = kf->P[15] = vel_var;
}

/*
 * Moves the state dt seconds ahead.  The process noise is the discrete white
 * noise acceleration model: q is the acceleration variance rate, so a walker
 * who turns or stops grows the uncertainty the way the physics says.
 */
void
kf_predict(struct kf *kf, double dt, double q)
{
	double F[16] = { 1, 0, dt, 0,  0, 1, 0, dt,  0, 0, 1, 0,  0, 0, 0, 1 };
	double FP[16], P[16];
	double q11 = q * dt * dt * dt * dt / 4, q12 = q * dt * dt * dt / 2,
	    q22 = q * dt * dt;
	int i, j, k;

	if (dt <= 0)
		return;
	kf->x[0] += dt * kf->x[2];
	kf->x[1] += dt * kf->x[3];
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			FP[i * 4 + j] = 0;
			for (k = 0; k < 4; k++)
				FP[i * 4 + j] += F[i * 4 + k] * kf->P[k * 4 + j];
		}
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			P[i * 4 + j] = 0;
			for (k = 0; k < 4; k++)
				P[i * 4 + j] += FP[i * 4 + k] * F[j * 4 + k];
		}
	P[0] += q11; P[5] += q11;
	P[2] += q12; P[8] += q12; P[7] += q12; P[13] += q12;
	P[10] += q22; P[15] += q22;
	memcpy(kf->P, P, sizeof(P));
}

/* The innovation covariance S = H P H' + r I, and its inverse. */
static int
innov(const struct kf *kf, double r, double Si[4])
{
	double a = kf->P[0] + r, b = kf->P[1], c = kf->P[4], d = kf->P[5] + r;
	double det = a * d - b * c;

	if (!(fabs(det) > 1e-300))
		return 0;
	Si[0] = d / det;
	Si[1] = -b / det;
	Si[2] = -c / det;
	Si[3] = a / det;
	return 1;
}

/* Squared Mahalanobis distance of the measurement (zx, zy) from the state. */
double
kf_maha(const struct kf *kf, double zx, double zy, double r)
{
	double Si[4], ex = zx - kf->x[0], ey = zy - kf->x[1];

	if (!innov(kf, r, Si))
		return INFINITY;
	return ex * (Si[0] * ex + Si[1] * ey) + ey * (Si[2] * ex + Si[3] * ey);
}

void
kf_update(struct kf *kf, double zx, double zy, double r)
{
	double Si[4], K[8], P[16];
	double ex = zx - kf->x[0], ey = zy - kf->x[1];
	int i, j;

	if (!innov(kf, r, Si))
		return;
	/* K = P H' S^-1, a 4x2 matrix; P H' is P's first two columns. */
	for (i = 0; i < 4; i++) {
		K[i * 2] = kf->P[i * 4] * Si[0] + kf->P[i * 4 + 1] * Si[2];
		K[i * 2 + 1] = kf->P[i * 4] * Si[1] + kf->P[i * 4 + 1] * Si[3];
	}
	for (i = 0; i < 4; i++)
		kf->x[i] += K[i * 2] * ex + K[i * 2 + 1] * ey;
	/* P = (I - K H) P; H P is P's first two rows. */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			P[i * 4 + j] = kf->P[i * 4 + j] -
			    K[i * 2] * kf->P[j] - K[i * 2 + 1] * kf->P[4 + j];
	/* Rounding makes P drift from symmetric; averaging keeps it honest. */
	for (i = 0; i < 4; i++)
		for (j = 0; j < i; j++)
			P[i * 4 + j] = P[j * 4 + i] =
			    (P[i * 4 + j] + P[j * 4 + i]) / 2;
	memcpy(kf->P, P, sizeof(P));
}
