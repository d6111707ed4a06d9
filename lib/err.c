/* err.c: diagnostics, checked numbers, allocation and the end of output. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wo.h"

const char *wo_prog = "wo";
int wo_strict;
long wo_nbad;

void
wo_init(const char *argv0)
{
	const char *p;

	if (argv0 != NULL && *argv0 != '\0') {
		p = strrchr(argv0, '/');
		wo_prog = p != NULL ? p + 1 : argv0;
	}
}

/* Like sbase's eprintf: a format ending in ':' appends strerror(errno). */
static void
vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", wo_prog);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void
wo_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
wo_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}

/*
 * A bad piece of input: reported against its file and line, then skipped,
 * or the end of the run under --strict.  Output already written stays.
 */
void
wo_bad(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	wo_nbad++;
	fflush(stdout);
	if (line > 0)
		fprintf(stderr, "%s: %s:%ld: ", wo_prog, file, line);
	else
		fprintf(stderr, "%s: %s: ", wo_prog, file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (wo_strict)
		exit(1);
}

long long
wo_strtonum(const char *s, long long min, long long max, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0')
		wo_die(2, "%s %s: invalid", what, s);
	if (errno == ERANGE || v < min)
		wo_die(2, "%s %s: too small", what, s);
	if (v > max)
		wo_die(2, "%s %s: too large", what, s);
	return v;
}

double
wo_strtod(const char *s, double min, double max, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || isnan(v))
		wo_die(2, "%s %s: invalid", what, s);
	if (v < min)
		wo_die(2, "%s %s: too small", what, s);
	if (v > max || errno == ERANGE)
		wo_die(2, "%s %s: too large", what, s);
	return v;
}

void *
wo_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		wo_die(1, "malloc:");
	return p;
}

void *
wo_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		wo_die(1, "calloc:");
	return p;
}

void *
wo_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		wo_die(1, "realloc:");
	return p;
}

char *
wo_strdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		wo_die(1, "strdup:");
	return p;
}

/* Output that could not be written is an error, as in `wo-cart > /dev/full`. */
int
wo_close_out(void)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (fclose(stdout) != 0)
		bad = 1;
	if (bad) {
		wo_warn("<stdout>:");
		return 1;
	}
	return wo_nbad > 0 && wo_strict ? 1 : 0;
}

double
wo_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}
