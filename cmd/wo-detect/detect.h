/* detect.h: the parts of wo-detect: decoding, letterboxing, inference. */
#ifndef DETECT_H
#define DETECT_H

#include <stddef.h>

/* A decoded frame: 8-bit RGB, row after row. */
struct img {
	int		 w, h;
	unsigned char	*px;
	size_t		 cap;	/* bytes allocated at px, reused frame to frame */
};

/* decode.c */
int	 dec_file(const char *path, struct img *im, char *err, size_t errlen);
int	 dec_mem(const unsigned char *buf, size_t len, struct img *im,
	    char *err, size_t errlen);

/* letterbox.c */
void	 letterbox(const struct img *im, float *dst, int nw, int nh,
	    float *tmp);
size_t	 letterbox_tmp(int imh, int nw);

/* infer.c: a model is its files; a net is one worker's copy of it. */
struct model {
	char	*cfg, *weights, *names_file;
	char	**names;
	int	 nnames;
	int	 w, h;		/* the network's input */
};

struct obj {
	int	 cls;
	float	 conf;
	float	 x, y, w, h;	/* frame pixels, x,y the top-left corner */
};

struct net;

void	 model_open(struct model *m, const char *dir);
void	 model_free(struct model *m);
struct net *net_load(const struct model *m);
void	 net_free(struct net *n);
float	*net_input(struct net *n);
/* Runs the network on its input; the objects are in *objs (owned by n). */
int	 net_detect(struct net *n, int fw, int fh, float thresh, float nms,
	    struct obj **objs, double *t_net, double *t_nms);

double	 mono(void);

/* kernels.c: the loops of Darknet's that run here instead. */
void	 kernels_init(int use_darknet);
long	 kernels_calls(void);

#endif
