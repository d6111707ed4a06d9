/* cart.h: wo-cart's state (shoppers, carts, plates) shared by its files. */
#ifndef CART_H
#define CART_H

#include <jansson.h>

#define MAXHANDS	4
#define SEEN_CONF	0.5	/* a track this sure was really seen */
#define REACH_S		1.0	/* s a hand takes to reach a plate */

/* One moment of a shopper, from a track event: where the body and hands were. */
struct sample {
	double	 ts, x, y;
	int	 nh;
	double	 hx[MAXHANDS], hy[MAXHANDS], item[MAXHANDS];
	long long hid[MAXHANDS];	/* wo-track's hand ids, 0 unknown */
	long long arm[MAXHANDS];	/* whose arm reached it, 0 unknown */
	int	 guessed;	/* the body's place was predicted, not seen */
};

/* A cart line as emitted, kept for the checkout and the state file. */
struct line {
	char	*id, *sku, *plate;
	long long qty;
	double	 conf, ts;
	/*
	 * A pick given to one shopper by the hands' distances: when the
	 * change began and settled, how far its hand was (eff), and the
	 * runner-up (alt, a track id, 0 none) and theirs, so that a later
	 * change can show the two shoppers' arms were crossed; and how sure
	 * it would be were the runner-up shown busy elsewhere (solo).
	 */
	int	 reach;
	double	 t0, t1, eff, alteff, solo;
	long long alt;
	int	 moved;		/* a correction gave it to another shopper */
	int	 busy;		/* alt was seen picking elsewhere meanwhile */
	int	 gone;		/* taken off by the left-behind rule */
	/*
	 * A pick doubted for a meeting wo-track had not yet vouched for: its
	 * own confidence, and the change's start and the track it was parted
	 * from (see doubt()), to ask again once a met event vouches.
	 */
	int	 doubted;
	double	 own, dt0;
	long long parted;
};

/*
 * Another track this one was seen on top of, from the first moment to the
 * latest; kept once wo-track's met event has vouched that neither came out
 * of that meeting with the other's identity.
 */
struct meeting {
	long long other;
	double	 first, last;
	int	 kept;
};

struct shopper {
	long long track;
	char	*account;	/* NULL until the gate binds one */
	char	*visit;		/* made at the first cart line */
	double	 first;		/* ts of the first track event */
	double	 last;
	struct sample *h;	/* recent history, oldest first */
	int	 nh, caph;
	struct line *ln;
	int	 nln, capln;
	int	 seq;		/* cart lines made, for their ids */
	double	 empty;		/* seen with no hand since, or 0 */
	int	 left;		/* what it held then was left behind */
	struct meeting *mt;	/* the tracks it met lately */
	int	 nmt, capmt;
	long long swapped;	/* came out of a meeting looking like this */
	double	 swapts;	/* ... track, from then on; 0 none */
	int	 swaphold;	/* that track's cart changed after it */
};

/* What a plate holds besides its planogram product: put-backs that strayed. */
struct stray {
	char	*sku;
	long long n;
};

struct plate {
	struct stray *s;
	int	 ns;
	long long stock;	/* units on it by the scale; -1 unknown */
	double	 base;		/* settled grams last accounted for */
	int	 hasbase;
	int	 low;		/* the low-stock alert is out */
	double	 settled;	/* t1 of its latest change, 0 none */
};

struct entry {
	char	*account;
	double	 ts;
	double	 seen;		/* the body bound to it first seen then, or 0 */
	int	 with;		/* an entry whose body passed in the other
				   order (passed_before()), or -1 */
};

/* An item seen lying on the floor; items do not move, so its place is it. */
enum { F_NEW, F_LEFT, F_PICKED };
struct fitem {
	double	 x, y;		/* the mean of its run of sightings */
	double	 first, last;	/* the first sighting there, the latest */
	int	 seen;		/* moments in the run */
	int	 state;		/* F_NEW: not yet a run; F_LEFT: lies there */
	long long track;	/* who left it (F_LEFT), picked it up (F_PICKED) */
	char	*sku, *plate;	/* what it is taken for, NULL unknown */
	char	*line;		/* the cart line that last moved it */
	double	 conf;		/* that line's confidence */
	int	 fresh;		/* taken off a cart, not seen since */
};

