/* main.c: wo-capture's options, and the merge of what the capture threads send. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "capture.h"

static const char usage[] =
    "wo-capture -r SESSION [-x SPEED] [-c CAM] ... [--from SECONDS] "
    "[--to SECONDS]\n"
    "wo-capture -o DIR [--spool-max BYTES] [-e ENTRIES] [-f FPS] "
    "[-n COUNT] [-d SECONDS]\n"
    "           [--lag SECONDS] [--timeout SECONDS] [-c CAM] ... "
    "-m [CAM=]FILE | -u [CAM=]URL | -s [CAM=]URL ...";

enum {
	OPT_FROM = WO_OPT_FIRST_FREE, OPT_TO, OPT_SPOOL_MAX, OPT_LAG,
	OPT_TIMEOUT
};

static const struct option longopts[] = {
	WO_COMMON_LONGOPTS,
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "spool-max", required_argument, NULL, OPT_SPOOL_MAX },
	{ "lag", required_argument, NULL, OPT_LAG },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ NULL, 0, NULL, 0 }
};

/* Camera names become directory names: nothing that could climb out. */
int
cam_name_ok(const char *s)
{
	const char *p;

	if (*s == '\0' || *s == '.' || strlen(s) > 64)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '-' && *p != '_' &&
		    *p != '.')
			return 0;
	return 1;
}

/* An entries line: passed on as read when it is an event. */
static void
entry_line(struct wo_src *s, const char *file, long lineno, const char *raw,
    size_t len)
{
	struct wo_ev ev;
	const char *v;
	char err[256];

	if (wo_blank(raw, len))
		return;
	if (!wo_parse(raw, len, &ev, err, sizeof(err))) {
		wo_bad(file, lineno, "%s", err);
		return;
	}
	ev.file = file;
	ev.line = lineno;
	if (strcmp(ev.type, "entry") != 0 ||
	    (wo_need_str(&ev, "gate", &v) && wo_need_str(&ev, "account", &v)))
		wo_src_emit(s, json_incref(ev.obj));
	wo_ev_free(&ev);
}

static void
frame_line(struct wo_src *s, char *line)
{
	char cam[80];
	double ts;
	json_t *ev;
	int w, h, n;

	if (sscanf(line, "F %lf %d %d %79s %n", &ts, &w, &h, cam, &n) != 4)
		wo_die(1, "internal error: bad feeder line: %s", line);
	ev = wo_ev_new("frame", ts);
	json_object_set_new(ev, "cam", json_string(cam));
	json_object_set_new(ev, "path", json_string(line + n));
	json_object_set_new(ev, "width", json_integer(w));
	json_object_set_new(ev, "height", json_integer(h));
	wo_src_emit(s, ev);
}

static void
alert_line(struct wo_src *s, char *line)
{
	json_t *ev, *f;
	double ts;
	int n;

	if (sscanf(line, "A %lf %n", &ts, &n) != 1 ||
	    (f = json_loads(line + n, 0, NULL)) == NULL)
		wo_die(1, "internal error: bad feeder line: %s", line);
	ev = wo_ev_new("alert", ts);
	json_object_update(ev, f);
	json_decref(f);
	wo_src_emit(s, ev);
}

/* What a capture thread sent; see feed() in capture.h for the forms. */
void
feeder_line(struct wo_src *s, char *line, size_t len, const char *file,
    long lineno, void *arg)
{
	char *p, *tab;
	long n;

	switch (line[0]) {
	case 'F':
		frame_line(s, line);
		break;
	case 'A':
		alert_line(s, line);
		break;
	case 'P':
		wo_src_progress(s, strtod(line + 2, NULL));
		break;
	case 'L':
		n = strtol(line + 2, &p, 10);
		entry_line(s, arg, n, p + 1, len - (p + 1 - line));
		break;
	case 'B':
		n = strtol(line + 2, &p, 10);
		if ((tab = strrchr(p + 1, '\t')) == NULL)
			wo_die(1, "internal error: bad feeder line: %s", line);
		*tab = '\0';
		wo_bad(p + 1, n, "%s", tab + 1);
		break;
	default:
		wo_die(1, "internal error: bad feeder line: %s", line);
	}
}

/* "1G", "500M", "64k" or plain bytes. */
static long long
bytes(const char *s)
{
	char buf[64];
	size_t n = strlen(s);
	long long mul = 1;

	if (n == 0 || n >= sizeof(buf))
		wo_die(2, "spool size %s: invalid", s);
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'k': case 'K': mul = 1LL << 10; break;
	case 'm': case 'M': mul = 1LL << 20; break;
	case 'g': case 'G': mul = 1LL << 30; break;
	case 't': case 'T': mul = 1LL << 40; break;
	}
	if (mul > 1)
		buf[n - 1] = '\0';
	return wo_strtonum(buf, 1, (1LL << 60) / mul, "spool size") * mul;
}

/* "-u c1=http://..." names its camera; a bare URL takes the next -c name. */
static void
add_cam(struct lopts *o, int kind, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct lcam *c;

	o->cams = wo_realloc(o->cams, (o->ncams + 1) * sizeof(*o->cams));
	c = &o->cams[o->ncams++];
	/* The threads' lines to the main thread end at a newline. */
	if (strchr(arg, '\n') != NULL)
		wo_die(2, "%s: newline in a camera's file or URL", arg);
	c->kind = kind;
	c->name = NULL;
	c->where = wo_strdup(arg);
	if (eq != NULL && eq - arg < 65) {
		c->name = wo_strdup(arg);
		c->name[eq - arg] = '\0';
		if (cam_name_ok(c->name)) {
			free(c->where);
			c->where = wo_strdup(eq + 1);
		} else {
			free(c->name);
			c->name = NULL;
		}
	}
}

