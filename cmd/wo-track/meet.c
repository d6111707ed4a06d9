/* meet.c: tracks that met, and whether each came out of the meeting as itself. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "track.h"

/*
 * Two tracks closer than CLOSE_M may have traded identities: their views
 * can merge into one box, and the motion that tells them apart is lost in
 * the noise of where such a box puts a body.  Once they stand apart again,
 * their looks say who is who: each track's look from before the meeting is
 * kept, and the first MEET_VIEWS clean views of each after it (views that
 * teach a look, see alone()) are compared with both.  The look kept is the
 * mean of every view that taught the track, not its running mean: the
 * views after come from whichever cameras see it next, where the running
 * mean knows only the last second's camera and pose, and a brief wrong
 * match moves it, where it is a few views among hundreds in the whole
 * visit's (with the shipped detector on busy seeds 1-20, meetings whose
 * tracks kept their identities yet scored under 0.15: 13 of 303 with the
 * running mean, 9 with the whole visit's).  Three views already
 * average out one view's noise (in busy simulated stores the margins of
 * kept() moved by less than 0.01 from five views to three), and the sooner
 * the verdict, the more picks after the meeting it can vouch for.
 */
#define MEET_VIEWS	3	/* clean views of each before the verdict */
/*
 * kept() measures how far the views after went from the other's look
 * towards the own, as a share of how far apart the two looks are, so that
 * two shoppers in the same shirt who differ in hair or a backpack vouch
 * for their meeting as surely as two in different shirts.  Looks closer
 * than LOOK_APART count as that far apart: dividing by less would blow up
 * the noise of three views (more than five times) into a verdict; 6 of
 * the 303 pairs that met in busy seeds 1-20 were closer.
 */
#define LOOK_APART	0.2

struct meet {
	int	 id[2];		/* the two tracks */
	double	 first, last;	/* when they were first and last that close */
	float	 before[2][NHIST];	/* each one's look before the meeting */
	float	 after[2][NHIST];	/* the sum of its clean views after */
	int	 n[2];		/* ... how many */
};

static struct meet *mt;
static int nmt, capmt;

static struct meet *
find(int a, int b)
{
	int i;

	for (i = 0; i < nmt; i++)
		if ((mt[i].id[0] == a && mt[i].id[1] == b) ||
		    (mt[i].id[0] == b && mt[i].id[1] == a))
			return &mt[i];
	return NULL;
}

static void
drop(int i)
{
	memmove(&mt[i], &mt[i + 1], (nmt - i - 1) * sizeof(*mt));
	nmt--;
}

/*
 * How much more track i of the meeting looks like itself before it than
 * like the other one before it: the difference of two Bhattacharyya
 * coefficients, over one minus the coefficient of the two looks before
 * (at least LOOK_APART).  1: its views look like its own look as much as
 * the two looks differ; -1: like the other's; 0: no telling.  The sign is
 * the difference's, so tracks that traded looks still score under 0.
 */
static double
kept(const struct meet *m, int i)
{
	float a[NHIST];
	double d;
	int k;

	for (k = 0; k < NHIST; k++)
		a[k] = m->after[i][k] / m->n[i];
	d = 1 - hist_sim(m->before[0], m->before[1]);
	return (hist_sim(m->before[i], a) - hist_sim(m->before[1 - i], a)) /
	    (d > LOOK_APART ? d : LOOK_APART);
}

static void
verdict(const struct meet *m, double t)
{
	json_t *x = wo_ev_new("met", t);

	json_object_set_new(x, "tracks", json_pack("[i,i]", m->id[0],
	    m->id[1]));
	json_object_set_new(x, "first", json_real(m->first));
	json_object_set_new(x, "last", json_real(m->last));
	json_object_set_new(x, "kept", json_pack("[f,f]",
	    wo_r3(kept(m, 0)), wo_r3(kept(m, 1))));
	wo_write(x);
	json_decref(x);
}

/* Whether a track is one the moment's track events show. */
static int
shown(const struct trk *k, double t)
{
	return k->confirmed && t - k->seen <= COAST;
}

/*
 * Notes this moment's meetings and the clean views of tracks that met,
 * and writes a met event for each pair that has been seen apart long
 * enough to tell.  Tracks without a look yet (frames unread, or never seen
 * alone) cannot be told apart by it: their meetings get no verdict.
 */
void
meet_step(double t)
{
	struct meet *m;
	int i, j, k;

	for (i = 0; i < nmt; )
		if (trk_by_id(mt[i].id[0]) == NULL ||
		    trk_by_id(mt[i].id[1]) == NULL)
			drop(i);
		else
			i++;
	for (i = 0; i < ntrk; i++)
		for (j = i + 1; j < ntrk; j++) {
			struct trk *a = &trk[i], *b = &trk[j];

			if (!shown(a, t) || !shown(b, t) || hypot(a->kf.x[0] -
			    b->kf.x[0], a->kf.x[1] - b->kf.x[1]) >= CLOSE_M)
				continue;
			if ((m = find(a->id, b->id)) == NULL) {
				if (!a->hasapp || !b->hasapp)
					continue;
				if (nmt == capmt) {
					capmt = capmt ? capmt * 2 : 8;
					mt = wo_realloc(mt, capmt * sizeof(*mt));
				}
				m = &mt[nmt++];
				m->id[0] = a->id;
				m->id[1] = b->id;
				m->first = t;
				for (k = 0; k < NHIST; k++) {
					m->before[0][k] = a->sum[k] / a->nsum;
					m->before[1][k] = b->sum[k] / b->nsum;
				}
			}
			/* Met again before telling: the views start over. */
			m->last = t;
			m->n[0] = m->n[1] = 0;
			memset(m->after, 0, sizeof(m->after));
		}
	for (i = 0; i < nmt; ) {
		struct trk *p[2];

		m = &mt[i];
		p[0] = trk_by_id(m->id[0]);
		p[1] = trk_by_id(m->id[1]);
		if (m->last < t && hypot(p[0]->kf.x[0] - p[1]->kf.x[0],
		    p[0]->kf.x[1] - p[1]->kf.x[1]) >= APP_APART)
			for (j = 0; j < 2; j++) {
				const struct obs *o;

				if (p[j]->matched < 0 || m->n[j] >= MEET_VIEWS)
					continue;
				o = &mo.person[p[j]->matched];
				if (!alone(o))
					continue;
				for (k = 0; k < NHIST; k++)
					m->after[j][k] += o->hist[k];
				m->n[j]++;
			}
		if (m->n[0] >= MEET_VIEWS && m->n[1] >= MEET_VIEWS) {
			verdict(m, t);
			drop(i);
		} else
			i++;
	}
}

void
meet_free(void)
{
	free(mt);
}
