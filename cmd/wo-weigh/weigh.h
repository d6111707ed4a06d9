/* weigh.h: wo-weigh's parts: the settle filter and the serial port readers. */
#ifndef WEIGH_H
#define WEIGH_H

/*
 * What the settle filter knows about a plate.  Thresholds follow the
 * plate's item when the catalog gives its unit weight and spread; min_g
 * stands in for them on a plate whose item is unknown.
 */
struct settle_cfg {
	double	 unit_g;	/* one item on this plate; 0 when unknown */
	double	 sd_g;		/* spread of one item's weight */
	double	 min_g;		/* smallest change that is no whole number
				   of items (any change when unit_g is 0) */
	double	 noise_g;	/* first guess at the scale's noise (sd) */
	double	 settle_s;	/* how long a new weight must stay still */
	double	 put_s;		/* how long, when weight was added */
	double	 hold_s;	/* how long a still level that is no whole
				   number of items waits for more (a hand) */
};

/*
 * The trace's step: 20 samples a second, finer than the frames (10 fps)
 * that a reader lines a hand's lift up with, and coarser than the fastest
 * scales (60 Hz), whose finer steps the median of five smooths away.
 */
#define TRACE_DT	0.05
/* Samples a trace keeps, its newest: 12.8 s, longer than any one pick. */
#define TRACE_CAP	256
/*
 * The newest medians kept while the plate is at rest: a change is found
 * within a few readings of its first one off the level (the median's lag
 * of SETTLE_MED / 2 readings, and those it takes to turn), so these reach
 * back to its start; before them the plate was at its level.
 */
#define TRACE_HIST	8

/* A settled change of weight. */
struct settle_ev {
	double	 ts;		/* when it was known to have settled */
	double	 t0;		/* when the weight began to change */
	double	 t1;		/* the first reading at the new weight */
	double	 delta_g;	/* new weight minus old */
	double	 g;		/* the new weight */
	double	 sd;		/* spread of the readings it rests on */
	int	 n;		/* how many readings that is */
	int	 units;		/* whole items of unit_g, or 0 */
	/*
	 * Its shape: the filtered weight less the level it began from at
	 * trace_t + i * TRACE_DT, from t0 up to ts (the newest TRACE_CAP).
	 */
	double	 trace_t;
	double	 trace[TRACE_CAP];
	int	 ntrace;
};

#define SETTLE_MED	5	/* median filter width, in readings */
/*
 * The still window's newest readings kept one by one: 10 s of a 50 Hz
 * scale, five times the default --hold.  Older ones of a longer window
 * are kept as one lump (count, sums, extremes), enough to wait out any
 * --hold in constant memory.
 */
#define STILL_CAP	512

struct settle {
	struct settle_cfg cfg;
	double	 rg[SETTLE_MED], rt[SETTLE_MED];	/* raw readings, a ring */
	int	 nr, ri;
	int	 have;		/* level is known */
	int	 moving;	/* waiting for the weight to settle */
	double	 level;		/* the settled weight, following drift */
	double	 noise;		/* running estimate of the scale's sd */
	double	 t0;		/* when the change under way began */
	double	 firstout;	/* the first reading off the level */
	int	 wasin;		/* the last reading was on the level */
	long	 pend;		/* far-off readings not yet known as spikes */
	/*
	 * The still window: the newest filtered readings whose spread fits
	 * the band.  The newest STILL_CAP are a ring from seq wfirst to
	 * wnext, with the rising and falling deques of their minima and
	 * maxima (seqs in ring order), which tell the spread in O(1); older
	 * ones are the lump: on of them, since ot, between omin and omax.
	 */
	double	 wts[STILL_CAP], wf[STILL_CAP], wd[STILL_CAP];
	long	 wlo[STILL_CAP], whi[STILL_CAP];
	long	 wfirst, wnext, lo0, lo1, hi0, hi1;
	int	 on;
	double	 ot, osum, osq, odev, omin, omax;
	double	 wsum, wsq, wdev;	/* over the whole window, lump too */
	int	 wn;
	long	 nspike;	/* readings rejected as spikes */
	/*
	 * The change's trace, sample and hold of the medians: samples seq
	 * tfirst to tnext - 1 (a ring) at tt + seq * TRACE_DT, each the
	 * newest median at or before its time; tf is the newest so far, and
	 * tbase the level the change began from.  ht, hf are the newest
	 * medians' times and values, a ring at hi, hn of them so far.
	 */
	double	 tg[TRACE_CAP];
	long	 tfirst, tnext;
	double	 tt, tf, tbase;
	double	 ht[TRACE_HIST], hf[TRACE_HIST];
	int	 hi, hn;
};

void	 settle_init(struct settle *s, const struct settle_cfg *cfg);
/* Feeds one reading; 1 and *ev filled when it completes a change. */
int	 settle_feed(struct settle *s, double ts, double g,
	    struct settle_ev *ev);

/* serial.c: one reader thread per port, writing stamped lines to a pipe. */
struct port;
struct port *port_open(const char *name, int baud);	/* read fd: port_fd */
int	 port_fd(const struct port *p);
void	 port_stop_all(void);

#endif