static void
on_signal(int sig)
{
	stopping = 1;
}

/*
 * wo-capture: turns cameras into frame events.  It replays a recorded
 * session's frames and entries in ts order, or captures live cameras into
 * a bounded spool directory; either way merged with the events on stdin.
 */
int
main(int argc, char *argv[])
{
	struct ropts ro = { 0 };
	struct lopts lo = { 0 };
	struct wo_src **src;
	struct sigaction sa;
	char **names = NULL;
	double lag = 0.5;
	int c, i, k, nnames = 0, nsrc, replay, live = 0;

	wo_init(argv[0]);
	lo.spool = getenv("WO_SPOOL");
	lo.spool_max = 1LL << 30;
	lo.timeout = 5;
	ro.to = -1;
	while ((c = getopt_long(argc, argv, "c:d:e:f:hm:n:o:r:s:u:x:",
	    longopts, NULL)) != -1) {
		if (wo_common_opt(c, usage))
			continue;
		switch (c) {
		case 'c':
			if (!cam_name_ok(optarg))
				wo_die(2, "camera name %s: invalid", optarg);
			names = wo_realloc(names, (nnames + 1) *
			    sizeof(*names));
			names[nnames++] = optarg;
			break;
		case 'd':
			lo.deadline = wo_strtod(optarg, 0.001, 1e9, "duration");
			live = 1;
			break;
		case 'e':
			lo.entries = optarg;
			live = 1;
			break;
		case 'f':
			lo.fps = wo_strtod(optarg, 0.001, 1000, "frame rate");
			live = 1;
			break;
		case 'm':
		case 's':
		case 'u':
			add_cam(&lo, c, optarg);
			live = 1;
			break;
		case 'n':
			lo.count = wo_strtonum(optarg, 1, 1LL << 50,
			    "frame count");
			live = 1;
			break;
		case 'o':
			lo.spool = optarg;
			live = 1;
			break;
		case 'r':
			ro.session = optarg;
			break;
		case 'x':
			ro.speed = wo_strtod(optarg, 0.001, 1e6, "speed");
			break;
		case OPT_FROM:
			ro.from = wo_strtod(optarg, 0, 1e9, "start");
			break;
		case OPT_TO:
			ro.to = wo_strtod(optarg, 0, 1e9, "end");
			break;
		case OPT_SPOOL_MAX:
			lo.spool_max = bytes(optarg);
			live = 1;
			break;
		case OPT_TIMEOUT:
			lo.timeout = wo_strtonum(optarg, 1, 3600, "timeout");
			live = 1;
			break;
		case OPT_LAG:
			lag = wo_strtod(optarg, 0, 60, "lag");
			live = 1;
			break;
		default:
			wo_usage(usage);
		}
	}
	if (optind < argc)
		wo_usage(usage);
	replay = ro.session != NULL;
	if (!replay && lo.ncams == 0)
		wo_usage(usage);
	if (replay && live)
		wo_die(2, "-r replays a session: cameras, -o, -e, -f, -n, -d, "
		    "--spool-max, --lag and --timeout are for live capture");
	if (!replay && (ro.speed > 0 || ro.from > 0 || ro.to >= 0))
		wo_die(2, "-x, --from and --to are for a replay (-r)");
	if (ro.to >= 0 && ro.to <= ro.from)
		wo_die(2, "end %g: not after the start %g", ro.to, ro.from);

	if (replay) {
		if (strchr(ro.session, '\n') != NULL)
			wo_die(2, "session %s: newline in its name", ro.session);
		ro.cams = names;
		ro.ncams = nnames;
	} else {
		for (i = k = 0; i < lo.ncams; i++) {
			if (lo.cams[i].name != NULL)
				continue;
			if (k == nnames)
				wo_die(2, "%s: which camera? name it with -c "
				    "CAM or CAM=%s", lo.cams[i].where,
				    lo.cams[i].where);
			lo.cams[i].name = wo_strdup(names[k++]);
		}
		if (k < nnames)
			wo_die(2, "camera name %s: no camera left to name",
			    names[k]);
		for (i = 0; i < lo.ncams; i++)
			for (k = 0; k < i; k++)
				if (strcmp(lo.cams[i].name,
				    lo.cams[k].name) == 0)
					wo_die(2, "camera %s: named twice",
					    lo.cams[i].name);
		if (lo.spool == NULL || *lo.spool == '\0')
			wo_die(2, "no spool directory: give -o DIR or set "
			    "WO_SPOOL");
		if (strchr(lo.spool, '\n') != NULL)
			wo_die(2, "spool %s: newline in its name", lo.spool);
		if (lo.deadline > 0)
			lo.deadline += wo_now();
	}

	/* Stop on a signal at a frame boundary, writing what was caught. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (replay) {
		nsrc = replay_start(&ro, &src);
		wo_merge(src, nsrc, lag);
		replay_wait();
	} else {
		nsrc = live_start(&lo, &src);
		wo_merge(src, nsrc, lag);
		live_wait();
		for (i = 0; i < lo.ncams; i++) {
			free(lo.cams[i].name);
			free(lo.cams[i].where);
		}
		free(lo.cams);
	}
	free(src);
	free(names);
	return wo_close_out();
}
