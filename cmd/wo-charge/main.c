/* main.c: wo-charge, charge each checkout exactly once through a payment gateway. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"
#include "charge.h"

#define USAGE \
	"wo-charge -a ACCOUNTS.json -g GATEWAY_URL [-j JOURNAL] [-q QUEUE]\n" \
	"          [-t SECONDS] [-n TRIES] [-b SECONDS] [--cacert FILE]\n" \
	"          [--strict]\n" \
	"wo-charge -g GATEWAY_URL [-j JOURNAL] [--cacert FILE]\n" \
	"          --refund VISIT SKU:QTY ..."

/* Stripe takes idempotency keys of up to 255 characters. */
#define VISIT_MAX 200

enum { OPT_REFUND = WO_OPT_FIRST_FREE, OPT_CACERT };

static struct gw_opts gw;
static struct journal *jn;
static json_t *accounts;	/* token -> {"customer","payment_method",...} */
static const char *queue_path;
static int queue_fd = -1;
static json_t *tried;		/* visits already sent in this run */

/* The key goes into a header: a space or a control character in it
 * could add another. */
static char *
checked_key(const char *k, const char *where)
{
	const char *p;

	for (p = k; *p != '\0'; p++)
		if (*p <= 0x20 || *p == 0x7f)
			wo_die(2, "%s: the gateway key has a space or a control "
			    "character", where);
	return wo_strdup(k);
}

/* The secret key: never from argv, where ps(1) and shell histories see it. */
static char *
read_key(void)
{
	const char *path;
	char buf[1024], *k;
	ssize_t n;
	size_t len;
	int fd;

	if ((k = getenv("WO_GATEWAY_KEY")) != NULL && *k != '\0')
		return checked_key(k, "WO_GATEWAY_KEY");
	if ((path = getenv("WO_GATEWAY_KEY_FILE")) == NULL || *path == '\0')
		wo_die(2, "no gateway key: set WO_GATEWAY_KEY or "
		    "WO_GATEWAY_KEY_FILE");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		wo_die(1, "%s:", path);
	if ((n = read(fd, buf, sizeof(buf) - 1)) == -1)
		wo_die(1, "%s:", path);
	close(fd);
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0)
		wo_die(1, "%s: no key in the first line", path);
	k = checked_key(buf, path);
	explicit_bzero(buf, sizeof(buf));
	return k;
}

static json_t *
load_accounts(const char *path)
{
	json_error_t jerr;
	json_t *root, *a;
	const char *tok;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		wo_die(1, "%s:", path);
	root = json_loadf(fp, JSON_REJECT_DUPLICATES, &jerr);
	fclose(fp);
	if (root == NULL)
		wo_die(1, "%s:%d: %s", path, jerr.line, jerr.text);
	if (!json_is_object(root))
		wo_die(1, "%s: not a JSON object of accounts", path);
	json_object_foreach(root, tok, a) {
		if (!json_is_string(json_object_get(a, "customer")) ||
		    !json_is_string(json_object_get(a, "payment_method")))
			wo_die(1, "%s: account %s: no customer or "
			    "payment_method", path, tok);
	}
	return root;
}

/*
 * A visit id goes into the Idempotency-Key header, so it must be a short
 * run of visible ASCII: no header can be smuggled in with it.
 */
static int
usable_visit(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > VISIT_MAX)
		return 0;
	for (; *v != '\0'; v++)
		if (*v <= 0x20 || *v >= 0x7f)
			return 0;
	return 1;
}

static char *
charge_key(const char *visit)
{
	char *k = wo_malloc(strlen(visit) + 8);

	sprintf(k, "charge-%s", visit);
	return k;
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v != NULL ? json_string(v) : json_null());
}

/* The charge event for a visit, from its journal records. */
static void
emit_charge(json_t *base, json_t *result, int replayed)
{
	json_t *ev, *card;
	const char *rec, *status;

	rec = json_string_value(json_object_get(result, "rec"));
	if (strcmp(rec, "done") == 0)
		status = "succeeded";
	else
		status = rec;
	ev = wo_ev_new("charge",
	    json_number_value(json_object_get(base, "ts")));
	json_object_set(ev, "visit", json_object_get(base, "visit"));
	json_object_set(ev, "account", json_object_get(base, "account"));
	json_object_set(ev, "amount", json_object_get(base, "amount"));
	json_object_set(ev, "currency", json_object_get(base, "currency"));
	json_object_set_new(ev, "status", json_string(status));
	set_str(ev, "payment", json_string_value(json_object_get(result,
	    "payment")));
	if ((card = json_object_get(result, "card")) != NULL)
		json_object_set(ev, "card", card);
	if (json_object_get(result, "error") != NULL)
		json_object_set(ev, "error", json_object_get(result, "error"));
	if (replayed)
		json_object_set_new(ev, "replayed", json_true());
	wo_write(ev);
	json_decref(ev);
}

