/* settle.c: noisy scale readings into settled weight changes, one plate. */
#include <math.h>
#include <string.h>

#include "weigh.h"

/* How fast the settled level follows slow drift, per reading. */
#define DRIFT_RATE	0.05
/* How fast the noise estimate follows the readings, per reading. */
#define NOISE_RATE	0.01
/* Mean absolute deviation to standard deviation, for Gaussian noise. */
#define MAD_SD		1.2533
/* The fewest filtered readings a settled weight may rest on. */
#define STILL_MIN	3
/*
 * Times within this many samples of each other are one: stamps have a
 * millisecond's resolution, and a sample's time, t0 plus a multiple of
 * TRACE_DT, is off from a stamp it equals by a rounding or two.
 */
#define TRACE_TOL	1e-3

void
settle_init(struct settle *s, const struct settle_cfg *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->noise = cfg->noise_g > 0 ? cfg->noise_g : 1.0;
	s->moving = 1;		/* the first still stretch gives the level */
}

/*
 * The smallest change taken for items of the plate's own: half an item.
 * A plate without a known item falls back to min_g.  The scale's own noise
 * raises it where it is worse.  Smaller changes of at least min_g are
 * still reported once they have held (something foreign on the plate).
 */
static double
settle_threshold(const struct settle *s)
{
	double thr = s->cfg.unit_g > 0 ? s->cfg.unit_g / 2 : s->cfg.min_g;

	return fmax(thr, 8 * s->noise);
}

/*
 * How far the filtered weight may stray from the level and still count as
 * the same weight, and how much a still stretch may spread: a few times the
 * noise, but never so wide that half a change hides in it.
 */
static double
settle_band(const struct settle *s)
{
	return fmin(fmax(4 * s->noise, 0.5), settle_threshold(s) / 2);
}

static void	 still_add(struct settle *, double, double, double);

static void
swap(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* The median of the newest k raw readings (k <= SETTLE_MED). */
static double
median(const struct settle *s, int k)
{
	double v[SETTLE_MED];
	int i, j;

	for (i = 0; i < k; i++)
		v[i] = s->rg[(s->ri - 1 - i + SETTLE_MED) % SETTLE_MED];
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--)
			swap(&v[j - 1], &v[j]);
	return v[k / 2];
}

static void
still_start(struct settle *s, double t, double f, double dev)
{
	s->wfirst = s->wnext = 0;
	s->lo0 = s->lo1 = s->hi0 = s->hi1 = 0;
	s->on = 0;
	s->wn = 0;
	s->wsum = s->wsq = s->wdev = 0;
	still_add(s, t, f, dev);
}

/* The ring's oldest reading leaves it; sums are the caller's. */
static void
ring_pop(struct settle *s)
{
	if (s->wlo[s->lo0 % STILL_CAP] == s->wfirst)
		s->lo0++;
	if (s->whi[s->hi0 % STILL_CAP] == s->wfirst)
		s->hi0++;
	s->wfirst++;
}

/* Takes the oldest reading out of the still window: the lump, if any. */
static void
still_drop(struct settle *s)
{
	long i = s->wfirst % STILL_CAP;

	if (s->on > 0) {
		/* Its readings are not known one by one: all go at once. */
		s->wsum -= s->osum;
		s->wsq -= s->osq;
		s->wdev -= s->odev;
		s->wn -= s->on;
		s->on = 0;
		return;
	}
	s->wsum -= s->wf[i];
	s->wsq -= s->wf[i] * s->wf[i];
	s->wdev -= s->wd[i];
	s->wn--;
	ring_pop(s);
}

/* The ring's oldest reading joins the lump, which stays in the sums. */
static void
still_lump(struct settle *s)
{
	long i = s->wfirst % STILL_CAP;
	double f = s->wf[i];

	if (s->on++ == 0) {
		s->ot = s->wts[i];
		s->osum = s->osq = s->odev = 0;
		s->omin = s->omax = f;
	}
	s->osum += f;
	s->osq += f * f;
	s->odev += s->wd[i];
	s->omin = fmin(s->omin, f);
	s->omax = fmax(s->omax, f);
	ring_pop(s);
}

/* The spread of the still window: its highest reading less its lowest. */
static double
still_spread(const struct settle *s)
{
	double lo = s->wf[s->wlo[s->lo0 % STILL_CAP] % STILL_CAP];
	double hi = s->wf[s->whi[s->hi0 % STILL_CAP] % STILL_CAP];

	if (s->on > 0) {
		lo = fmin(lo, s->omin);
		hi = fmax(hi, s->omax);
	}
	return hi - lo;
}

/* When the still window's oldest reading was taken. */
static double
still_since(const struct settle *s)
{
	return s->on > 0 ? s->ot : s->wts[s->wfirst % STILL_CAP];
}

