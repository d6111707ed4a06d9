/* main.c: wo-weigh's options, reading parser, plates and event output. */
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"
#include "weigh.h"

static const char usage[] =
    "wo-weigh [--raw] [-s STORE.json] [-t GRAMS] [--settle SECONDS]\n"
    "         [--settle-put SECONDS] [--hold SECONDS] [--noise GRAMS]\n"
    "         -r SESSION\n"
    "wo-weigh [--raw] [-s STORE.json] [-t GRAMS] [--settle SECONDS]\n"
    "         [--settle-put SECONDS] [--hold SECONDS] [--noise GRAMS]\n"
    "         [-b BAUD] [-l SECONDS] -p PORT [-p PORT ...]";

enum { OPT_RAW = WO_OPT_FIRST_FREE, OPT_SETTLE, OPT_PUT, OPT_HOLD, OPT_NOISE };

static const struct option longopts[] = {
	WO_COMMON_LONGOPTS,
	{ "baud", required_argument, NULL, 'b' },
	{ "lag", required_argument, NULL, 'l' },
	{ "port", required_argument, NULL, 'p' },
	{ "replay", required_argument, NULL, 'r' },
	{ "store", required_argument, NULL, 's' },
	{ "threshold", required_argument, NULL, 't' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "settle", required_argument, NULL, OPT_SETTLE },
	{ "settle-put", required_argument, NULL, OPT_PUT },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "noise", required_argument, NULL, OPT_NOISE },
	{ NULL, 0, NULL, 0 }
};

struct plate {
	char		*id;
	size_t		 idlen;
	struct settle	 st;
};

static struct {
	struct wo_store	*store;		/* NULL: plates are learnt as seen */
	struct settle_cfg cfg;		/* for plates without a known item */
	struct plate	*pl;
	size_t		 npl, cap;
	size_t		*tab;		/* plate index + 1 by hash of id; 0 free */
	size_t		 tabcap;	/* a power of two, over twice npl */
	int		 raw;
} w;

/* One source of readings: scales.log, or a port's reader. */
struct feed {
	char	*name;
	int	 live;
	double	 last;		/* the newest reading's ts */
	long	 nread, ngarbled, nspike;
};

/* FNV-1a: plate ids are short, and this is on every reading's path. */
static size_t
hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
tab_put(size_t i)
{
	size_t j = hash(w.pl[i].id, w.pl[i].idlen) & (w.tabcap - 1);

	while (w.tab[j] != 0)
		j = (j + 1) & (w.tabcap - 1);
	w.tab[j] = i + 1;
}

static struct plate *
plate_add(const char *id, size_t len, const struct settle_cfg *cfg)
{
	struct plate *p;
	size_t i;

	if (w.npl == w.cap) {
		w.cap = w.cap ? 2 * w.cap : 16;
		w.pl = wo_realloc(w.pl, w.cap * sizeof(*w.pl));
	}
	p = &w.pl[w.npl++];
	p->id = wo_malloc(len + 1);
	memcpy(p->id, id, len);
	p->id[len] = '\0';
	p->idlen = len;
	settle_init(&p->st, cfg);
	if (2 * w.npl > w.tabcap) {
		free(w.tab);
		w.tabcap = w.tabcap ? 2 * w.tabcap : 32;
		w.tab = wo_calloc(w.tabcap, sizeof(*w.tab));
		for (i = 0; i < w.npl; i++)
			tab_put(i);
	} else
		tab_put(w.npl - 1);
	return p;
}

/*
 * The plates of the store, each with its item's unit weight and spread:
 * the thresholds of its settle filter follow from them.
 */
static void
plates_from_store(void)
{
	struct settle_cfg cfg;
	struct wo_item *it;
	size_t i;

	for (i = 0; i < w.store->nplates; i++) {
		cfg = w.cfg;
		if (w.store->plates[i].item >= 0) {
			it = &w.store->items[w.store->plates[i].item];
			cfg.unit_g = it->unit_g;
			cfg.sd_g = it->sd_g;
		}
		plate_add(w.store->plates[i].id, strlen(w.store->plates[i].id),
		    &cfg);
	}
}

/* The plate of id; a new one when there is no store to say which exist. */
static struct plate *
plate_find(const char *id, size_t len)
{
	struct plate *p;
	size_t j;

	if (w.tabcap > 0)
		for (j = hash(id, len) & (w.tabcap - 1); w.tab[j] != 0;
		    j = (j + 1) & (w.tabcap - 1)) {
			p = &w.pl[w.tab[j] - 1];
			if (p->idlen == len && memcmp(p->id, id, len) == 0)
				return p;
		}
	if (w.store != NULL)
		return NULL;
	return plate_add(id, len, &w.cfg);
}

