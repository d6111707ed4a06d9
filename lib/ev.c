/* ev.c: reading and writing NDJSON events, with file and line for every complaint. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"

/* Room for the longest accepted line, its newline, and one read's worth. */
#define WO_IN_CAPMAX	(WO_LINE_MAX + 2 + 65536)

struct wo_in *
wo_in_fd(int fd, const char *name)
{
	struct wo_in *in = wo_calloc(1, sizeof(*in));

	in->fd = fd;
	in->name = wo_strdup(name);
	in->cap = 65536;
	in->buf = wo_malloc(in->cap);
	return in;
}

struct wo_in *
wo_in_open(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return wo_in_fd(0, "<stdin>");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		wo_die(1, "%s:", path);
	return wo_in_fd(fd, path);
}

void
wo_in_close(struct wo_in *in)
{
	if (in == NULL)
		return;
	if (in->fd > 0)
		close(in->fd);
	free(in->name);
	free(in->buf);
	free(in);
}

/* Returns 1 when bytes came, 0 at end of input, -1 when none are ready. */
static int
fill(struct wo_in *in, int nonblock)
{
	struct pollfd pfd;
	ssize_t n;

	if (in->off > 0) {
		memmove(in->buf, in->buf + in->off, in->len - in->off);
		in->len -= in->off;
		in->off = 0;
	}
	if (in->len == in->cap) {
		in->cap = in->cap * 2 < WO_IN_CAPMAX ? in->cap * 2 : WO_IN_CAPMAX;
		in->buf = wo_realloc(in->buf, in->cap);
	}
	if (nonblock) {
		pfd.fd = in->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) == 0)
			return -1;
	}
	for (;;) {
		n = read(in->fd, in->buf + in->len, in->cap - in->len);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -1;
		wo_bad(in->name, 0, "read: %s", strerror(errno));
		n = 0;
		break;
	}
	if (n == 0) {
		in->eof = 1;
		return 0;
	}
	in->len += n;
	return 1;
}

int
wo_in_line(struct wo_in *in, char **line, size_t *len, int nonblock)
{
	char *s, *nl;
	size_t n;

	for (;;) {
		s = in->buf + in->off;
		nl = memchr(s, '\n', in->len - in->off);
		if (nl == NULL && in->eof && in->off < in->len) {
			/* The last line may lack its newline: make room for
			 * the terminator that stands in for it. */
			if (in->len == in->cap) {
				in->buf = wo_realloc(in->buf, ++in->cap);
				s = in->buf + in->off;
			}
			nl = in->buf + in->len;
			in->len++;
		}
		if (nl != NULL) {
			n = nl - s;
			in->off += n + 1;
			if (in->skipping) {
				in->skipping = 0;
				continue;
			}
			in->line++;
			if (n > 0 && s[n - 1] == '\r')
				n--;
			if (memchr(s, '\0', n) != NULL) {
				wo_bad(in->name, in->line,
				    "line contains a NUL byte");
				continue;
			}
			s[n] = '\0';
			*line = s;
			*len = n;
			return 1;
		}
		if (in->eof) {
			in->off = in->len = 0;
			return 0;
		}
		if (in->skipping) {
			in->off = in->len;
		} else if (in->len - in->off > WO_LINE_MAX) {
			in->line++;
			wo_bad(in->name, in->line, "line longer than %d bytes",
			    WO_LINE_MAX);
			in->skipping = 1;
			in->off = in->len;
		}
		if (fill(in, nonblock) == -1)
			return -1;
	}
}

/* Blank lines (spaces and tabs only) are no events and no errors either. */
int
wo_blank(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n == 0;
}

int
wo_parse(const char *line, size_t len, struct wo_ev *ev, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *o, *t, *ts;

	memset(ev, 0, sizeof(*ev));
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		/* Two of jansson's texts speak of its own internals. */
		if (json_error_code(&jerr) == json_error_null_character)
			snprintf(err, errlen, "not JSON: a string holds "
			    "\\u0000 (column %d)", jerr.column);
		else if (json_error_code(&jerr) == json_error_premature_end_of_input)
			snprintf(err, errlen, "not JSON: the line ends inside "
			    "a value (column %d)", jerr.column);
		else
			snprintf(err, errlen, "not JSON: %s (column %d)",
			    jerr.text, jerr.column);
		return 0;
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "not a JSON object");
		goto bad;
	}
	t = json_object_get(o, "type");
	if (t == NULL) {
		snprintf(err, errlen, "event has no type");
		goto bad;
	}
	if (!json_is_string(t)) {
		snprintf(err, errlen, "event type is not a string");
		goto bad;
	}
	ts = json_object_get(o, "ts");
	if (ts == NULL) {
		snprintf(err, errlen, "%s event has no ts", json_string_value(t));
		goto bad;
	}
	if (!json_is_number(ts) || !isfinite(json_number_value(ts)) ||
	    json_number_value(ts) < 0) {
		snprintf(err, errlen, "%s event: ts is not a time in seconds",
		    json_string_value(t));
		goto bad;
	}
	ev->obj = o;
	ev->type = json_string_value(t);
	ev->ts = json_number_value(ts);
	return 1;