/*
 * Adds f, the median, and dev, how far the raw reading lies from it, to the
 * still window, and drops its oldest readings until the rest fits the
 * band.  The window slides rather than starting afresh: a weight at rest
 * for a while whose newest reading strays a hair past the band from the
 * first one (still half on its way in) has not moved, and starting afresh
 * would throw its stillness away and miss a change that follows soon after.
 */
static void
still_add(struct settle *s, double t, double f, double dev)
{
	long i = s->wnext % STILL_CAP;

	if (s->wnext - s->wfirst == STILL_CAP)
		still_lump(s);
	/* The deques keep only readings that may yet be the extreme. */
	while (s->lo1 > s->lo0 &&
	    s->wf[s->wlo[(s->lo1 - 1) % STILL_CAP] % STILL_CAP] >= f)
		s->lo1--;
	while (s->hi1 > s->hi0 &&
	    s->wf[s->whi[(s->hi1 - 1) % STILL_CAP] % STILL_CAP] <= f)
		s->hi1--;
	s->wts[i] = t;
	s->wf[i] = f;
	s->wd[i] = dev;
	s->wlo[s->lo1++ % STILL_CAP] = s->wnext;
	s->whi[s->hi1++ % STILL_CAP] = s->wnext;
	s->wnext++;
	s->wn++;
	s->wsum += f;
	s->wsq += f * f;
	s->wdev += dev;
	if (still_spread(s) > settle_band(s)) {
		while (still_spread(s) > settle_band(s))
			still_drop(s);
		/*
		 * What stays must have been still for settle_s already to be
		 * a weight at rest; if shorter, it is a weight still on its
		 * way, and f, off from where it was, is where it is now.
		 * Afresh, not by dropping: sums left by subtraction are a
		 * rounding off, and a mean of readings to 0.1 g often lies
		 * right on a rounding edge.
		 */
		if (t - still_since(s) < s->cfg.settle_s) {
			still_start(s, t, f, dev);
			return;
		}
	}
}

/*
 * Holds tf, the newest median, in the trace's samples up to lim: those
 * before it, or at it too when incl.  A gap in the readings longer than
 * the trace leaves only its newest TRACE_CAP samples, which start anew
 * later, so a stalled port costs no more than a full trace.
 */
static void
trace_hold(struct settle *s, double lim, int incl)
{
	double last = (lim - s->tt) / TRACE_DT;

	last = incl ? floor(last + TRACE_TOL) : ceil(last - TRACE_TOL) - 1;
	if (last - s->tnext >= TRACE_CAP) {
		s->tt += (last + 1 - TRACE_CAP) * TRACE_DT;
		s->tfirst = s->tnext = 0;
		last = TRACE_CAP - 1;
	}
	for (; s->tnext <= last; s->tnext++) {
		if (s->tnext - s->tfirst == TRACE_CAP)
			s->tfirst++;
		s->tg[s->tnext % TRACE_CAP] = s->tf;
	}
}

/* A new median f that speaks for tc: the samples before tc held the last. */
static void
trace_push(struct settle *s, double tc, double f)
{
	trace_hold(s, tc, 0);
	s->tf = f;
}

/*
 * A change begins: its trace starts afresh at t0 (to the millisecond, as
 * the event gives it), from the medians of the readings before the change
 * was found; a sample older than all of them is the level itself.
 */
static void
trace_start(struct settle *s)
{
	int i, j;

	s->tt = round(s->t0 * 1e3) / 1e3;
	s->tfirst = s->tnext = 0;
	s->tbase = s->tf = s->level;
	for (i = s->hn; i > 0; i--) {
		j = (s->hi - i + TRACE_HIST) % TRACE_HIST;
		trace_push(s, s->ht[j], s->hf[j]);
	}
}

/* The trace up to ts, when the change settled, into ev. */
static void
trace_end(struct settle *s, double ts, struct settle_ev *ev)
{
	long i;

	trace_hold(s, ts, 1);
	ev->trace_t = s->tt + s->tfirst * TRACE_DT;
	ev->ntrace = s->tnext - s->tfirst;
	for (i = s->tfirst; i < s->tnext; i++)
		ev->trace[i - s->tfirst] = s->tg[i % TRACE_CAP] - s->tbase;
}

/*
 * A hand pressing on a plate wobbles: the median may hold still, but the
 * raw readings scatter round it far more than the scale's noise does.  A
 * settled weight needs them as quiet as at rest (mean absolute deviation
 * from the median is about 0.85 sd for Gaussian noise).
 */
static int
quiet(const struct settle *s)
{
	return s->wdev / s->wn <= 2.5 * s->noise + 0.2;
}

/*
 * Whole items in delta: q when delta lies within the spread of q items of
 * unit_g (their weights vary by sd_g each, the scale adds its noise), else 0.
 */