static double
round_to(double v, double unit)
{
	return round(v / unit) * unit;
}

static void
emit_weight(struct wo_src *s, const struct plate *p,
    const struct settle_ev *c)
{
	json_t *ev = wo_ev_new("weight", round_to(c->ts, 1e-3));
	json_t *tr, *g;
	int i;

	json_object_set_new(ev, "plate", json_string(p->id));
	json_object_set_new(ev, "delta_g", json_real(round_to(c->delta_g, 0.1)));
	json_object_set_new(ev, "g", json_real(round_to(c->g, 0.1)));
	json_object_set_new(ev, "t0", json_real(round_to(c->t0, 1e-3)));
	json_object_set_new(ev, "t1", json_real(round_to(c->t1, 1e-3)));
	json_object_set_new(ev, "n", json_integer(c->n));
	json_object_set_new(ev, "sd", json_real(round_to(c->sd, 0.01)));
	if (c->units != 0)
		json_object_set_new(ev, "units", json_integer(c->units));
	/* Last: the shape of the change, for splitting a merged one. */
	g = json_array();
	for (i = 0; i < c->ntrace; i++)
		json_array_append_new(g, json_real(round_to(c->trace[i], 0.1)));
	tr = json_object();
	json_object_set_new(tr, "t", json_real(round_to(c->trace_t, 1e-3)));
	json_object_set_new(tr, "dt", json_real(TRACE_DT));
	json_object_set_new(tr, "g", g);
	json_object_set_new(ev, "trace", tr);
	wo_src_emit(s, ev);
}

static void
emit_reading(struct wo_src *s, const struct plate *p, double ts, double g)
{
	json_t *ev = wo_ev_new("reading", ts);

	json_object_set_new(ev, "plate", json_string(p->id));
	json_object_set_new(ev, "g", json_real(g));
	wo_src_emit(s, ev);
}

/* "! <ts> <kind> <message>" from a port's reader: the port came or went. */
static void
port_alert(struct wo_src *s, struct feed *f, char *line)
{
	char *p, *kind;
	double ts;
	json_t *ev;

	ts = strtod(line + 1, &p);
	p += strspn(p, " ");
	kind = p;
	p += strcspn(p, " ");
	if (*p != '\0')
		*p++ = '\0';
	if (ts < f->last)
		ts = f->last;
	ev = wo_ev_new("alert", ts);
	json_object_set_new(ev, "kind", json_string(kind));
	json_object_set_new(ev, "port", json_string(f->name));
	json_object_set_new(ev, "message", json_string(p));
	wo_src_emit(s, ev);
	wo_warn("%s: %s: %s", f->name, kind, p);
}

/*
 * One reading, "<ts> <plate> <grams>", parsed by hand: this is the inner
 * loop, and a JSON parser here would cost most of the time.
 */
static void
reading(struct wo_src *s, char *line, size_t len, const char *file,
    long lineno, void *arg)
{
	struct feed *f = arg;
	struct settle_ev c;
	struct plate *p;
	const char *id;
	char *q, *e;
	double ts, g;
	long spikes;
	size_t idlen;

	q = line + strspn(line, " \t");
	if (*q == '\0')
		return;
	if (f->live && *q == '!') {
		port_alert(s, f, q);
		return;
	}
	f->nread++;
	ts = strtod(q, &e);
	if (e != q && *e == '\0') {
		f->ngarbled++;
		wo_bad(file, lineno, "garbled reading: no plate");
		return;
	}
	if (e == q || (*e != ' ' && *e != '\t') || !isfinite(ts)) {
		f->ngarbled++;
		wo_bad(file, lineno, "garbled reading: bad time");
		return;
	}
	id = e + strspn(e, " \t");
	idlen = strcspn(id, " \t");
	if (idlen == 0 || id[idlen] == '\0') {
		f->ngarbled++;
		wo_bad(file, lineno, "garbled reading: no %s",
		    idlen == 0 ? "plate" : "weight");
		return;
	}
	q = (char *)id + idlen;
	g = strtod(q, &e);
	if (e == q || !isfinite(g) || fabs(g) > 1e7) {
		f->ngarbled++;
		wo_bad(file, lineno, "garbled reading: bad weight");
		return;
	}
	e += strspn(e, " \t");
	if (*e != '\0') {
		f->ngarbled++;
		wo_bad(file, lineno, "garbled reading: trailing text");
		return;
	}
	if ((p = plate_find(id, idlen)) == NULL) {
		f->ngarbled++;
		wo_bad(file, lineno, "unknown plate \"%.*s\"", (int)idlen, id);
		return;
	}
	/* A port's stamps are the wall clock's, which may be stepped back. */
	if (f->live && ts < f->last)
		ts = f->last;
	if (ts < f->last) {
		f->ngarbled++;
		wo_bad(file, lineno, "reading older than the one before");
		return;
	}
	f->last = ts;
	if (w.raw)
		emit_reading(s, p, ts, g);
	spikes = p->st.nspike;
	if (settle_feed(&p->st, ts, g, &c))
		emit_weight(s, p, &c);
	f->nspike += p->st.nspike - spikes;
	wo_src_progress(s, ts);
}

