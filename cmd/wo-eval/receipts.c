/* receipts.c: score checkout events against truth/receipts.ndjson. */
#include <stdlib.h>
#include <string.h>

#include "eval.h"

/*
 * Quantities are kept as JSON objects used as maps: account -> sku -> qty.
 * A checkout whose account is null belongs to nobody known, so all of it
 * is excess; it is kept apart because null cannot be an object key.
 */
struct receipts {
	json_t	*truth;		/* account -> {sku: qty} */
	json_t	*charged;	/* account -> {sku: qty} */
	json_t	*counts;	/* account -> [checkouts, flagged] */
	json_t	*nobody;	/* {sku: qty} charged to a null account */
	long long nobody_co, nobody_flag;
	long long ncheckout, nflag;
};

static void
add(json_t *map, const char *acct, const char *sku, long long qty)
{
	json_t *m, *q;

	if (acct != NULL) {
		if ((m = json_object_get(map, acct)) == NULL) {
			m = json_object();
			json_object_set_new(map, acct, m);
		}
	} else
		m = map;
	q = json_object_get(m, sku);
	json_object_set_new(m, sku,
	    json_integer((q != NULL ? json_integer_value(q) : 0) + qty));
}

static long long
qty_of(json_t *m, const char *sku)
{
	json_t *q = m != NULL ? json_object_get(m, sku) : NULL;

	return q != NULL ? json_integer_value(q) : 0;
}

/* Checks items[]; returns NULL when good, else why not. */
static const char *
bad_items(json_t *items, size_t *at)
{
	json_t *it, *q;
	size_t i;

	json_array_foreach(items, i, it) {
		*at = i;
		if (!json_is_object(it))
			return "is not an object";
		if (!json_is_string(json_object_get(it, "sku")))
			return "has no sku";
		q = json_object_get(it, "qty");
		if (!json_is_integer(q) || json_integer_value(q) < 0 ||
		    json_integer_value(q) > 1000000000)
			return "has a qty that is not a count";
	}
	return NULL;
}

/*
 * Truth is the referee, so a bad line in it ends the run (status 1) rather
 * than being skipped: a score against half the truth would mislead.
 */
struct receipts *
receipts_open(const char *session)
{
	struct receipts *r = wo_calloc(1, sizeof(*r));
	struct wo_in *in;
	json_t *o, *acct, *items, *it;
	const char *why;
	char *path;
	size_t len, i, at;

	r->truth = json_object();
	r->charged = json_object();
	r->counts = json_object();
	r->nobody = json_object();
	len = strlen(session) + sizeof("/truth/receipts.ndjson");
	path = wo_malloc(len);
	snprintf(path, len, "%s/truth/receipts.ndjson", session);
	in = wo_in_open(path);
	while ((o = truth_next(in)) != NULL) {
		acct = json_object_get(o, "account");
		items = json_object_get(o, "items");
		if (!json_is_string(acct))
			wo_die(1, "%s:%ld: receipt has no account", path,
			    in->line);
		if (!json_is_array(items))
			wo_die(1, "%s:%ld: receipt has no items array", path,
			    in->line);
		if ((why = bad_items(items, &at)) != NULL)
			wo_die(1, "%s:%ld: item %zu %s", path, in->line,
			    at + 1, why);
		/* A visit with nothing bought is still a visit to score. */
		if (json_object_get(r->truth, json_string_value(acct)) == NULL)
			json_object_set_new(r->truth, json_string_value(acct),
			    json_object());
		json_array_foreach(items, i, it)
			add(r->truth, json_string_value(acct),
			    json_string_value(json_object_get(it, "sku")),
			    json_integer_value(json_object_get(it, "qty")));
		json_decref(o);
	}
	wo_in_close(in);
	free(path);
	return r;
}

