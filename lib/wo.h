/* wo.h: the walkout library (libwo): errors, options, events, merge, store, money, geometry. */
#ifndef WO_H
#define WO_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#define WO_VERSION "0.1.0"

/* The longest event line accepted; longer lines are reported and skipped. */
#define WO_LINE_MAX (1 << 20)

/* err.c: diagnostics in the form "wo-NAME: FILE:LINE: reason". */
extern const char *wo_prog;	/* basename of argv[0] */
extern int wo_strict;		/* --strict: the first bad input stops the tool */
extern long wo_nbad;		/* bad inputs reported so far */

void	 wo_init(const char *argv0);
void	 wo_warn(const char *fmt, ...);		/* ends in ':' -> ": strerror" */
void	 wo_die(int status, const char *fmt, ...);	/* as wo_warn, then exit */
void	 wo_bad(const char *file, long line, const char *fmt, ...);
long long wo_strtonum(const char *s, long long min, long long max,
	    const char *what);			/* bad -> exit 2 */
double	 wo_strtod(const char *s, double min, double max, const char *what);
void	*wo_malloc(size_t n);
void	*wo_calloc(size_t n, size_t size);
void	*wo_realloc(void *p, size_t n);
char	*wo_strdup(const char *s);
int	 wo_close_out(void);			/* flush, check, close stdout */
double	 wo_now(void);				/* wall clock, epoch seconds */

/* opt.c: the options every tool shares. */
enum { WO_OPT_VERSION = 0x100, WO_OPT_STRICT, WO_OPT_FIRST_FREE = 0x110 };
#define WO_COMMON_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, WO_OPT_VERSION }, \
	{ "strict", no_argument, NULL, WO_OPT_STRICT }
/*
 * Handles -h, --help, --version, --strict and getopt's '?' for a tool whose
 * usage text is usage (the SYNOPSIS lines, without "usage: ").  Returns 1
 * when it handled c; exits for help (0), version (0) and errors (2).
 */
int	 wo_common_opt(int c, const char *usage);
void	 wo_usage(const char *usage);		/* prints usage, exit 2 */

/* ev.c: NDJSON events, one per line. */
struct wo_in {
	int	 fd;
	char	*name;		/* "<stdin>" or the path */
	long	 line;		/* number of the last line returned */
	char	*buf;
	size_t	 len, off, cap;
	int	 eof;
	int	 skipping;	/* inside an over-long line */
};

struct wo_ev {
	json_t		*obj;	/* the event, owned */
	const char	*type;	/* borrowed from obj */
	double		 ts;
	const char	*file;	/* where the line came from */
	long		 line;
	char		*raw;	/* the line as read, without newline */
	size_t		 rawlen;
};

struct wo_in *wo_in_open(const char *path);	/* "-" is stdin; dies */
struct wo_in *wo_in_fd(int fd, const char *name);
void	 wo_in_close(struct wo_in *in);
/*
 * Reads the next line without blocking when nonblock is set: returns 1 and
 * sets *line and *len (valid until the next call), 0 at end of input, -1 when
 * nonblock is set and no whole line is buffered yet.  NUL bytes and lines
 * over WO_LINE_MAX are reported and skipped here.
 */
int	 wo_in_line(struct wo_in *in, char **line, size_t *len, int nonblock);
/*
 * Reads the next event: 1 and ev filled, 0 at end of input.  A line that is
 * not a JSON object with a string "type" and a finite number "ts" is
 * reported (wo_bad) and skipped.
 */
int	 wo_read(struct wo_in *in, struct wo_ev *ev);
/* A line of spaces and tabs only: skipped silently by every reader. */
int	 wo_blank(const char *line, size_t len);
/* Parses one line into ev; 0 and a message in err when it is not an event. */
int	 wo_parse(const char *line, size_t len, struct wo_ev *ev,
	    char *err, size_t errlen);
void	 wo_ev_free(struct wo_ev *ev);

/* Field access: wo_need_* report "TYPE event has no KEY" and return 0. */
const char *wo_str(const struct wo_ev *ev, const char *key);
int	 wo_num(const struct wo_ev *ev, const char *key, double *v);
int	 wo_need_str(const struct wo_ev *ev, const char *key, const char **v);
int	 wo_need_num(const struct wo_ev *ev, const char *key, double *v);
int	 wo_need_int(const struct wo_ev *ev, const char *key, long long *v);
void	 wo_evbad(const struct wo_ev *ev, const char *fmt, ...);

