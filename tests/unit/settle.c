/* settle: wo-weigh's filter finds each true change once, and nothing else. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../cmd/wo-weigh/settle.c"

static int fails;

#define CHECK(c, ...) do { if (!(c)) { fails++; \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* A deterministic standard normal (Box-Muller on a fixed LCG). */
static double
gauss(void)
{
	static unsigned long s = 4242;
	double u, v;

	s = s * 6364136223846793005UL + 1442695040888963407UL;
	u = ((s >> 11) + 0.5) / 9007199254740992.0;
	s = s * 6364136223846793005UL + 1442695040888963407UL;
	v = ((s >> 11) + 0.5) / 9007199254740992.0;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

#define MAXEV	16
#define RATE	20.0	/* readings a second */

struct run {
	struct settle_ev ev[MAXEV];
	int n;
};

typedef double level_fn(double t);

/* Feeds the plate seconds of readings of level(t) plus noise of sd. */
static void
feed(struct settle *s, struct run *r, level_fn *level, double secs,
    double sd)
{
	struct settle_ev ev;
	double t;
	int i;

	for (i = 0; i < secs * RATE; i++) {
		t = i / RATE;
		if (settle_feed(s, 1000 + t, level(t) + sd * gauss(), &ev) &&
		    r->n < MAXEV)
			r->ev[r->n++] = ev;
	}
}

static struct settle_cfg cola = {
	.unit_g = 350, .sd_g = 3, .min_g = 10, .noise_g = 1,
	.settle_s = 0.3, .put_s = 1, .hold_s = 2
};
static struct settle_cfg gum = {
	.unit_g = 16, .sd_g = 0.4, .min_g = 10, .noise_g = 0.2,
	.settle_s = 0.3, .put_s = 1, .hold_s = 2
};

static double
steps(double t)
{
	if (t < 5)
		return 2100;
	if (t < 10)
		return 1750;		/* one taken */
	if (t < 15)
		return 1050;		/* two taken */
	return 1400;			/* one put back */
}

static double
drift(double t)
{
	return 2100 + 0.5 * t;		/* 30 g a minute, never a change */
}

static double
spiky(double t)
{
	int i = (int)(t * RATE + 0.5);

	if (i % 37 == 20)
		return 2100 + 900;	/* a lone spike */
	if (i % 101 == 50 || i % 101 == 51)
		return 2100 - 700;	/* a pair of them */
	return 2100;
}

/* A hand rests on the plate, still, then lifts an item off it. */
static double
hand(double t)
{
	if (t < 4)
		return 2100;
	if (t < 5.2)
		return 2100 + 180;
	if (t < 5.6)
		return 2100 - 350 + 120;
	return 1750;
}

/*
 * A hand presses about one cola's weight onto the plate, wobbling, then
 * takes one: the median of the press holds still, its readings do not.
 */
static double
wobble(double t)
{
	if (t < 4)
		return 2100;
	if (t < 6)
		return 2100 + 345 + 12 * sin(t * 23);
	return 1750;
}

/*
 * A hand holds a 16 g item on its plate for five seconds, pressing 32 g,
 * half lifting and setting it down slowly, then takes it: the level it
 * keeps for moments is two whole items more than the plate had.
 */
static double
longhold(double t)
{
	if (t < 3)
		return 400;
	if (t < 8)
		return 400 + 32 - 7 * (0.5 - 0.5 * cos(2 * M_PI * 0.35 * (t - 3)));
	return 384;
}

/* Something that is no whole number of colas stays on the plate. */
static double
foreign(double t)
{
	return t < 4 ? 2100 : 2100 + 120;
}

/* A touch: the weight jumps and comes back before it settles. */
static double
touch(double t)
{
	return t >= 4 && t < 4.2 ? 2400 : 2100;
}

/*
 * Two hands pick from one plate 0.4 s apart, one cola and then two, each
 * lift wobbling a moment: too soon after each other to settle between,
 * so one change of three, whose trace must show the two steps.
 */
static double
stair(double t)
{
	if (t < 5)
		return 2100;
	if (t < 5.2)
		return 1750 + 12 * sin(t * 23);
	if (t < 5.4)
		return 1750;
	if (t < 5.6)
		return 1050 + 12 * sin(t * 23);
	return 1050;
}

/* A touch that comes to nothing, then a pick: two changes begun. */
static double
touchpick(double t)
{
	if (t >= 4 && t < 4.2)
		return 2400;
	return t < 7 ? 2100 : 1750;
}

/* The trace's sample at time t of change ev. */
static double
trace_at(const struct settle_ev *ev, double t)
{
	int i = (int)round((t - ev->trace_t) / TRACE_DT);

	return i >= 0 && i < ev->ntrace ? ev->trace[i] : NAN;
}

/*
 * What every trace keeps: it starts at t0 (to the millisecond) unless
 * longer than TRACE_CAP samples, whose newest it keeps, and it runs to
 * the last sample at or before ts, where it stands at the change.
 */
static void
check_trace(const char *what, const struct settle_ev *ev)
{
	double end = ev->trace_t + (ev->ntrace - 1) * TRACE_DT;

	CHECK(ev->ntrace >= 1 && ev->ntrace <= TRACE_CAP, "%s: %d samples",
	    what, ev->ntrace);
	CHECK(end <= ev->ts + 1e-6 && end + TRACE_DT > ev->ts + 1e-6,
	    "%s: trace ends %f, settled %f", what, end, ev->ts);
	if (ev->ntrace < TRACE_CAP)
		CHECK(fabs(ev->trace_t - round(ev->t0 * 1e3) / 1e3) < 1e-6,
		    "%s: trace starts %f, t0 %f", what, ev->trace_t, ev->t0);
	else
		CHECK(ev->trace_t > ev->t0, "%s: full trace starts %f, t0 %f",
		    what, ev->trace_t, ev->t0);
	CHECK(fabs(ev->trace[ev->ntrace - 1] - ev->delta_g) < 3,
	    "%s: trace ends at %g, change %g", what,
	    ev->trace[ev->ntrace - 1], ev->delta_g);
}

int
main(void)
{
	struct settle s;
	struct run r = { 0 };
	struct settle_cfg cfg;
	double t;
	int i;

	settle_init(&s, &cola);
	feed(&s, &r, steps, 20, 1.0);
	CHECK(r.n == 3, "steps: %d changes, want 3", r.n);
	if (r.n == 3) {
		CHECK(fabs(r.ev[0].delta_g + 350) < 3, "first %g", r.ev[0].delta_g);
		CHECK(r.ev[0].units == -1, "first units %d", r.ev[0].units);
		CHECK(fabs(r.ev[1].delta_g + 700) < 3, "second %g", r.ev[1].delta_g);
		CHECK(r.ev[1].units == -2, "second units %d", r.ev[1].units);
		CHECK(fabs(r.ev[2].delta_g - 350) < 3, "third %g", r.ev[2].delta_g);
		CHECK(r.ev[2].ts - r.ev[2].t1 >= 1, "put back settled in %g s",
		    r.ev[2].ts - r.ev[2].t1);
		CHECK(fabs(r.ev[0].t0 - 1005) < 0.06, "t0 %f", r.ev[0].t0);
		CHECK(r.ev[0].ts > r.ev[0].t0 && r.ev[0].ts < 1006,
		    "ts %f", r.ev[0].ts);
		CHECK(fabs(r.ev[2].g - 1400) < 2, "g %f", r.ev[2].g);
		check_trace("steps", &r.ev[0]);
		check_trace("steps", &r.ev[1]);
		check_trace("steps", &r.ev[2]);
	}
	CHECK(fabs(s.noise - 1.0) < 0.4, "noise estimate %g, want 1", s.noise);

	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, drift, 60, 1.0);
	CHECK(r.n == 0, "drift: %d changes", r.n);
	CHECK(fabs(s.level - 2130) < 3, "drift: level %g, want 2130", s.level);

	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, spiky, 30, 0.5);
	CHECK(r.n == 0, "spikes: %d changes", r.n);
	CHECK(s.nspike >= 16 + 10 && s.nspike <= 16 + 12,
	    "spikes: counted %ld, want 27", s.nspike);

	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, hand, 10, 1.0);
	CHECK(r.n == 1, "hand: %d changes, want 1", r.n);
	if (r.n >= 1) {
		CHECK(fabs(r.ev[0].delta_g + 350) < 3, "hand: %g", r.ev[0].delta_g);
		CHECK(fabs(r.ev[0].t0 - 1004) < 0.06, "hand: t0 %f", r.ev[0].t0);
	}

	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, wobble, 10, 1.0);
	CHECK(r.n == 1, "wobble: %d changes, want 1", r.n);
	if (r.n >= 1)
		CHECK(fabs(r.ev[0].delta_g + 350) < 3, "wobble: %g",
		    r.ev[0].delta_g);

	r.n = 0;
	settle_init(&s, &gum);
	feed(&s, &r, longhold, 12, 0.2);
	CHECK(r.n == 1, "long hold: %d changes, want 1", r.n);
	if (r.n >= 1)
		CHECK(fabs(r.ev[0].delta_g + 16) < 1, "long hold: %g",
		    r.ev[0].delta_g);

	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, foreign, 10, 1.0);
	CHECK(r.n == 1, "foreign: %d changes, want 1", r.n);
	if (r.n >= 1) {
		CHECK(fabs(r.ev[0].delta_g - 120) < 3, "foreign %g",
		    r.ev[0].delta_g);
		CHECK(r.ev[0].units == 0, "foreign units %d", r.ev[0].units);
		CHECK(r.ev[0].ts - r.ev[0].t1 >= 2, "foreign held %g s",
		    r.ev[0].ts - r.ev[0].t1);
	}

	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, touch, 10, 1.0);
	CHECK(r.n == 0, "touch: %d changes", r.n);

	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, stair, 10, 1.0);
	CHECK(r.n == 1, "stair: %d changes, want 1", r.n);
	if (r.n >= 1) {
		CHECK(r.ev[0].units == -3, "stair: units %d", r.ev[0].units);
		check_trace("stair", &r.ev[0]);
		CHECK(fabs(trace_at(&r.ev[0], 1005.3) + 350) < 15,
		    "stair: first step %g, want -350",
		    trace_at(&r.ev[0], 1005.3));
		CHECK(fabs(trace_at(&r.ev[0], 1005.8) + 1050) < 15,
		    "stair: second step %g, want -1050",
		    trace_at(&r.ev[0], 1005.8));
	}

	/* A change that comes to nothing leaves nothing in the next trace. */
	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, touchpick, 10, 1.0);
	CHECK(r.n == 1, "touch, pick: %d changes, want 1", r.n);
	if (r.n >= 1) {
		check_trace("touch, pick", &r.ev[0]);
		CHECK(fabs(r.ev[0].trace_t - 1007) < 0.06,
		    "touch, pick: trace starts %f", r.ev[0].trace_t);
	}

	/* A change longer than the trace keeps its newest samples. */
	cfg = cola;
	cfg.hold_s = 20;
	r.n = 0;
	settle_init(&s, &cfg);
	feed(&s, &r, foreign, 30, 1.0);
	CHECK(r.n == 1, "long foreign: %d changes, want 1", r.n);
	if (r.n >= 1) {
		CHECK(r.ev[0].ntrace == TRACE_CAP, "long foreign: %d samples",
		    r.ev[0].ntrace);
		check_trace("long foreign", &r.ev[0]);
	}

	/* Readings that stop for 100 s in a change cost one full trace. */
	r.n = 0;
	settle_init(&s, &cola);
	for (i = 0; i < 400; i++) {
		t = i < 110 ? i / RATE : 100 + i / RATE;
		if (settle_feed(&s, 1000 + t, stair(t) + gauss(), &r.ev[r.n]) &&
		    r.n < MAXEV - 1)
			r.n++;
	}
	CHECK(r.n == 1, "gap: %d changes, want 1", r.n);
	if (r.n >= 1) {
		check_trace("gap", &r.ev[0]);
		CHECK(r.ev[0].ts > 1100, "gap: settled %f", r.ev[0].ts);
	}

	/* Without a unit weight, min_g decides and any level is reported. */
	cfg = cola;
	cfg.unit_g = 0;
	cfg.min_g = 50;
	r.n = 0;
	settle_init(&s, &cfg);
	feed(&s, &r, foreign, 10, 1.0);
	CHECK(r.n == 1 && r.ev[0].ts - r.ev[0].t1 < 1.5,
	    "no unit: %d changes", r.n);
	r.n = 0;
	settle_init(&s, &cfg);
	feed(&s, &r, drift, 60, 1.0);
	CHECK(r.n == 0, "no unit, drift: %d changes", r.n);

	/* Noisier scales: the band widens with the learnt noise. */
	r.n = 0;
	settle_init(&s, &cola);
	feed(&s, &r, steps, 20, 4.0);
	CHECK(r.n == 3, "noisy steps: %d changes, want 3", r.n);
	CHECK(fabs(s.noise - 4.0) < 1.2, "noise estimate %g, want 4", s.noise);

	if (fails)
		fprintf(stderr, "%d checks failed\n", fails);
	return fails != 0;
}