static int
whole_units(const struct settle *s, double delta)
{
	double q, tol;

	if (s->cfg.unit_g <= 0)
		return 0;
	q = round(delta / s->cfg.unit_g);
	if (q == 0 || fabs(q) > 1e6)
		return 0;
	tol = 3 * sqrt(fabs(q)) * s->cfg.sd_g + 3 * s->noise;
	return fabs(delta - q * s->cfg.unit_g) <= tol ? (int)q : 0;
}

/*
 * The plate is settled at the still window's mean.  A change of a whole
 * number of the plate's items is reported at once.  Any other level may be
 * a hand resting on the plate, so it is reported only once it has stayed
 * still for hold_s: by then it is something else put on or taken off.
 */
static int
settled(struct settle *s, double ts, double tc, struct settle_ev *ev)
{
	double mean = s->wsum / s->wn, delta, small;
	int q;

	if (!s->have) {
		s->have = 1;
		s->level = mean;
		s->moving = 0;
		return 0;
	}
	delta = mean - s->level;
	/*
	 * A hand on the plate adds weight too, and one holding an item there
	 * may keep still for a moment: weight added must stay for put_s.
	 */
	if (delta > 0 && tc - still_since(s) < s->cfg.put_s)
		return 0;
	small = fmax(s->cfg.min_g, 8 * s->noise);
	if (fabs(delta) < fmin(settle_threshold(s), small)) {
		s->level = mean;
		s->moving = 0;
		return 0;
	}
	q = whole_units(s, delta);
	if (q == 0 && s->cfg.unit_g > 0) {
		/*
		 * A hand resting on the plate only adds weight, and one that
		 * tilts or half lifts an item wobbles, which quiet() turns
		 * away: a still loss of at least min_g is something taken
		 * off (a stray item, or two products at once), and waits no
		 * longer than weight put on, lest the next pick merge with it.
		 */
		if (tc - still_since(s) < (delta <= -small ? s->cfg.put_s :
		    s->cfg.hold_s))
			return 0;
		/* Not even min_g after all that time: the scale's own. */
		if (fabs(delta) < small) {
			s->level = mean;
			s->moving = 0;
			return 0;
		}
	}
	ev->ts = ts;
	ev->t0 = s->t0;
	ev->t1 = still_since(s);
	ev->delta_g = delta;
	ev->g = mean;
	ev->n = s->wn;
	ev->sd = sqrt(fmax(0, s->wsq / s->wn - mean * mean));
	ev->units = q;
	trace_end(s, ts, ev);
	s->level = mean;
	s->moving = 0;
	return 1;
}

int
settle_feed(struct settle *s, double ts, double g, struct settle_ev *ev)
{
	double f, tc, band, dev;
	int k, in;

	s->rg[s->ri] = g;
	s->rt[s->ri] = ts;
	s->ri = (s->ri + 1) % SETTLE_MED;
	if (s->nr < SETTLE_MED)
		s->nr++;
	k = s->nr;
	f = median(s, k);
	/* The median speaks for the middle reading of its window. */
	tc = s->rt[(s->ri - 1 - k / 2 + SETTLE_MED) % SETTLE_MED];
	s->ht[s->hi] = tc;
	s->hf[s->hi] = f;
	s->hi = (s->hi + 1) % TRACE_HIST;
	if (s->hn < TRACE_HIST)
		s->hn++;

	band = settle_band(s);
	if (s->moving) {
		/* Until the first level is known no change is traced. */
		if (s->have)
			trace_push(s, tc, f);
		/* Spikes are clipped: one must not make a plate look busy. */
		still_add(s, tc, f, fmin(fabs(g - f), 2 * band));
		if (s->wn >= STILL_MIN && tc - still_since(s) >= s->cfg.settle_s &&
		    quiet(s))
			return settled(s, ts, tc, ev);
		return 0;
	}

	dev = fabs(g - s->level);
	in = dev <= band;
	/*
	 * Readings far off while the median holds are spikes, but that is
	 * known only once the weight is back; until then they may be the
	 * start of a change.
	 */
	if (in) {
		s->nspike += s->pend;
		s->pend = 0;
		s->wasin = 1;
	} else {
		if (s->wasin)
			s->firstout = ts;
		s->wasin = 0;
		if (dev > 2 * band)
			s->pend++;
	}
	if (fabs(f - s->level) > band) {
		/* The change began with the first reading that left the level. */
		s->moving = 1;
		s->t0 = s->wasin ? ts : s->firstout;
		s->pend = 0;
		s->wasin = 1;
		still_start(s, tc, f, fmin(fabs(g - f), 2 * band));
		trace_start(s);
		return 0;
	}
	if (dev < 2 * band)
		s->noise += NOISE_RATE * (MAD_SD * dev - s->noise);
	s->level += DRIFT_RATE * (f - s->level);
	return 0;
}
