/* main.c: wo-sim's options and the session directory it writes. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static const char usage[] =
    "wo-sim -o SESSION [-e] [-b SECONDS] [-D DIFFICULTY] [-d SECONDS]\n"
    "       [-f jpg | png] [-g WIDTHxHEIGHT] [-j JOBS] [-n SHOPPERS]\n"
    "       [-q QUALITY] [-r FPS] [-s SEED]\n"
    "       [-p small | large | -S STORE.json]\n"
    "wo-sim --play SESSION [--serial PTY] [--http ADDR:PORT] [--speed X]";

enum { O_PLAY = WO_OPT_FIRST_FREE, O_SERIAL, O_HTTP, O_SPEED };

static const struct option longopts[] = {
	WO_COMMON_LONGOPTS,
	{ "output", required_argument, NULL, 'o' },
	{ "seed", required_argument, NULL, 's' },
	{ "shoppers", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'd' },
	{ "preset", required_argument, NULL, 'p' },
	{ "store", required_argument, NULL, 'S' },
	{ "difficulty", required_argument, NULL, 'D' },
	{ "every-case", no_argument, NULL, 'e' },
	{ "blur", required_argument, NULL, 'b' },
	{ "fps", required_argument, NULL, 'r' },
	{ "size", required_argument, NULL, 'g' },
	{ "format", required_argument, NULL, 'f' },
	{ "quality", required_argument, NULL, 'q' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "play", required_argument, NULL, O_PLAY },
	{ "serial", required_argument, NULL, O_SERIAL },
	{ "http", required_argument, NULL, O_HTTP },
	{ "speed", required_argument, NULL, O_SPEED },
	{ NULL, 0, NULL, 0 },
};

/* Room for the labels of the most objects a frame draws. */
#define LABMAX (1 << 17)

static char *dir;

static char *
path(const char *fmt, ...)
{
	static __thread char buf[4096];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s/", dir);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	return buf;
}

static void
mkdirp(const char *p)
{
	if (mkdir(p, 0777) == -1 && errno != EEXIST)
		wo_die(1, "%s:", p);
}

static FILE *
create(const char *name)
{
	FILE *fp = fopen(path("%s", name), "w");

	if (fp == NULL)
		wo_die(1, "%s:", path("%s", name));
	return fp;
}

static void
finish(FILE *fp, const char *name)
{
	if (fflush(fp) == EOF || ferror(fp) || fclose(fp) == EOF)
		wo_die(1, "%s:", path("%s", name));
}

/* Compact JSON with the lib's precision, so times keep their milliseconds. */
static void
line(FILE *fp, json_t *o)
{
	json_dumpf(o, fp, JSON_COMPACT | JSON_REAL_PRECISION(15));
	fputc('\n', fp);
	json_decref(o);
}

static double
mm(double x)
{
	return round(x * 1000.0) / 1000.0;
}

static void
write_store(struct sim *s)
{
	FILE *fp = create("store.json");

	if (json_dumpf(s->storejson, fp, JSON_INDENT(2) |
	    JSON_REAL_PRECISION(12)) == -1)
		wo_die(1, "%s: cannot write", path("store.json"));
	fputc('\n', fp);
	finish(fp, "store.json");
}

static void
write_people(struct sim *s)
{
	FILE *fe = create("entries.ndjson"), *fa = create("accounts.json");
	json_t *acc = json_object();
	const struct wo_gate *g = NULL;
	size_t i;

	for (i = 0; i < s->st->ngates && g == NULL; i++)
		if (s->st->gates[i].entry)
			g = &s->st->gates[i];
	for (i = 0; i < s->nsh; i++) {
		const struct shopper *p = &s->sh[i];

		line(fe, json_pack("{s:s,s:f,s:s,s:s}", "type", "entry", "ts",
		    ms(s->t0 + p->tin), "gate", g->id, "account", p->account));
		json_object_set_new(acc, p->account, json_pack("{s:s,s:s,s:s}",
		    "customer", p->customer, "payment_method", p->pm,
		    "email", p->email));
	}
	json_dumpf(acc, fa, JSON_INDENT(2));
	fputc('\n', fa);
	json_decref(acc);
	finish(fe, "entries.ndjson");
	finish(fa, "accounts.json");
}

