/* refund.c: wo-charge --refund, give back disputed lines of a charged visit, once. */
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "charge.h"

/* Sends a journaled refund intent; 1 when it is settled (either way). */
static int
send_refund(struct journal *j, const struct gw_opts *o, json_t *base,
    json_t *ri, const char **status)
{
	const char *visit, *key;
	char *form = NULL, num[32], err[512];
	json_t *body, *rec = NULL, *ev;
	enum gw_result r;

	visit = json_string_value(json_object_get(ri, "visit"));
	key = json_string_value(json_object_get(ri, "key"));
	snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
	    json_integer_value(json_object_get(ri, "amount")));
	gw_form_add(&form, "payment_intent", json_string_value(
	    json_object_get(ri, "payment")));
	gw_form_add(&form, "amount", num);
	gw_form_add(&form, "metadata[visit]", visit);
	r = gw_post(o, "/v1/refunds", form, key, &body, err, sizeof(err));
	free(form);

	ev = wo_ev_new("refund", json_number_value(json_object_get(ri, "ts")));
	json_object_set_new(ev, "visit", json_string(visit));
	json_object_set(ev, "account", json_object_get(base, "account"));
	json_object_set(ev, "amount", json_object_get(ri, "amount"));
	json_object_set(ev, "currency", json_object_get(base, "currency"));
	json_object_set(ev, "items", json_object_get(ri, "items"));
	json_object_set(ev, "payment", json_object_get(ri, "payment"));
	if (r == GW_OK) {
		*status = "succeeded";
		rec = json_pack("{s:s,s:s,s:s,s:O}", "rec", "refunded",
		    "visit", visit, "key", key, "refund",
		    json_object_get(body, "id"));
		json_object_set(ev, "refund", json_object_get(body, "id"));
	} else {
		*status = "failed";
		json_object_set_new(ev, "refund", json_null());
		json_object_set_new(ev, "error", json_string(err));
		/* A refund that got no answer may have been made: it stays
		 * open, to be asked again under the same key. */
		if (r == GW_FAILED)
			wo_warn("visit %s: refund %s: %s; it stays open: ask "
			    "again", visit, key, err);
		else
			rec = json_pack("{s:s,s:s,s:s,s:s}", "rec",
			    "refund-failed", "visit", visit, "key", key,
			    "error", err);
	}
	json_object_set_new(ev, "status", json_string(*status));
	if (rec != NULL && r != GW_OK)
		wo_warn("visit %s: refund %s: %s", visit, key, err);
	if (rec != NULL)
		journal_append(j, rec);
	wo_write(ev);
	json_decref(ev);
	json_decref(rec);
	json_decref(body);
	return r != GW_FAILED;
}

static int
failed(json_t *r)
{
	const char *rec = json_string_value(json_object_get(
	    json_object_get(r, "result"), "rec"));

	return rec != NULL && strcmp(rec, "refund-failed") == 0;
}

/* Quantity of sku given back or being given back so far. */
static long long
refunded_qty(json_t *refs, const char *sku)
{
	json_t *r, *it;
	size_t i, k;
	long long n = 0;

	json_array_foreach(refs, i, r) {
		if (failed(r))
			continue;
		json_array_foreach(json_object_get(json_object_get(r,
		    "intent"), "items"), k, it)
			if (strcmp(json_string_value(json_object_get(it,
			    "sku")), sku) == 0)
				n += json_integer_value(json_object_get(it,
				    "qty"));
	}
	return n;
}

/* Quantity of sku in the request before its entry i. */
static long long
asked(json_t *req, size_t i, const char *sku)
{
	long long n = 0;

	while (i-- > 0)
		if (strcmp(json_string_value(json_object_get(
		    json_array_get(req, i), "sku")), sku) == 0)
			n += json_integer_value(json_object_get(
			    json_array_get(req, i), "qty"));
	return n;
}

/* The request on the command line, as [{"sku","qty"}]. */
static json_t *
parse_request(int argc, char *argv[])
{
	json_t *req = json_array();
	char *colon, *sku;
	long long qty;
	int i;

	for (i = 0; i < argc; i++) {
		if ((colon = strrchr(argv[i], ':')) == NULL ||
		    colon == argv[i])
			wo_die(2, "%s: not SKU:QTY", argv[i]);
		qty = wo_strtonum(colon + 1, 1, 1000000, "quantity");
		sku = wo_strdup(argv[i]);
		sku[colon - argv[i]] = '\0';
		json_array_append_new(req, json_pack("{s:s,s:I}", "sku", sku,
		    "qty", (json_int_t)qty));
		free(sku);
	}
	return req;
}

/*
 * Each line's refund is its price times the quantity plus its share of
 * the visit's tax, at the rate the checkout charged (tax / subtotal), so
 * refunding every line gives back the total, to the cent.
 */
