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

volatile sig_atomic_t stopping;

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