/* truth/: every pick and put-back, the receipts, the true tracks. */
static void
write_truth(struct sim *s)
{
	FILE *fe = create("truth/events.ndjson");
	FILE *fr = create("truth/receipts.ndjson");
	FILE *ft = create("truth/tracks.ndjson");
	size_t i, j, nitems = s->st->nitems;
	long k, nfr = (long)ceil(s->dur * s->fps - 1e-9);
	int *qty = wo_calloc(nitems, sizeof(int)), u[64], n, m;
	double *g = wo_calloc(nitems, sizeof(double));

	for (i = 0; i < s->nch; i++) {
		const struct shopper *p = &s->sh[s->ch[i].shopper];
		const struct reach *r = &p->r[s->ch[i].reach];
		int sign = r->kind == R_TAKE ? 1 : -1;

		memset(qty, 0, nitems * sizeof(int));
		memset(g, 0, nitems * sizeof(double));
		for (m = 0; m < r->nunits; m++) {
			const struct unit *un = &s->units[r->units[m]];

			qty[un->item]++;
			g[un->item] += un->g;
		}
		/* A take of a misplaced unit and those below: a line a sku. */
		for (j = 0; j < nitems; j++) {
			json_t *o;

			if (qty[j] == 0)
				continue;
			o = json_pack("{s:f,s:s,s:o,s:s,s:i,s:f,s:[f,f]}", "ts",
			    ms(s->t0 + s->ch[i].t), "account", p->account,
			    "plate", r->plate < 0 ? json_null() :
			    json_string(s->st->plates[r->plate].id),
			    "sku", s->st->items[j].sku, "qty", sign * qty[j],
			    "g", round(g[j] * 10) / 10, "touch",
			    ms(s->t0 + r->t1), ms(s->t0 + r->t2));
			if (r->kind == R_DROP) {
				json_object_set_new(o, "x",
				    json_real(mm(r->tx)));
				json_object_set_new(o, "y",
				    json_real(mm(r->ty)));
			}
			if (r->hc >= 0)
				json_object_set_new(o, "case",
				    json_string(hc_names[r->hc]));
			line(fe, o);
		}
	}
	for (i = 0; i < s->nsh; i++) {
		const struct shopper *p = &s->sh[i];
		json_t *items = json_array();

		memset(qty, 0, nitems * sizeof(int));
		n = carried(s, p, p->tout, u, 64);
		for (m = 0; m < n; m++)
			qty[s->units[u[m]].item]++;
		for (j = 0; j < nitems; j++)
			if (qty[j] > 0)
				json_array_append_new(items,
				    json_pack("{s:s,s:i}", "sku",
				    s->st->items[j].sku, "qty", qty[j]));
		line(fr, json_pack("{s:s,s:o,s:f,s:f}", "account", p->account,
		    "items", items, "entry", ms(s->t0 + p->tin), "exit",
		    ms(s->t0 + p->tout)));
	}
	for (k = 0; k < nfr; k++) {
		double t = k / s->fps, x, y, f;

		for (i = 0; i < s->nsh; i++) {
			const struct shopper *p = &s->sh[i];
			double hx[2], hy[2];
			int busy, inhand, c[16], nc;
			json_t *o, *hs;

			if (t < p->tin || t > p->tout)
				continue;
			pose(p, t, &x, &y, &f);
			o = json_pack("{s:f,s:s,s:f,s:f}", "ts", ms(s->t0 + t),
			    "account", p->account, "x", mm(x), "y", mm(y));
			/* The hands the cameras can see, where they are. */
			shown_hands(s, p, t, hx, hy, &busy, &inhand, c, &nc);
			hs = json_array();
			for (j = 0; j < 2; j++)
				if (!isnan(hx[j]))
					json_array_append_new(hs, json_pack(
					    "{s:f,s:f}", "x", mm(hx[j]), "y",
					    mm(hy[j])));
			if (json_array_size(hs) > 0)
				json_object_set_new(o, "hands", hs);
			else
				json_decref(hs);
			line(ft, o);
		}
	}
	free(qty);
	free(g);
	finish(fe, "truth/events.ndjson");
	finish(fr, "truth/receipts.ndjson");
	finish(ft, "truth/tracks.ndjson");
}

struct work {
	struct sim	*s;
	pthread_mutex_t	 mu;
	long		 next, total, nfr;
	int		 failed;
	char		 why[4200];
};

