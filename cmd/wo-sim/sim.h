/* sim.h: the simulated store's world, shared by the files of wo-sim. */
#ifndef SIM_H
#define SIM_H

#include <stdint.h>
#include <stdio.h>

#include "wo.h"

/* rng.c: a seeded xoshiro256** generator; one stream per purpose. */
struct rng {
	uint64_t s[4];
};
void	 rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
double	 rng_unif(struct rng *r);			/* [0, 1) */
double	 rng_range(struct rng *r, double a, double b);
int	 rng_int(struct rng *r, int n);			/* [0, n) */
double	 rng_gauss(struct rng *r);

struct rect {
	double	 x, y, w, h;
};

struct rgb {
	unsigned char r, g, b;
};

/* One physical unit of a product; its weight is its own, not the mean. */
struct unit {
	int	 item;		/* catalog index */
	double	 g;
};

/* A stand point in front of a plate, facing it. */
struct spot {
	double	 x, y;		/* where a shopper stands */
	double	 ax, ay;	/* unit vector along the shelf front */
	int	 ok;
};

enum { R_TAKE, R_PUT, R_DROP };

/*
 * A reach of one hand: it leaves the body at t0, touches the plate (or
 * the floor) at t1, lets go or lifts at t2, and is back at t3.  A take
 * lifts qty units at t2; a put lays the units of an earlier take down at
 * t1; a drop leaves one on the floor.
 */
struct reach {
	int	 kind;
	double	 t0, t1, t2, t3;
	double	 tx, ty;	/* where the hand goes */
	int	 hand;		/* 0 left, 1 right */
	int	 plate;		/* -1 for the floor */
	int	 qty;		/* asked for; a take may get fewer */
	int	 from;		/* put/drop: index of the take it returns */
	int	 longhold;	/* the hand rests on the item a long while */
	int	 hc;		/* the hard case it stages, or -1 */
	double	 press;		/* grams the hand presses with */
	int	 units[4];	/* resolved unit indices */
	int	 nunits;
	int	 nleft;		/* take: units not yet put back or dropped */
};

struct key {
	double	 t, x, y, face;
};

/*
 * The least distance between two shoppers' centres, in metres: a torso
 * is about 0.45 m across, so at GAP two people stand shoulder to
 * shoulder and neither hides the other from above.
 */
#define GAP	0.5

struct shopper {
	char	 account[16];
	char	 email[48], customer[24], pm[24];
	double	 tin, tout;
	double	 size;
	struct rgb shirt, hair, skin, pack;
	int	 stripes, backpack;
	struct key *keys;
	size_t	 nkeys, capkeys;
	struct reach *r;
	size_t	 nr, capr;
	int	 state;		/* 0 not planned yet, 1 being planned, 2 planned */
};

/* What one reach changed on a plate or the floor, for scales and truth. */
struct change {
	double	 t;		/* when the weight changes */
	int	 shopper, reach;
};

struct sim {
	struct wo_store	*st;
	json_t		*storejson;
	struct rect	*shelves;
	size_t		 nshelves;
	struct spot	*spots;		/* per plate */
	struct rgb	*colour;	/* per catalog item */
	double		*boxw, *boxh;	/* per catalog item, metres */
	double		 t0, dur;
	uint64_t	 seed;
	double		 fps;
	double		 difficulty;
	int		 every;		/* stage every hard case */
	int		 nshop;
	int		 png, quality, jobs;
	double		 exposure;	/* a frame's exposure, seconds */
	struct shopper	*sh;
	size_t		 nsh;
	struct unit	*units;
	size_t		 nunits, capunits;
	int		**stack0;	/* per plate: first units, bottom up */
	int		*nstack0;
	struct change	*ch;
	size_t		 nch;
	int		 ncases[8];	/* hard cases staged, by kind */
	int		 crowded;	/* walks that could not keep GAP */
};

/* store.c */
json_t	*store_preset(const char *name, int w, int h);
void	 store_setup(struct sim *s);
void	 store_free(struct sim *s);
int	 route(struct sim *s, double x0, double y0, double x1, double y1,
	    double **pts, size_t *npts);
int	 grid_cell(double x, double y);
int	 grid_clear(double x0, double y0, double x1, double y1);
int	 grid_blocked(int c);
void	 grid_dims(int *w, int *h);
void	 grid_centre(int c, double *x, double *y);

/* space.c: walks that keep every shopper GAP from the others. */
struct wpt {
	double	 x, y, t;
};
int	 space_walk(const struct sim *s, const struct shopper *p,
	    const double *goal, int ngoal, double need, double v,
	    struct wpt **w, size_t *nw);
int	 space_free(const struct sim *s, const struct shopper *p, double x,
	    double y, double t0, double t1);

/* shopper.c */
enum { HC_CROSS, HC_SAMEPLATE, HC_MULTI, HC_LONGHOLD, HC_MISPLACE,
	HC_SAMEWEIGHT, HC_FLOOR, HC_PUTBACK, HC_N };
extern const char *hc_names[HC_N];
void	 plan(struct sim *s);
void	 plan_free(struct sim *s);
void	 pose(const struct shopper *p, double t, double *x, double *y,
	    double *face);
int	 plate_units(const struct sim *s, int plate, double t, int *out,
	    int max);
int	 floor_units(const struct sim *s, double t, int *out, double *xy,
	    int max);
int	 carried(const struct sim *s, const struct shopper *p, double t,
	    int *out, int max);

/* scale.c */
void	 write_scales(struct sim *s, FILE *fp);

/* render.c */
struct cambuf;
struct cambuf *cam_new(const struct sim *s, int cam);
void	 cam_free(struct cambuf *cb);
/* Renders frame t into rgb (w*h*3) and the labels into lab (a text). */
void	 render(const struct sim *s, struct cambuf *cb, double t,
	    unsigned char *rgb, char *lab, size_t lablen);
void	 shown_hands(const struct sim *s, const struct shopper *p, double t,
	    double hx[2], double hy[2], int *busy, int *inhand, int *c,
	    int *nc);

/* image.c */
int	 write_jpeg(const char *path, const unsigned char *rgb, int w, int h,
	    int quality);
int	 write_png(const char *path, const unsigned char *rgb, int w, int h);

/* stream.c */
int	 play(const char *session, const char *serial, const char *http,
	    double speed);

/* Rounded to whole milliseconds, the session's time resolution. */
double	 ms(double t);

#endif