bad:
	json_decref(o);
	return 0;
}

int
wo_read(struct wo_in *in, struct wo_ev *ev)
{
	char err[256], *line;
	size_t len;

	while (wo_in_line(in, &line, &len, 0) == 1) {
		if (wo_blank(line, len))
			continue;
		if (!wo_parse(line, len, ev, err, sizeof(err))) {
			wo_bad(in->name, in->line, "%s", err);
			continue;
		}
		ev->file = in->name;
		ev->line = in->line;
		ev->raw = wo_malloc(len + 1);
		memcpy(ev->raw, line, len + 1);
		ev->rawlen = len;
		return 1;
	}
	return 0;
}

void
wo_ev_free(struct wo_ev *ev)
{
	json_decref(ev->obj);
	free(ev->raw);
	memset(ev, 0, sizeof(*ev));
}

const char *
wo_str(const struct wo_ev *ev, const char *key)
{
	return json_string_value(json_object_get(ev->obj, key));
}

int
wo_num(const struct wo_ev *ev, const char *key, double *v)
{
	json_t *j = json_object_get(ev->obj, key);

	if (!json_is_number(j))
		return 0;
	*v = json_number_value(j);
	return 1;
}

void
wo_evbad(const struct wo_ev *ev, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wo_bad(ev->file != NULL ? ev->file : "<event>", ev->line, "%s", msg);
}

/* The shared reason for wo_need_*: missing, or of the wrong kind. */
static json_t *
need(const struct wo_ev *ev, const char *key)
{
	json_t *j = json_object_get(ev->obj, key);

	if (j == NULL || json_is_null(j))
		wo_evbad(ev, "%s event has no %s", ev->type, key);
	return j != NULL && !json_is_null(j) ? j : NULL;
}

int
wo_need_str(const struct wo_ev *ev, const char *key, const char **v)
{
	json_t *j = need(ev, key);

	if (j == NULL)
		return 0;
	if (!json_is_string(j)) {
		wo_evbad(ev, "%s event: %s is not a string", ev->type, key);
		return 0;
	}
	*v = json_string_value(j);
	return 1;
}

int
wo_need_num(const struct wo_ev *ev, const char *key, double *v)
{
	json_t *j = need(ev, key);

	if (j == NULL)
		return 0;
	if (!json_is_number(j)) {
		wo_evbad(ev, "%s event: %s is not a number", ev->type, key);
		return 0;
	}
	*v = json_number_value(j);
	return 1;
}

int
wo_need_int(const struct wo_ev *ev, const char *key, long long *v)
{
	json_t *j = need(ev, key);

	if (j == NULL)
		return 0;
	if (!json_is_integer(j)) {
		wo_evbad(ev, "%s event: %s is not an integer", ev->type, key);
		return 0;
	}
	*v = json_integer_value(j);
	return 1;
}

json_t *
wo_ev_new(const char *type, double ts)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "ts", json_real(ts));
	return o;
}

/*
 * An alert of the given kind with its message; the caller adds the fields
 * that explain it.
 */
json_t *
wo_alert_new(double ts, const char *kind, const char *fmt, ...)
{
	json_t *a = wo_ev_new("alert", ts);
	char *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		wo_die(1, "alert %s: bad message format", kind);
	msg = wo_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	json_object_set_new(a, "kind", json_string(kind));
	json_object_set_new(a, "message", json_string(msg));
	free(msg);
	return a;
}

/* Events carry millimetres and confidences to three places, not noise. */
double
wo_r3(double x)
{
	return round(x * 1000) / 1000;
}

/* 15 significant digits: epoch seconds keep their milliseconds, without
 * the noise digits of a binary double ("...0.1" not "...0.099999"). */
char *
wo_dumps(json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(15));

	if (s == NULL)
		wo_die(1, "cannot encode an event");
	return s;
}

void
wo_write_to(FILE *fp, json_t *obj)
{
	char *s = wo_dumps(obj);

	fputs(s, fp);
	free(s);
	if (putc('\n', fp) == EOF || fflush(fp) == EOF)
		wo_die(1, "%s:", fp == stdout ? "<stdout>" : "write");
}

void
wo_write(json_t *obj)
{
	wo_write_to(stdout, obj);
}

void
wo_pass(const struct wo_ev *ev)
{
	fwrite(ev->raw, 1, ev->rawlen, stdout);
	if (putc('\n', stdout) == EOF || fflush(stdout) == EOF)
		wo_die(1, "<stdout>:");
}