static json_t *
price_request(const char *visit, json_t *intent, json_t *refs, json_t *req,
    long long *amount)
{
	json_t *lines, *q, *it, *found;
	const char *sku;
	long long qty, bought, left, line, sub, tax, total, given;
	double rate;
	size_t i, k;

	sub = json_integer_value(json_object_get(intent, "subtotal"));
	tax = json_integer_value(json_object_get(intent, "tax"));
	rate = sub > 0 ? (double)tax / sub : 0;
	lines = json_array();
	*amount = 0;
	json_array_foreach(req, i, q) {
		sku = json_string_value(json_object_get(q, "sku"));
		qty = json_integer_value(json_object_get(q, "qty"));
		found = NULL;
		bought = 0;
		json_array_foreach(json_object_get(intent, "items"), k, it)
			if (json_is_string(json_object_get(it, "sku")) &&
			    strcmp(json_string_value(json_object_get(it,
			    "sku")), sku) == 0) {
				found = it;
				bought += json_integer_value(json_object_get(
				    it, "qty"));
			}
		if (found == NULL)
			wo_die(1, "visit %s: %s is not on the receipt", visit,
			    sku);
		left = bought - refunded_qty(refs, sku) - asked(req, i, sku);
		if (qty > left)
			wo_die(1, "visit %s: %s: %lld asked, %lld left to "
			    "refund", visit, sku, qty, left);
		if (!wo_mul_ok(json_integer_value(json_object_get(found,
		    "price")), qty, &line) ||
		    !wo_add_ok(line, wo_tax(line, rate), &line) ||
		    !wo_add_ok(*amount, line, amount))
			wo_die(1, "visit %s: %s: refund too large", visit, sku);
		json_array_append_new(lines, json_pack("{s:s,s:I,s:I}", "sku",
		    sku, "qty", (json_int_t)qty, "amount", (json_int_t)line));
	}
	/* Rounding per line must not give back more than was paid. */
	total = json_integer_value(json_object_get(intent, "amount"));
	given = 0;
	json_array_foreach(refs, i, q)
		if (!failed(q))
			given += json_integer_value(json_object_get(
			    json_object_get(q, "intent"), "amount"));
	if (*amount > total - given)
		*amount = total - given;
	if (*amount <= 0)
		wo_die(1, "visit %s: nothing left to refund", visit);
	return lines;
}

int
refund(struct journal *j, const struct gw_opts *o, const char *visit,
    int argc, char *argv[])
{
	json_t *st, *intent, *result, *refs, *r, *req, *items, *ri;
	const char *rec, *status;
	long long amount;
	char *key;
	size_t i, n;
	int same;

	req = parse_request(argc, argv);
	if ((st = journal_visit(j, visit)) == NULL)
		wo_die(1, "visit %s: not in the journal", visit);
	intent = json_object_get(st, "intent");
	result = json_object_get(st, "result");
	rec = json_string_value(json_object_get(result, "rec"));
	if (intent == NULL || rec == NULL || strcmp(rec, "done") != 0 ||
	    !json_is_string(json_object_get(result, "payment")))
		wo_die(1, "visit %s: not charged, nothing to refund", visit);
	refs = json_object_get(st, "refunds");

	/* Refunds a killed run left open come first; one of them may be
	 * this very request, asked again. */
	n = json_array_size(refs);
	for (i = 0; i < n; i++) {
		r = json_array_get(refs, i);
		if (json_object_get(r, "result") != NULL)
			continue;
		ri = json_object_get(r, "intent");
		same = json_equal(json_object_get(ri, "request"), req);
		if (!send_refund(j, o, intent, ri, &status))
			return 1;
		if (same) {
			json_decref(req);
			return strcmp(status, "succeeded") == 0 ? 0 : 1;
		}
	}

	items = price_request(visit, intent, refs, req, &amount);
	key = wo_malloc(strlen(visit) + 32);
	sprintf(key, "refund-%s-%zu", visit, json_array_size(refs) + 1);
	ri = json_pack("{s:s,s:s,s:s,s:f,s:I,s:O,s:o,s:o}", "rec",
	    "refund-intent", "visit", visit, "key", key, "ts", wo_now(),
	    "amount", (json_int_t)amount, "payment", json_object_get(result,
	    "payment"), "request", req, "items", items);
	free(key);
	journal_append(j, ri);
	json_decref(ri);
	refs = json_object_get(journal_visit(j, visit), "refunds");
	ri = json_object_get(json_array_get(refs, json_array_size(refs) - 1),
	    "intent");
	send_refund(j, o, intent, ri, &status);
	return strcmp(status, "succeeded") == 0 ? 0 : 1;
}
