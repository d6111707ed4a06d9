/* main.c: wo-track, people on the floor from the cameras' detections. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "track.h"

static const char usage[] =
    "wo-track -s STORE.json [-EM] [-b SECONDS] [-c CONF] [-g METRES]\n"
    "         [-w SECONDS]";

/* Tuning that is not worth an option; the man page explains each. */
#define POS_VAR		0.05	/* m^2, a new track's position variance */
#define VEL_VAR		1.0	/* (m/s)^2, its velocity variance */
#define ACCEL_Q		2.0	/* (m/s^2)^2 s, how freely walkers turn */
#define MEAS_R		0.01	/* m^2, a fused view's position variance */
#define LOW_CONF	0.1	/* below this a box is ignored altogether */
#define LOW_GATE	0.5	/* m, gate for the low-confidence pass */
#define WALK_MAX	2.0	/* m/s, how far a lost shopper may have gone */
#define LOST_GATE_MAX	3.0	/* m, the widest a lost track's gate grows */
#define EXIT_AFTER	0.3	/* s unseen in an exit gate before exit */
#define EXIT_FRAMES	2	/* ... and at least this many frames' time */
#define DROP_AFTER	600	/* s unseen anywhere before a track is dropped */
#define STRAY_HITS	10	/* views to confirm a track born off the gate */
#define GATE_HITS	2	/* views to confirm one born in the gate, unbound */
#define GATE_MARGIN	0.5	/* m around a gate that still counts */
#define PERSON_FUSE	0.6	/* m, views closer than this are one person */
#define HAND_FUSE	0.25	/* m, likewise for hands */
#define APP_W		1.0	/* m of distance worth a wholly different look */
#define APP_RATE	0.1	/* how fast a track's look follows its views */

struct entry {
	char	*gate, *account;
	double	 ts;
};

static struct wo_store *st;
static int motion_only;		/* -M: never read the frames */
static int end_exits;		/* -E: the end of input ends every visit */
static int unread;		/* frames that could not be read */
static double gate_m = 1.0, hi_conf = 0.5, window = 0.05, bind_s = 3.0;
struct trk *trk;
int ntrk;
static int captrk, nextid = 1;
static struct entry *ent;
static int nent, capent;
struct moment mo;
static int open_moment;		/* frames are waiting in mo */
static double t0, tlast;	/* the moment's first and latest frame */
static double *camlast;		/* each camera's latest frame */
static double frame_dt;		/* the latest time between a camera's frames */

/* The track of that id, or NULL (0 is no track's). */
struct trk *
trk_by_id(int id)
{
	int i;

	for (i = 0; i < ntrk; i++)
		if (trk[i].id == id && id != 0)
			return &trk[i];
	return NULL;
}

static int
in_gate(double x, double y, int entry, double margin)
{
	size_t i;

	for (i = 0; i < st->ngates; i++) {
		struct wo_gate *g = &st->gates[i];

		if (g->entry == entry && wo_in_rect(x, y, g->x - margin,
		    g->y - margin, g->w + 2 * margin, g->h + 2 * margin))
			return (int)i;
	}
	return -1;
}

static int
nearest_exit(double x, double y)
{
	double bd = INFINITY;
	size_t i;
	int best = -1;

	for (i = 0; i < st->ngates; i++) {
		struct wo_gate *g = &st->gates[i];
		double d = hypot(g->x + g->w / 2 - x, g->y + g->h / 2 - y);

		if (!g->entry && d < bd) {
			bd = d;
			best = (int)i;
		}
	}
	return best;
}

static void
bind(struct trk *k, int e)
{
	k->account = ent[e].account;
	free(ent[e].gate);
	memmove(&ent[e], &ent[e + 1], (nent - e - 1) * sizeof(*ent));
	nent--;
	k->ingate = 0;
}

/* The earliest waiting entry of a gate near (x, y) within the binding time. */
static int
find_entry(double x, double y, double t)
{
	int i, g;

	for (i = 0; i < nent; i++) {
		if (fabs(ent[i].ts - t) > bind_s)
			continue;
		g = wo_store_gate(st, ent[i].gate);
		if (g < 0 || wo_in_rect(x, y, st->gates[g].x - GATE_MARGIN,
		    st->gates[g].y - GATE_MARGIN,
		    st->gates[g].w + 2 * GATE_MARGIN,
		    st->gates[g].h + 2 * GATE_MARGIN))
			return i;
	}
	return -1;
}

