/* replay.c: a recorded session's frames and entries, one thread per camera, paced or not. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"
#include "capture.h"

struct rframe {
	long long	 ms;
	const char	*ext;		/* "jpg" or "png" */
};

struct rcam {
	char		*name, *dir;
	struct rframe	*f;
	size_t		 n;
	int		 fd;
	pthread_t	 th;
};

struct rentries {
	char		*path;
	int		 in;		/* entries.ndjson, or -1 */
	int		 fd;
	pthread_t	 th;
};

/*
 * What a paced source promises before it sleeps is a little less than the
 * time of its next event, since another source's event at the very same
 * time must wait for it: at equal times sources keep their order.
 */
#define TIE	0.0005

static struct rcam *cams;
static int ncams;
static struct rentries ent;
static double t0, t1, speed, base;

/* The wall clock at which an event recorded at ts is due. */
static double
due(double ts)
{
	return base + (ts - t0) / speed;
}

static int
by_ms(const void *a, const void *b)
{
	const struct rframe *x = a, *y = b;

	return x->ms < y->ms ? -1 : x->ms > y->ms;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Frame files are named by their whole milliseconds: "1763769600123.jpg". */
static void
list_frames(struct rcam *c)
{
	struct dirent *e;
	const char *p;
	size_t cap = 0;
	long long ms;
	DIR *d;

	if ((d = opendir(c->dir)) == NULL)
		wo_die(1, "%s:", c->dir);
	while ((e = readdir(d)) != NULL) {
		ms = 0;
		for (p = e->d_name; *p >= '0' && *p <= '9' && ms < (1LL << 50);
		    p++)
			ms = ms * 10 + (*p - '0');
		if (p == e->d_name ||
		    (strcmp(p, ".jpg") != 0 && strcmp(p, ".png") != 0))
			continue;
		if (c->n == cap) {
			cap = cap ? cap * 2 : 256;
			c->f = wo_realloc(c->f, cap * sizeof(*c->f));
		}
		c->f[c->n].ms = ms;
		c->f[c->n].ext = p[1] == 'j' ? "jpg" : "png";
		c->n++;
	}
	closedir(d);
	if (c->n > 0)
		qsort(c->f, c->n, sizeof(*c->f), by_ms);
}

/* The frames of one camera within the window [t0, t1). */
static void
trim(struct rcam *c)
{
	size_t i, j = 0;

	for (i = 0; i < c->n; i++)
		if (c->f[i].ms / 1000.0 >= t0 && c->f[i].ms / 1000.0 < t1)
			c->f[j++] = c->f[i];
	c->n = j;
}

static int
read_file(const char *path, unsigned char **buf, size_t *cap, size_t *len)
{
	struct stat st;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto bad;
	if ((size_t)st.st_size + 1 > *cap) {
		*cap = st.st_size + 1;
		*buf = wo_realloc(*buf, *cap);
	}
	*len = 0;
	while (*len < *cap) {
		r = read(fd, *buf + *len, *cap - *len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto bad;
		if (r == 0)
			break;
		*len += r;
	}
	close(fd);
	return 0;
bad:
	close(fd);
	return -1;
}

static void *
cam_thread(void *arg)
{
	struct rcam *c = arg;
	unsigned char *buf = NULL;
	size_t cap = 0, len, i;
	char path[4096];
	const char *why;
	double ts;
	int w, h;

	for (i = 0; i < c->n && !stopping; i++) {
		ts = c->f[i].ms / 1000.0;
		if (speed > 0) {
			feed(c->fd, "P %.4f", ts - TIE);
			if (!sleep_until(due(ts), 0))
				break;
		}
		snprintf(path, sizeof(path), "%s/%lld.%s", c->dir, c->f[i].ms,
		    c->f[i].ext);
		if (read_file(path, &buf, &cap, &len) == -1)
			feed(c->fd, "B 0 %s\t%s", path, strerror(errno));
		else if (!frame_check(buf, len, &w, &h, &why))
			feed(c->fd, "B 0 %s\t%s", path, why);
		else
			feed(c->fd, "F %.3f %d %d %s %s", ts, w, h, c->name,
			    path);
	}
	free(buf);
	close(c->fd);
	return NULL;
}

/* The ts of an entries line, or NAN when the main thread must judge it. */
static double
line_ts(const char *line, size_t len)
{
	json_t *o, *ts;
	double v = NAN;

	if ((o = json_loadb(line, len, 0, NULL)) == NULL)
		return NAN;
	ts = json_object_get(o, "ts");
	if (json_is_number(ts))
		v = json_number_value(ts);
	json_decref(o);
	return v;
}

static int
entry_line(void *arg, long n, char *line, size_t len)
{
	double ts;

	if (!feed_entry(ent.fd, ent.path, n, line, len))
		return 1;
	/* Lines with no usable ts go on at once, to be reported. */
	ts = line_ts(line, len);
	if (!isnan(ts)) {
		if (ts < t0)
			return 1;
		if (ts >= t1)
			return 0;
		if (speed > 0) {
			feed(ent.fd, "P %.4f", ts - TIE);
			if (!sleep_until(due(ts), 0))
				return 0;
		}
	}
	feed(ent.fd, "L %ld %s", n, line);
	return 1;
}

static void *
entries_thread(void *arg)
{
	struct lsplit ls = { 0 };
	ssize_t r;

	while (!stopping && !ls.stop &&
	    (r = lines_read(&ls, ent.in, entry_line, NULL)) != 0)
		if (r == -1 && errno != EINTR) {
			feed(ent.fd, "B 0 %s\t%s", ent.path, strerror(errno));
			break;
		}
	lines_free(&ls);
	close(ent.in);
	close(ent.fd);
	return NULL;
}

static int
first_line(void *arg, long n, char *line, size_t len)
{
	double *ts = arg;

	if (line == NULL || isnan(*ts = line_ts(line, len))) {
		*ts = INFINITY;
		return 1;
	}
	return 0;
}

/* The first ts in the entries file, to find where the session starts. */
static double
first_entry(int fd)
{
	struct lsplit ls = { 0 };
	double ts = INFINITY;
	ssize_t r;

	while (!ls.stop && (r = lines_read(&ls, fd, first_line, &ts)) != 0)
		if (r == -1 && errno != EINTR)
			wo_die(1, "%s:", ent.path);
	lines_free(&ls);
	if (lseek(fd, 0, SEEK_SET) == -1)
		wo_die(1, "%s:", ent.path);
	return ts;
}

int
replay_start(const struct ropts *o, struct wo_src ***srcp)
{
	struct wo_src **src;
	struct dirent *e;
	char *dir, **names = NULL;
	size_t nnames = 0, cap = 0;
	double start = INFINITY, first;
	int i, j, nsrc = 0, rd;
	DIR *d;

	speed = o->speed;
	dir = wo_malloc(strlen(o->session) + 6);
	sprintf(dir, "%s/cams", o->session);
	if ((d = opendir(dir)) == NULL)
		wo_die(1, "%s:", dir);
	while ((e = readdir(d)) != NULL) {
		if (!cam_name_ok(e->d_name) || (e->d_type != DT_DIR &&
		    e->d_type != DT_LNK && e->d_type != DT_UNKNOWN))
			continue;
		if (nnames == cap) {
			cap = cap ? cap * 2 : 16;
			names = wo_realloc(names, cap * sizeof(*names));
		}
		names[nnames++] = wo_strdup(e->d_name);
	}
	closedir(d);
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), by_name);
	for (i = 0; i < o->ncams; i++) {
		for (j = 0; j < (int)nnames; j++)
			if (strcmp(names[j], o->cams[i]) == 0)
				break;
		if (j == (int)nnames)
			wo_die(1, "%s: no camera %s", dir, o->cams[i]);
	}

	cams = wo_calloc(nnames, sizeof(*cams));
	for (j = 0; j < (int)nnames; j++) {
		struct rcam c = { 0 };

		c.name = names[j];
		c.dir = wo_malloc(strlen(dir) + strlen(names[j]) + 2);
		sprintf(c.dir, "%s/%s", dir, names[j]);
		list_frames(&c);
		/* The session starts with its first frame of any camera. */
		if (c.n > 0 && c.f[0].ms / 1000.0 < start)
			start = c.f[0].ms / 1000.0;
		for (i = 0; i < o->ncams; i++)
			if (strcmp(o->cams[i], names[j]) == 0)
				break;
		if (o->ncams > 0 && i == o->ncams) {
			free(c.name);
			free(c.dir);
			free(c.f);
			continue;
		}
		cams[ncams++] = c;
	}
	free(names);
	free(dir);

	ent.path = wo_malloc(strlen(o->session) + 16);
	sprintf(ent.path, "%s/entries.ndjson", o->session);
	if ((ent.in = open(ent.path, O_RDONLY | O_CLOEXEC)) == -1 &&
	    errno != ENOENT)
		wo_die(1, "%s:", ent.path);
	if (ent.in != -1 && (first = first_entry(ent.in)) < start)
		start = first;
	if (isinf(start))
		start = 0;
	t0 = start + o->from;
	t1 = o->to > 0 ? start + o->to : INFINITY;
	for (i = 0; i < ncams; i++)
		trim(&cams[i]);

	/*
	 * Entries first: at equal times a shopper enters, then is seen.
	 * Paced or not, the pipes are read as files, not live: a replay's
	 * times are not the wall clock's, and the promises ("P") of the
	 * threads let the merge read the source whose event is due next.
	 */
	src = wo_calloc(ncams + 1, sizeof(*src));
	base = wo_now();
	if (ent.in != -1) {
		ent.fd = new_pipe(&rd);
		src[nsrc++] = wo_src_new(ent.path, rd, 0, feeder_line,
		    NULL, ent.path);
		if ((errno = pthread_create(&ent.th, NULL, entries_thread,
		    NULL)) != 0)
			wo_die(1, "pthread_create:");
	}
	for (i = 0; i < ncams; i++) {
		cams[i].fd = new_pipe(&rd);
		src[nsrc++] = wo_src_new(cams[i].name, rd, 0, feeder_line,
		    NULL, cams[i].name);
		if ((errno = pthread_create(&cams[i].th, NULL, cam_thread,
		    &cams[i])) != 0)
			wo_die(1, "pthread_create:");
	}
	*srcp = src;
	return nsrc;
}

void
replay_wait(void)
{
	int i;

	if (ent.in != -1)
		pthread_join(ent.th, NULL);
	free(ent.path);
	for (i = 0; i < ncams; i++) {
		pthread_join(cams[i].th, NULL);
		free(cams[i].name);
		free(cams[i].dir);
		free(cams[i].f);
	}
	free(cams);
}