struct cart {
	struct wo_store *st;
	struct shopper *sh;
	int	 nsh, capsh;
	struct plate *pl;	/* one per store plate */
	struct entry *ent;	/* the latest entry of each account */
	int	 nent;
	char	**done;		/* visits checked out, newest last */
	int	 ndone;
	char	**applied;	/* weight changes applied: "plate@ts" */
	int	 napplied;
	struct fitem *fl;	/* items on the floor */
	int	 nfl;
	double	 mnow, mprev;	/* the latest moment's time, the one before */
	double	 review;	/* confidence below this asks for a person */
	long long lowstock;
	double	 now;		/* the latest ts seen */
	double	 saved;		/* now, when the state was last saved */
	const char *state;	/* -S file, or NULL */
};

#define SWAP_CONF	0.5	/* picks made by a track that may have swapped */

/* meet.c */
struct meeting *meeting_add(struct shopper *s, long long other, double first,
	    double last);
void	 add_pick(struct cart *c, struct shopper *s, double ts, int plate,
	    int item, long long qty, double conf, double t0, long long parted,
	    json_t *x);
void	 meet_moment(struct cart *c, struct shopper *s,
	    const struct sample *sm);
void	 on_met(struct cart *c, const struct wo_ev *ev);
int	 swap_doubt(struct cart *c, const struct shopper *s);

/* attrib.c */
struct cand {
	int	 sh;		/* index into the shoppers */
	double	 dist;		/* metres from the hand (or body) to the plate */
	double	 eff;		/* dist, with proximity of the body penalised */
	int	 byhand;	/* 0: no hand of theirs was seen near it */
	double	 item;		/* conf of an item taken (or brought) */
	int	 inplate;	/* a hand in the plate at any time since t0 */
	double	 lastin;	/* when a hand of their track was last in it */
	double	 carried;	/* conf of an item a new hand carried off */
	int	 hidden;	/* the body only predicted at t0 */
};

void	 sample_add(struct shopper *s, const struct sample *sm, double keep);
int	 candidates(const struct cart *c, int plate, double t0, double t1,
	    int pick, struct cand *out);
int	 takers(const struct cand *cd, int n);
int	 at_hand(const struct cand *cd);
double	 to_plate(const struct wo_plate *p, double x, double y);
const struct sample *moment(const struct shopper *s, double t);
double	 body_dist(const struct cart *c, const struct shopper *s, int plate,
	    double t);
int	 hands_between(const struct cart *c, const struct shopper *a,
	    const struct shopper *b, int p, int q, double t, double u);
int	 arms_across(const struct cart *c, const struct shopper *a,
	    const struct shopper *b, int p, int q, double tp, double up,
	    double tq, double uq);
int	 came_unseen(const struct cart *c, const struct shopper *s, int p,
	    double t, double u);
void	 cand_swap(struct cand *cd, int i, int j);
const struct sample *first_view(const struct shopper *s, long long hid);
double	 attrib_conf(struct cand *cd, int n);
double	 busy_conf(const struct cand *cd, int n, int taker, int partner);
int	 lent_hands(const struct cart *c, int plate, double t0,
	    struct cand *cd, int n);
json_t	*detections(const struct cart *c, const struct shopper *s, int plate,
	    double t0, double te);
double	 hold_end(const struct cart *c, int plate, double t0, double t1);
int	 first_lifter(const struct cart *c, int plate, const struct cand *cd,
	    double ta, double tb);

/* count.c */
struct what {
	int	 item;		/* catalog index, -1: the weight fits nothing */
	long long qty;		/* units, positive */
	int	 item2;		/* a second product taken with it, or -1 */
	long long qty2;
	double	 conf;
};

void	 count(struct cart *c, int plate, double grams, int pick,
	    const struct shopper *s, struct what *w);
long long held_qty(const struct shopper *s, const char *sku);
int	 holds(const struct shopper *s);
void	 stray_add(struct plate *p, const char *sku, long long n);

/* lifts.c */
struct lifts {			/* the two lifts of a merged pick */
	double	 ta, tb;	/* when */
	long long q1;		/* units the first took, 0 not known */
};

int	 lift_steps(const double *g, int n, double t, double dt, double unit,
	    long long qty, struct lifts *lf);
int	 trace_lifts(const struct wo_ev *ev, double unit, long long qty,
	    struct lifts *lf);

/* state.c */
void	 state_load(struct cart *c, const char *path);
void	 state_save(struct cart *c);

/* floor.c */
void	 floor_moment(struct cart *c, double ts);
void	 on_floor(struct cart *c, const struct wo_ev *ev);
void	 floor_tick(struct cart *c, double ts);

/* main.c */
struct shopper *shopper_get(struct cart *c, long long track, int make);
void	 shopper_free(struct shopper *s);
void	 add_line(struct shopper *s, double ts, int plate, int item,
	    long long qty, double conf, json_t *evidence);
void	 emit(json_t *ev);

#endif