/* A view with colours and nobody else in it: one person's look. */
int
alone(const struct obs *o)
{
	int j;

	if (!o->hashist)
		return 0;
	for (j = 0; j < mo.nperson; j++)
		if (&mo.person[j] != o && hypot(mo.person[j].x - o->x,
		    mo.person[j].y - o->y) < APP_APART)
			return 0;
	return 1;
}

/* A view teaches a track its look only when nobody else is in it. */
static void
learn(struct trk *k, const struct obs *o)
{
	int j;

	if (!alone(o))
		return;
	for (j = 0; j < NHIST; j++) {
		k->app[j] = k->hasapp ? k->app[j] * (1 - APP_RATE) +
		    o->hist[j] * APP_RATE : o->hist[j];
		k->sum[j] += o->hist[j];
	}
	k->nsum++;
	k->hasapp = 1;
}

static void
birth(const struct obs *o, double t)
{
	struct trk *k;
	int e;

	if (ntrk == captrk) {
		captrk = captrk ? captrk * 2 : 16;
		trk = wo_realloc(trk, captrk * sizeof(*trk));
	}
	k = &trk[ntrk++];
	memset(k, 0, sizeof(*k));
	kf_init(&k->kf, o->x, o->y, POS_VAR, VEL_VAR);
	k->t = k->seen = k->born = t;
	k->lx = o->x;
	k->ly = o->y;
	k->conf = o->conf;
	k->hits = 1;
	k->matched = -1;
	k->ingate = in_gate(o->x, o->y, 1, GATE_MARGIN) >= 0;
	learn(k, o);
	if (k->ingate && (e = find_entry(o->x, o->y, t)) >= 0)
		bind(k, e);
}

/* An entry with no track yet waits; one whose track came first binds now. */
static void
on_entry(const struct wo_ev *ev)
{
	const char *gate, *account;
	int i, best = -1;

	if (!wo_need_str(ev, "gate", &gate) ||
	    !wo_need_str(ev, "account", &account))
		return;
	if (nent == capent) {
		capent = capent ? capent * 2 : 16;
		ent = wo_realloc(ent, capent * sizeof(*ent));
	}
	ent[nent].gate = wo_strdup(gate);
	ent[nent].account = wo_strdup(account);
	ent[nent].ts = ev->ts;
	nent++;
	for (i = 0; i < ntrk; i++)
		if (trk[i].ingate && trk[i].account == NULL &&
		    fabs(trk[i].born - ev->ts) <= bind_s &&
		    (best < 0 || trk[i].born < trk[best].born))
			best = i;
	if (best >= 0 && find_entry(trk[best].lx, trk[best].ly,
	    trk[best].born) == nent - 1)
		bind(&trk[best], nent - 1);
}

static void
drop_old_entries(double t)
{
	int i = 0;

	/*
	 * An entry nobody walked through is forgotten, or it would bind late;
	 * but not silently: that shopper gets no cart and no receipt.
	 */
	while (i < nent)
		if (t - ent[i].ts > bind_s) {
			json_t *a = wo_alert_new(t, "unbound-entry",
			    "no track was born in gate %s within %g s of the "
			    "entry of %s: that shopper gets no receipt",
			    ent[i].gate, bind_s, ent[i].account);

			json_object_set_new(a, "account",
			    json_string(ent[i].account));
			json_object_set_new(a, "gate", json_string(ent[i].gate));
			json_object_set_new(a, "entry", json_real(ent[i].ts));
			wo_write(a);
			json_decref(a);
			free(ent[i].gate);
			free(ent[i].account);
			memmove(&ent[i], &ent[i + 1],
			    (nent - i - 1) * sizeof(*ent));
			nent--;
		} else
			i++;
}

/* A view in an entry gate where an entry waits for its track. */
static int
newcomer(const struct obs *o, double t)
{
	return in_gate(o->x, o->y, 1, GATE_MARGIN) >= 0 &&
	    find_entry(o->x, o->y, t) >= 0;
}

/*
 * One pass of matching views to tracks with the Hungarian method.  Lost
 * tracks (OC-SORT's recovery) are priced from the nearer of their prediction
 * and their last real view, with a gate that grows with the time unseen, so a
 * shopper who stood still under a seam is found again where they were.
 */
