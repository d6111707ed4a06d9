/* wo-detect: annotate frame events with the objects a Darknet YOLO finds. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"
#include "detect.h"

#ifndef WO_MODEL_DIR
#define WO_MODEL_DIR "models"
#endif

static const char usage[] =
    "wo-detect [--darknet-kernels] [--strict] [--stats] [-j workers]\n"
    "[-m modeldir] [-n nms] [-t thresh] [file ...]";

enum { OPT_STATS = WO_OPT_FIRST_FREE, OPT_DARKNET_KERNELS };

enum { WAITING, TAKEN, DONE };

/*
 * One event on its way through: every event read gets a slot, in input
 * order, so that output keeps that order however the workers finish.
 */
struct job {
	struct wo_ev	 ev;
	int		 state;
	int		 drop;		/* malformed: reported, not passed on */
	char		 err[512];	/* reported when the job is written */
	json_t		*objs;		/* set: the event is written with it */
};

/* Seconds spent in each stage, added up over the workers. */
enum { T_DECODE, T_RESIZE, T_NET, T_NMS, T_JSON, NT };
static const char *tname[NT] = { "decode", "resize", "network", "nms", "json" };

static struct {
	struct model	 m;
	float		 thresh, nms;
	struct job	*ring;
	int		 cap, head, count;
	int		 eof;
	int		 darknet_kernels;	/* --darknet-kernels */
	int		 strict;	/* --strict, kept from libwo: see main */
	int		 stop;		/* --strict met bad input, or stdout failed */
	int		 outerr;	/* errno of the failed write, or 0 */
	pthread_mutex_t	 mu;
	pthread_cond_t	 work, space;
	double		 t[NT];
	long		 frames;
} g = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.space = PTHREAD_COND_INITIALIZER,
};

static double
round_to(double v, double unit)
{
	return round(v / unit) * unit;
}

static void
out(const char *s, size_t len)
{
	if (g.stop)
		return;
	if (fwrite(s, 1, len, stdout) != len || putc('\n', stdout) == EOF ||
	    fflush(stdout) == EOF) {
		g.outerr = errno;
		g.stop = 1;
	}
}

/*
 * Writes every finished job at the head of the ring, reporting its error
 * first; called with g.mu held.  After --strict met bad input nothing
 * more is written, but the ring still empties.
 */
static void
drain(void)
{
	struct job *j;
	char *s;

	while (g.count > 0 && (j = &g.ring[g.head])->state == DONE) {
		if (j->err[0] != '\0' && !g.stop) {
			wo_evbad(&j->ev, "%s", j->err);
			if (g.strict)
				g.stop = 1;
		}
		if (j->objs != NULL) {
			json_object_set_new(j->ev.obj, "objects", j->objs);
			j->objs = NULL;
			s = wo_dumps(j->ev.obj);
			out(s, strlen(s));
			free(s);
		} else if (!j->drop)
			out(j->ev.raw, j->ev.rawlen);
		wo_ev_free(&j->ev);
		g.head = (g.head + 1) % g.cap;
		g.count--;
		pthread_cond_broadcast(&g.space);
	}
}

static json_t *
objects_json(const struct obj *o, int n)
{
	json_t *a = json_array(), *b;
	int i;

	for (i = 0; i < n; i++) {
		b = json_object();
		json_object_set_new(b, "class", json_string(g.m.names[o[i].cls]));
		json_object_set_new(b, "conf", json_real(round_to(o[i].conf, 0.001)));
		json_object_set_new(b, "x", json_real(round_to(o[i].x, 0.1)));
		json_object_set_new(b, "y", json_real(round_to(o[i].y, 0.1)));
		json_object_set_new(b, "w", json_real(round_to(o[i].w, 0.1)));
		json_object_set_new(b, "h", json_real(round_to(o[i].h, 0.1)));
		json_array_append_new(a, b);
	}
	return a;
}

struct worker {
	pthread_t	 tid;
	struct net	*net;
	struct img	 im;
	float		*tmp;
	size_t		 tmpcap;
	double		 t[NT];
	long		 frames;
};

