/* live.c: cameras on the network or on a pipe, one thread each, frames into the spool. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wo.h"
#include "capture.h"

/* Reconnection waits double from the first to the last, in seconds. */
#define BACKOFF_MIN	0.25
#define BACKOFF_MAX	8.0

struct cam {
	const struct lcam *c;
	const char	*label;		/* its file or URL, for messages */
	int		 fd;		/* the pipe to the main thread */
	int		 in;		/* -m: the file or pipe read */
	pthread_t	 th;
	struct mjpeg	 mj;
	CURL		*curl;
	char		 cerr[CURL_ERROR_SIZE];
	char		 why[64];	/* why we broke a transfer off */
	unsigned char	*snap;		/* -s: the picture being fetched */
	size_t		 snaplen, snapcap;
	long long	 nframes;
	double		 next, backoff, downsince, now, lastdata;
	double		 last;		/* ts of the last event sent */
	int		 down, attempts, full, done;
	int		 fifo, got;	/* -m: a FIFO; bytes came */
};

static const struct lopts *opt;
static struct spool *spool;
static struct cam *cams;
static int ncams;
static pthread_mutex_t left_mu = PTHREAD_MUTEX_INITIALIZER;
static int left;		/* cameras still running */
static struct {
	int		 fd, in, fifo;
	pthread_t	 th;
} ent;

static int
cam_stop(struct cam *c)
{
	return stopping || c->done ||
	    (opt->deadline > 0 && wo_now() >= opt->deadline);
}

/*
 * The ts of an alert: to the millisecond like the frames, and never before
 * the camera's last event, since the merge takes each pipe to be in order.
 */
static double
stamp(struct cam *c, double t)
{
	t = floor(t * 1000) / 1000;
	if (t < c->last)
		t = c->last;
	return c->last = t;
}

/* A frame arrived whole: rate-limit, spool, and announce it. */
static void
got_frame(struct cam *c, const unsigned char *p, size_t n, int w, int h,
    const char *ext, double t0)
{
	char path[4096], msg[256];
	long long ms, dropped;
	double ts, iv;
	int alert;

	if (c->done)
		return;
	/*
	 * The rate limit keeps frames on a grid of 1/FPS, each the first
	 * within half an interval of its point: a camera at the very rate,
	 * with its jitter, loses none, and a faster one averages FPS.
	 */
	if (opt->fps > 0) {
		iv = 1 / opt->fps;
		if (c->nframes > 0 && t0 < c->next - iv / 2)
			return;
		c->next = c->nframes == 0 || t0 > c->next + iv / 2 ?
		    t0 + iv : c->next + iv;
	}
	ms = (long long)floor(t0 * 1000);
	ts = ms / 1000.0;
	if (spool_put(spool, c->c->name, &ms, ext, p, n, path, sizeof(path),
	    &alert, &dropped) == -1) {
		if (!c->full) {
			snprintf(msg, sizeof(msg), "camera %s: frame not "
			    "spooled: %s", c->c->name, strerror(errno));
			feed_alert(c->fd, stamp(c, ts), "spool-error",
			    c->c->name, msg,
			    "error", json_string(strerror(errno)), NULL);
		}
		c->full = 1;
	} else {
		c->full = 0;
		ts = c->last = ms / 1000.0;
		if (c->down) {
			snprintf(msg, sizeof(msg), "camera %s is back after "
			    "%.1f s", c->c->name, t0 - c->downsince);
			feed_alert(c->fd, ts, "camera-up", c->c->name, msg,
			    "down_s", json_real(wo_r3(t0 - c->downsince)),
			    "attempts", json_integer(c->attempts), NULL);
			c->down = 0;
		}
		feed(c->fd, "F %.3f %d %d %s %s", ts, w, h, c->c->name, path);
		c->backoff = BACKOFF_MIN;
		if (++c->nframes == opt->count)
			c->done = 1;
	}
	if (alert) {
		snprintf(msg, sizeof(msg), "spool full: oldest frames dropped, "
		    "%lld so far", dropped);
		feed_alert(c->fd, stamp(c, ts), "spool-full", c->c->name, msg,
		    "dropped", json_integer(dropped), NULL);
	}
	/* Whatever comes next began after the bytes just handled. */
	feed(c->fd, "P %.3f", c->now > ts ? c->now : ts);
}

