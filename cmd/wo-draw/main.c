/* main.c: wo-draw, what the system saw and decided drawn onto the camera frames. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "draw.h"

static const char usage[] =
    "wo-draw -s STORE.json -o DIR [-j] [-b FROM] [-e TO] [-c CAM]\n"
    "    [-C FRAMEDIR] [-l SECONDS] [-m MAP.png] [-V VISIT] [-z SCALE]\n"
    "    [--strict]";

#define PAD_S	1.0	/* s of frames kept before a visit's weight change */

struct opts {
	const char	*store, *dir, *framedir, *map, *visit, *froms, *tos;
	double		 from, to, ahead;
	int		 jpeg, k;
	char		*cams;		/* per camera of the store: drawn */
	int		 anycam;
};

struct window {
	double	 from, to;
};

static struct opts o;
static struct scene sc;		/* what the pending frames may still need */
static struct scene hist;	/* everything, for the map */
static struct frame *q;		/* frames waiting for later events */
static size_t nq, capq;
static struct window *win;	/* the visit's cart lines, widened */
static size_t nwin, capwin;
static FILE *idx;
static long ndrawn;

static void *
grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	return wo_realloc(p, *cap * size);
}

static void
mkdirs(const char *path)
{
	char buf[4096], *p;

	if (strlen(path) >= sizeof(buf))
		wo_die(1, "%s: name too long", path);
	strcpy(buf, path);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		int end = *p == '\0';

		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			wo_die(1, "%s:", buf);
		if (end)
			break;
		*p = '/';
	}
}

