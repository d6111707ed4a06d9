/* feed.c: the line protocol from the capture threads to the main thread, and sleeping. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wo.h"
#include "capture.h"

/* Atomic, not volatile: the threads read what the signal handler writes. */
atomic_int stopping;

static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			/* The main thread is gone: nobody to tell. */
			return;
		}
		p += w;
		n -= w;
	}
}

/* One whole line per write(2) call sequence; a pipe has one writer each. */
void
feed(int fd, const char *fmt, ...)
{
	char small[1024], *p = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small) - 1) {
		p = wo_malloc(n + 2);
		va_start(ap, fmt);
		vsnprintf(p, n + 1, fmt, ap);
		va_end(ap);
	}
	p[n++] = '\n';
	write_all(fd, p, n);
	if (p != small)
		free(p);
}

/* The extra fields come in pairs, a key and a json_t * it steals, to NULL. */
void
feed_alert(int fd, double ts, const char *kind, const char *cam,
    const char *msg, ...)
{
	json_t *o = json_object();
	const char *k;
	char *s;
	va_list ap;

	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "cam", json_string(cam));
	json_object_set_new(o, "message", json_string(msg));
	va_start(ap, msg);
	while ((k = va_arg(ap, const char *)) != NULL)
		json_object_set_new(o, k, va_arg(ap, json_t *));
	va_end(ap);
	if ((s = json_dumps(o, JSON_COMPACT)) != NULL) {
		feed(fd, "A %.3f %s", ts, s);
		free(s);
	}
	json_decref(o);
}

/* Short naps, so that a signal or the deadline is noticed soon. */
int
sleep_until(double t, double deadline)
{
	struct timespec ts;
	double now, d;

	for (;;) {
		if (stopping)
			return 0;
		now = wo_now();
		if (deadline > 0 && now >= deadline)
			return 0;
		if (now >= t)
			return 1;
		d = t - now;
		if (d > 0.1)
			d = 0.1;
		if (deadline > 0 && deadline - now < d)
			d = deadline - now;
		ts.tv_sec = (time_t)d;
		ts.tv_nsec = (long)((d - ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

ssize_t
lines_read(struct lsplit *ls, int fd, int (*fn)(void *, long, char *, size_t),
    void *arg)
{
	char *p, *nl;
	ssize_t r;
	size_t n;

	if (ls->cap - ls->len < 65536) {
		ls->cap = ls->len + 65536;
		ls->buf = wo_realloc(ls->buf, ls->cap);
	}
	if ((r = read(fd, ls->buf + ls->len, ls->cap - ls->len - 1)) == -1)
		return -1;
	if (r == 0) {
		/* The last line may lack its newline. */
		if (ls->len > 0 && !ls->skipping) {
			ls->buf[ls->len] = '\0';
			if (!fn(arg, ++ls->n, ls->buf, ls->len))
				ls->stop = 1;
		}
		ls->len = 0;
		ls->skipping = 0;
		return 0;
	}
	ls->len += r;
	p = ls->buf;
	while (!ls->stop && (nl = memchr(p, '\n', ls->len - (p - ls->buf)))) {
		*nl = '\0';
		if (ls->skipping)
			ls->skipping = 0;
		else if (!fn(arg, ++ls->n, nl - p > WO_LINE_MAX ? NULL : p,
		    nl - p))
			ls->stop = 1;
		p = nl + 1;
	}
	n = ls->len - (p - ls->buf);
	memmove(ls->buf, p, n);
	ls->len = n;
	/* A line too long to keep is told once, then skipped to its end. */
	if (!ls->skipping && ls->len > WO_LINE_MAX) {
		if (!fn(arg, ++ls->n, NULL, ls->len))
			ls->stop = 1;
		ls->skipping = 1;
	}
	if (ls->skipping)
		ls->len = 0;
	return r;
}

void
lines_free(struct lsplit *ls)
{
	free(ls->buf);
	memset(ls, 0, sizeof(*ls));
}

int
feed_entry(int fd, const char *path, long n, const char *line, size_t len)
{
	if (line == NULL)
		feed(fd, "B %ld %s\tline longer than %d bytes", n, path,
		    WO_LINE_MAX);
	else if (memchr(line, '\0', len) != NULL)
		feed(fd, "B %ld %s\tNUL byte in line", n, path);
	else
		return 1;
	return 0;
}

/* A pipe for a reader thread to feed the merge: returns the write end. */
int
new_pipe(int *rd)
{
	int p[2];

	if (pipe(p) == -1)
		wo_die(1, "pipe:");
	*rd = p[0];
	return p[1];
}