static void
mj_frame(void *arg, const unsigned char *p, size_t n, int w, int h,
    double t0)
{
	got_frame(arg, p, n, w, h, "jpg", t0);
}

static void
bad_frame(struct cam *c, const char *why)
{
	char msg[512];

	feed(c->fd, "B 0 %s\t%s", c->label, why);
	snprintf(msg, sizeof(msg), "camera %s: frame skipped: %s",
	    c->c->name, why);
	feed_alert(c->fd, stamp(c, c->now), "bad-frame", c->c->name, msg,
	    NULL);
}

static void
mj_bad(void *arg, const char *why)
{
	bad_frame(arg, why);
}

/* Lost, or never there: say so once per outage, then wait before retrying. */
static int
lost(struct cam *c, const char *why)
{
	char msg[512];
	double now = wo_now();

	if (!c->down) {
		c->down = 1;
		c->downsince = now;
		c->attempts = 0;
		snprintf(msg, sizeof(msg), "camera %s lost: %s; reconnecting",
		    c->c->name, why);
		feed_alert(c->fd, stamp(c, now), "camera-down", c->c->name, msg,
		    "url", json_string(c->c->where), "error", json_string(why),
		    NULL);
	}
	c->attempts++;
	if (!sleep_until(now + c->backoff, opt->deadline))
		return 0;
	c->backoff *= 2;
	if (c->backoff > BACKOFF_MAX)
		c->backoff = BACKOFF_MAX;
	return !cam_stop(c);
}

static size_t
stream_data(char *p, size_t size, size_t n, void *arg)
{
	struct cam *c = arg;

	c->now = c->lastdata = wo_now();
	mjpeg_feed(&c->mj, p, n, c->now);
	return cam_stop(c) ? 0 : n;
}

static size_t
snap_data(char *p, size_t size, size_t n, void *arg)
{
	struct cam *c = arg;

	c->lastdata = wo_now();
	if (c->snaplen + n > c->snapcap) {
		while (c->snaplen + n > c->snapcap)
			c->snapcap = c->snapcap ? c->snapcap * 2 : 65536;
		c->snap = wo_realloc(c->snap, c->snapcap);
	}
	memcpy(c->snap + c->snaplen, p, n);
	c->snaplen += n;
	return n;
}

/*
 * Called at least once a second while a transfer lasts.  curl's own
 * low-speed limit averages over several seconds, too slow to notice a
 * camera gone quiet: silence is timed here from the last bytes.
 */
static int
progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct cam *c = arg;

	if (wo_now() - c->lastdata > opt->timeout) {
		snprintf(c->why, sizeof(c->why), "nothing received for %ld s",
		    opt->timeout);
		return 1;
	}
	return cam_stop(c);
}

static void
curl_setup(struct cam *c, curl_write_callback wr)
{
	if ((c->curl = curl_easy_init()) == NULL)
		wo_die(1, "curl_easy_init failed");
	curl_easy_setopt(c->curl, CURLOPT_URL, c->c->where);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, wr);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->cerr);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, opt->timeout);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT,
	    "wo-capture/" WO_VERSION);
}

static const char *
curl_why(struct cam *c, CURLcode rc)
{
	if (c->why[0] != '\0')
		return c->why;
	if (rc == CURLE_OK)
		return "the stream ended";
	return c->cerr[0] != '\0' ? c->cerr : curl_easy_strerror(rc);
}

