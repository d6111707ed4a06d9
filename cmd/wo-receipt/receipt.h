/* receipt.h: what the parts of wo-receipt share: a paid visit and its delivery. */

/* One receipt line, from a checkout item. */
struct line {
	const char	*sku, *name;	/* borrowed from the checkout event */
	long long	 qty, price, total;
	json_t		*evidence;	/* array of ids, borrowed; may be NULL */
};

/* A checkout whose charge succeeded: everything a receipt shows. */
struct receipt {
	const char	*store, *visit, *account, *currency;
	const char	*payment;	/* the gateway's id, or NULL */
	const char	*brand, *last4;	/* the card, when the gateway said */
	double		 ts;		/* of the charge */
	struct line	*lines;
	size_t		 nlines;
	long long	 subtotal, tax, total;
};

/* A growing string. */
struct buf {
	char	*s;
	size_t	 len, cap;
};

void	 buf_add(struct buf *b, const char *s, size_t n);
void	 buf_printf(struct buf *b, const char *fmt, ...);
void	 buf_free(struct buf *b);

/* render.c */
void	 render_text(struct buf *b, const struct receipt *r);
void	 render_html(struct buf *b, const struct receipt *r);
char	*render_json(const struct receipt *r);
char	*safe_name(const char *s);
void	 rfc5322_date(char *d, size_t len, double ts);

/* deliver.c: deliver_smtp says which of these happened. */
enum { DELIVERED, TRANSIENT, PERMANENT };
#define ERRLEN	512		/* room for curl's message */

struct smtp {
	const char	*url, *from;
	int		 retries;
	double		 wait;		/* first backoff, seconds */
};

char	*receipt_path(const char *dir, const char *visit, const char *ext);
void	 deliver_dir(const char *dir, const struct receipt *r);
int	 deliver_smtp(const struct smtp *s, const char *to,
	    const struct receipt *r, const char *msgid, char *err,
	    size_t errlen);
char	*message_id(const struct receipt *r);
void	 deliver_end(void);

/* journal.c: the durable record of deliveries. */
enum { J_NONE, J_SENDING, J_SENT };

void	 journal_open(const char *path);
int	 journal_state(const char *visit);
void	 journal_mark(const char *visit, int state);
void	 journal_close(void);
