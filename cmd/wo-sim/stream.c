/* stream.c: --play, a recorded session played live: scales, cameras, gate. */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

struct msg {
	double	 ts;
	char	*text;		/* what goes out, with its newline */
	int	 entry;		/* 1: standard output, 0: the serial line */
};

struct frame {
	double	 ts;
	char	*path;
};

struct feed {
	char		*id;
	struct frame	*f;
	size_t		 n;
};

static struct feed *feeds;
static size_t nfeeds;
static double start_ts, speed_x;
static struct timespec start_wall;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int clients;

static int
msgcmp(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int
framecmp(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* Sleeps until session time ts comes round on the played clock. */
static void
wait_for(double ts)
{
	double d = (ts - start_ts) / speed_x;
	struct timespec t = start_wall;

	if (d <= 0)
		return;
	t.tv_sec += (time_t)d;
	t.tv_nsec += (long)((d - floor(d)) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) ==
	    EINTR)
		;
}

static double
now_ts(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return start_ts + ((t.tv_sec - start_wall.tv_sec) +
	    (t.tv_nsec - start_wall.tv_nsec) / 1e9) * speed_x;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n = -1;

	if (fp == NULL || fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1)
		wo_die(1, "%s:", path);
	buf = wo_malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		wo_die(1, "%s:", path);
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/*
 * The scale lines lose their time stamp, as a controller sends
 * "<plate> <grams>"; a line garbled past reading keeps the time of the
 * line before it and goes out as it is, garbled.
 */
static void
load_lines(const char *path, int entry, struct msg **m, size_t *n,
    size_t *cap)
{
	size_t len;
	char *buf = slurp(path, &len), *p, *nl, *end;
	double ts, prev = 0;

	for (p = buf; p < buf + len; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = buf + len;
		*nl = '\0';
		if (*p == '\0')
			continue;
		if (entry) {
			json_t *o = json_loads(p, 0, NULL);

			ts = o != NULL ? json_number_value(json_object_get(o,
			    "ts")) : prev;
			json_decref(o);
		} else {
			ts = strtod(p, &end);
			if (end != p && *end == ' ' && ts > 0)
				p = end + 1;
			else
				ts = prev;
		}
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 4096;
			*m = wo_realloc(*m, *cap * sizeof(**m));
		}
		(*m)[*n].ts = ts;
		(*m)[*n].entry = entry;
		(*m)[*n].text = wo_malloc(strlen(p) + 2);
		snprintf((*m)[*n].text, strlen(p) + 2, "%s\n", p);
		(*n)++;
		prev = ts;
	}
	free(buf);
}

static void
load_frames(const char *session, const struct wo_cam *cam, struct feed *fd)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;
	size_t cap = 0;

	snprintf(dir, sizeof(dir), "%s/cams/%s", session, cam->id);
	fd->id = cam->id;
	if ((d = opendir(dir)) == NULL)
		wo_die(1, "%s:", dir);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		char p[4600];

		if (l < 5 || strcmp(e->d_name + l - 4, ".jpg") != 0)
			continue;
		if (fd->n == cap) {
			cap = cap ? 2 * cap : 256;
			fd->f = wo_realloc(fd->f, cap * sizeof(*fd->f));
		}
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		fd->f[fd->n].ts = strtod(e->d_name, NULL) / 1000.0;
		fd->f[fd->n].path = wo_strdup(p);
		fd->n++;
	}
	closedir(d);
	if (fd->n == 0)
		wo_die(1, "%s: no JPEG frames to serve", dir);
	qsort(fd->f, fd->n, sizeof(*fd->f), framecmp);
}

static int
send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return 0;
		}
		p += w;
		n -= (size_t)w;
	}
	return 1;
}

/*
 * One client: GET /CAM.mjpg is the camera's MJPEG stream from now on,
 * as IP cameras and ffmpeg's mpjpeg muxer serve it; GET /CAM.jpg is the
 * frame of this moment; anything else is 404.
 */