static void
emit_alert(double ts, const char *kind, const char *visit,
    const char *account, const char *msg)
{
	json_t *ev = wo_alert_new(ts, kind, "%s", msg);

	json_object_set_new(ev, "visit", json_string(visit));
	set_str(ev, "account", account);
	wo_write(ev);
	json_decref(ev);
}

/* What the journal keeps of a card: brand and last four digits, no more. */
static json_t *
card_of(json_t *pi)
{
	json_t *card;
	const char *brand, *last4;

	card = json_object_get(json_object_get(json_object_get(pi,
	    "latest_charge"), "payment_method_details"), "card");
	brand = json_string_value(json_object_get(card, "brand"));
	last4 = json_string_value(json_object_get(card, "last4"));
	if (brand == NULL || last4 == NULL)
		return NULL;
	return json_pack("{s:s,s:s}", "brand", brand, "last4", last4);
}

/*
 * Sends the intent's request (again, after a restart: the same key makes
 * the gateway answer with the first result instead of charging twice),
 * journals the result and writes the charge event.
 */
static void
charge(json_t *intent)
{
	const char *visit, *account, *pstatus, *key;
	char *form = NULL, err[512], msg[700], num[32];
	json_t *body, *rec, *card;
	double ts;
	enum gw_result r;

	visit = json_string_value(json_object_get(intent, "visit"));
	account = json_string_value(json_object_get(intent, "account"));
	key = json_string_value(json_object_get(intent, "key"));
	ts = json_number_value(json_object_get(intent, "ts"));
	json_object_set_new(tried, visit, json_true());

	snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
	    json_integer_value(json_object_get(intent, "amount")));
	gw_form_add(&form, "amount", num);
	gw_form_add(&form, "currency", json_string_value(json_object_get(
	    intent, "currency")));
	gw_form_add(&form, "customer", json_string_value(json_object_get(
	    intent, "customer")));
	gw_form_add(&form, "payment_method", json_string_value(
	    json_object_get(intent, "payment_method")));
	gw_form_add(&form, "confirm", "true");
	gw_form_add(&form, "off_session", "true");
	gw_form_add(&form, "expand[]", "latest_charge");
	gw_form_add(&form, "metadata[visit]", visit);
	r = gw_post(&gw, "/v1/payment_intents", form, key, &body, err,
	    sizeof(err));
	free(form);

	rec = json_pack("{s:s,s:s}", "rec", "done", "visit", visit);
	if (r == GW_OK) {
		pstatus = json_string_value(json_object_get(body, "status"));
		set_str(rec, "payment", json_string_value(json_object_get(body,
		    "id")));
		if (pstatus != NULL && strcmp(pstatus, "succeeded") == 0) {
			if ((card = card_of(body)) != NULL)
				json_object_set_new(rec, "card", card);
		} else {
			snprintf(err, sizeof(err), "payment intent is %s",
			    pstatus != NULL ? pstatus : "without status");
			json_object_set_new(rec, "rec", json_string(pstatus !=
			    NULL && strcmp(pstatus, "requires_payment_method")
			    == 0 ? "declined" : "failed"));
			json_object_set_new(rec, "error", json_string(err));
		}
	} else {
		json_object_set_new(rec, "rec", json_string(r == GW_DECLINED ?
		    "declined" : "failed"));
		set_str(rec, "payment", json_string_value(json_object_get(
		    json_object_get(json_object_get(body, "error"),
		    "payment_intent"), "id")));
		json_object_set_new(rec, "error", json_string(err));
	}
	json_decref(body);
	journal_append(jn, rec);
	emit_charge(intent, rec, 0);
	if (strcmp(json_string_value(json_object_get(rec, "rec")), "done")
	    != 0) {
		snprintf(msg, sizeof(msg), "visit %s: charge %s: %s", visit,
		    json_string_value(json_object_get(rec, "rec")), err);
		emit_alert(ts, strcmp(json_string_value(json_object_get(rec,
		    "rec")), "declined") == 0 ? "charge-declined" :
		    "charge-failed", visit, account, msg);
	}
	json_decref(rec);
}

