/* gateway.c: wo-charge's client for a Stripe-compatible payment API, over libcurl. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wo.h"
#include "charge.h"

/* An answer larger than this is not a payment API talking. */
#define BODY_MAX (1 << 20)
#define BACKOFF_MAX 30.0

static CURL *curl;

struct buf {
	char	*s;
	size_t	 len;
};

void
gw_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (curl = curl_easy_init()) == NULL)
		wo_die(1, "cannot start libcurl");
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
}

void
gw_cleanup(void)
{
	curl_easy_cleanup(curl);
	curl_global_cleanup();
}

void
gw_form_add(char **form, const char *name, const char *value)
{
	char *v;
	size_t n;

	if ((v = curl_easy_escape(curl, value, 0)) == NULL)
		wo_die(1, "out of memory");
	n = (*form != NULL ? strlen(*form) : 0);
	*form = wo_realloc(*form, n + strlen(name) + strlen(v) + 3);
	snprintf(*form + n, strlen(name) + strlen(v) + 3, "%s%s=%s",
	    n > 0 ? "&" : "", name, v);
	curl_free(v);
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	n *= size;
	if (b->len + n > BODY_MAX)
		return 0;
	b->s = wo_realloc(b->s, b->len + n + 1);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return n;
}

/* The message of a Stripe error object, with its code and decline code. */
static void
errmsg(json_t *body, long status, char *err, size_t errlen)
{
	json_t *e = json_object_get(body, "error");
	const char *msg, *code, *dcode;

	msg = json_string_value(json_object_get(e, "message"));
	code = json_string_value(json_object_get(e, "code"));
	dcode = json_string_value(json_object_get(e, "decline_code"));
	snprintf(err, errlen, "HTTP %ld%s%s%s%s%s%s", status,
	    code != NULL ? " " : "", code != NULL ? code : "",
	    dcode != NULL ? "/" : "", dcode != NULL ? dcode : "",
	    msg != NULL ? ": " : "", msg != NULL ? msg : "");
}

/*
 * Jitter keeps many stores that saw the same outage from retrying in step;
 * a Retry-After from the gateway (at least min seconds) is honoured.
 */
static void
backoff(const struct gw_opts *o, int attempt, double min)
{
	struct timespec ts;
	double w;

	w = o->backoff;
	while (--attempt > 0 && w < BACKOFF_MAX)
		w *= 2;
	if (w > BACKOFF_MAX)
		w = BACKOFF_MAX;
	w = w / 2 + w / 2 * ((double)random() / RAND_MAX);
	if (w < min)
		w = min;
	ts.tv_sec = (time_t)w;
	ts.tv_nsec = (long)((w - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * A gateway that cannot prove who it is, or a URL curl cannot use, stays
 * so: trying again would only delay the failure.
 */
static int
permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return 1;
	default:
		return 0;
	}
}

/* One attempt; the HTTP status, or 0 and *rc and err on a transport error. */
static long
attempt(const struct gw_opts *o, const char *url, const char *form,
    struct curl_slist *hdr, struct buf *b, CURLcode *rcp, char *err,
    size_t errlen)
{
	CURLcode rc;
	long status;

	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->cafile != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, o->cafile);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
	    o->timeout_ms < 10000 ? o->timeout_ms : 10000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
	curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, o->key);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "wo-charge/" WO_VERSION);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	if ((rc = *rcp = curl_easy_perform(curl)) != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		return 0;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

enum gw_result
gw_post(const struct gw_opts *o, const char *path, const char *form,
    const char *idem, json_t **body, char *err, size_t errlen)
{
	struct curl_slist *hdr;
	struct buf b;
	json_error_t jerr;
	CURLcode rc;
	curl_off_t ra;
	double after;
	char *url, *h;
	long status;
	int n;
	enum gw_result rval;

	url = wo_malloc(strlen(o->url) + strlen(path) + 1);
	strcpy(url, o->url);
	strcat(url, path);
	h = wo_malloc(strlen(idem) + 20);
	sprintf(h, "Idempotency-Key: %s", idem);
	hdr = curl_slist_append(NULL, h);
	hdr = curl_slist_append(hdr, "Expect:");
	*body = NULL;
	rval = GW_FAILED;
	after = 0;
	for (n = 1; n <= o->tries; n++) {
		if (n > 1)
			backoff(o, n - 1, after);
		memset(&b, 0, sizeof(b));
		json_decref(*body);
		*body = NULL;
		after = 0;
		status = attempt(o, url, form, hdr, &b, &rc, err, errlen);
		if (b.s != NULL)
			*body = json_loadb(b.s, b.len, 0, &jerr);
		free(b.s);
		if (status == 0 && permanent(rc)) {
			rval = GW_REJECTED;
			break;
		}
		if (status == 0)
			continue;
		if (status >= 200 && status < 300) {
			if (json_is_object(*body)) {
				rval = GW_OK;
				break;
			}
			/* A success we cannot read: asking again replays it. */
			snprintf(err, errlen, "HTTP %ld: answer is not a JSON "
			    "object", status);
			continue;
		}
		errmsg(*body, status, err, errlen);
		curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &ra);
		after = ra < BACKOFF_MAX ? (double)ra : BACKOFF_MAX;
		if (status == 402) {
			rval = GW_DECLINED;
			break;
		}
		if (status != 409 && status != 429 && status < 500) {
			rval = GW_REJECTED;
			break;
		}
	}
	curl_slist_free_all(hdr);
	free(h);
	free(url);
	return rval;
}
