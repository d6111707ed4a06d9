/* wo-receipt: render and deliver a receipt for every paid visit. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wo.h"
#include "receipt.h"

static const char usage[] =
    "wo-receipt -s STORE.json -a ACCOUNTS.json (-o DIR | --smtp URL)\n"
    "    [-j JOURNAL] [--from ADDRESS] [--retries N]\n"
    "    [--retry-wait SECONDS] [--strict]";

enum { OPT_SMTP = WO_OPT_FIRST_FREE, OPT_FROM, OPT_RETRIES, OPT_WAIT };

/* A checkout waiting for its charge; the event is kept whole. */
struct pending {
	char		*visit;
	json_t		*obj;
	struct pending	*next;
};

static struct wo_store *store;
static json_t *accounts;
static const char *outdir;
static struct smtp smtp = { NULL, NULL, 5, 1.0 };
static struct pending *pending;
static int undelivered;

static struct pending **
lookup(const char *visit)
{
	struct pending **pp;

	for (pp = &pending; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->visit, visit) == 0)
			break;
	return pp;
}

static void
forget(const char *visit)
{
	struct pending **pp = lookup(visit), *p;

	if ((p = *pp) == NULL)
		return;
	*pp = p->next;
	free(p->visit);
	json_decref(p->obj);
	free(p);
}

static int
item_int(const struct wo_ev *ev, size_t i, json_t *it, const char *key,
    long long *v)
{
	json_t *j = json_object_get(it, key);

	if (j == NULL) {
		wo_evbad(ev, "checkout items[%zu] has no %s", i, key);
		return 0;
	}
	if (!json_is_integer(j)) {
		wo_evbad(ev, "checkout items[%zu]: %s is not an integer", i,
		    key);
		return 0;
	}
	*v = json_integer_value(j);
	return 1;
}

/*
 * Fills the receipt's lines from a checkout's items and checks that the
 * checkout's own sums agree with them, line totals qty*price and tax per
 * line at the item's rate: a receipt must never show numbers that do not
 * add up.  Reports the first problem against ev and returns 0.
 */
static int
read_lines(const struct wo_ev *ev, json_t *co, struct receipt *r)
{
	json_t *items = json_object_get(co, "items"), *it, *evid, *j;
	long long sub = 0, tax = 0, tot;
	const char *name;
	size_t i, k;
	int n;

	if (!json_is_array(items)) {
		wo_evbad(ev, "checkout event: items is not an array");
		return 0;
	}
	r->nlines = json_array_size(items);
	r->lines = wo_calloc(r->nlines + 1, sizeof(*r->lines));
	json_array_foreach(items, i, it) {
		struct line *l = &r->lines[i];

		if ((l->sku = json_string_value(json_object_get(it,
		    "sku"))) == NULL) {
			wo_evbad(ev, "checkout items[%zu] has no sku", i);
			return 0;
		}
		if (!item_int(ev, i, it, "qty", &l->qty) ||
		    !item_int(ev, i, it, "price", &l->price))
			return 0;
		if (l->qty < 1 || l->price < 0) {
			wo_evbad(ev, "checkout items[%zu]: %s %lld is out of "
			    "range", i, l->qty < 1 ? "qty" : "price",
			    l->qty < 1 ? l->qty : l->price);
			return 0;
		}
		evid = json_object_get(it, "evidence");
		json_array_foreach(evid, k, j)
			if (!json_is_string(j))
				evid = NULL;
		if (json_object_get(it, "evidence") != NULL && evid == NULL) {
			wo_evbad(ev, "checkout items[%zu]: evidence is not "
			    "an array of strings", i);
			return 0;
		}
		l->evidence = evid;
		n = wo_store_item(store, l->sku);
		/* The checkout's name first: it is what the shopper saw. */
		if ((name = json_string_value(json_object_get(it, "name")))
		    == NULL)
			name = n >= 0 ? store->items[n].name : l->sku;
		l->name = name;
		if (!wo_mul_ok(l->qty, l->price, &l->total) ||
		    !wo_add_ok(sub, l->total, &sub) ||
		    !wo_add_ok(tax, wo_tax(l->total, n >= 0 ?
		    store->items[n].tax_rate : store->tax_rate), &tax)) {
			wo_evbad(ev, "checkout items[%zu]: amount overflows",
			    i);
			return 0;
		}
	}
	if (r->subtotal != sub) {
		wo_evbad(ev, "checkout subtotal %lld is not the sum of its "
		    "lines, %lld", r->subtotal, sub);
		return 0;
	}
	if (r->tax != tax) {
		wo_evbad(ev, "checkout tax %lld is not the tax of its lines, "
		    "%lld", r->tax, tax);
		return 0;
	}
	if (!wo_add_ok(sub, tax, &tot) || r->total != tot) {
		wo_evbad(ev, "checkout total %lld is not subtotal plus tax, "
		    "%lld", r->total, tot);
		return 0;
	}
	return 1;
}