/* A flagged checkout waits in the review queue for a person. */
static void
hold(const struct wo_ev *ev, long long total)
{
	json_t *rec;
	size_t off;
	ssize_t w;

	if (queue_fd == -1 && (queue_fd = open(queue_path, O_WRONLY |
	    O_CREAT | O_APPEND | O_CLOEXEC, 0600)) == -1)
		wo_die(1, "%s:", queue_path);
	/* Queued before journaled: a crash between lists it twice, never
	 * not at all. */
	for (off = 0; off <= ev->rawlen; off += w) {
		if (off == ev->rawlen)
			w = write(queue_fd, "\n", 1);
		else
			w = write(queue_fd, ev->raw + off, ev->rawlen - off);
		if (w == -1) {
			if (errno != EINTR)
				wo_die(1, "%s:", queue_path);
			w = 0;
		}
	}
	if (fsync(queue_fd) == -1)
		wo_die(1, "%s: fsync:", queue_path);
	rec = json_pack("{s:s,s:s,s:f,s:s,s:I,s:s}", "rec", "held", "visit",
	    wo_str(ev, "visit"), "ts", ev->ts, "account", wo_str(ev,
	    "account"), "amount", (json_int_t)total, "currency",
	    wo_str(ev, "currency"));
	journal_append(jn, rec);
	emit_charge(rec, rec, 0);
	json_decref(rec);
}

static int
final(json_t *result)
{
	const char *rec = json_string_value(json_object_get(result, "rec"));

	return rec != NULL && strcmp(rec, "failed") != 0;
}

static int
held(json_t *result)
{
	const char *rec = json_string_value(json_object_get(result, "rec"));

	return rec != NULL && strcmp(rec, "held") == 0;
}

static void
checkout(const struct wo_ev *ev)
{
	const char *visit, *account, *currency;
	long long total;
	json_t *st, *intent, *result, *acct, *review, *items;
	char msg[512], *key;

	if (!wo_need_str(ev, "visit", &visit) ||
	    !wo_need_str(ev, "account", &account) ||
	    !wo_need_int(ev, "total", &total) ||
	    !wo_need_str(ev, "currency", &currency))
		return;
	if (!usable_visit(visit)) {
		wo_evbad(ev, "checkout event: visit is not 1 to %d visible "
		    "ASCII characters", VISIT_MAX);
		return;
	}
	if (total < 0) {
		wo_evbad(ev, "checkout event: total is negative");
		return;
	}
	review = json_object_get(ev->obj, "review");
	if (review != NULL && !json_is_boolean(review)) {
		wo_evbad(ev, "checkout event: review is not true or false");
		return;
	}
	items = json_object_get(ev->obj, "items");
	if (items != NULL && !json_is_array(items)) {
		wo_evbad(ev, "checkout event: items is not an array");
		return;
	}
	wo_pass(ev);

	st = journal_visit(jn, visit);
	intent = json_object_get(st, "intent");
	result = json_object_get(st, "result");
	/* Already settled, or already tried in this run: say it again so a
	 * consumer that lost it sees it, marked as not new.  A held one is
	 * settled only while its checkout still asks for review. */
	if ((final(result) && !(held(result) && !json_is_true(review))) ||
	    (result != NULL && json_object_get(tried, visit) != NULL)) {
		emit_charge(intent != NULL ? intent : result, result, 1);
		return;
	}
	if (intent == NULL && json_is_true(review)) {
		hold(ev, total);
		return;
	}
	if (intent == NULL) {
		if ((acct = json_object_get(accounts, account)) == NULL) {
			intent = json_pack("{s:s,s:f,s:s,s:I,s:s}", "visit",
			    visit, "ts", ev->ts, "account", account, "amount",
			    (json_int_t)total, "currency", currency);
			snprintf(msg, sizeof(msg), "account %s is not in the "
			    "accounts file", account);
			result = json_pack("{s:s,s:s}", "rec", "failed",
			    "error", msg);
			emit_charge(intent, result, 0);
			emit_alert(ev->ts, "charge-failed", visit, account,
			    msg);
			json_decref(intent);
			json_decref(result);
			return;
		}
		key = charge_key(visit);
		intent = json_pack("{s:s,s:s,s:s,s:f,s:s,s:O,s:O,s:I,s:s}",
		    "rec", "intent", "visit", visit, "key", key, "ts", ev->ts,
		    "account", account, "customer", json_object_get(acct,
		    "customer"), "payment_method", json_object_get(acct,
		    "payment_method"), "amount", (json_int_t)total,
		    "currency", currency);
		free(key);
		json_object_set(intent, "items", items != NULL ? items :
		    json_array());
		json_object_set(intent, "subtotal",
		    json_object_get(ev->obj, "subtotal"));
		json_object_set(intent, "tax", json_object_get(ev->obj, "tax"));
		if (total == 0) {
			/* Nothing to pay: no request, but the same record. */
			journal_append(jn, intent);
			result = json_pack("{s:s,s:s,s:n}", "rec", "done",
			    "visit", visit, "payment");
			journal_append(jn, result);
			emit_charge(intent, result, 0);
			json_decref(result);
			json_decref(intent);
			return;
		}
		journal_append(jn, intent);
		json_decref(intent);
		intent = json_object_get(journal_visit(jn, visit), "intent");
	}
	charge(intent);
}