/* -u: an MJPEG stream over HTTP, reconnected whenever it breaks. */
static void
run_stream(struct cam *c)
{
	CURLcode rc;

	curl_setup(c, stream_data);
	while (!cam_stop(c)) {
		c->cerr[0] = c->why[0] = '\0';
		c->lastdata = wo_now();
		rc = curl_easy_perform(c->curl);
		/* A frame we cut short ourselves is no camera's fault. */
		if (cam_stop(c))
			break;
		mjpeg_end(&c->mj);
		if (!lost(c, curl_why(c, rc)))
			break;
	}
	curl_easy_cleanup(c->curl);
}

/* -s: a still picture fetched at the frame rate. */
static void
run_snapshot(struct cam *c)
{
	const char *why;
	double next, interval = opt->fps > 0 ? 1 / opt->fps : 1;
	CURLcode rc;
	int w, h;

	curl_setup(c, snap_data);
	next = wo_now();
	while (!cam_stop(c)) {
		c->snaplen = 0;
		c->cerr[0] = c->why[0] = '\0';
		c->now = c->lastdata = wo_now();
		rc = curl_easy_perform(c->curl);
		if (cam_stop(c))
			break;
		if (rc != CURLE_OK) {
			if (!lost(c, curl_why(c, rc)))
				break;
			next = wo_now();
			continue;
		}
		if (frame_check(c->snap, c->snaplen, &w, &h, &why))
			got_frame(c, c->snap, c->snaplen, w, h,
			    c->snap[0] == 0xff ? "jpg" : "png", c->now);
		else
			bad_frame(c, why);
		next += interval;
		if (next < wo_now())
			next = wo_now();
		if (!sleep_until(next, opt->deadline))
			break;
	}
	curl_easy_cleanup(c->curl);
	free(c->snap);
}

/* -m: MJPEG from a file or a pipe, to its end. */
static void
run_file(struct cam *c)
{
	unsigned char buf[65536];
	struct pollfd pfd;
	ssize_t n;

	pfd.fd = c->in;
	pfd.events = POLLIN;
	while (!cam_stop(c)) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = read(c->in, buf, sizeof(buf))) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			feed(c->fd, "B 0 %s\t%s", c->label, strerror(errno));
			break;
		}
		if (n == 0 && c->fifo && !c->got) {
			/* No writer yet: a FIFO's end before any data. */
			sleep_until(wo_now() + 0.1, opt->deadline);
			continue;
		}
		if (n == 0)
			break;
		c->got = 1;
		c->now = wo_now();
		mjpeg_feed(&c->mj, buf, n, c->now);
	}
	if (!cam_stop(c))
		mjpeg_end(&c->mj);
	close(c->in);
}

static void *
cam_thread(void *arg)
{
	struct cam *c = arg;

	c->backoff = BACKOFF_MIN;
	c->mj.frame = mj_frame;
	c->mj.bad = mj_bad;
	c->mj.arg = c;
	feed(c->fd, "P %.3f", wo_now());
	switch (c->c->kind) {
	case 'm':
		run_file(c);
		break;
	case 'u':
		run_stream(c);
		break;
	default:
		run_snapshot(c);
		break;
	}
	mjpeg_free(&c->mj);
	close(c->fd);
	pthread_mutex_lock(&left_mu);
	left--;
	pthread_mutex_unlock(&left_mu);
	return NULL;
}

static int
cams_left(void)
{
	int n;

	pthread_mutex_lock(&left_mu);
	n = left;
	pthread_mutex_unlock(&left_mu);
	return n;
}

/*
 * The gate's entries, from a file or a FIFO.  A FIFO's writer may come
 * and go, so its end of file only means waiting for the next; the source
 * ends with the last camera.
 */
static int
entry_line(void *arg, long n, char *line, size_t len)
{
	if (feed_entry(ent.fd, opt->entries, n, line, len))
		feed(ent.fd, "L %ld %s", n, line);
	return 1;
}