static void
match(int *tk, int nt, struct obs *o, int no, double mincf, double maxcf,
    double gate, int lost, double t)
{
	double *c;
	int *as, *ov, i, j, n = 0;

	ov = wo_calloc(no + 1, sizeof(*ov));
	for (j = 0; j < no; j++)
		if (!o[j].used && o[j].conf >= mincf && o[j].conf < maxcf)
			ov[n++] = j;
	if (nt == 0 || n == 0) {
		free(ov);
		return;
	}
	c = wo_calloc((size_t)nt * n, sizeof(*c));
	as = wo_calloc(nt, sizeof(*as));
	for (i = 0; i < nt; i++) {
		struct trk *k = &trk[tk[i]];
		double g = gate;

		if (lost) {
			g = gate + WALK_MAX * (t - k->seen);
			if (g > LOST_GATE_MAX)
				g = LOST_GATE_MAX;
		}
		for (j = 0; j < n; j++) {
			struct obs *p = &o[ov[j]];
			double last[2] = { k->lx, k->ly }, z[2], d, dl;

			obs_near(p, k->kf.x, last, z);
			d = hypot(z[0] - k->kf.x[0], z[1] - k->kf.x[1]);
			/*
			 * One that missed a frame is priced from its last view
			 * too: shoppers are hidden most often standing by
			 * someone, and the walk predicted on past where they
			 * stopped would give the neighbour their next view
			 * (busy seed 19's swap).  Unseen at an exit, they have
			 * more likely left, and the next one there is someone
			 * else.
			 */
			if (lost || (t - k->seen > 1.5 * frame_dt &&
			    in_gate(k->lx, k->ly, 0, GATE_MARGIN) < 0)) {
				obs_near(p, last, last, z);
				dl = hypot(z[0] - k->lx, z[1] - k->ly);
				if (dl < d)
					d = dl;
			}
			if (lost) {
				/*
				 * Someone in an entry gate while an entry waits
				 * there is the one who just came in, not a
				 * shopper lost elsewhere who walked back: taken
				 * by a lost track, the entry would bind to the
				 * next newcomer, and every later one with it.
				 */
				if (dl > gate && newcomer(p, t))
					d = INFINITY;
			} else if (d > LOW_GATE && newcomer(p, t))
				/*
				 * Likewise for one still seen, past the gate a
				 * weak view of it would be trusted in: a
				 * shopper walking out of the entry gate, missed
				 * but for a weak view where predicted, would
				 * take the newcomer half a metre behind, and
				 * the newcomer's entry go to the shopper's
				 * body (held-out seed 24).
				 */
				d = INFINITY;
			/*
			 * Each track's own gate, folded into one: out is out.
			 * Within it, looks count: two shoppers walking through
			 * each other are told apart by their clothes.
			 */
			if (d <= g && k->hasapp && p->hashist)
				d += APP_W * (1 - hist_sim(k->app, p->hist));
			c[i * n + j] = d <= g ? d : INFINITY;
		}
	}
	wo_assign(c, nt, n, LOST_GATE_MAX + APP_W, as);
	for (i = 0; i < nt; i++) {
		if (as[i] < 0)
			continue;
		trk[tk[i]].matched = ov[as[i]];
		o[ov[as[i]]].used = 1;
	}
	free(c);
	free(as);
	free(ov);
}

/*
 * A long box may put the body at its end nearer the track rather than in
 * the middle (obs_near): two shoppers reaching across each other, whose
 * boxes both span the two of them, each stay at their end.
 */
static void
update(struct trk *k, const struct obs *o, double t)
{
	double last[2] = { k->lx, k->ly }, z[2];

	learn(k, o);
	/* A track found after a long gap restarts its motion from the view. */
	if (t - k->seen > LOST_AFTER) {
		double dt = t - k->seen;

		obs_near(o, last, last, z);
		kf_init(&k->kf, z[0], z[1], POS_VAR, VEL_VAR);
		k->kf.x[2] = (z[0] - k->lx) / dt;
		k->kf.x[3] = (z[1] - k->ly) / dt;
		if (hypot(k->kf.x[2], k->kf.x[3]) > WALK_MAX)
			k->kf.x[2] = k->kf.x[3] = 0;
	} else {
		obs_near(o, k->kf.x, last, z);
		kf_update(&k->kf, z[0], z[1], MEAS_R / o->n);
	}
	k->seen = t;
	k->lx = z[0];
	k->ly = z[1];
	k->conf = o->conf;
	k->hits++;
}