static void
detect(struct worker *w, struct job *j)
{
	const char *path = json_string_value(json_object_get(j->ev.obj, "path"));
	struct obj *objs;
	double t0, t1;
	size_t need;
	int n;

	t0 = mono();
	if (!dec_file(path, &w->im, j->err, sizeof(j->err)))
		return;
	t1 = mono();
	w->t[T_DECODE] += t1 - t0;
	need = letterbox_tmp(w->im.h, g.m.w);
	if (need > w->tmpcap) {
		free(w->tmp);
		w->tmp = wo_malloc(need * sizeof(float));
		w->tmpcap = need;
	}
	letterbox(&w->im, net_input(w->net), g.m.w, g.m.h, w->tmp);
	w->t[T_RESIZE] += mono() - t1;
	n = net_detect(w->net, w->im.w, w->im.h, g.thresh, g.nms, &objs,
	    &w->t[T_NET], &w->t[T_NMS]);
	t0 = mono();
	j->objs = objects_json(objs, n);
	w->t[T_JSON] += mono() - t0;
	w->frames++;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct job *j;
	int k;

	pthread_mutex_lock(&g.mu);
	for (;;) {
		j = NULL;
		/* The ring is a few slots per worker: a scan costs nothing. */
		for (k = 0; k < g.count && j == NULL; k++)
			if (g.ring[(g.head + k) % g.cap].state == WAITING)
				j = &g.ring[(g.head + k) % g.cap];
		if (j == NULL) {
			if (g.eof)
				break;
			pthread_cond_wait(&g.work, &g.mu);
			continue;
		}
		j->state = TAKEN;
		pthread_mutex_unlock(&g.mu);
		if (!g.stop)
			detect(w, j);
		pthread_mutex_lock(&g.mu);
		j->state = DONE;
		drain();
	}
	pthread_mutex_unlock(&g.mu);
	return NULL;
}

/* A frame event needs a path; other events pass untouched. */
static void
admit(struct job *j)
{
	json_t *p;

	j->state = DONE;
	if (strcmp(j->ev.type, "frame") != 0)
		return;
	p = json_object_get(j->ev.obj, "path");
	if (p == NULL || json_is_null(p)) {
		snprintf(j->err, sizeof(j->err), "frame event has no path");
		j->drop = 1;
	} else if (!json_is_string(p)) {
		snprintf(j->err, sizeof(j->err),
		    "frame event: path is not a string");
		j->drop = 1;
	} else
		j->state = WAITING;
}

/*
 * Reads lines rather than wo_read's events so that a line that is no
 * event takes its place in the ring too: every message then comes out in
 * input order, whichever worker is quick.
 */
static void
run(struct wo_in *in)
{
	struct job *j;
	char *line;
	size_t len;
	long nbad;

	for (;;) {
		nbad = wo_nbad;
		if (wo_in_line(in, &line, &len, 0) != 1)
			break;
		if (wo_nbad > nbad && g.strict) {
			g.stop = 1;
			break;
		}
		if (wo_blank(line, len))
			continue;
		pthread_mutex_lock(&g.mu);
		while (g.count == g.cap)
			pthread_cond_wait(&g.space, &g.mu);
		if (g.stop) {
			pthread_mutex_unlock(&g.mu);
			break;
		}
		j = &g.ring[(g.head + g.count) % g.cap];
		memset(j, 0, sizeof(*j));
		if (wo_parse(line, len, &j->ev, j->err, sizeof(j->err))) {
			j->ev.raw = wo_malloc(len + 1);
			memcpy(j->ev.raw, line, len + 1);
			j->ev.rawlen = len;
			admit(j);
		} else {
			j->drop = 1;
			j->state = DONE;
		}
		j->ev.file = in->name;
		j->ev.line = in->line;
		g.count++;
		if (j->state == WAITING)
			pthread_cond_signal(&g.work);
		drain();
		pthread_mutex_unlock(&g.mu);
	}
	/* The jobs point at in's name: let them out before it is closed. */
	pthread_mutex_lock(&g.mu);
	while (g.count > 0)
		pthread_cond_wait(&g.space, &g.mu);
	pthread_mutex_unlock(&g.mu);
}