/* A worker renders whole frames; each depends on its time alone. */
static void *
worker(void *arg)
{
	struct work *w = arg;
	struct sim *s = w->s;
	size_t nc = s->st->ncams, c;
	struct cambuf **cb = wo_calloc(nc, sizeof(*cb));
	const struct wo_cam *cam;
	unsigned char *rgb = NULL;
	char *lab = wo_malloc(LABMAX);
	size_t cap = 0;
	long i;

	for (c = 0; c < nc; c++) {
		cb[c] = cam_new(s, (int)c);
		cam = &s->st->cams[c];
		if ((size_t)cam->width * cam->height * 3 > cap)
			cap = (size_t)cam->width * cam->height * 3;
	}
	rgb = wo_malloc(cap);
	for (;;) {
		long long t;
		char *p;
		FILE *fp;
		int ok;

		pthread_mutex_lock(&w->mu);
		i = w->failed ? w->total : w->next++;
		pthread_mutex_unlock(&w->mu);
		if (i >= w->total)
			break;
		c = (size_t)(i % (long)nc);
		cam = &s->st->cams[c];
		t = llround((s->t0 + (i / (long)nc) / s->fps) * 1000);
		render(s, cb[c], (i / (long)nc) / s->fps, rgb, lab, LABMAX);
		p = path("cams/%s/%lld.%s", cam->id, t, s->png ? "png" : "jpg");
		ok = s->png ? write_png(p, rgb, cam->width, cam->height) :
		    write_jpeg(p, rgb, cam->width, cam->height, s->quality);
		if (ok) {
			p = path("truth/labels/%s/%lld.txt", cam->id, t);
			ok = (fp = fopen(p, "w")) != NULL;
			if (ok) {
				fputs(lab, fp);
				ok = fclose(fp) == 0;
			}
		}
		pthread_mutex_lock(&w->mu);
		if (!ok && !w->failed) {
			w->failed = 1;
			snprintf(w->why, sizeof(w->why), "%s: %s", p,
			    strerror(errno));
		}
		if (isatty(2) && i % 50 == 0)
			fprintf(stderr, "\r%s: frame %ld of %ld", wo_prog,
			    i / (long)nc, w->nfr);
		pthread_mutex_unlock(&w->mu);
	}
	for (c = 0; c < nc; c++)
		cam_free(cb[c]);
	free(cb);
	free(rgb);
	free(lab);
	return NULL;
}

static void
write_frames(struct sim *s)
{
	struct work w;
	pthread_t *th = wo_calloc(s->jobs, sizeof(*th));
	int i;

	memset(&w, 0, sizeof(w));
	w.s = s;
	pthread_mutex_init(&w.mu, NULL);
	w.nfr = (long)ceil(s->dur * s->fps - 1e-9);
	w.total = w.nfr * (long)s->st->ncams;
	for (i = 0; i < s->jobs; i++)
		if ((errno = pthread_create(&th[i], NULL, worker, &w)) != 0)
			wo_die(1, "thread:");
	for (i = 0; i < s->jobs; i++)
		pthread_join(th[i], NULL);
	if (isatty(2))
		fprintf(stderr, "\r%s: %ld frames%20s\n", wo_prog, w.nfr, "");
	pthread_mutex_destroy(&w.mu);
	free(th);
	if (w.failed)
		wo_die(1, "%s", w.why);
}

/* The session directory must be new or empty: wo-sim never mixes sessions. */
static void
make_dirs(struct sim *s)
{
	DIR *d;
	struct dirent *e;
	size_t i;

	if (mkdir(dir, 0777) == -1) {
		if (errno != EEXIST)
			wo_die(1, "%s:", dir);
		if ((d = opendir(dir)) == NULL)
			wo_die(1, "%s:", dir);
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)
				wo_die(1, "%s: directory not empty", dir);
		closedir(d);
	}
	mkdirp(path("cams"));
	mkdirp(path("truth"));
	mkdirp(path("truth/labels"));
	for (i = 0; i < s->st->ncams; i++) {
		mkdirp(path("cams/%s", s->st->cams[i].id));
		mkdirp(path("truth/labels/%s", s->st->cams[i].id));
	}
}

static void
size_arg(const char *a, int *w, int *h)
{
	char buf[64], *x;

	snprintf(buf, sizeof(buf), "%s", a);
	if ((x = strchr(buf, 'x')) == NULL)
		wo_die(2, "size %s: invalid", a);
	*x = '\0';
	*w = (int)wo_strtonum(buf, 32, 4096, "width");
	*h = (int)wo_strtonum(x + 1, 32, 4096, "height");
}

/*
 * wo-sim plays a store: shoppers walk in, take things, put some back and
 * leave, and it writes what the store's cameras, scales and gate saw, as
 * a session, with the truth beside it.
 */