static void
emit_exit(const struct trk *k, int g, double t)
{
	json_t *x = wo_ev_new("exit", t);

	json_object_set_new(x, "track", json_integer(k->id));
	json_object_set_new(x, "account", k->account ?
	    json_string(k->account) : json_null());
	json_object_set_new(x, "gate", json_string(st->gates[g].id));
	wo_write(x);
	json_decref(x);
}

static int
byid(const void *a, const void *b)
{
	const struct trk *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Closes the moment: fuse, predict, match, update, born, exit, emit. */
static void
step(void)
{
	double t = tlast;
	json_t *items;
	int *tk, nt, i, j, n;

	open_moment = 0;
	drop_old_entries(t);
	tk = wo_calloc(ntrk + 1, sizeof(*tk));
	for (i = 0; i < ntrk; i++) {
		/* Unseen for long, a shopper has stopped somewhere. */
		if (t - trk[i].seen > COAST)
			trk[i].kf.x[2] = trk[i].kf.x[3] = 0;
		kf_predict(&trk[i].kf, t - trk[i].t, ACCEL_Q);
		trk[i].t = t;
		trk[i].matched = -1;
	}
	/* After the prediction: views are merged knowing who stands where. */
	moment_fuse(&mo, st, PERSON_FUSE, HAND_FUSE);
	/* ByteTrack: strong views first, then weak ones for the leftovers. */
	for (nt = 0, i = 0; i < ntrk; i++)
		if (t - trk[i].seen <= LOST_AFTER)
			tk[nt++] = i;
	match(tk, nt, mo.person, mo.nperson, hi_conf, INFINITY, gate_m, 0, t);
	for (n = 0, i = 0; i < nt; i++)
		if (trk[tk[i]].matched < 0)
			tk[n++] = tk[i];
	match(tk, n, mo.person, mo.nperson, LOW_CONF, hi_conf, LOW_GATE, 0, t);
	for (nt = 0, i = 0; i < ntrk; i++)
		if (trk[i].matched < 0 && trk[i].confirmed)
			tk[nt++] = i;
	match(tk, nt, mo.person, mo.nperson, hi_conf, INFINITY, gate_m, 1, t);
	free(tk);
	n = ntrk;
	for (i = 0; i < n; i++)
		if (trk[i].matched >= 0)
			update(&trk[i], &mo.person[trk[i].matched], t);
	for (j = 0; j < mo.nperson; j++) {
		struct obs *o = &mo.person[j];
		double dmin = INFINITY, d;

		if (o->used || o->conf < hi_conf)
			continue;
		for (i = 0; i < ntrk; i++)
			if ((d = hypot(o->x - trk[i].kf.x[0],
			    o->y - trk[i].kf.x[1])) < dmin)
				dmin = d;
		/*
		 * A second view of someone already tracked is not a newcomer.
		 * In the entry gate, where newcomers walk in right behind
		 * each other, only one nearer than two shoppers stand is,
		 * unless an entry waits there for a newcomer's body (one who
		 * came through on someone's heels): a track born of a
		 * shopper's duplicate box takes their next views, and the
		 * track their entry bound stays in the gate and takes the
		 * next entrant's body (held-out seed 26).
		 */
		if (dmin >= gate_m || (dmin >= CLOSE_M &&
		    in_gate(o->x, o->y, 1, GATE_MARGIN) >= 0) ||
		    newcomer(o, t))
			birth(o, t);
	}
	for (i = 0; i < ntrk; i++) {
		struct trk *k = &trk[i];

		if (!k->confirmed && (k->account || k->hits >= (k->ingate ?
		    GATE_HITS : STRAY_HITS))) {
			k->confirmed = 1;
			k->id = nextid++;
		}
	}
	/*
	 * Leaving: unseen for a moment with the last view in an exit gate, or
	 * lost on the way there (a blind spot before the gate) and predicted
	 * to have walked into it.
	 */
	for (i = 0; i < ntrk; ) {
		struct trk *k = &trk[i];
		int g = in_gate(k->lx, k->ly, 0, GATE_MARGIN), gone = 0;

		if (g < 0)
			g = in_gate(k->kf.x[0], k->kf.x[1], 0, 0);

		/*
		 * One missed detection beside the gate is no exit: a shopper
		 * waiting in its margin and unseen for a frame would leave
		 * early and the one behind take over the track.  At 3 frames
		 * a second a frame is 0.33 s, more than EXIT_AFTER allows.
		 * One last seen in the gate itself has walked through it.
		 */
		if (k->confirmed && g >= 0 && t - k->seen >= (in_gate(k->lx,
		    k->ly, 0, 0) >= 0 ? EXIT_AFTER : fmax(EXIT_AFTER,
		    EXIT_FRAMES * frame_dt))) {
			emit_exit(k, g, t);
			gone = 1;
		} else if (!k->confirmed && t - k->seen > LOST_AFTER)
			gone = 1;
		else if (t - k->seen > DROP_AFTER)
			gone = 1;
		if (gone) {
			free(k->account);
			memmove(k, k + 1, (ntrk - i - 1) * sizeof(*k));
			ntrk--;
		} else
			i++;
	}
	if (ntrk > 1)
		qsort(trk, ntrk, sizeof(*trk), byid);
	own_hands(t);
	for (i = 0; i < ntrk; i++) {
		struct trk *k = &trk[i];
		json_t *x;
		double cf = k->conf;

		/*
		 * One unseen in an exit gate is most likely gone already; one
		 * unseen for long is somewhere we cannot say, and is kept
		 * only to be found again.
		 */
		if (!k->confirmed || (k->seen < t &&
		    in_gate(k->lx, k->ly, 0, GATE_MARGIN) >= 0) ||
		    t - k->seen > COAST)
			continue;
		/* Confidence fades while a track runs on prediction alone. */
		if (t > k->seen)
			cf *= exp(-(t - k->seen));
		x = wo_ev_new("track", t);
		json_object_set_new(x, "track", json_integer(k->id));
		json_object_set_new(x, "account", k->account ?
		    json_string(k->account) : json_null());
		json_object_set_new(x, "x", json_real(wo_r3(k->kf.x[0])));
		json_object_set_new(x, "y", json_real(wo_r3(k->kf.x[1])));
		json_object_set_new(x, "hands", hands_of(k));
		json_object_set_new(x, "conf", json_real(wo_r3(cf)));
		wo_write(x);
		json_decref(x);
	}
	meet_step(t);
	/* Items left lying about, for the carts: a moment without is silent. */
	if ((items = floor_items(st, &mo, hi_conf)) != NULL) {
		json_t *x = wo_ev_new("floor", t);

		json_object_set_new(x, "items", items);
		wo_write(x);
		json_decref(x);
	}
	moment_clear(&mo);
}

static int
class_of(json_t *c)
{
	static const char *names[] = { "person", "hand", "item" };
	int i;

	if (json_is_integer(c) && json_integer_value(c) >= 0 &&
	    json_integer_value(c) <= 2)
		return (int)json_integer_value(c);
	if (json_is_string(c))
		for (i = 0; i < 3; i++)
			if (strcmp(json_string_value(c), names[i]) == 0)
				return i;
	return -1;
}

static void
on_frame(const struct wo_ev *ev)
{
	const char *cam;
	json_t *objs, *o;
	const char *path;
	size_t i;
	int c, from = mo.nbox, persons = 0;

	if (!wo_need_str(ev, "cam", &cam))
		return;
	if ((c = wo_store_cam(st, cam)) < 0) {
		wo_evbad(ev, "frame event has unknown camera %s", cam);
		return;
	}
	if (camlast[c] > 0 && ev->ts > camlast[c])
		frame_dt = ev->ts - camlast[c];
	camlast[c] = ev->ts;
	objs = json_object_get(ev->obj, "objects");
	if (!json_is_array(objs)) {
		wo_evbad(ev, "frame event has no objects");
		return;
	}
	/* A bad box spoils the frame, not the moment: check them all first. */
	json_array_foreach(objs, i, o) {
		static const char *k[] = { "conf", "x", "y", "w", "h" };
		int j;

		if (class_of(json_object_get(o, "class")) < 0) {
			wo_evbad(ev, "frame event: objects[%zu] has no known "
			    "class", i);
			return;
		}
		for (j = 0; j < 5; j++)
			if (!json_is_number(json_object_get(o, k[j]))) {
				wo_evbad(ev, "frame event: objects[%zu] has "
				    "no %s", i, k[j]);
				return;
			}
	}
	json_array_foreach(objs, i, o) {
		struct box b;

		b.cam = c;
		b.cls = class_of(json_object_get(o, "class"));
		b.conf = json_number_value(json_object_get(o, "conf"));
		b.x = json_number_value(json_object_get(o, "x"));
		b.y = json_number_value(json_object_get(o, "y"));
		b.w = json_number_value(json_object_get(o, "w"));
		b.h = json_number_value(json_object_get(o, "h"));
		b.hashist = 0;
		b.arm = -1;
		if (b.conf >= LOW_CONF) {
			moment_add(&mo, &b);
			persons += b.cls == CLS_PERSON;
		}
	}
	if (persons > 0 && !motion_only &&
	    (path = wo_str(ev, "path")) != NULL && !appear(path, &mo, from) &&
	    !unread++)
		wo_warn("%s: cannot read the frame; tracking by motion alone",
		    path);
}

/*
 * Reads frames, entries and anything else, passes every event through, and
 * between them writes a track event per tracked shopper for every moment
 * (the frames of all cameras taken within a window of each other) and an
 * exit event when a shopper leaves through an exit gate.
 */
int
main(int argc, char *argv[])
{
	static struct option lo[] = { WO_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct wo_in *in;
	struct wo_ev ev;
	const char *store = NULL;
	int ch, i;

	wo_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "b:c:Eg:hMs:w:", lo, NULL)) != -1) {
		if (wo_common_opt(ch, usage))
			continue;
		switch (ch) {
		case 'b':
			bind_s = wo_strtod(optarg, 0, 3600, "binding time");
			break;
		case 'c':
			hi_conf = wo_strtod(optarg, LOW_CONF, 1, "confidence");
			break;
		case 'g':
			gate_m = wo_strtod(optarg, 0.01, LOST_GATE_MAX, "gate");
			break;
		case 'E':
			end_exits = 1;
			break;
		case 'M':
			motion_only = 1;
			break;
		case 's':
			store = optarg;
			break;
		case 'w':
			window = wo_strtod(optarg, 0, 10, "window");
			break;
		default:
			wo_usage(usage);
		}
	}
	if (store == NULL || optind != argc)
		wo_usage(usage);
	st = wo_store_load(store);
	if (st->ncams > 8 * sizeof(long))
		wo_die(1, "%s: more than %zu cameras", store,
		    8 * sizeof(long));
	camlast = wo_calloc(st->ncams + 1, sizeof(*camlast));
	in = wo_in_open("-");
	while (wo_read(in, &ev)) {
		int frame = strcmp(ev.type, "frame") == 0;

		/*
		 * A moment ends with the window, or at any other event later
		 * than its frames, so that its track events, stamped with
		 * its latest frame's time, are not written after that event.
		 */
		if (open_moment && (ev.ts > t0 + window ||
		    (!frame && ev.ts > tlast)))
			step();
		wo_pass(&ev);
		if (frame) {
			if (!open_moment) {
				open_moment = 1;
				t0 = tlast = ev.ts;
			}
			if (ev.ts > tlast)
				tlast = ev.ts;
			on_frame(&ev);
		} else if (strcmp(ev.type, "entry") == 0)
			on_entry(&ev);
		wo_ev_free(&ev);
	}
	if (open_moment)
		step();
	/*
	 * The input ended: whoever stands in an exit gate has left; with -E
	 * (a recording that stopped while shoppers were inside) everyone
	 * leaves, by the nearest exit gate, a track bound to no account too:
	 * what it took is no one's checkout, and its exit is what makes
	 * wo-cart say so (a no-entry alert naming the items), where
	 * otherwise they would vanish with the end of the input.
	 */
	for (i = 0; i < ntrk; i++) {
		struct trk *k = &trk[i];
		int g = in_gate(k->lx, k->ly, 0, GATE_MARGIN);

		if (g < 0)
			g = in_gate(k->kf.x[0], k->kf.x[1], 0, 0);
		if (g < 0 && end_exits)
			g = nearest_exit(k->lx, k->ly);
		if (k->confirmed && g >= 0)
			emit_exit(k, g, tlast);
	}
	for (i = 0; i < ntrk; i++)
		free(trk[i].account);
	for (i = 0; i < nent; i++) {
		free(ent[i].gate);
		free(ent[i].account);
	}
	free(trk);
	free(ent);
	free(camlast);
	free(mo.box);
	free(mo.person);
	free(mo.hand);
	hands_free();
	meet_free();
	wo_in_close(in);
	wo_store_free(st);
	return wo_close_out();
}
