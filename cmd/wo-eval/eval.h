/* eval.h: the parts of wo-eval: receipts, tracks, detections, assignment. */
#ifndef EVAL_H
#define EVAL_H

#include "wo.h"

/*
 * Each part's *_score returns its section of the report: a JSON object
 * whose members print in order, numbers or objects of numbers, and for
 * the receipts with -v an array "rows" of per-shopper counts.
 */
/* receipts.c */
struct receipts;
struct receipts *receipts_open(const char *session);
void	 receipts_checkout(struct receipts *r, const struct wo_ev *ev);
json_t	*receipts_score(struct receipts *r, int rows);
void	 receipts_free(struct receipts *r);

/* tracks.c */
struct tracks;
struct tracks *tracks_new(const char *session, double dist);
int	 tracks_event(struct tracks *t, const struct wo_ev *ev);
int	 tracks_seen(const struct tracks *t);
json_t	*tracks_score(struct tracks *t);
void	 tracks_free(struct tracks *t);

/* hands.c */
struct hands;
struct hands *hands_new(const char *session);
void	 hands_event(struct hands *h, const struct wo_ev *ev);
int	 hands_seen(const struct hands *h);
json_t	*hands_score(struct hands *h);
void	 hands_free(struct hands *h);

/* ap.c */
double	 detect_ap(const int *tp, size_t ndet, size_t npos);

/* detect.c */
struct detect;
struct detect *detect_new(const char *session);
void	 detect_frame(struct detect *d, const struct wo_ev *ev);
int	 detect_seen(const struct detect *d);
json_t	*detect_score(struct detect *d);
void	 detect_free(struct detect *d);

/* A ratio, or JSON null when the denominator is zero. */
json_t	*ratio(double num, double den);
json_t	*truth_next(struct wo_in *in);
int	 finite_num(json_t *o, const char *key, double *v);
int	 acct_index(json_t *accts, json_t *a);

#endif
