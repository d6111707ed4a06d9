/* track.h: wo-track's numeric cores and the tracker state shared by its files. */
#ifndef TRACK_H
#define TRACK_H

#include <jansson.h>

/* kalman.c */
struct kf {
	double	x[4];	/* x, y, vx, vy: floor metres and metres a second */
	double	P[16];	/* covariance, row-major */
};

void	 kf_init(struct kf *kf, double x, double y, double pos_var,
	    double vel_var);
void	 kf_predict(struct kf *kf, double dt, double q);
void	 kf_update(struct kf *kf, double zx, double zy, double r);
double	 kf_maha(const struct kf *kf, double zx, double zy, double r);

/* fuse.c: one moment's detections from every camera, on the floor. */
#define NHIST	512	/* colour histogram bins, 8 x 8 x 8 RGB */

struct obs {
	double	 x, y, conf;
	double	 end[2][2];	/* per axis, the body at either end of a long box */
	int	 either[2];	/* ... and not at x (y) */
	unsigned long cams;	/* bit per camera that saw it */
	int	 n;		/* detections fused into it */
	double	 item;		/* hands: conf of an item held, 0 none */
	int	 clean;		/* some view of it was not cut by an edge */
	int	 owner;		/* hands: the person view whose box it ends */
	int	 arm;		/* hands: the person view whose arm reaches
				   it; -1 unknown, -2 views disagree */
	int	 hashist;
	float	 hist[NHIST];	/* persons: colours, the views' mean */
	int	 used;
};

struct box {
	int	 cam, cls, clip;
	int	 obs;		/* the observation it went into, -1 none */
	double	 conf, x, y, w, h;	/* pixels */
	int	 hashist;
	float	 hist[NHIST];
	int	 arm;		/* hands: the arm's person box, or -1 */
};

enum { CLS_PERSON, CLS_HAND, CLS_ITEM };

struct moment {
	struct box	*box;
	int		 nbox, cap;
	struct obs	*person, *hand;
	int		 nperson, nhand;
};

struct wo_store;
void	 moment_add(struct moment *m, const struct box *b);
void	 moment_fuse(struct moment *m, const struct wo_store *st,
	    double person_r, double hand_r);
void	 moment_clear(struct moment *m);
int	 box_covered(const struct moment *m, int from, const struct box *b,
	    double u, double v);
void	 obs_near(const struct obs *o, const double p[2], const double q[2],
	    double z[2]);

/* appear.c */
int	 appear(const char *path, struct moment *m, int from);
double	 hist_sim(const float *a, const float *b);

/* main.c: the tracks, shared with hands.c and meet.c. */
#define REACH		1.0	/* m from a person's centre to their hand */
#define COAST		2.0	/* s a lost track is predicted on and shown */
#define APP_APART	0.8	/* m to the next person for a view to teach it */
#define CLOSE_M		0.5	/* m, the closest two shoppers stand, centre to centre */
#define LOST_AFTER	0.5	/* s unseen before a track counts as lost */

struct trk {
	int	 id;
	char	*account;
	struct kf kf;
	double	 t;		/* time of the state */
	double	 seen;		/* last time a view matched */
	double	 born;
	double	 lx, ly;	/* last matched view */
	double	 conf;
	int	 hits;
	int	 confirmed;
	int	 ingate;	/* born in an entry gate: waits for its entry */
	int	 matched;	/* index of this moment's view, or -1 */
	int	 hasapp;
	float	 app[NHIST];	/* what they look like, a running mean */
	float	 sum[NHIST];	/* ... and every view that taught it, summed */
	int	 nsum;
};

extern struct trk *trk;
extern int ntrk;
extern struct moment mo;

int	 alone(const struct obs *o);
struct trk *trk_by_id(int id);

/* meet.c */
void	 meet_step(double t);
void	 meet_free(void);

/* floor.c */
json_t	*floor_items(const struct wo_store *st, const struct moment *m,
	    double minconf);

/* hands.c */
void	 own_hands(double t);
json_t	*hands_of(const struct trk *k);
void	 hands_free(void);

#endif