/* Intents a killed run left without a final result are finished first. */
static void
resume(void)
{
	json_t *visits, *st, *intent;
	const char *visit;

	visits = journal_visits(jn);
	json_object_foreach(visits, visit, st) {
		intent = json_object_get(st, "intent");
		if (intent != NULL && !final(json_object_get(st, "result")))
			charge(intent);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		WO_COMMON_LONGOPTS,
		{ "refund", required_argument, NULL, OPT_REFUND },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ NULL, 0, NULL, 0 }
	};
	struct wo_in *in;
	struct wo_ev ev;
	const char *acpath = NULL, *jpath = "wo-charge.journal";
	const char *refund_visit = NULL;
	char *qbuf = NULL;
	int c;

	wo_init(argv[0]);
	gw.timeout_ms = 30000;
	gw.tries = 6;
	gw.backoff = 0.5;
	while ((c = getopt_long(argc, argv, "a:b:g:hj:n:q:t:", longopts,
	    NULL)) != -1) {
		if (wo_common_opt(c, USAGE))
			continue;
		switch (c) {
		case 'a':
			acpath = optarg;
			break;
		case 'b':
			gw.backoff = wo_strtod(optarg, 0.001, 60, "backoff");
			break;
		case 'g':
			gw.url = optarg;
			break;
		case 'j':
			jpath = optarg;
			break;
		case 'n':
			gw.tries = wo_strtonum(optarg, 1, 100, "tries");
			break;
		case 'q':
			queue_path = optarg;
			break;
		case 't':
			gw.timeout_ms = 1000 * wo_strtod(optarg, 0.001, 3600,
			    "timeout");
			break;
		case OPT_REFUND:
			refund_visit = optarg;
			break;
		case OPT_CACERT:
			gw.cafile = optarg;
			break;
		default:
			wo_usage(USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (gw.url == NULL)
		wo_usage(USAGE);
	if (refund_visit != NULL ? argc == 0 : (argc != 0 || acpath == NULL))
		wo_usage(USAGE);
	if (strncmp(gw.url, "http://", 7) != 0 &&
	    strncmp(gw.url, "https://", 8) != 0)
		wo_die(2, "gateway URL %s: not http:// or https://", gw.url);
	gw.key = read_key();
	/* A write to a closed pipe is an error to report, not a death. */
	signal(SIGPIPE, SIG_IGN);
	gw_init();
	jn = journal_open(jpath);
	tried = json_object();

	if (refund_visit != NULL) {
		c = refund(jn, &gw, refund_visit, argc, argv);
	} else {
		accounts = load_accounts(acpath);
		if (queue_path == NULL) {
			qbuf = wo_malloc(strlen(jpath) + 8);
			sprintf(qbuf, "%s.review", jpath);
			queue_path = qbuf;
		}
		resume();
		in = wo_in_open("-");
		while (wo_read(in, &ev)) {
			if (strcmp(ev.type, "checkout") == 0)
				checkout(&ev);
			else
				wo_pass(&ev);
			wo_ev_free(&ev);
		}
		wo_in_close(in);
		json_decref(accounts);
		c = 0;
	}
	if (queue_fd != -1)
		close(queue_fd);
	free(qbuf);
	json_decref(tried);
	journal_close(jn);
	gw_cleanup();
	explicit_bzero((char *)gw.key, strlen(gw.key));
	free((char *)gw.key);
	if (wo_close_out() != 0)
		return 1;
	return c;
}
