/* draw.h: the parts of wo-draw: images, painting, the font, the scene. */
#ifndef DRAW_H
#define DRAW_H

#include <stddef.h>

#include "wo.h"

struct img {
	int		 w, h;
	unsigned char	*px;		/* RGB, row by row from the top */
};

struct rgb {
	unsigned char	 r, g, b;
};

/* image.c: frames in, drawings out. */
int	 img_read(const char *path, struct img *im, char *err, size_t errlen);
int	 img_write(const char *path, const struct img *im, int jpeg,
	    char *err, size_t errlen);
void	 img_new(struct img *im, int w, int h, struct rgb bg);
void	 img_scale(struct img *im, int k);
void	 img_free(struct img *im);

/* paint.c: alpha is out of 256; 256 is opaque. */
void	 paint_px(struct img *im, int x, int y, struct rgb c, int alpha);
void	 paint_line(struct img *im, double x0, double y0, double x1,
	    double y1, struct rgb c, int thick, int dash);
void	 paint_rect(struct img *im, double x, double y, double w, double h,
	    struct rgb c, int thick);
void	 paint_fill(struct img *im, int x, int y, int w, int h,
	    struct rgb c, int alpha);
void	 paint_poly(struct img *im, const double *xy, int n, struct rgb c,
	    int alpha);
void	 paint_disc(struct img *im, double cx, double cy, double r,
	    struct rgb c, int alpha);
void	 paint_ring(struct img *im, double cx, double cy, double r,
	    struct rgb c, int thick);
int	 text_w(const char *s, int k);
int	 text_h(int k);
void	 paint_text(struct img *im, int x, int y, const char *s,
	    struct rgb c, int k);
/* The labels of one picture, drawn last and kept off one another. */
#define LAYOUT_MAX	128
struct label {
	char		 text[96];
	int		 x, y, w, h, k;	/* k 0: a place kept free */
	struct rgb	 fg, bg;
};
struct layout {
	int		 n;
	struct label	 l[LAYOUT_MAX];
};
void	 layout_keep(struct layout *lay, int x, int y, int w, int h);
void	 paint_label(struct img *im, struct layout *lay, double x, double y,
	    const char *s, struct rgb fg, struct rgb bg, int k);
void	 layout_paint(struct img *im, struct layout *lay);

/* font.c: 5x7 glyphs for ' ' to '~', each row's bit 4 the leftmost. */
#define FONT_W	5
#define FONT_H	7
extern const unsigned char font5x7[95][FONT_H];

/* What was seen and decided, kept as long as a drawing may still need it. */
#define HANDS_MAX	4

struct sample {			/* one track event */
	double		 ts, x, y;
	long long	 track;
	char		*account;	/* NULL: not known */
	int		 nh;
	double		 hx[HANDS_MAX], hy[HANDS_MAX];
};

struct change {			/* one weight event */
	double		 ts, t0, delta_g;
	int		 plate;
};

struct line {			/* one cart event */
	double		 ts, t0, conf;
	long long	 qty, track;	/* track -1: not named */
	int		 plate;
	char		*sku, *account, *id, *visit;
};

struct spot {			/* an item wo-track saw lying on the floor */
	double		 ts, x, y, conf;
};

struct box {
	char		*cls;
	double		 conf, x, y, w, h;
};

struct frame {
	double		 ts;
	int		 cam;
	char		*path, *file;
	long		 line;
	struct box	*b;
	int		 nb;
};

struct scene {
	const struct wo_store *st;
	struct sample	*s;
	size_t		 ns, caps;
	struct change	*c;
	size_t		 nc, capc;
	struct line	*l;
	size_t		 nl, capl;
	struct spot	*f;		/* floor events' items */
	size_t		 nf, capf;
	int		 k;		/* scale of the drawings */
};

/* How long things stay on the picture, in seconds. */
#define TRAIL_S		3.0	/* a track's trail */
#define STALE_S		1.0	/* a track not seen for this long is gone */
#define GLOW_S		2.0	/* a plate lit after its weight settled */
#define CAPTION_S	2.0	/* a cart line shown after it was decided */

/* scene.c */
struct rgb track_rgb(long long track);
void	 scene_draw(const struct scene *sc, const struct frame *f,
	    struct img *im, json_t *plates, json_t *lines);
void	 scene_map(const struct scene *sc, const char *visit, struct img *im);

#endif