void
receipts_checkout(struct receipts *r, const struct wo_ev *ev)
{
	json_t *acct, *items, *review, *it, *c;
	const char *why, *a;
	size_t i, at;

	acct = json_object_get(ev->obj, "account");
	items = json_object_get(ev->obj, "items");
	review = json_object_get(ev->obj, "review");
	if (acct == NULL) {
		wo_evbad(ev, "checkout event has no account");
		return;
	}
	if (!json_is_string(acct) && !json_is_null(acct)) {
		wo_evbad(ev, "checkout event: account is not a string or null");
		return;
	}
	if (!json_is_array(items)) {
		wo_evbad(ev, "checkout event: items is not an array");
		return;
	}
	if ((why = bad_items(items, &at)) != NULL) {
		wo_evbad(ev, "checkout event: item %zu %s", at + 1, why);
		return;
	}
	if (review == NULL) {
		wo_evbad(ev, "checkout event has no review");
		return;
	}
	if (!json_is_boolean(review)) {
		wo_evbad(ev, "checkout event: review is not true or false");
		return;
	}
	a = json_string_value(acct);
	r->ncheckout++;
	r->nflag += json_is_true(review);
	if (a == NULL) {
		r->nobody_co++;
		r->nobody_flag += json_is_true(review);
	} else {
		if ((c = json_object_get(r->counts, a)) == NULL) {
			c = json_pack("[ii]", 0, 0);
			json_object_set_new(r->counts, a, c);
			json_object_set_new(r->charged, a, json_object());
		}
		json_array_set_new(c, 0, json_integer(
		    json_integer_value(json_array_get(c, 0)) + 1));
		json_array_set_new(c, 1, json_integer(
		    json_integer_value(json_array_get(c, 1)) +
		    json_is_true(review)));
	}
	/* Several checkouts of one account add up: that is what was charged. */
	json_array_foreach(items, i, it)
		add(a != NULL ? r->charged : r->nobody, a,
		    json_string_value(json_object_get(it, "sku")),
		    json_integer_value(json_object_get(it, "qty")));
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds m's keys that skip does not hold; returns the new count. */
static size_t
add_keys(json_t *m, json_t *skip, const char ***keys, size_t n)
{
	const char *k;
	json_t *v;

	json_object_foreach(m, k, v) {
		if (skip != NULL && json_object_get(skip, k) != NULL)
			continue;
		*keys = wo_realloc(*keys, (n + 1) * sizeof(**keys));
		(*keys)[n++] = k;
	}
	return n;
}

/* Units of one shopper: tp = min(true, charged) per sku, the rest fp/fn. */
static int
units(json_t *t, json_t *c, long long *tp, long long *fp, long long *fn)
{
	const char *sku;
	json_t *v;
	long long a, b;
	int exact = 1;

	*tp = *fp = *fn = 0;
	json_object_foreach(t, sku, v) {
		a = json_integer_value(v);
		b = qty_of(c, sku);
		*tp += a < b ? a : b;
		*fn += a > b ? a - b : 0;
		exact &= a == b;
	}
	json_object_foreach(c, sku, v) {
		if (t != NULL && json_object_get(t, sku) != NULL)
			continue;
		*fp += json_integer_value(v);
		exact &= json_integer_value(v) == 0;
	}
	json_object_foreach(t, sku, v) {
		a = json_integer_value(v);
		b = qty_of(c, sku);
		*fp += b > a ? b - a : 0;
	}
	return exact;
}

static json_t *
row(const char *acct, long long nco, long long nflag, long long tp,
    long long fp, long long fn, json_t *exact)
{
	return json_pack("{s:s?,s:I,s:I,s:I,s:I,s:I,s:o}", "account", acct,
	    "checkouts", nco, "flagged", nflag, "tp", tp, "fp", fp, "fn", fn,
	    "exact", exact);
}

json_t *
receipts_score(struct receipts *r, int rows)
{
	const char **keys = NULL;
	json_t *t, *c, *cnt, *o, *rs;
	long long tp, fp, fn, TP = 0, FP = 0, FN = 0, nexact = 0, unknown;
	size_t n, i;
	int ex;

	n = add_keys(r->truth, NULL, &keys, 0);
	n = add_keys(r->charged, r->truth, &keys, n);
	if (n > 0)
		qsort(keys, n, sizeof(*keys), cmpstr);
	rs = json_array();
	unknown = r->nobody_co;
	for (i = 0; i < n; i++) {
		t = json_object_get(r->truth, keys[i]);
		c = json_object_get(r->charged, keys[i]);
		cnt = json_object_get(r->counts, keys[i]);
		ex = units(t, c, &tp, &fp, &fn);
		if (t != NULL)
			nexact += ex;
		else
			unknown += json_integer_value(json_array_get(cnt, 0));
		TP += tp;
		FP += fp;
		FN += fn;
		if (rows)
			json_array_append_new(rs, row(keys[i],
			    json_integer_value(json_array_get(cnt, 0)),
			    json_integer_value(json_array_get(cnt, 1)),
			    tp, fp, fn,
			    t != NULL ? json_boolean(ex) : json_null()));
	}
	units(NULL, r->nobody, &tp, &fp, &fn);
	FP += fp;
	if (rows && r->nobody_co > 0)
		json_array_append_new(rs, row(NULL, r->nobody_co,
		    r->nobody_flag, 0, fp, 0, json_null()));
	free(keys);
	o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "visits", (json_int_t)json_object_size(r->truth),
	    "checkouts", r->ncheckout, "flagged", r->nflag,
	    "unknown", unknown, "tp", TP, "fp", FP, "fn", FN);
	json_object_set_new(o, "precision", ratio(TP, TP + FP));
	json_object_set_new(o, "recall", ratio(TP, TP + FN));
	json_object_set_new(o, "f1", ratio(2 * TP, 2 * TP + FP + FN));
	json_object_set_new(o, "exact", ratio(nexact,
	    json_object_size(r->truth)));
	json_object_set_new(o, "review", ratio(r->nflag, r->ncheckout));
	if (rows)
		json_object_set_new(o, "rows", rs);
	else
		json_decref(rs);
	return o;
}

void
receipts_free(struct receipts *r)
{
	json_decref(r->truth);
	json_decref(r->charged);
	json_decref(r->counts);
	json_decref(r->nobody);
	free(r);
}