static void
stats(struct worker *w, int nw)
{
	double total = 0;
	int i, k;

	for (i = 0; i < nw; i++) {
		g.frames += w[i].frames;
		for (k = 0; k < NT; k++)
			g.t[k] += w[i].t[k];
	}
	for (k = 0; k < NT; k++)
		total += g.t[k];
	fprintf(stderr, "%s: %ld frames, %d workers, network %dx%d\n",
	    wo_prog, g.frames, nw, g.m.w, g.m.h);
	for (k = 0; k < NT; k++)
		fprintf(stderr, "%s: %-8s %8.3f ms/frame %5.1f%%\n", wo_prog,
		    tname[k], g.frames ? 1e3 * g.t[k] / g.frames : 0.0,
		    total > 0 ? 100 * g.t[k] / total : 0.0);
	fprintf(stderr, "%s: kernels  %s, %ld calls ran here\n", wo_prog,
	    g.darknet_kernels ? "Darknet's" : "wo-detect's (OpenBLAS)",
	    kernels_calls());
}

/*
 * Reads events from the files (or standard input), runs the model on the
 * image of each frame event with a pool of workers, each with its own copy
 * of the network, and writes the events in input order, frames with an
 * "objects" array.
 */
int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		WO_COMMON_LONGOPTS,
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "darknet-kernels", no_argument, NULL, OPT_DARKNET_KERNELS },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL;
	struct worker *w;
	struct wo_in *in;
	long nw;
	int c, i, want_stats = 0;

	wo_init(argv[0]);
	json_object_seed(0);
	nw = sysconf(_SC_NPROCESSORS_ONLN);
	if (nw < 1)
		nw = 1;
	g.thresh = 0.25;
	g.nms = 0.45;
	while ((c = getopt_long(argc, argv, "hj:m:n:t:", longopts, NULL)) != -1) {
		if (wo_common_opt(c, usage))
			continue;
		switch (c) {
		case 'j':
			nw = wo_strtonum(optarg, 1, 256, "workers");
			break;
		case 'm':
			dir = optarg;
			break;
		case 'n':
			g.nms = wo_strtod(optarg, 0, 1, "nms");
			break;
		case 't':
			g.thresh = wo_strtod(optarg, 0, 1, "thresh");
			break;
		case OPT_STATS:
			want_stats = 1;
			break;
		case OPT_DARKNET_KERNELS:
			g.darknet_kernels = 1;
			break;
		default:
			wo_usage(usage);
		}
	}
	argc -= optind;
	argv += optind;
	/*
	 * libwo's wo_bad exits at once under --strict; here that would end
	 * the process while workers are inside Darknet, so the stop is ours.
	 */
	g.strict = wo_strict;
	wo_strict = 0;
	if (dir == NULL && (dir = getenv("WO_MODEL_DIR")) == NULL)
		dir = WO_MODEL_DIR;

	kernels_init(g.darknet_kernels);
	model_open(&g.m, dir);
	w = wo_calloc(nw, sizeof(*w));
	for (i = 0; i < nw; i++)
		w[i].net = net_load(&g.m);
	g.cap = 4 * nw + 4;
	g.ring = wo_calloc(g.cap, sizeof(*g.ring));
	for (i = 0; i < nw; i++)
		if ((errno = pthread_create(&w[i].tid, NULL, work, &w[i])) != 0)
			wo_die(1, "pthread_create:");

	if (argc == 0)
		argv[argc++] = "-";
	for (i = 0; i < argc && !g.stop; i++) {
		in = wo_in_open(argv[i]);
		run(in);
		wo_in_close(in);
	}

	pthread_mutex_lock(&g.mu);
	g.eof = 1;
	pthread_cond_broadcast(&g.work);
	pthread_mutex_unlock(&g.mu);
	for (i = 0; i < nw; i++)
		pthread_join(w[i].tid, NULL);
	if (want_stats)
		stats(w, nw);
	for (i = 0; i < nw; i++) {
		net_free(w[i].net);
		free(w[i].im.px);
		free(w[i].tmp);
	}
	free(w);
	free(g.ring);
	model_free(&g.m);
	if (g.outerr) {
		errno = g.outerr;
		wo_die(1, "<stdout>:");
	}
	wo_strict = g.strict;
	return wo_close_out();
}