static void
parse_args(int argc, char *argv[])
{
	static const struct option longopts[] = {
		WO_COMMON_LONGOPTS,
		{ "store", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "jpeg", no_argument, NULL, 'j' },
		{ "from", required_argument, NULL, 'b' },
		{ "to", required_argument, NULL, 'e' },
		{ "cam", required_argument, NULL, 'c' },
		{ "frames", required_argument, NULL, 'C' },
		{ "lookahead", required_argument, NULL, 'l' },
		{ "map", required_argument, NULL, 'm' },
		{ "visit", required_argument, NULL, 'V' },
		{ "scale", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cam[64];
	int c, i, n = 0, ncam = 0;

	o.from = -INFINITY;
	o.to = INFINITY;
	o.ahead = 20;
	o.k = 2;
	while ((c = getopt_long(argc, argv, "hs:o:jb:e:c:C:l:m:V:z:", longopts,
	    NULL)) != -1) {
		if (wo_common_opt(c, usage))
			continue;
		switch (c) {
		case 's': o.store = optarg; break;
		case 'o': o.dir = optarg; break;
		case 'j': o.jpeg = 1; break;
		case 'b':
			o.from = wo_strtod(optarg, 0, 1e12, "time");
			o.froms = optarg;
			break;
		case 'e':
			o.to = wo_strtod(optarg, 0, 1e12, "time");
			o.tos = optarg;
			break;
		case 'c':
			if (ncam == (int)(sizeof(cam) / sizeof(cam[0])))
				wo_die(2, "too many cameras");
			cam[ncam++] = optarg;
			break;
		case 'C': o.framedir = optarg; break;
		case 'l': o.ahead = wo_strtod(optarg, 0, 3600, "lookahead"); break;
		case 'm': o.map = optarg; break;
		case 'V': o.visit = optarg; break;
		case 'z': o.k = (int)wo_strtonum(optarg, 1, 8, "scale"); break;
		default: wo_usage(usage);
		}
	}
	if (optind != argc || o.store == NULL || o.dir == NULL)
		wo_usage(usage);
	if (o.from > o.to)
		wo_die(2, "time window: %s is after %s", o.froms, o.tos);
	sc.st = hist.st = wo_store_load(o.store);
	sc.k = hist.k = o.k;
	o.cams = wo_calloc(sc.st->ncams ? sc.st->ncams : 1, 1);
	for (i = 0; i < ncam; i++) {
		if ((c = wo_store_cam(sc.st, cam[i])) < 0)
			wo_die(2, "camera %s is not in %s", cam[i], o.store);
		o.cams[c] = 1;
		n++;
	}
	o.anycam = n == 0;
}

static void
free_frame(struct frame *f)
{
	int i;

	for (i = 0; i < f->nb; i++)
		free(f->b[i].cls);
	free(f->b);
	free(f->path);
	free(f->file);
}

/* The boxes of a frame event; 0 when one is malformed (reported). */
static int
read_boxes(const struct wo_ev *ev, struct frame *f)
{
	static const char *num[] = { "conf", "x", "y", "w", "h" };
	json_t *a = json_object_get(ev->obj, "objects"), *b, *v;
	double d[5];
	size_t i, j;

	if (a == NULL || json_is_null(a))
		return 1;
	if (!json_is_array(a)) {
		wo_evbad(ev, "frame event: objects is not an array");
		return 0;
	}
	f->b = wo_calloc(json_array_size(a) + 1, sizeof(*f->b));
	json_array_foreach(a, i, b) {
		v = json_object_get(b, "class");
		if (!json_is_string(v)) {
			wo_evbad(ev, "frame event: objects[%zu] has no class", i);
			return 0;
		}
		for (j = 0; j < 5; j++) {
			v = json_object_get(b, num[j]);
			if (!json_is_number(v) ||
			    !isfinite(d[j] = json_number_value(v))) {
				wo_evbad(ev, "frame event: objects[%zu] has no %s",
				    i, num[j]);
				return 0;
			}
		}
		f->b[f->nb].cls = wo_strdup(json_string_value(
		    json_object_get(b, "class")));
		f->b[f->nb].conf = d[0];
		f->b[f->nb].x = d[1];
		f->b[f->nb].y = d[2];
		f->b[f->nb].w = d[3];
		f->b[f->nb].h = d[4];
		f->nb++;
	}
	return 1;
}

static void
on_frame(const struct wo_ev *ev)
{
	struct frame f;
	const char *cam, *path;

	if (!wo_need_str(ev, "cam", &cam) || !wo_need_str(ev, "path", &path))
		return;
	memset(&f, 0, sizeof(f));
	if ((f.cam = wo_store_cam(sc.st, cam)) < 0) {
		wo_evbad(ev, "frame event: camera %s is not in the store", cam);
		return;
	}
	if (!read_boxes(ev, &f)) {
		free_frame(&f);
		return;
	}
	if ((!o.anycam && !o.cams[f.cam]) || ev->ts < o.from || ev->ts > o.to) {
		free_frame(&f);
		return;
	}
	f.ts = ev->ts;
	f.path = wo_strdup(path);
	f.file = wo_strdup(ev->file);
	f.line = ev->line;
	q = grow(q, &capq, nq, sizeof(*q));
	q[nq++] = f;
}

static void
add_sample(struct scene *s, const struct sample *x)
{
	struct sample *d;

	s->s = grow(s->s, &s->caps, s->ns, sizeof(*s->s));
	d = &s->s[s->ns++];
	*d = *x;
	d->account = x->account ? wo_strdup(x->account) : NULL;
}

static void
on_track(const struct wo_ev *ev)
{
	struct sample x;
	json_t *a, *h, *hx, *hy;
	const char *acct;
	size_t i;

	memset(&x, 0, sizeof(x));
	if (!wo_need_int(ev, "track", &x.track) || !wo_need_num(ev, "x", &x.x) ||
	    !wo_need_num(ev, "y", &x.y))
		return;
	a = json_object_get(ev->obj, "hands");
	if (a != NULL && !json_is_null(a) && !json_is_array(a)) {
		wo_evbad(ev, "track event: hands is not an array");
		return;
	}
	json_array_foreach(a, i, h) {
		hx = json_object_get(h, "x");
		hy = json_object_get(h, "y");
		if (!json_is_number(hx) || !json_is_number(hy)) {
			wo_evbad(ev, "track event: hands[%zu] has no x and y", i);
			return;
		}
		/* More than two hands a person is the tracker's error: shown. */
		if (x.nh < HANDS_MAX) {
			x.hx[x.nh] = json_number_value(hx);
			x.hy[x.nh++] = json_number_value(hy);
		}
	}
	x.ts = ev->ts;
	acct = wo_str(ev, "account");
	x.account = (char *)acct;
	add_sample(&sc, &x);
	if (o.map != NULL)
		add_sample(&hist, &x);
}

static void
on_weight(const struct wo_ev *ev)
{
	struct change c;
	const char *plate;

	if (!wo_need_str(ev, "plate", &plate) ||
	    !wo_need_num(ev, "delta_g", &c.delta_g))
		return;
	if ((c.plate = wo_store_plate(sc.st, plate)) < 0) {
		wo_evbad(ev, "weight event: plate %s is not in the store", plate);
		return;
	}
	if (!wo_num(ev, "t0", &c.t0) || c.t0 > ev->ts)
		c.t0 = ev->ts;
	c.ts = ev->ts;
	sc.c = grow(sc.c, &sc.capc, sc.nc, sizeof(*sc.c));
	sc.c[sc.nc++] = c;
}

static void
add_spot(struct scene *s, const struct spot *f)
{
	s->f = grow(s->f, &s->capf, s->nf, sizeof(*s->f));
	s->f[s->nf++] = *f;
}

/* A floor event: the items wo-track saw lying on the floor at that moment. */
static void
on_floor(const struct wo_ev *ev)
{
	struct spot f;
	json_t *a, *it, *x, *y, *cf;
	size_t i;

	a = json_object_get(ev->obj, "items");
	if (!json_is_array(a)) {
		wo_evbad(ev, "floor event: items is not an array");
		return;
	}
	/* All checked first: a bad item drops the event, not half of it. */
	json_array_foreach(a, i, it) {
		x = json_object_get(it, "x");
		y = json_object_get(it, "y");
		if (!json_is_number(x) || !json_is_number(y)) {
			wo_evbad(ev, "floor event: items[%zu] has no x and y",
			    i);
			return;
		}
	}
	json_array_foreach(a, i, it) {
		f.ts = ev->ts;
		f.x = json_number_value(json_object_get(it, "x"));
		f.y = json_number_value(json_object_get(it, "y"));
		cf = json_object_get(it, "conf");
		f.conf = json_is_number(cf) ? json_number_value(cf) : 1;
		add_spot(&sc, &f);
		if (o.map != NULL)
			add_spot(&hist, &f);
	}
}

static void
add_line(struct scene *s, const struct line *l)
{
	struct line *d;

	s->l = grow(s->l, &s->capl, s->nl, sizeof(*s->l));
	d = &s->l[s->nl++];
	*d = *l;
	d->sku = wo_strdup(l->sku);
	d->id = wo_strdup(l->id);
	d->visit = wo_strdup(l->visit);
	d->account = l->account ? wo_strdup(l->account) : NULL;
}

/*
 * A cart line is drawn from the start of the weight change behind it; its
 * visit is its "visit" field, or its id up to the '#'.
 */
static void
on_cart(const struct wo_ev *ev)
{
	struct line l;
	const char *plate, *id, *visit, *p;
	char idbuf[64], vbuf[256];
	json_t *ew, *t0, *tr;

	memset(&l, 0, sizeof(l));
	if (!wo_need_str(ev, "plate", &plate) ||
	    !wo_need_str(ev, "sku", (const char **)&l.sku) ||
	    !wo_need_int(ev, "qty", &l.qty))
		return;
	if ((l.plate = wo_store_plate(sc.st, plate)) < 0) {
		wo_evbad(ev, "cart event: plate %s is not in the store", plate);
		return;
	}
	l.account = (char *)wo_str(ev, "account");
	if (!wo_num(ev, "conf", &l.conf))
		l.conf = 1;
	if ((id = wo_str(ev, "id")) == NULL) {
		snprintf(idbuf, sizeof(idbuf), "%s@%.3f", plate, ev->ts);
		id = idbuf;
	}
	if ((visit = wo_str(ev, "visit")) == NULL) {
		p = strchr(id, '#');
		snprintf(vbuf, sizeof(vbuf), "%.*s", p ? (int)(p - id) : 0, id);
		visit = vbuf;
	}
	ew = json_object_get(json_object_get(ev->obj, "evidence"), "weight");
	t0 = json_object_get(ew, "t0");
	l.ts = ev->ts;
	l.t0 = json_is_number(t0) && json_number_value(t0) <= ev->ts ?
	    json_number_value(t0) : ev->ts;
	tr = json_object_get(ev->obj, "track");
	if (!json_is_integer(tr))
		tr = json_object_get(json_object_get(ev->obj, "evidence"),
		    "track");
	l.track = json_is_integer(tr) ? json_integer_value(tr) : -1;
	l.id = (char *)id;
	l.visit = (char *)visit;
	add_line(&sc, &l);
	if (o.map != NULL)
		add_line(&hist, &l);
	if (o.visit != NULL && strcmp(visit, o.visit) == 0) {
		win = grow(win, &capwin, nwin, sizeof(*win));
		win[nwin].from = l.t0 - PAD_S;
		win[nwin++].to = l.ts + CAPTION_S;
	}
}

static int
wanted(const struct frame *f)
{
	size_t i;

	if (o.visit == NULL)
		return 1;
	for (i = 0; i < nwin; i++)
		if (f->ts >= win[i].from && f->ts <= win[i].to)
			return 1;
	return 0;
}

static void
draw(const struct frame *f)
{
	const char *cam = sc.st->cams[f->cam].id;
	char path[4096], out[4096], name[512], err[512];
	struct img im;
	json_t *rec, *plates, *lines;

	if (!wanted(f))
		return;
	if (o.framedir != NULL && f->path[0] != '/')
		snprintf(path, sizeof(path), "%s/%s", o.framedir, f->path);
	else
		snprintf(path, sizeof(path), "%s", f->path);
	if (!img_read(path, &im, err, sizeof(err))) {
		wo_bad(f->file, f->line, "%s", err);
		return;
	}
	plates = json_array();
	lines = json_array();
	scene_draw(&sc, f, &im, plates, lines);
	snprintf(name, sizeof(name), "%s/%lld.%s", cam, llround(f->ts * 1000),
	    o.jpeg ? "jpg" : "png");
	snprintf(out, sizeof(out), "%s/%s", o.dir, cam);
	mkdirs(out);
	snprintf(out, sizeof(out), "%s/%s", o.dir, name);
	if (!img_write(out, &im, o.jpeg, err, sizeof(err)))
		wo_die(1, "%s", err);
	img_free(&im);
	rec = json_pack("{s:f,s:s,s:s,s:s,s:o,s:o}", "ts", f->ts, "cam", cam,
	    "file", name, "frame", f->path, "plates", plates, "lines", lines);
	wo_write_to(idx, rec);
	json_decref(rec);
	if (isatty(STDERR_FILENO) && ++ndrawn % 10 == 0)
		fprintf(stderr, "\rwo-draw: %ld frames drawn", ndrawn);
}

/* Drops what no pending frame can show any more. */
static void
prune(double now)
{
	double oldest = nq > 0 ? q[0].ts : now;
	size_t i, n;

	for (i = n = 0; i < sc.ns; i++)
		if (sc.s[i].ts >= oldest - TRAIL_S - STALE_S)
			sc.s[n++] = sc.s[i];
		else
			free(sc.s[i].account);
	sc.ns = n;
	for (i = n = 0; i < sc.nc; i++)
		if (sc.c[i].ts + GLOW_S >= oldest)
			sc.c[n++] = sc.c[i];
	sc.nc = n;
	for (i = n = 0; i < sc.nl; i++)
		if (sc.l[i].ts + CAPTION_S >= oldest)
			sc.l[n++] = sc.l[i];
		else {
			free(sc.l[i].sku);
			free(sc.l[i].id);
			free(sc.l[i].visit);
			free(sc.l[i].account);
		}
	sc.nl = n;
	for (i = n = 0; i < sc.nf; i++)
		if (sc.f[i].ts + STALE_S >= oldest)
			sc.f[n++] = sc.f[i];
	sc.nf = n;
}

/* Frames wait until the stream is o.ahead seconds past them. */
static void
drain(double now)
{
	size_t i = 0;

	while (i < nq && q[i].ts + o.ahead < now) {
		draw(&q[i]);
		free_frame(&q[i]);
		i++;
	}
	if (i > 0) {
		memmove(q, q + i, (nq - i) * sizeof(*q));
		nq -= i;
	}
	prune(now);
}

static void
free_scene(struct scene *s)
{
	size_t i;

	for (i = 0; i < s->ns; i++)
		free(s->s[i].account);
	for (i = 0; i < s->nl; i++) {
		free(s->l[i].sku);
		free(s->l[i].id);
		free(s->l[i].visit);
		free(s->l[i].account);
	}
	free(s->s);
	free(s->c);
	free(s->l);
	free(s->f);
}

/*
 * wo-draw: passes every event through unchanged and, once the stream has
 * gone o.ahead seconds past a frame event, draws onto that frame the boxes
 * of the detector, the tracks and their hands, the items lying on the
 * floor, the plates whose weight changes, and the cart lines, into
 * DIR/CAM/MS.png with an index.
 */
int
main(int argc, char *argv[])
{
	struct wo_in *in;
	struct wo_ev ev;
	struct img im;
	char buf[4096], err[512];

	wo_init(argv[0]);
	parse_args(argc, argv);
	mkdirs(o.dir);
	snprintf(buf, sizeof(buf), "%s/index.ndjson", o.dir);
	if ((idx = fopen(buf, "w")) == NULL)
		wo_die(1, "%s:", buf);
	in = wo_in_open("-");
	while (wo_read(in, &ev)) {
		if (strcmp(ev.type, "frame") == 0)
			on_frame(&ev);
		else if (strcmp(ev.type, "track") == 0)
			on_track(&ev);
		else if (strcmp(ev.type, "weight") == 0)
			on_weight(&ev);
		else if (strcmp(ev.type, "cart") == 0)
			on_cart(&ev);
		else if (strcmp(ev.type, "floor") == 0)
			on_floor(&ev);
		wo_pass(&ev);
		drain(ev.ts);
		wo_ev_free(&ev);
	}
	wo_in_close(in);
	drain(INFINITY);
	if (isatty(STDERR_FILENO) && ndrawn > 0)
		fprintf(stderr, "\rwo-draw: %ld frames drawn\n", ndrawn);
	if (fclose(idx) != 0)
		wo_die(1, "%s/index.ndjson:", o.dir);
	if (o.map != NULL) {
		scene_map(&hist, o.visit, &im);
		if (!img_write(o.map, &im, 0, err, sizeof(err)))
			wo_die(1, "%s", err);
		img_free(&im);
	}
	free_scene(&sc);
	free_scene(&hist);
	free(q);
	free(win);
	free(o.cams);
	wo_store_free((struct wo_store *)sc.st);
	return wo_close_out();
}