/* The counts of what was rejected, once a source ends. */
static void
feed_end(struct wo_src *s, void *arg)
{
	struct feed *f = arg;

	if (f->ngarbled > 0 || f->nspike > 0)
		wo_warn("%s: readings %ld, garbled %ld, spikes rejected %ld",
		    f->name, f->nread, f->ngarbled, f->nspike);
}

static struct feed *
feed_new(const char *name, int live)
{
	struct feed *f = wo_calloc(1, sizeof(*f));

	f->name = wo_strdup(name);
	f->live = live;
	f->last = -INFINITY;
	return f;
}

/*
 * wo-weigh: turn shelf scale readings, replayed from a session's scales.log
 * or read live from scale controllers, into settled weight changes merged
 * in ts order into the events passing from stdin to stdout.
 */
int
main(int argc, char *argv[])
{
	struct wo_src **src;
	struct feed **feeds;
	struct port *port;
	char **ports = NULL, path[4096];
	const char *session = NULL, *storepath = NULL;
	double lag = 0.5;
	int c, fd, i, nports = 0, nsrc, baud = 9600;

	wo_init(argv[0]);
	w.cfg.min_g = 10;
	w.cfg.noise_g = 1;
	w.cfg.settle_s = 0.3;
	w.cfg.put_s = 1;
	w.cfg.hold_s = 1.5;
	while ((c = getopt_long(argc, argv, "hb:l:p:r:s:t:", longopts,
	    NULL)) != -1) {
		if (wo_common_opt(c, usage))
			continue;
		switch (c) {
		case 'b':
			baud = wo_strtonum(optarg, 50, 4000000, "baud rate");
			break;
		case 'l':
			lag = wo_strtod(optarg, 0, 60, "lag");
			break;
		case 'p':
			ports = wo_realloc(ports, (nports + 1) * sizeof(*ports));
			ports[nports++] = optarg;
			break;
		case 'r':
			session = optarg;
			break;
		case 's':
			storepath = optarg;
			break;
		case 't':
			w.cfg.min_g = wo_strtod(optarg, 0.1, 1e6, "threshold");
			break;
		case OPT_RAW:
			w.raw = 1;
			break;
		case OPT_SETTLE:
			w.cfg.settle_s = wo_strtod(optarg, 0, 60, "settle time");
			break;
		case OPT_PUT:
			w.cfg.put_s = wo_strtod(optarg, 0, 60, "put settle time");
			break;
		case OPT_HOLD:
			w.cfg.hold_s = wo_strtod(optarg, 0, 3600, "hold time");
			break;
		case OPT_NOISE:
			w.cfg.noise_g = wo_strtod(optarg, 0.01, 1e4, "noise");
			break;
		default:
			wo_usage(usage);
		}
	}
	if (optind != argc || (session == NULL) == (nports == 0))
		wo_usage(usage);

	if (session != NULL && storepath == NULL) {
		snprintf(path, sizeof(path), "%s/store.json", session);
		w.store = wo_store_load(path);
	} else if (storepath != NULL)
		w.store = wo_store_load(storepath);
	if (w.store != NULL)
		plates_from_store();

	nsrc = session != NULL ? 1 : nports;
	src = wo_calloc(nsrc, sizeof(*src));
	feeds = wo_calloc(nsrc, sizeof(*feeds));
	if (session != NULL) {
		snprintf(path, sizeof(path), "%s/scales.log", session);
		if ((fd = open(path, O_RDONLY)) == -1)
			wo_die(1, "%s:", path);
		feeds[0] = feed_new(path, 0);
		src[0] = wo_src_new(path, fd, 0, reading, feed_end, feeds[0]);
	}
	for (i = 0; i < nports; i++) {
		port = port_open(ports[i], baud);
		feeds[i] = feed_new(ports[i], 1);
		src[i] = wo_src_new(ports[i], port_fd(port), 1, reading,
		    feed_end, feeds[i]);
	}
	wo_merge(src, nsrc, lag);
	port_stop_all();

	for (i = 0; i < nsrc; i++) {
		free(feeds[i]->name);
		free(feeds[i]);
	}
	free(feeds);
	free(src);
	for (i = 0; i < (int)w.npl; i++)
		free(w.pl[i].id);
	free(w.pl);
	free(w.tab);
	free(ports);
	if (w.store != NULL)
		wo_store_free(w.store);
	return wo_close_out();
}
