/* charge.h: the parts of wo-charge: journal, gateway client, charging. */
#ifndef CHARGE_H
#define CHARGE_H

#include <jansson.h>

/* journal.c: the write-ahead journal, one JSON record a line. */
struct journal;

struct journal *journal_open(const char *path);	/* dies */
/* Appends rec and fsyncs it; dies when the record cannot be made durable. */
void	 journal_append(struct journal *j, json_t *rec);
/* The state of a visit: {"intent", "result", "refunds": [...]}, or NULL. */
json_t	*journal_visit(struct journal *j, const char *visit);
json_t	*journal_visits(struct journal *j);	/* visit -> state, in order */
void	 journal_close(struct journal *j);

/* gateway.c: a Stripe-compatible API over libcurl. */
struct gw_opts {
	const char	*url;		/* base, without the trailing /v1 */
	const char	*key;		/* the secret key */
	const char	*cafile;	/* CA bundle for https, or NULL */
	long		 timeout_ms;	/* whole request */
	int		 tries;		/* attempts before "failed" */
	double		 backoff;	/* first wait between attempts, seconds */
};

enum gw_result {
	GW_OK,		/* 2xx; *body is the object */
	GW_DECLINED,	/* 402: final */
	GW_REJECTED,	/* another 4xx: final for this run */
	GW_FAILED	/* network or 409/429/5xx after every attempt */
};

void	 gw_init(void);
void	 gw_cleanup(void);
/*
 * POSTs form (URL-encoded) to path with the idempotency key, retrying with
 * backoff on network errors, 409, 429 and 5xx.  Sets *body to the JSON
 * answer (owned by the caller; may be NULL) and err to a message.
 */
enum gw_result gw_post(const struct gw_opts *o, const char *path,
	    const char *form, const char *idem, json_t **body, char *err,
	    size_t errlen);
/* Appends "&name=value" (value URL-encoded) to the form in *form. */
void	 gw_form_add(char **form, const char *name, const char *value);

/* refund.c: the --refund command; the exit status. */
int	 refund(struct journal *j, const struct gw_opts *o, const char *visit,
	    int argc, char *argv[]);

#endif
