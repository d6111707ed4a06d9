/* kalman: wo-track's constant-velocity filter follows walkers and stays consistent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../cmd/wo-track/kalman.c"

static int fails;

#define CHECK(c, ...) do { if (!(c)) { fails++; \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* A deterministic standard normal (Box-Muller on a fixed LCG). */
static double
gauss(void)
{
	static unsigned long s = 12345;
	double u, v;

	s = s * 6364136223846793005UL + 1442695040888963407UL;
	u = ((s >> 11) + 0.5) / 9007199254740992.0;
	s = s * 6364136223846793005UL + 1442695040888963407UL;
	v = ((s >> 11) + 0.5) / 9007199254740992.0;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static int
symmetric_psd(const struct kf *kf)
{
	int i, j;

	for (i = 0; i < 4; i++) {
		if (!(kf->P[i * 5] > 0))
			return 0;
		for (j = 0; j < 4; j++)
			if (fabs(kf->P[i * 4 + j] - kf->P[j * 4 + i]) > 1e-12)
				return 0;
	}
	return 1;
}

int
main(void)
{
	struct kf kf;
	double t, dt = 0.1, r = 0.01, sx = 1, sy = 2, vx = 1.2, vy = -0.5;
	double nis = 0, before;
	int i, n = 0;

	/* Prediction alone moves the state by its velocity and grows P. */
	kf_init(&kf, 1, 1, 0.1, 1);
	kf.x[2] = 2;
	kf.x[3] = -1;
	before = kf.P[0];
	kf_predict(&kf, 0.5, 1);
	CHECK(fabs(kf.x[0] - 2) < 1e-12 && fabs(kf.x[1] - 0.5) < 1e-12,
	    "predict moved to %g,%g", kf.x[0], kf.x[1]);
	CHECK(kf.P[0] > before, "predict did not grow P");
	CHECK(symmetric_psd(&kf), "P not symmetric after predict");
	/* A zero or negative step changes nothing. */
	before = kf.x[0];
	kf_predict(&kf, 0, 1);
	CHECK(kf.x[0] == before, "dt 0 moved the state");

	/* A measurement pulls the state toward it and shrinks P. */
	kf_init(&kf, 0, 0, 1, 1);
	kf_update(&kf, 1, 0, 1);
	CHECK(fabs(kf.x[0] - 0.5) < 1e-12, "update gave %g, want 0.5", kf.x[0]);
	CHECK(fabs(kf.P[0] - 0.5) < 1e-12, "P gave %g, want 0.5", kf.P[0]);
	CHECK(fabs(kf_maha(&kf, 0.5, 0, 1)) < 1e-12, "maha at the state");
	CHECK(fabs(kf_maha(&kf, 2, 0, 0.5) - 2.25) < 1e-12,
	    "maha gave %g, want 2.25", kf_maha(&kf, 2, 0, 0.5));

	/* A noisy straight walk: velocity is learnt, errors are consistent. */
	kf_init(&kf, sx, sy, 0.05, 1);
	for (i = 1, t = dt; i <= 200; i++, t += dt) {
		double zx = sx + vx * t + sqrt(r) * gauss();
		double zy = sy + vy * t + sqrt(r) * gauss();

		kf_predict(&kf, dt, 0.5);
		if (i > 20) {
			nis += kf_maha(&kf, zx, zy, r);
			n++;
		}
		kf_update(&kf, zx, zy, r);
		CHECK(symmetric_psd(&kf), "P lost shape at step %d", i);
	}
	CHECK(fabs(kf.x[2] - vx) < 0.15 && fabs(kf.x[3] - vy) < 0.15,
	    "velocity %g,%g, want %g,%g", kf.x[2], kf.x[3], vx, vy);
	CHECK(hypot(kf.x[0] - (sx + vx * (t - dt)),
	    kf.x[1] - (sy + vy * (t - dt))) < 3 * sqrt(kf.P[0] + kf.P[5]),
	    "position %g,%g off",
	    kf.x[0], kf.x[1]);
	/*
	 * The normalised innovation squared averages 2 (two dimensions) when
	 * the filter's covariance is honest; the process noise makes it a
	 * little smaller here, never several times larger.
	 */
	nis /= n;
	CHECK(nis > 0.5 && nis < 3, "mean NIS %g, want near 2", nis);
	return fails != 0;
}
