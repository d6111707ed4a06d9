/* lib_ev: the event parser, field accessors and encoder of libwo. */
#include <stdlib.h>
#include <string.h>

#include "wo.h"

static int fails;

static void
parse(const char *line, int ok, const char *want)
{
	struct wo_ev ev;
	char err[256] = "";
	int got = wo_parse(line, strlen(line), &ev, err, sizeof(err));

	if (got != ok || (!ok && strcmp(err, want) != 0) ||
	    (ok && strcmp(ev.type, want) != 0)) {
		printf("FAIL wo_parse(%s) = %d \"%s\", want %d \"%s\"\n", line,
		    got, got ? ev.type : err, ok, want);
		fails++;
	}
	if (got)
		wo_ev_free(&ev);
}

static void
check(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL %s\n", what);
		fails++;
	}
}

int
main(void)
{
	static const char line[] =
	    "{\"type\":\"w\",\"ts\":2,\"plate\":\"A1\",\"d\":-3.5,\"n\":4}";
	struct wo_ev ev;
	const char *s;
	double d;
	long long n;
	char err[64], *dump;
	json_t *o;

	parse("{\"type\":\"weight\",\"ts\":1.5}", 1, "weight");
	parse("{\"ts\":0,\"type\":\"\"}", 1, "");
	parse("{\"type\":\"x\",\"ts\":null}", 0,
	    "x event: ts is not a time in seconds");
	parse("{\"type\":null,\"ts\":1}", 0, "event type is not a string");
	parse("{} ", 0, "event has no type");
	parse("[1]", 0, "not a JSON object");
	parse("\"x\"", 0,
	    "not JSON: '[' or '{' expected near '\"x\"' (column 3)");

	if (!wo_parse(line, strlen(line), &ev, err, sizeof(err))) {
		printf("FAIL parse for accessors: %s\n", err);
		return 1;
	}
	ev.file = "t";
	ev.line = 1;
	check(wo_need_str(&ev, "plate", &s) && strcmp(s, "A1") == 0 &&
	    wo_need_num(&ev, "d", &d) && d == -3.5 &&
	    wo_need_int(&ev, "n", &n) && n == 4 &&
	    wo_num(&ev, "n", &d) && d == 4 && wo_str(&ev, "d") == NULL,
	    "accessors");
	/* These complain on stderr and fail; the fixtures check the words. */
	check(!wo_need_str(&ev, "d", &s) && !wo_need_int(&ev, "d", &n) &&
	    !wo_need_num(&ev, "gone", &d), "wo_need_* accepted a bad field");
	check(wo_nbad == 3, "wo_nbad counts the complaints");
	wo_ev_free(&ev);

	o = wo_ev_new("cart", 1790000000.25);
	json_object_set_new(o, "qty", json_integer(-2));
	dump = wo_dumps(o);
	check(strcmp(dump,
	    "{\"type\":\"cart\",\"ts\":1790000000.25,\"qty\":-2}") == 0,
	    "wo_dumps keeps type and ts first");
	free(dump);
	json_decref(o);

	/* An alert's message is formatted whole, however long. */
	memset(err, 'x', sizeof(err) - 1);
	err[sizeof(err) - 1] = '\0';
	o = wo_alert_new(3.5, "k", "%s %s %s %s %s %d", err, err, err, err,
	    err, 7);
	s = json_string_value(json_object_get(o, "message"));
	check(s != NULL && strlen(s) == 5 * 63 + 4 + 2 &&
	    strcmp(s + strlen(s) - 3, "x 7") == 0 &&
	    strcmp(json_string_value(json_object_get(o, "kind")), "k") == 0 &&
	    strcmp(json_string_value(json_object_get(o, "type")), "alert") == 0,
	    "wo_alert_new: kind and the whole message");
	json_decref(o);
	return fails != 0;
}
