/* fuzz_ev: libFuzzer target for libwo's line reader and event parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"

/*
 * The input goes through a pipe into wo_in_line and wo_parse, the path
 * every filter's stdin takes, and each accepted event is re-encoded.
 * tests/fuzz/run passes -close_fd_mask=2, so the diagnostics of bad lines
 * do not drown the fuzzer's own output.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wo_in *in;
	struct wo_ev ev;
	char *line, *s, err[256];
	size_t len;
	int p[2];

	if (size > 60000 || pipe(p) == -1)
		return 0;
	if (write(p[1], data, size) != (ssize_t)size) {
		close(p[0]);
		close(p[1]);
		return 0;
	}
	close(p[1]);
	in = wo_in_fd(p[0], "<fuzz>");
	while (wo_in_line(in, &line, &len, 0) == 1) {
		if (wo_parse(line, len, &ev, err, sizeof(err))) {
			s = wo_dumps(ev.obj);
			free(s);
			json_decref(ev.obj);
		}
	}
	close(p[0]);
	in->fd = -1;
	wo_in_close(in);
	return 0;
}

