/* rng.c: the simulator's random numbers: xoshiro256**, one stream per use. */
#include <math.h>

#include "sim.h"

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Streams keep the parts independent: a change in how frames are noised
 * must not move a single scale reading, or the same seed would give other
 * truth for a cosmetic change.
 */
void
rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, v = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return v;
}

double
rng_unif(struct rng *r)
{
	return (rng_next(r) >> 11) * 0x1.0p-53;
}

double
rng_range(struct rng *r, double a, double b)
{
	return a + (b - a) * rng_unif(r);
}

int
rng_int(struct rng *r, int n)
{
	return (int)(rng_unif(r) * n);
}

/* Box-Muller; one value per call keeps the streams simple to reason about. */
double
rng_gauss(struct rng *r)
{
	double u = 1.0 - rng_unif(r), v = rng_unif(r);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

double
ms(double t)
{
	return round(t * 1000.0) / 1000.0;
}