/* The checkout's header fields; 0 when one is missing (reported). */
static int
read_checkout(const struct wo_ev *ev, struct receipt *r)
{
	memset(r, 0, sizeof(*r));
	r->store = store->name;
	return wo_need_str(ev, "visit", &r->visit) &&
	    wo_need_str(ev, "account", &r->account) &&
	    wo_need_str(ev, "currency", &r->currency) &&
	    wo_need_int(ev, "subtotal", &r->subtotal) &&
	    wo_need_int(ev, "tax", &r->tax) &&
	    wo_need_int(ev, "total", &r->total) &&
	    read_lines(ev, ev->obj, r);
}

static void
checkout(const struct wo_ev *ev)
{
	struct receipt r;
	struct pending *p;

	if (read_checkout(ev, &r)) {
		/* A replayed checkout replaces the one seen before. */
		forget(r.visit);
		p = wo_calloc(1, sizeof(*p));
		p->visit = wo_strdup(r.visit);
		p->obj = json_incref(ev->obj);
		p->next = pending;
		pending = p;
	}
	free(r.lines);
}

static void
alert(double ts, const struct receipt *r, const char *msg)
{
	json_t *o = wo_alert_new(ts, "receipt", "%s", msg);

	wo_warn("visit %s: %s", r->visit, msg);
	json_object_set_new(o, "visit", json_string(r->visit));
	json_object_set_new(o, "account", json_string(r->account));
	wo_write(o);
	json_decref(o);
	undelivered++;
}

/* An address curl can put between <> and in a header without harm. */
static int
plain_address(const char *e)
{
	const char *p;

	if (strchr(e, '@') == NULL)
		return 0;
	for (p = e; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == 0x7f)
			return 0;
	return 1;
}

static const char *
email_of(const char *account)
{
	const char *e = json_string_value(json_object_get(json_object_get(
	    accounts, account), "email"));

	return e != NULL && plain_address(e) ? e : NULL;
}

static void
deliver(const struct wo_ev *ev, struct receipt *r)
{
	char err[ERRLEN], *to = NULL, *msgid = NULL;
	const char *email = NULL;
	json_t *o;
	int state, rc = DELIVERED;

	if (outdir == NULL && (email = email_of(r->account)) == NULL) {
		alert(ev->ts, r, "no usable e-mail address for the account");
		return;
	}
	/* Where it goes is known before delivery: a replay names it too. */
	if (outdir != NULL) {
		to = receipt_path(outdir, r->visit, "txt");
	} else {
		msgid = message_id(r);
		to = wo_malloc(strlen(r->account) + 6);
		sprintf(to, "smtp:%s", r->account);
	}
	state = journal_state(r->visit);
	if (state == J_SENDING)
		wo_warn("visit %s: an earlier delivery was cut off; "
		    "delivering again%s%s", r->visit,
		    msgid != NULL ? " as " : "", msgid != NULL ? msgid : "");
	if (state != J_SENT) {
		journal_mark(r->visit, J_SENDING);
		if (outdir != NULL)
			deliver_dir(outdir, r);
		else
			rc = deliver_smtp(&smtp, email, r, msgid, err,
			    sizeof(err));
	}
	if (rc != DELIVERED) {
		alert(ev->ts, r, err);
	} else {
		if (state != J_SENT)
			journal_mark(r->visit, J_SENT);
		o = wo_ev_new("receipt", ev->ts);
		json_object_set_new(o, "visit", json_string(r->visit));
		json_object_set_new(o, "account", json_string(r->account));
		json_object_set_new(o, "to", json_string(to));
		if (msgid != NULL)
			json_object_set_new(o, "message_id",
			    json_string(msgid));
		/* A replay is answered, but nothing is delivered twice. */
		if (state == J_SENT)
			json_object_set_new(o, "again", json_true());
		wo_write(o);
		json_decref(o);
	}
	free(to);
	free(msgid);
}