static void *
entries_thread(void *arg)
{
	struct lsplit ls = { 0 };
	struct pollfd pfd;
	ssize_t r;

	pfd.fd = ent.in;
	pfd.events = POLLIN;
	while (!stopping && cams_left() > 0) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = lines_read(&ls, ent.in, entry_line, NULL);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == -1) {
			feed(ent.fd, "B 0 %s\t%s", opt->entries,
			    strerror(errno));
			break;
		}
		if (r == 0 && !ent.fifo)
			break;
		/* A FIFO without a writer polls as ended: wait for one. */
		if (r == 0)
			sleep_until(wo_now() + 0.1, 0);
	}
	/* Entries the gate wrote just before the stop are read, not lost;
	 * the FIFO is non-blocking, so this ends at the first empty read. */
	while (lines_read(&ls, ent.in, entry_line, NULL) > 0)
		;
	lines_free(&ls);
	close(ent.in);
	close(ent.fd);
	return NULL;
}

int
live_start(const struct lopts *o, struct wo_src ***srcp)
{
	struct wo_src **src;
	struct stat st;
	int i, rd, nsrc = 0;

	opt = o;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		wo_die(1, "curl_global_init failed");
	spool = spool_open(o->spool, o->spool_max);
	src = wo_calloc(o->ncams + 1, sizeof(*src));
	ncams = left = o->ncams;
	cams = wo_calloc(ncams, sizeof(*cams));
	for (i = 0; i < ncams; i++) {
		cams[i].c = &o->cams[i];
		cams[i].label = o->cams[i].where;
		cams[i].in = -1;
		if (o->cams[i].kind != 'm')
			continue;
		if (strcmp(o->cams[i].where, "-") == 0) {
			/* The tool's stdin carries JPEG, not events: hide it
			 * from the merge. */
			cams[i].label = "<stdin>";
			if ((cams[i].in = dup(0)) == -1)
				wo_die(1, "<stdin>:");
			if ((rd = open("/dev/null", O_RDONLY)) == -1 ||
			    dup2(rd, 0) == -1)
				wo_die(1, "/dev/null:");
			close(rd);
		} else if ((cams[i].in = open(o->cams[i].where,
		    O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
			wo_die(1, "%s:", o->cams[i].where);
		if (fstat(cams[i].in, &st) == -1)
			wo_die(1, "%s:", o->cams[i].where);
		/* A named FIFO's writer may come later; a pipe's cannot. */
		cams[i].fifo = S_ISFIFO(st.st_mode) &&
		    strcmp(o->cams[i].where, "-") != 0;
	}
	if (o->entries != NULL) {
		if ((ent.in = open(o->entries, O_RDONLY | O_CLOEXEC |
		    O_NONBLOCK)) == -1)
			wo_die(1, "%s:", o->entries);
		if (fstat(ent.in, &st) == -1)
			wo_die(1, "%s:", o->entries);
		ent.fifo = S_ISFIFO(st.st_mode);
		ent.fd = new_pipe(&rd);
		src[nsrc++] = wo_src_new(o->entries, rd, 1, feeder_line, NULL,
		    (void *)o->entries);
		if ((errno = pthread_create(&ent.th, NULL, entries_thread,
		    NULL)) != 0)
			wo_die(1, "pthread_create:");
	}
	for (i = 0; i < ncams; i++) {
		cams[i].fd = new_pipe(&rd);
		src[nsrc++] = wo_src_new(o->cams[i].name, rd, 1, feeder_line,
		    NULL, o->cams[i].name);
		if ((errno = pthread_create(&cams[i].th, NULL, cam_thread,
		    &cams[i])) != 0)
			wo_die(1, "pthread_create:");
	}
	*srcp = src;
	return nsrc;
}

void
live_wait(void)
{
	long long n;
	int i;

	for (i = 0; i < ncams; i++)
		pthread_join(cams[i].th, NULL);
	if (opt->entries != NULL)
		pthread_join(ent.th, NULL);
	if ((n = spool_dropped(spool)) > 0)
		wo_warn("%s: %lld frames dropped, oldest first, to keep the "
		    "spool within %lld bytes", opt->spool, n, opt->spool_max);
	spool_close(spool);
	free(cams);
	curl_global_cleanup();
}
