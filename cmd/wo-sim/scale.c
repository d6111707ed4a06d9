/* scale.c: the shelf plates' readings as their controllers would send them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct sample {
	long long tms;
	int	 plate;
	double	 g;
	int	 garble;	/* 0, or how the line is spoiled */
};

static int
samplecmp(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	if (x->tms != y->tms)
		return x->tms < y->tms ? -1 : 1;
	return x->plate - y->plate;
}

/*
 * The force of hands on plate pl at t beyond the load: a press that
 * builds up while the hand rests there, a hand that half lifts and sets
 * down again during a long hold, and the plate ringing once let go.
 */
static double
hands(const struct sim *s, int pl, double t)
{
	double f = 0, d;
	size_t i, j;
	int k;

	for (i = 0; i < s->nsh; i++)
		for (j = 0; j < s->sh[i].nr; j++) {
			const struct reach *r = &s->sh[i].r[j];
			double moved = 0;

			if (r->plate != pl || t < r->t1 || t > r->t2 + 0.6)
				continue;
			for (k = 0; k < r->nunits; k++)
				moved += s->units[r->units[k]].g;
			if (t <= r->t2) {
				d = t - r->t1;
				f += r->press * (1 - exp(-d / 0.06)) *
				    (1 + 0.3 * sin(2 * M_PI * 4.3 * d) *
				    exp(-d / 0.4));
				if (r->longhold && r->kind == R_TAKE)
					f -= 0.45 * moved * (0.5 - 0.5 *
					    cos(2 * M_PI * 0.35 * d));
			} else {
				d = t - r->t2;
				f += 0.3 * (r->press + moved) * exp(-d / 0.08) *
				    sin(2 * M_PI * 9.0 * d);
			}
		}
	return f;
}

/* Writes scales.log: every plate at its own rate, merged in time order. */
void
write_scales(struct sim *s, FILE *fp)
{
	struct rng r;
	struct sample *v = NULL;
	size_t n = 0, cap = 0, i, c;
	char line[128];
	int pl;

	rng_seed(&r, s->seed, 2);
	for (pl = 0; pl < (int)s->st->nplates; pl++) {
		double rate = rng_range(&r, 10, 60), per = 1.0 / rate;
		double t = rng_range(&r, 0, per), sd = rng_range(&r, 0.25, 1.2);
		double drift = rng_range(&r, -0.04, 0.04), zero = rng_gauss(&r);
		double wp = rng_range(&r, 40, 200), ph = rng_range(&r, 0, 6.3);
		double load = 0;
		int k;

		if (s->st->items[s->st->plates[pl].item].unit_g < 60)
			sd *= 0.4;
		for (k = 0; k < s->nstack0[pl]; k++)
			load += s->units[s->stack0[pl][k]].g;
		c = 0;
		for (; t < s->dur; t += per) {
			struct sample *x;

			/* Load changes come in at their millisecond. */
			for (; c < s->nch && s->ch[c].t <= t; c++) {
				const struct reach *q =
				    &s->sh[s->ch[c].shopper].r[s->ch[c].reach];

				if (q->plate != pl)
					continue;
				for (k = 0; k < q->nunits; k++)
					load += (q->kind == R_TAKE ? -1 : 1) *
					    s->units[q->units[k]].g;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 4096;
				v = wo_realloc(v, cap * sizeof(*v));
			}
			x = &v[n++];
			x->tms = llround((s->t0 + t) * 1000) +
			    rng_int(&r, 3) - 1;
			x->plate = pl;
			x->g = load + hands(s, pl, t) + zero + drift * t +
			    0.5 * sin(2 * M_PI * t / wp + ph) +
			    sd * rng_gauss(&r);
			x->garble = 0;
			if (rng_unif(&r) < 0.0008)
				x->g += (rng_unif(&r) < 0.5 ? -1 : 1) *
				    rng_range(&r, 300, 3000);
			if (rng_unif(&r) < 0.0005)
				x->garble = 1 + rng_int(&r, 3);
		}
	}
	qsort(v, n, sizeof(*v), samplecmp);
	for (i = 0; i < n; i++) {
		size_t len;

		len = (size_t)snprintf(line, sizeof(line),
		    "%lld.%03lld %s %.1f", v[i].tms / 1000, v[i].tms % 1000,
		    s->st->plates[v[i].plate].id, v[i].g);
		/* What a noisy serial line does to a reading. */
		switch (v[i].garble) {
		case 1:
			line[len / 2 + (i % (len / 3))] = '\0';
			break;
		case 2:
			snprintf(line + len - 3, sizeof(line) - len + 3, "#?~");
			break;
		case 3:
			line[6 + i % 4] = '\\';
			break;
		}
		fprintf(fp, "%s\n", line);
	}
	free(v);
}
