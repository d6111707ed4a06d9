/* wo-evcat: a test driver for libwo's event reader: pass every event through. */
#include <getopt.h>
#include <stdlib.h>

#include "wo.h"

static const char usage[] = "wo-evcat [--strict] [-n] [file ...]";

/*
 * Copies the events of each file (stdin by default) to stdout through
 * wo_read and wo_pass, so the tests see exactly what a filter would accept,
 * reject and report.  With -n the events are re-encoded by wo_write.
 */
int
main(int argc, char *argv[])
{
	static struct option longopts[] = { WO_COMMON_LONGOPTS, { 0 } };
	struct wo_in *in;
	struct wo_ev ev;
	int c, i, reencode = 0;

	wo_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hn", longopts, NULL)) != -1) {
		if (c == 'n')
			reencode = 1;
		else
			wo_common_opt(c, usage);
	}
	argc -= optind;
	argv += optind;
	for (i = 0; i < (argc > 0 ? argc : 1); i++) {
		in = wo_in_open(argc > 0 ? argv[i] : "-");
		while (wo_read(in, &ev)) {
			if (reencode)
				wo_write(ev.obj);
			else
				wo_pass(&ev);
			wo_ev_free(&ev);
		}
		wo_in_close(in);
	}
	return wo_close_out();
}
