/* wo-merge: event streams from several places merged into one, in ts order. */
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wo.h"

static const char usage[] = "wo-merge [--strict] [-l LAG] FILE ...";

/* What is known about one input, to tell when it breaks its own order. */
struct input {
	double	 last;		/* ts of its latest event */
	int	 live;
	int	 late;		/* now behind by more than the lag */
};

static double lag = -1;

/*
 * Each line of an input is an event of its own stream, which is in ts order
 * already; the library's merge then only has to pick the oldest head.
 */
static void
line(struct wo_src *s, char *buf, size_t len, const char *file, long lineno,
    void *arg)
{
	struct input *in = arg;
	struct wo_ev ev;
	char err[256];

	if (wo_blank(buf, len))
		return;
	if (!wo_parse(buf, len, &ev, err, sizeof(err))) {
		wo_bad(file, lineno, "%s", err);
		return;
	}
	/* Out-of-order input still passes: nothing read is lost. */
	if (ev.ts < in->last)
		wo_bad(file, lineno, "%s event goes back %.3f s in time",
		    ev.type, in->last - ev.ts);
	else
		in->last = ev.ts;
	/*
	 * A live input is waited for only lag seconds; what comes later may
	 * follow newer events of the others.  Said once per spell of lateness.
	 */
	if (in->live) {
		if (wo_now() - ev.ts > lag) {
			if (!in->late)
				wo_bad(file, lineno, "%s event older than the "
				    "lag of %g s: it may be out of order",
				    ev.type, lag);
			in->late = 1;
		} else
			in->late = 0;
	}
	wo_src_emit(s, ev.obj);
}

/*
 * Writes standard input's events and those of each FILE (a file, a FIFO, a
 * pipe), in ts order.  Without -l every input is waited for, so the order is
 * exact; with -l, inputs that are not regular files are live and held back
 * at most LAG seconds of wall clock.
 */
int
main(int argc, char *argv[])
{
	static struct option longopts[] = { WO_COMMON_LONGOPTS, { 0 } };
	struct wo_src **src;
	struct input *in;
	struct stat sb;
	int c, i, fd;

	wo_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hl:", longopts, NULL)) != -1) {
		if (c == 'l')
			lag = wo_strtod(optarg, 0, 3600, "lag");
		else if (!wo_common_opt(c, usage))
			wo_usage(usage);
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		wo_usage(usage);
	src = wo_calloc(argc, sizeof(*src));
	in = wo_calloc(argc, sizeof(*in));
	for (i = 0; i < argc; i++) {
		/* A FIFO's open waits for its writer, as cat(1)'s does. */
		if ((fd = open(argv[i], O_RDONLY | O_CLOEXEC)) == -1)
			wo_die(1, "%s:", argv[i]);
		if (fstat(fd, &sb) == -1)
			wo_die(1, "%s:", argv[i]);
		in[i].last = -INFINITY;
		in[i].live = lag >= 0 && !S_ISREG(sb.st_mode);
		src[i] = wo_src_new(argv[i], fd, in[i].live, line, NULL,
		    &in[i]);
	}
	wo_merge(src, argc, lag < 0 ? 0 : lag);
	free(src);
	free(in);
	return wo_close_out();
}