static void *
client(void *arg)
{
	int fd = (int)(intptr_t)arg, ok = 1;
	char req[2048], hdr[256], *sp;
	ssize_t n;
	size_t i, len, k, got = 0;
	struct feed *f = NULL;

	while (got < sizeof(req) - 1 && strstr(req, "\r\n\r\n") == NULL) {
		if ((n = recv(fd, req + got, sizeof(req) - 1 - got, 0)) <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
	}
	req[got] = '\0';
	if (strncmp(req, "GET /", 5) == 0 &&
	    (sp = strchr(req + 5, ' ')) != NULL)
		*sp = '\0';
	else
		req[0] = '\0';
	for (i = 0; i < nfeeds && req[0] != '\0'; i++) {
		len = strlen(feeds[i].id);
		if (strncmp(req + 5, feeds[i].id, len) == 0 &&
		    (strcmp(req + 5 + len, ".mjpg") == 0 ||
		    strcmp(req + 5 + len, ".jpg") == 0))
			f = &feeds[i];
	}
	if (f == NULL) {
		const char *r = "HTTP/1.0 404 Not Found\r\n"
		    "Content-Type: text/plain\r\n\r\nno such camera\n";

		send_all(fd, r, strlen(r));
	} else {
		int still = strcmp(req + strlen(req) - 4, ".jpg") == 0;
		double t = now_ts();

		/* Start at the frame being shown now. */
		for (k = 0; k + 1 < f->n && f->f[k + 1].ts <= t; k++)
			;
		snprintf(hdr, sizeof(hdr), still ?
		    "HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\r\n\r\n" :
		    "HTTP/1.0 200 OK\r\n"
		    "Content-Type: multipart/x-mixed-replace;boundary=wosim\r\n"
		    "Cache-Control: no-cache\r\n\r\n");
		ok = send_all(fd, hdr, strlen(hdr));
		for (; ok && k < f->n; k++) {
			char *img = slurp(f->f[k].path, &len);

			wait_for(f->f[k].ts);
			snprintf(hdr, sizeof(hdr), "--wosim\r\n"
			    "Content-Type: image/jpeg\r\n"
			    "Content-Length: %zu\r\n"
			    "X-Timestamp: %.3f\r\n\r\n", len, f->f[k].ts);
			ok = (still || send_all(fd, hdr, strlen(hdr))) &&
			    send_all(fd, img, len) &&
			    (still || send_all(fd, "\r\n", 2));
			free(img);
			if (still)
				break;
		}
	}
	close(fd);
	pthread_mutex_lock(&mu);
	clients--;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *
server(void *arg)
{
	int ls = (int)(intptr_t)arg, fd;
	pthread_t th;

	for (;;) {
		if ((fd = accept(ls, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		pthread_mutex_lock(&mu);
		clients++;
		pthread_mutex_unlock(&mu);
		if (pthread_create(&th, NULL, client,
		    (void *)(intptr_t)fd) != 0) {
			close(fd);
			pthread_mutex_lock(&mu);
			clients--;
			pthread_mutex_unlock(&mu);
			continue;
		}
		pthread_detach(th);
	}
}

static int
listen_on(const char *addr)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	char host[64], *colon;
	int fd, one = 1;

	snprintf(host, sizeof(host), "%s", addr);
	if ((colon = strrchr(host, ':')) == NULL)
		wo_die(2, "http %s: not ADDR:PORT", addr);
	*colon = '\0';
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)wo_strtonum(colon + 1, 0, 65535,
	    "port"));
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		wo_die(2, "http %s: not a numeric IPv4 address", addr);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		wo_die(1, "socket:");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fd, 16) == -1)
		wo_die(1, "%s:", addr);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	/* Port 0 picks a free port; tests need to know which. */
	fprintf(stderr, "%s: serving http://%s:%d/\n", wo_prog, host,
	    ntohs(sa.sin_port));
	return fd;
}

static int
open_serial(const char *path)
{
	struct termios tio;
	int fd;

	if ((fd = open(path, O_WRONLY | O_NOCTTY)) == -1)
		wo_die(1, "%s:", path);
	/* A controller talks raw 8N1; a pseudo-terminal takes the same. */
	if (isatty(fd) && tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		cfsetospeed(&tio, B115200);
		cfsetispeed(&tio, B115200);
		tcsetattr(fd, TCSANOW, &tio);
	}
	return fd;
}

/*
 * Plays SESSION on the clock: the scale lines to the serial device, the
 * cameras over HTTP, the entry events on standard output, each when its
 * time comes, speed times as fast as recorded.
 */
int
play(const char *session, const char *serial, const char *http, double speed)
{
	struct wo_store *st;
	struct msg *m = NULL;
	size_t n = 0, cap = 0, i;
	char p[4096];
	int sfd = -1, ls = -1;
	pthread_t th;
	double last = 0;

	snprintf(p, sizeof(p), "%s/store.json", session);
	st = wo_store_load(p);
	snprintf(p, sizeof(p), "%s/entries.ndjson", session);
	load_lines(p, 1, &m, &n, &cap);
	if (serial != NULL) {
		snprintf(p, sizeof(p), "%s/scales.log", session);
		load_lines(p, 0, &m, &n, &cap);
		sfd = open_serial(serial);
	}
	qsort(m, n, sizeof(*m), msgcmp);
	start_ts = n > 0 ? m[0].ts : 0;
	if (http != NULL) {
		nfeeds = st->ncams;
		feeds = wo_calloc(nfeeds ? nfeeds : 1, sizeof(*feeds));
		for (i = 0; i < nfeeds; i++) {
			load_frames(session, &st->cams[i], &feeds[i]);
			if (n == 0 || feeds[i].f[0].ts < start_ts)
				start_ts = feeds[i].f[0].ts;
			if (feeds[i].f[feeds[i].n - 1].ts > last)
				last = feeds[i].f[feeds[i].n - 1].ts;
		}
		ls = listen_on(http);
	}
	speed_x = speed;
	clock_gettime(CLOCK_MONOTONIC, &start_wall);
	if (ls != -1 && pthread_create(&th, NULL, server,
	    (void *)(intptr_t)ls) != 0)
		wo_die(1, "thread:");
	for (i = 0; i < n; i++) {
		wait_for(m[i].ts);
		if (m[i].entry) {
			fputs(m[i].text, stdout);
			fflush(stdout);
		} else if (write(sfd, m[i].text, strlen(m[i].text)) == -1)
			wo_die(1, "%s:", serial);
		free(m[i].text);
	}
	free(m);
	if (sfd != -1) {
		tcdrain(sfd);
		close(sfd);
	}
	if (ls != -1) {
		/* The streams end with the last frame; let them finish. */
		wait_for(last);
		pthread_mutex_lock(&mu);
		while (clients > 0)
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
	}
	wo_store_free(st);
	return wo_close_out();
}
