/* track.h: wo-track's numeric cores and the tracker state shared by its files. */
#ifndef TRACK_H
#define TRACK_H

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

/* hungarian.c */
int	 hungarian(const double *cost, int n, int m, double gate, int *assign);

/* fuse.c: one moment's detections from every camera, on the floor. */
#define NHIST	512	/* colour histogram bins, 8 x 8 x 8 RGB */

struct obs {
	double	 x, y, conf;
	unsigned long cams;	/* bit per camera that saw it */
	int	 n;		/* detections fused into it */
	double	 item;		/* hands: conf of an item held, 0 none */
	int	 clean;		/* some view of it was not cut by an edge */
	int	 owner;		/* hands: the person view whose box it ends */
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

/* appear.c */
int	 appear(const char *path, struct moment *m, int from);
double	 hist_sim(const float *a, const float *b);

#endif
