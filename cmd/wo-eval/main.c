/* wo-eval: score a run of the pipeline against a simulated session's truth. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

static const char usage[] = "wo-eval [-jv] [-d metres] [--strict] session";

json_t *
ratio(double num, double den)
{
	return den != 0 ? json_real(num / den) : json_null();
}

/* Member key of o as a finite number in *v; 0 when it is none. */
int
finite_num(json_t *o, const char *key, double *v)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_number(j) || !isfinite(json_number_value(j)))
		return 0;
	*v = json_number_value(j);
	return 1;
}

/*
 * The index of account a (a JSON string) in accts, which numbers the
 * accounts as they come; -1 when a is none.
 */
int
acct_index(json_t *accts, json_t *a)
{
	json_t *v;
	int id;

	if (!json_is_string(a))
		return -1;
	if ((v = json_object_get(accts, json_string_value(a))) != NULL)
		return json_integer_value(v);
	id = json_object_size(accts);
	json_object_set_new(accts, json_string_value(a), json_integer(id));
	return id;
}

/*
 * The next object of a truth file, or NULL at its end.  The truth is the
 * referee: a line that is not a JSON object ends the run with status 1.
 */
json_t *
truth_next(struct wo_in *in)
{
	json_error_t jerr;
	json_t *o;
	char *line;
	size_t len;

	while (wo_in_line(in, &line, &len, 0) == 1) {
		if (wo_blank(line, len))
			continue;
		if ((o = json_loadb(line, len, JSON_DECODE_ANY, &jerr)) == NULL)
			wo_die(1, "%s:%ld: not JSON: %s", in->name, in->line,
			    jerr.text);
		if (!json_is_object(o))
			wo_die(1, "%s:%ld: not a JSON object", in->name,
			    in->line);
		return o;
	}
	return NULL;
}

/* One value for the table: counts as they are, ratios to four places. */
static void
put(const char *key, json_t *v)
{
	if (json_is_integer(v))
		printf("  %-12s %lld\n", key, (long long)json_integer_value(v));
	else if (json_is_real(v))
		printf("  %-12s %.4f\n", key, json_real_value(v));
	else
		printf("  %-12s -\n", key);
}

static long long
count(json_t *row, const char *key)
{
	return json_integer_value(json_object_get(row, key));
}

static void
table(const char *name, json_t *sec)
{
	const char *key, *k2;
	json_t *v, *v2, *r, *rows;
	char buf[64];
	size_t i;

	printf("%s\n", name);
	json_object_foreach(sec, key, v) {
		if (json_is_array(v))
			continue;
		if (!json_is_object(v)) {
			put(key, v);
			continue;
		}
		json_object_foreach(v, k2, v2) {
			snprintf(buf, sizeof(buf), "%s %s", key, k2);
			put(buf, v2);
		}
	}
	rows = json_object_get(sec, "rows");
	if (json_array_size(rows) == 0)
		return;
	printf("  %-20s %9s %7s %5s %5s %5s %5s\n", "account", "checkouts",
	    "flagged", "tp", "fp", "fn", "exact");
	json_array_foreach(rows, i, r) {
		v = json_object_get(r, "exact");
		k2 = json_string_value(json_object_get(r, "account"));
		printf("  %-20s %9lld %7lld %5lld %5lld %5lld %5s\n",
		    k2 != NULL ? k2 : "-", count(r, "checkouts"),
		    count(r, "flagged"), count(r, "tp"), count(r, "fp"),
		    count(r, "fn"),
		    json_is_null(v) ? "-" : json_is_true(v) ? "yes" : "no");
	}
}

/*
 * Reads the pipeline's events on standard input: checkout events are
 * scored against truth/receipts.ndjson per shopper and product, track
 * events against truth/tracks.ndjson (MOTA, IDF1; and the shoppers their
 * hands are given to, where the truth has hands), and frame events with
 * objects against truth/labels (mAP at IoU 0.5).  Prints the scores as a
 * table, or as one JSON object with -j; nothing is passed on.
 */
int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "distance", required_argument, NULL, 'd' },
		WO_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct receipts *rc;
	struct tracks *tr;
	struct hands *hd;
	struct detect *dt;
	struct wo_in *in;
	struct wo_ev ev;
	double dist = 0.5;
	int c, json = 0, rows = 0;
	json_t *out, *sec;
	const char *key;
	char *txt;

	wo_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hjvd:", longopts, NULL)) != -1) {
		if (wo_common_opt(c, usage))
			continue;
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'v':
			rows = 1;
			break;
		case 'd':
			dist = wo_strtod(optarg, 0.001, 1000, "distance");
			break;
		default:
			wo_usage(usage);
		}
	}
	if (argc - optind != 1)
		wo_usage(usage);

	/* The receipts' truth is read first: a session without it is no
	 * session to score, whatever the input. */
	rc = receipts_open(argv[optind]);
	tr = tracks_new(argv[optind], dist);
	hd = hands_new(argv[optind]);
	dt = detect_new(argv[optind]);
	in = wo_in_open("-");
	while (wo_read(in, &ev)) {
		if (strcmp(ev.type, "checkout") == 0)
			receipts_checkout(rc, &ev);
		else if (strcmp(ev.type, "track") == 0) {
			if (tracks_event(tr, &ev))
				hands_event(hd, &ev);
		} else if (strcmp(ev.type, "frame") == 0)
			detect_frame(dt, &ev);
		wo_ev_free(&ev);
	}
	wo_in_close(in);

	out = json_pack("{s:o}", "receipts", receipts_score(rc, rows));
	if (tracks_seen(tr))
		json_object_set_new(out, "tracks", tracks_score(tr));
	if (hands_seen(hd) && (sec = hands_score(hd)) != NULL)
		json_object_set_new(out, "hands", sec);
	if (detect_seen(dt))
		json_object_set_new(out, "detections", detect_score(dt));
	if (json) {
		/* Six digits are more than any score needs, and keep the
		 * output stable across libm rounding of the last bits. */
		txt = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(6));
		if (txt == NULL)
			wo_die(1, "cannot encode the scores");
		puts(txt);
		free(txt);
	} else
		json_object_foreach(out, key, sec)
			table(key, sec);
	json_decref(out);
	receipts_free(rc);
	tracks_free(tr);
	hands_free(hd);
	detect_free(dt);
	return wo_close_out();
}
