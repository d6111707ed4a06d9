/* wo-mergecat: a test driver for libwo's merge of stdin with other sources. */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wo.h"

static const char usage[] = "wo-mergecat [-l lag] file ...";

/* Each line of a source is an event; its ts orders it. */
static void
line(struct wo_src *s, char *buf, size_t len, const char *file, long lineno,
    void *arg)
{
	struct wo_ev ev;
	char err[256];

	if (!wo_parse(buf, len, &ev, err, sizeof(err))) {
		wo_bad(file, lineno, "%s", err);
		return;
	}
	wo_src_emit(s, ev.obj);
}

/*
 * Merges stdin with each file in ts order.  A regular file is a recorded
 * source; anything else (a FIFO, a pseudo-terminal) is a live one.
 */
int
main(int argc, char *argv[])
{
	static struct option longopts[] = { WO_COMMON_LONGOPTS, { 0 } };
	struct wo_src *src[16];
	struct stat sb;
	double lag = 0.5;
	int c, i, fd;

	wo_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hl:", longopts, NULL)) != -1) {
		if (c == 'l')
			lag = wo_strtod(optarg, 0, 3600, "lag");
		else
			wo_common_opt(c, usage);
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 16)
		wo_usage(usage);
	for (i = 0; i < argc; i++) {
		if ((fd = open(argv[i], O_RDONLY | O_CLOEXEC)) == -1)
			wo_die(1, "%s:", argv[i]);
		if (fstat(fd, &sb) == -1)
			wo_die(1, "%s:", argv[i]);
		src[i] = wo_src_new(argv[i], fd, !S_ISREG(sb.st_mode), line,
		    NULL, NULL);
	}
	wo_merge(src, argc, lag);
	return wo_close_out();
}