static void
charge(const struct wo_ev *ev)
{
	const char *visit, *account, *status, *cur;
	struct pending *p;
	struct wo_ev co;
	struct receipt r;
	long long amount;
	json_t *card;

	if (!wo_need_str(ev, "visit", &visit) ||
	    !wo_need_str(ev, "account", &account) ||
	    !wo_need_str(ev, "status", &status))
		return;
	/* A held charge may still succeed after review; the rest are final. */
	if (strcmp(status, "succeeded") != 0) {
		if (strcmp(status, "held") != 0)
			forget(visit);
		return;
	}
	if (!wo_need_int(ev, "amount", &amount) ||
	    !wo_need_str(ev, "currency", &cur))
		return;
	if ((p = *lookup(visit)) == NULL) {
		wo_evbad(ev, "charge for visit %s has no checkout before it",
		    visit);
		return;
	}
	/* The checkout was checked when it came; read it again quietly. */
	co = *ev;
	co.obj = p->obj;
	read_checkout(&co, &r);
	if (strcmp(r.account, account) != 0)
		wo_evbad(ev, "charge account %s is not the checkout's, %s",
		    account, r.account);
	else if (amount != r.total || strcmp(cur, r.currency) != 0)
		wo_evbad(ev, "charge of %lld %s is not the checkout total, "
		    "%lld %s", amount, cur, r.total, r.currency);
	else {
		r.ts = ev->ts;
		r.payment = wo_str(ev, "payment");
		card = json_object_get(ev->obj, "card");
		r.brand = json_string_value(json_object_get(card, "brand"));
		r.last4 = json_string_value(json_object_get(card, "last4"));
		deliver(ev, &r);
		forget(visit);
	}
	free(r.lines);
}

static void
load_accounts(const char *path)
{
	json_error_t jerr;

	if ((accounts = json_load_file(path, 0, &jerr)) == NULL)
		wo_die(1, "%s:%d: %s", path, jerr.line, jerr.text);
	if (!json_is_object(accounts))
		wo_die(1, "%s: not an object of accounts", path);
}

/*
 * Reads checkout and charge events; for each visit whose charge succeeded
 * renders the receipt (text, HTML, JSON), delivers it to a directory or by
 * e-mail, and writes a receipt event.  Every event passes through.
 */
int
main(int argc, char *argv[])
{
	static struct option longopts[] = {
		WO_COMMON_LONGOPTS,
		{ "smtp", required_argument, NULL, OPT_SMTP },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "retry-wait", required_argument, NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 }
	};
	const char *storef = NULL, *accf = NULL, *journal = NULL;
	char *defjournal = NULL, *deffrom = NULL, *s;
	struct wo_in *in;
	struct wo_ev ev;
	int c;

	wo_init(argv[0]);
	while ((c = getopt_long(argc, argv, "a:hj:o:s:", longopts, NULL))
	    != -1) {
		switch (c) {
		case 'a':	accf = optarg; break;
		case 'j':	journal = optarg; break;
		case 'o':	outdir = optarg; break;
		case 's':	storef = optarg; break;
		case OPT_SMTP:	smtp.url = optarg; break;
		case OPT_FROM:	smtp.from = optarg; break;
		case OPT_RETRIES:
			smtp.retries = wo_strtonum(optarg, 0, 100, "retries");
			break;
		case OPT_WAIT:
			smtp.wait = wo_strtod(optarg, 0, 60, "retry wait");
			break;
		default:
			wo_common_opt(c, usage);
			break;
		}
	}
	if (optind != argc || storef == NULL || accf == NULL ||
	    (outdir == NULL) == (smtp.url == NULL))
		wo_usage(usage);
	if (smtp.url != NULL && strncmp(smtp.url, "smtp://", 7) != 0 &&
	    strncmp(smtp.url, "smtps://", 8) != 0)
		wo_die(2, "%s: not an smtp:// or smtps:// URL", smtp.url);

	store = wo_store_load(storef);
	load_accounts(accf);
	if (outdir != NULL) {
		if (mkdir(outdir, 0755) == -1 && errno != EEXIST)
			wo_die(1, "%s:", outdir);
		if (journal == NULL) {
			defjournal = wo_malloc(strlen(outdir) + 24);
			sprintf(defjournal, "%s/.wo-receipt.journal", outdir);
			journal = defjournal;
		}
	} else if (journal == NULL)
		journal = "wo-receipt.journal";
	if (smtp.from != NULL && !plain_address(smtp.from))
		wo_die(2, "%s: not a plain e-mail address", smtp.from);
	if (smtp.from == NULL) {
		s = safe_name(store->name);
		deffrom = wo_malloc(strlen(s) + 20);
		sprintf(deffrom, "receipts@%s.invalid", s);
		free(s);
		smtp.from = deffrom;
	}
	journal_open(journal);

	in = wo_in_open("-");
	while (wo_read(in, &ev)) {
		wo_pass(&ev);
		if (strcmp(ev.type, "checkout") == 0)
			checkout(&ev);
		else if (strcmp(ev.type, "charge") == 0)
			charge(&ev);
		wo_ev_free(&ev);
	}
	wo_in_close(in);

	while (pending != NULL)
		forget(pending->visit);
	deliver_end();
	journal_close();
	json_decref(accounts);
	wo_store_free(store);
	free(defjournal);
	free(deffrom);
	if (undelivered > 0)
		wo_warn("%d receipt%s not delivered", undelivered,
		    undelivered == 1 ? "" : "s");
	c = wo_close_out();
	return c != 0 ? c : undelivered > 0;
}