json_t	*wo_ev_new(const char *type, double ts);	/* {"type","ts"} */
json_t	*wo_alert_new(double ts, const char *kind, const char *fmt, ...);
double	 wo_r3(double x);	/* to the thousandth: metres, confidences out */
void	 wo_write(json_t *obj);		/* one line to stdout, flushed */
void	 wo_write_to(FILE *fp, json_t *obj);
void	 wo_pass(const struct wo_ev *ev);	/* the raw line, unchanged */
char	*wo_dumps(json_t *obj);		/* compact, as wo_write writes */

/*
 * merge.c: emit standard input's events and those of other sources in ts
 * order.  A source is a file descriptor of lines; the tool's line function
 * turns lines into events with wo_src_emit and may declare progress with
 * wo_src_progress (no later event of that source will be older).  A file
 * source is read ahead as far as needed; a live source (a pipe, a serial
 * port, a socket) is polled, and since it may stay silent, its events are
 * held back at most lag seconds of wall clock.  Standard input is passed
 * through unchanged (wo_pass); a terminal on stdin is not read.
 */
struct wo_src;
typedef void wo_line_fn(struct wo_src *s, char *line, size_t len,
	    const char *file, long lineno, void *arg);
typedef void wo_eof_fn(struct wo_src *s, void *arg);

struct wo_src *wo_src_new(const char *name, int fd, int live,
	    wo_line_fn *line, wo_eof_fn *eof, void *arg);
void	 wo_src_emit(struct wo_src *s, json_t *ev);	/* steals ev */
void	 wo_src_progress(struct wo_src *s, double ts);
/* Runs until stdin and every source have ended; frees the sources. */
void	 wo_merge(struct wo_src **src, int nsrc, double lag);

/* store.c: store.json, validated. */
struct wo_item {
	char	*sku, *name;
	long long price;	/* minor units */
	double	 unit_g, sd_g;
	double	 tax_rate;	/* the store's unless the item overrides it */
};

struct wo_plate {
	char	*id, *sku;
	int	 item;		/* index into catalog */
	double	 x, y, w, h;
};

struct wo_cam {
	char	*id;
	int	 width, height;
	double	 H[9];		/* pixel -> floor */
	double	 Hinv[9];	/* floor -> pixel */
};

struct wo_gate {
	char	*id;
	int	 entry;		/* 1 entry, 0 exit */
	double	 x, y, w, h;
};

struct wo_store {
	char		*name, *currency;
	double		 tax_rate, floor_w, floor_h;
	struct wo_item	*items;
	size_t		 nitems;
	struct wo_plate	*plates;
	size_t		 nplates;
	struct wo_cam	*cams;
	size_t		 ncams;
	struct wo_gate	*gates;
	size_t		 ngates;
	json_t		*json;	/* the whole document, for extra fields */
};

/* Validates root; NULL and "FILE: catalog[3].price: negative price" in err. */
struct wo_store *wo_store_parse(json_t *root, const char *file,
	    char *err, size_t errlen);
struct wo_store *wo_store_read(const char *path, char *err, size_t errlen);
struct wo_store *wo_store_load(const char *path);	/* dies, status 1 */
void	 wo_store_free(struct wo_store *st);
int	 wo_store_item(const struct wo_store *st, const char *sku);	/* -1 */
int	 wo_store_plate(const struct wo_store *st, const char *id);
int	 wo_store_cam(const struct wo_store *st, const char *id);
int	 wo_store_gate(const struct wo_store *st, const char *id);
/* Whether floor point (x, y) lies on a plate or within margin m of one. */
int	 wo_store_on_plate(const struct wo_store *st, double x, double y,
	    double m);

/* money.c: integer minor units; tax rounded half away from zero per line. */
long long wo_tax(long long amount, double rate);
int	 wo_currency_exp(const char *currency);	/* digits after the point */
char	*wo_money_fmt(char *buf, size_t len, long long amount,
	    const char *currency);			/* "1.99" */
int	 wo_mul_ok(long long a, long long b, long long *r);	/* 0 on overflow */
int	 wo_add_ok(long long a, long long b, long long *r);

/* geom.c: homographies and rectangles on the floor. */
int	 wo_homog(const double H[9], double u, double v, double *x, double *y);
int	 wo_mat3_inv(const double m[9], double inv[9]);
int	 wo_in_rect(double x, double y, double rx, double ry, double rw,
	    double rh);
double	 wo_rect_dist(double x, double y, double rx, double ry, double rw,
	    double rh);				/* 0 on or inside */

/*
 * assign.c: rows of the n x m cost matrix (row-major) to distinct columns
 * at least total cost; pairs costing more than gate stay unassigned (-1).
 * Returns the number of rows assigned.  INFINITY as gate assigns them all.
 */
int	 wo_assign(const double *cost, int n, int m, double gate, int *assign);

#endif