int
main(int argc, char *argv[])
{
	struct sim s;
	const char *preset = "small", *storefile = NULL, *playdir = NULL;
	const char *serial = NULL, *http = NULL;
	char err[512];
	double speed = 1.0;
	int c, w = 320, h = 240, kinds = 0;
	size_t i;

	wo_init(argv[0]);
	memset(&s, 0, sizeof(s));
	s.seed = 1;
	s.nshop = 3;
	s.dur = 30;
	s.fps = 10;
	s.difficulty = 0.3;
	s.quality = 85;
	s.jobs = 1;
	s.exposure = 0.04;
	while ((c = getopt_long(argc, argv, "b:o:s:n:d:p:S:D:er:g:f:q:j:h",
	    longopts, NULL)) != -1) {
		if (wo_common_opt(c, usage))
			continue;
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 's':
			s.seed = (uint64_t)wo_strtonum(optarg, 0, 4294967295LL,
			    "seed");
			break;
		case 'n':
			s.nshop = (int)wo_strtonum(optarg, 1, 500, "shoppers");
			break;
		case 'd':
			s.dur = wo_strtod(optarg, 1, 86400, "duration");
			break;
		case 'p':
			preset = optarg;
			storefile = NULL;
			break;
		case 'S':
			storefile = optarg;
			break;
		case 'D':
			s.difficulty = wo_strtod(optarg, 0, 1, "difficulty");
			break;
		case 'e':
			s.every = 1;
			break;
		case 'b':
			s.exposure = wo_strtod(optarg, 0, 1, "blur");
			break;
		case 'r':
			s.fps = wo_strtod(optarg, 0.1, 60, "fps");
			break;
		case 'g':
			size_arg(optarg, &w, &h);
			break;
		case 'f':
			if (strcmp(optarg, "jpg") != 0 &&
			    strcmp(optarg, "png") != 0)
				wo_die(2, "format %s: not jpg or png", optarg);
			s.png = strcmp(optarg, "png") == 0;
			break;
		case 'q':
			s.quality = (int)wo_strtonum(optarg, 1, 100, "quality");
			break;
		case 'j':
			s.jobs = (int)wo_strtonum(optarg, 1, 64, "jobs");
			break;
		case O_PLAY:
			playdir = optarg;
			break;
		case O_SERIAL:
			serial = optarg;
			break;
		case O_HTTP:
			http = optarg;
			break;
		case O_SPEED:
			speed = wo_strtod(optarg, 0.01, 100, "speed");
			break;
		default:
			wo_usage(usage);
		}
	}
	if (optind != argc)
		wo_usage(usage);
	if (playdir != NULL) {
		if (dir != NULL)
			wo_usage(usage);
		return play(playdir, serial, http, speed);
	}
	if (dir == NULL || serial != NULL || http != NULL)
		wo_usage(usage);
	if (storefile != NULL) {
		if ((s.st = wo_store_read(storefile, err, sizeof(err))) == NULL)
			wo_die(1, "%s", err);
	} else {
		json_t *root = store_preset(preset, w, h);

		if (root == NULL)
			wo_die(2, "preset %s: not small or large", preset);
		if ((s.st = wo_store_parse(root, "preset", err,
		    sizeof(err))) == NULL)
			wo_die(1, "%s", err);
		json_decref(root);
	}
	s.storejson = s.st->json;
	for (i = 0; i < s.st->ngates; i++)
		kinds |= s.st->gates[i].entry ? 1 : 2;
	if (kinds != 3)
		wo_die(1, "%s: the store needs an entry and an exit gate",
		    storefile != NULL ? storefile : preset);
	/* A fixed epoch from the seed keeps the file names the same bytes. */
	s.t0 = 1780000000.0 + (double)(s.seed % 100000) * 1000.0;
	store_setup(&s);
	plan(&s);
	if (s.every)
		for (c = 0; c < HC_N; c++)
			if (s.ncases[c] == 0)
				wo_warn("%s: case %s not staged: too few "
				    "shoppers or seconds", dir, hc_names[c]);
	if (s.crowded > 0)
		wo_warn("%s: %d walks found no way to keep %.1f m from "
		    "everyone", dir, s.crowded, GAP);
	for (i = 0, c = 0; i < s.nsh; i++)
		c += s.sh[i].tout > s.dur;
	if (c > 0)
		wo_warn("%s: %d of %d shoppers still in the store at the end",
		    dir, c, s.nshop);
	make_dirs(&s);
	write_store(&s);
	write_people(&s);
	{
		FILE *fp = create("scales.log");

		write_scales(&s, fp);
		finish(fp, "scales.log");
	}
	write_truth(&s);
	write_frames(&s);
	plan_free(&s);
	store_free(&s);
	wo_store_free(s.st);
	return wo_close_out();
}
