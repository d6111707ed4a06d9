/* render.c: top-down camera frames of the simulated store and their labels. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define MAXOBJ	2048
#define NGAUSS	8192

enum { C_PERSON, C_HAND, C_ITEM, C_NONE = -1 };

struct obj {
	int	 cls, parent;
	long	 drawn, seen;
	int	 x0, y0, x1, y1;	/* visible pixels, inclusive */
	int	 d[4];		/* drawn pixels, hidden or not */
	double	 vu, vv;	/* a person's speed across the frame, px/s */
};

struct cambuf {
	const struct wo_cam *cam;
	int	 w, h, index;
	float	*fx, *fy;	/* the floor point under each pixel */
	float	*gain;		/* lens fall-off and the camera's own gain */
	float	 tint[3];
	unsigned char *bg, *img;
	unsigned short *id;
	struct obj obj[MAXOBJ];
	int	 nobj;
	float	 gauss[NGAUSS];
};

static void background(const struct sim *, struct cambuf *);

struct cambuf *
cam_new(const struct sim *s, int ci)
{
	struct cambuf *cb = wo_calloc(1, sizeof(*cb));
	const struct wo_store *st = s->st;
	struct rng r;
	double x, y, cx, cy;
	int u, v, i;

	cb->cam = &st->cams[ci];
	cb->index = ci;
	cb->w = cb->cam->width;
	cb->h = cb->cam->height;
	cb->fx = wo_malloc((size_t)cb->w * cb->h * sizeof(float));
	cb->fy = wo_malloc((size_t)cb->w * cb->h * sizeof(float));
	cb->gain = wo_malloc((size_t)cb->w * cb->h * sizeof(float));
	cb->bg = wo_malloc((size_t)cb->w * cb->h * 3);
	cb->img = wo_malloc((size_t)cb->w * cb->h * 3);
	cb->id = wo_malloc((size_t)cb->w * cb->h * sizeof(*cb->id));
	rng_seed(&r, s->seed, 100 + ci);
	for (i = 0; i < 3; i++)
		cb->tint[i] = (float)rng_range(&r, 0.94, 1.06);
	for (i = 0; i < NGAUSS; i++)
		cb->gauss[i] = (float)rng_gauss(&r);
	cx = cb->w / 2.0;
	cy = cb->h / 2.0;
	for (v = 0; v < cb->h; v++)
		for (u = 0; u < cb->w; u++) {
			size_t k = (size_t)v * cb->w + u;
			double d2 = ((u - cx) * (u - cx) + (v - cy) *
			    (v - cy)) / (cx * cx + cy * cy);

			if (!wo_homog(cb->cam->H, u + 0.5, v + 0.5, &x, &y))
				x = y = -100;
			cb->fx[k] = (float)x;
			cb->fy[k] = (float)y;
			cb->gain[k] = (float)(1.0 - 0.35 * d2);
		}
	background(s, cb);
	return cb;
}

void
cam_free(struct cambuf *cb)
{
	free(cb->fx);
	free(cb->fy);
	free(cb->gain);
	free(cb->bg);
	free(cb->img);
	free(cb->id);
	free(cb);
}

/* The pixel box that holds the floor box (x0,y0)-(x1,y1). */
static int
pixbox(const struct cambuf *cb, double x0, double y0, double x1, double y1,
    int b[4])
{
	double px[4] = { x0, x1, x1, x0 }, py[4] = { y0, y0, y1, y1 }, u, v;
	int i;

	b[0] = cb->w;
	b[1] = cb->h;
	b[2] = b[3] = -1;
	for (i = 0; i < 4; i++) {
		if (!wo_homog(cb->cam->Hinv, px[i], py[i], &u, &v))
			return 0;
		if (u < -1e6 || u > 1e6 || v < -1e6 || v > 1e6)
			return 0;
		if ((int)floor(u) - 1 < b[0])
			b[0] = (int)floor(u) - 1;
		if ((int)floor(v) - 1 < b[1])
			b[1] = (int)floor(v) - 1;
		if ((int)ceil(u) + 1 > b[2])
			b[2] = (int)ceil(u) + 1;
		if ((int)ceil(v) + 1 > b[3])
			b[3] = (int)ceil(v) + 1;
	}
	if (b[0] < 0)
		b[0] = 0;
	if (b[1] < 0)
		b[1] = 0;
	if (b[2] > cb->w - 1)
		b[2] = cb->w - 1;
	if (b[3] > cb->h - 1)
		b[3] = cb->h - 1;
	return b[0] <= b[2] && b[1] <= b[3];
}

static void
put(struct cambuf *cb, unsigned char *img, size_t k, struct rgb c,
    double shade, int id)
{
	img[3 * k] = (unsigned char)(c.r * shade);
	img[3 * k + 1] = (unsigned char)(c.g * shade);
	img[3 * k + 2] = (unsigned char)(c.b * shade);
	if (id >= 0) {
		struct obj *o = &cb->obj[id];
		int u = (int)(k % cb->w), v = (int)(k / cb->w);

		cb->id[k] = (unsigned short)(id + 1);
		o->drawn++;
		if (u < o->d[0])
			o->d[0] = u;
		if (v < o->d[1])
			o->d[1] = v;
		if (u > o->d[2])
			o->d[2] = u;
		if (v > o->d[3])
			o->d[3] = v;
	} else
		cb->id[k] = 0;
}

/* An ellipse of half axes a (along angle th) and b, darker to the rim. */
static void
ellipse(struct cambuf *cb, unsigned char *img, double cx, double cy,
    double a, double b, double th, struct rgb c, double rim, int id)
{
	double m = fmax(a, b), ca = cos(th), sa = sin(th), dx, dy, p, q, e;
	int bx[4], u, v;

	if (!pixbox(cb, cx - m, cy - m, cx + m, cy + m, bx))
		return;
	for (v = bx[1]; v <= bx[3]; v++)
		for (u = bx[0]; u <= bx[2]; u++) {
			size_t k = (size_t)v * cb->w + u;

			dx = cb->fx[k] - cx;
			dy = cb->fy[k] - cy;
			p = (dx * ca + dy * sa) / a;
			q = (-dx * sa + dy * ca) / b;
			e = p * p + q * q;
			if (e <= 1.0)
				put(cb, img, k, c, 1.0 - rim * e, id);
		}
}

/* A torso as ellipse() draws it, in stripes across the shoulders. */
static void
striped(struct cambuf *cb, double cx, double cy, double a, double b,
    double th, struct rgb c, int id)
{
	double ca = cos(th), sa = sin(th), dx, dy, p, q, e;
	int bx[4], u, v;

	if (!pixbox(cb, cx - a, cy - a, cx + a, cy + a, bx))
		return;
	for (v = bx[1]; v <= bx[3]; v++)
		for (u = bx[0]; u <= bx[2]; u++) {
			size_t k = (size_t)v * cb->w + u;

			dx = cb->fx[k] - cx;
			dy = cb->fy[k] - cy;
			p = (dx * ca + dy * sa) / a;
			q = (-dx * sa + dy * ca) / b;
			if ((e = p * p + q * q) > 1.0)
				continue;
			put(cb, cb->img, k, c, (1.0 - 0.35 * e) *
			    (fmod(q * b + 1.0, 0.08) < 0.04 ? 1.0 : 0.55), id);
		}
}

/* A stroke of radius r from (x0,y0) to (x1,y1): an arm. */
static void
capsule(struct cambuf *cb, unsigned char *img, double x0, double y0,
    double x1, double y1, double r, struct rgb c, int id)
{
	double vx = x1 - x0, vy = y1 - y0, l2 = vx * vx + vy * vy, f, dx, dy;
	int bx[4], u, v;

	if (!pixbox(cb, fmin(x0, x1) - r, fmin(y0, y1) - r, fmax(x0, x1) + r,
	    fmax(y0, y1) + r, bx))
		return;
	for (v = bx[1]; v <= bx[3]; v++)
		for (u = bx[0]; u <= bx[2]; u++) {
			size_t k = (size_t)v * cb->w + u;

			dx = cb->fx[k] - x0;
			dy = cb->fy[k] - y0;
			f = l2 > 0 ? (dx * vx + dy * vy) / l2 : 0;
			f = f < 0 ? 0 : f > 1 ? 1 : f;
			dx -= f * vx;
			dy -= f * vy;
			if (dx * dx + dy * dy <= r * r)
				put(cb, img, k, c, 1.0 - 0.3 * (dx * dx +
				    dy * dy) / (r * r), id);
		}
}

/* A box of w x h turned by th, with a paler band: a product's label. */
static void
box(struct cambuf *cb, unsigned char *img, double cx, double cy, double w,
    double h, double th, struct rgb c, int id)
{
	double m = hypot(w, h) / 2, ca = cos(th), sa = sin(th), p, q;
	struct rgb band = { (unsigned char)(c.r + (255 - c.r) / 2),
	    (unsigned char)(c.g + (255 - c.g) / 2),
	    (unsigned char)(c.b + (255 - c.b) / 2) };
	int bx[4], u, v;

	if (!pixbox(cb, cx - m, cy - m, cx + m, cy + m, bx))
		return;
	for (v = bx[1]; v <= bx[3]; v++)
		for (u = bx[0]; u <= bx[2]; u++) {
			size_t k = (size_t)v * cb->w + u;
			double dx = cb->fx[k] - cx, dy = cb->fy[k] - cy;

			p = (dx * ca + dy * sa) / (w / 2);
			q = (-dx * sa + dy * ca) / (h / 2);
			if (fabs(p) > 1 || fabs(q) > 1)
				continue;
			put(cb, img, k, fabs(q) < 0.25 ? band : c,
			    fabs(p) > 0.8 || fabs(q) > 0.8 ? 0.75 : 1.0, id);
		}
}

static unsigned
hash2(int a, int b)
{
	unsigned h = (unsigned)a * 73856093u ^ (unsigned)b * 19349663u;

	h ^= h >> 13;
	h *= 0x5bd1e995u;
	return h ^ (h >> 15);
}

/* The floor, the walls beyond it, the gates' mats, shelves and plates. */
static void
background(const struct sim *s, struct cambuf *cb)
{
	const struct wo_store *st = s->st;
	struct rgb wall = { 58, 60, 66 }, shelf = { 96, 78, 62 };
	struct rgb plate = { 168, 172, 178 }, rim = { 120, 122, 128 };
	size_t k, i, n = (size_t)cb->w * cb->h;

	for (k = 0; k < n; k++) {
		double x = cb->fx[k], y = cb->fy[k], fx, fy;
		struct rgb c;

		if (x < 0 || y < 0 || x > st->floor_w || y > st->floor_h) {
			c = wall;
		} else {
			int tx = (int)floor(x / 0.5), ty = (int)floor(y / 0.5);
			int j = (int)(hash2(tx, ty) % 13) - 6;

			fx = x / 0.5 - tx;
			fy = y / 0.5 - ty;
			c.r = (unsigned char)(((tx + ty) & 1 ? 206 : 192) + j);
			c.g = (unsigned char)(((tx + ty) & 1 ? 200 : 187) + j);
			c.b = (unsigned char)(((tx + ty) & 1 ? 188 : 176) + j);
			if (fx < 0.03 || fy < 0.03) {
				c.r = 150;
				c.g = 146;
				c.b = 140;
			}
			for (i = 0; i < st->ngates; i++) {
				const struct wo_gate *g = &st->gates[i];

				if (!wo_in_rect(x, y, g->x, g->y, g->w, g->h))
					continue;
				c.r = g->entry ? 80 : 170;
				c.g = g->entry ? 150 : 80;
				c.b = g->entry ? 95 : 75;
				if ((int)floor((x + y) / 0.15) % 2)
					c.r = (unsigned char)(c.r * 0.8);
			}
		}
		cb->bg[3 * k] = c.r;
		cb->bg[3 * k + 1] = c.g;
		cb->bg[3 * k + 2] = c.b;
	}
	cb->nobj = 0;
	for (i = 0; i < s->nshelves; i++) {
		const struct rect *r = &s->shelves[i];

		box(cb, cb->bg, r->x + r->w / 2, r->y + r->h / 2, r->w, r->h, 0,
		    shelf, -1);
	}
	for (i = 0; i < st->nplates; i++) {
		const struct wo_plate *p = &st->plates[i];

		box(cb, cb->bg, p->x + p->w / 2, p->y + p->h / 2, p->w, p->h, 0,
		    rim, -1);
		box(cb, cb->bg, p->x + p->w / 2, p->y + p->h / 2, p->w - 0.04,
		    p->h - 0.04, 0, plate, -1);
	}
}

static int
newobj(struct cambuf *cb, int cls, int parent)
{
	struct obj *o;

	if (cb->nobj == MAXOBJ)
		return -1;
	o = &cb->obj[cb->nobj];
	o->cls = cls;
	o->parent = parent;
	o->drawn = o->seen = 0;
	o->x0 = o->y0 = o->d[0] = o->d[1] = 1 << 30;
	o->x1 = o->y1 = o->d[2] = o->d[3] = -1;
	o->vu = o->vv = 0;
	return cb->nobj++;
}

static void
products(const struct sim *s, struct cambuf *cb, double t)
{
	const struct wo_store *st = s->st;
	int u[160], n, k, cols, rows, it;
	size_t i;

	for (i = 0; i < st->nplates; i++) {
		const struct wo_plate *p = &st->plates[i];
		double sw, sh;

		it = p->item;
		sw = s->boxw[it] + 0.03;
		sh = s->boxh[it] + 0.03;
		cols = (int)((p->w - 0.04) / sw);
		rows = (int)((p->h - 0.04) / sh);
		if (cols < 1)
			cols = 1;
		if (rows < 1)
			rows = 1;
		n = plate_units(s, (int)i, t, u, 160);
		/* Units past one layer lie on top, so the newest show. */
		for (k = 0; k < n; k++) {
			int slot = k % (cols * rows), ui = s->units[u[k]].item;

			double x = p->x + 0.02 + (slot % cols + 0.5) * sw +
			    (p->w - 0.04 - cols * sw) / 2;
			double y = p->y + 0.02 + (slot / cols + 0.5) * sh +
			    (p->h - 0.04 - rows * sh) / 2;

			box(cb, cb->img, x, y, s->boxw[ui], s->boxh[ui], 0,
			    s->colour[ui], -1);
		}
	}
}

static double
smooth(double a, double b, double t)
{
	double f = (t - a) / (b - a);

	f = f < 0 ? 0 : f > 1 ? 1 : f;
	return f * f * (3 - 2 * f);
}

/*
 * An item in a hand, a little beyond the hand so that the hand hides
 * only its edge; a small one is drawn no smaller than a detector can
 * learn from a 320x240 frame.
 */
static void
held(const struct sim *s, struct cambuf *cb, int unit, double x, double y,
    double th, int parent)
{
	int it = s->units[unit].item;
	double w = fmax(s->boxw[it], 0.11), h = fmax(s->boxh[it], 0.13);

	box(cb, cb->img, x + cos(th) * (0.05 + w / 2), y + sin(th) * (0.05 +
	    w / 2), w, h, th, s->colour[it], newobj(cb, C_ITEM, parent));
}

/* A soft shadow: the floor under a person darkened, no object of its own. */
static void
shadow(struct cambuf *cb, double cx, double cy, double a, double b,
    double th)
{
	double ca = cos(th), sa = sin(th), dx, dy, p, q, e;
	int bx[4], u, v, c;

	if (!pixbox(cb, cx - a, cy - a, cx + a, cy + a, bx))
		return;
	for (v = bx[1]; v <= bx[3]; v++)
		for (u = bx[0]; u <= bx[2]; u++) {
			size_t k = (size_t)v * cb->w + u;

			dx = cb->fx[k] - cx;
			dy = cb->fy[k] - cy;
			p = (dx * ca + dy * sa) / a;
			q = (-dx * sa + dy * ca) / b;
			if ((e = p * p + q * q) > 1.0)
				continue;
			for (c = 0; c < 3; c++)
				cb->img[3 * k + c] = (unsigned char)
				    (cb->img[3 * k + c] * (0.62 + 0.38 * e));
		}
}

/* A body facing f: its sideways (ex, ey) and forward (fx, fy) unit axes. */
static void
axes(double f, double *ex, double *ey, double *fx, double *fy)
{
	*ex = -sin(f);
	*ey = cos(f);
	*fx = cos(f);
	*fy = sin(f);
}

/*
 * The hands of p that show at time t, where draw_person() draws them: the
 * one reaching to or from a shelf, once it is out of the sleeve (hand 0),
 * and the one carrying what was taken, in front of the body (hand 1).  A
 * hand that does not show has hx[i] NAN.  Which hand reaches (1 right, 0
 * left, -1 none) goes in *busy, the item in it, or -1, in *inhand, and
 * the units carried in the other in c[16], *nc.
 */
void
shown_hands(const struct sim *s, const struct shopper *p, double t,
    double hx[2], double hy[2], int *busy, int *inhand, int *c, int *nc)
{
	const struct reach *act = NULL;
	double x, y, f, ex, ey, fx, fy, sz = p->size, ext;
	int k;
	size_t i;

	pose(p, t, &x, &y, &f);
	axes(f, &ex, &ey, &fx, &fy);
	hx[0] = hx[1] = hy[0] = hy[1] = NAN;
	*busy = *inhand = -1;
	for (i = 0; i < p->nr; i++)
		if (t >= p->r[i].t0 && t < p->r[i].t3)
			act = &p->r[i];
	if (act != NULL) {
		double sx = x + ex * (act->hand ? 0.19 : -0.19) * sz;
		double sy = y + ey * (act->hand ? 0.19 : -0.19) * sz;

		*busy = act->hand;
		if (act->kind == R_TAKE && t >= ms(act->t2) && act->nunits > 0)
			*inhand = act->units[0];
		if (act->kind != R_TAKE && t < ms(act->t1) && act->nunits > 0)
			*inhand = act->units[0];
		ext = smooth(act->t0, act->t1, t) * (1 - smooth(act->t2,
		    act->t3, t));
		if (ext > 0.08) {
			hx[0] = sx + ext * (act->tx - sx);
			hy[0] = sy + ext * (act->ty - sy);
		}
	}
	*nc = carried(s, p, t, c, 16);
	for (k = 0; k < *nc; k++)
		if (c[k] == *inhand)
			c[k] = c[--*nc];
	if (*nc > 0) {
		double sd = *busy == 1 ? -1 : 1;

		hx[1] = x + fx * 0.32 * sz + ex * sd * 0.1 * sz;
		hy[1] = y + fy * 0.32 * sz + ey * sd * 0.1 * sz;
	}
}

static void
draw_person(const struct sim *s, struct cambuf *cb, const struct shopper *p,
    double t)
{
	double x, y, f, ex, ey, fx, fy, sz = p->size, walk = 0;
	double x0, y0, x1, y1, g, hx[2], hy[2];
	struct rgb sleeve = { (unsigned char)(p->shirt.r * 0.85),
	    (unsigned char)(p->shirt.g * 0.85),
	    (unsigned char)(p->shirt.b * 0.85) };
	int me, hand, busy, inhand, c[16], nc, k, side;

	pose(p, t, &x, &y, &f);
	axes(f, &ex, &ey, &fx, &fy);
	shown_hands(s, p, t, hx, hy, &busy, &inhand, c, &nc);
	pose(p, t - 0.05, &x0, &y0, &g);
	pose(p, t + 0.05, &x1, &y1, &g);
	walk = fmin(1.0, hypot(x1 - x0, y1 - y0) / 0.1);
	me = newobj(cb, C_PERSON, -1);
	if (me >= 0 && s->exposure > 0) {
		double u0, v0, u1, v1;

		if (wo_homog(cb->cam->Hinv, x0, y0, &u0, &v0) &&
		    wo_homog(cb->cam->Hinv, x1, y1, &u1, &v1)) {
			cb->obj[me].vu = (u1 - u0) / 0.1;
			cb->obj[me].vv = (v1 - v0) / 0.1;
		}
	}
	/* The lights are above and a little behind the cameras. */
	shadow(cb, x + 0.06, y + 0.08, 0.34 * sz, 0.24 * sz, f + M_PI / 2);
	/* Free arms hang by the body and swing as the shopper walks. */
	for (side = -1; side <= 1; side += 2) {
		double sx = x + ex * side * 0.2 * sz, sy = y + ey * side * 0.2 *
		    sz, sw = walk * 0.14 * sz * sin(2 * M_PI * 0.9 * t +
		    (side > 0 ? 0 : M_PI));

		if (busy == (side > 0) || (nc > 0 && (busy == 1 ? -1 : 1) ==
		    side))
			continue;
		capsule(cb, cb->img, sx, sy, sx + fx * sw + ex * side * 0.03,
		    sy + fy * sw + ey * side * 0.03, 0.045 * sz, sleeve, me);
	}
	if (p->stripes)
		striped(cb, x, y, 0.25 * sz, 0.14 * sz, f + M_PI / 2, p->shirt,
		    me);
	else
		ellipse(cb, cb->img, x, y, 0.25 * sz, 0.14 * sz, f + M_PI / 2,
		    p->shirt, 0.35, me);
	if (p->backpack)
		box(cb, cb->img, x - fx * 0.12 * sz, y - fy * 0.12 * sz,
		    0.13 * sz, 0.28 * sz, f, p->pack, me);
	if (!isnan(hx[0])) {
		double sx = x + ex * (busy ? 0.19 : -0.19) * sz;
		double sy = y + ey * (busy ? 0.19 : -0.19) * sz;

		capsule(cb, cb->img, sx, sy, hx[0], hy[0], 0.05 * sz, sleeve,
		    me);
		if (inhand >= 0)
			held(s, cb, inhand, hx[0], hy[0], f, me);
		hand = newobj(cb, C_HAND, me);
		ellipse(cb, cb->img, hx[0], hy[0], 0.085, 0.085, 0, p->skin,
		    0.25, hand);
	}
	/* The other hand carries what was taken, in front of the body. */
	if (!isnan(hx[1])) {
		double sd = busy == 1 ? -1 : 1;
		double sx = x + ex * sd * 0.19 * sz;
		double sy = y + ey * sd * 0.19 * sz;

		capsule(cb, cb->img, sx, sy, hx[1], hy[1], 0.05 * sz, sleeve,
		    me);
		for (k = nc > 2 ? 1 : nc - 1; k >= 0; k--)
			held(s, cb, c[k], hx[1] - ex * sd * 0.07 * k,
			    hy[1] - ey * sd * 0.07 * k, f, me);
		hand = newobj(cb, C_HAND, me);
		ellipse(cb, cb->img, hx[1], hy[1], 0.085, 0.085, 0, p->skin,
		    0.25, hand);
	}
	ellipse(cb, cb->img, x - fx * 0.02, y - fy * 0.02, 0.11 * sz,
	    0.1 * sz, f, p->hair, 0.3, me);
	ellipse(cb, cb->img, x + fx * 0.07 * sz, y + fy * 0.07 * sz,
	    0.035 * sz, 0.05 * sz, f, p->skin, 0.2, me);
}

/*
 * The store's lights: a slow swell, and now and then a few seconds of a
 * dimmed or flickering bank of lights.
 */
static double
light(const struct sim *s, double t)
{
	struct rng r;
	double g = 1.0 + 0.05 * sin(2 * M_PI * t / 31.0), a, d;
	int i, n;

	rng_seed(&r, s->seed, 3);
	n = 1 + (int)(s->dur / 40);
	for (i = 0; i < n; i++) {
		a = rng_range(&r, 0, s->dur);
		d = rng_range(&r, 2, 5);
		g *= 1.0 - rng_range(&r, 0.15, 0.35) * smooth(a, a + 0.3, t) *
		    (1 - smooth(a + d, a + d + 0.3, t));
	}
	return g;
}

/*
 * Motion blur: what a person drew is smeared along their motion over
 * the exposure, as a shutter open that long sees it.  The labels keep
 * the sharp boxes, which lie inside the smear.
 */
static void
blur(const struct sim *s, struct cambuf *cb, unsigned char *tmp)
{
	int m, c, u, v, i, ns, b[4], su, sv;
	size_t k0;

	for (m = 0; m < cb->nobj; m++) {
		struct obj *o = &cb->obj[m];
		double lu = o->vu * s->exposure, lv = o->vv * s->exposure;
		double len = hypot(lu, lv);

		if (o->cls != C_PERSON || len < 1.5)
			continue;
		memcpy(b, o->d, sizeof(b));
		for (c = m + 1; c < cb->nobj && cb->obj[c].parent == m; c++) {
			if (cb->obj[c].d[0] < b[0])
				b[0] = cb->obj[c].d[0];
			if (cb->obj[c].d[1] < b[1])
				b[1] = cb->obj[c].d[1];
			if (cb->obj[c].d[2] > b[2])
				b[2] = cb->obj[c].d[2];
			if (cb->obj[c].d[3] > b[3])
				b[3] = cb->obj[c].d[3];
		}
		if (b[2] < b[0])
			continue;
		b[0] = (int)fmax(0, b[0] - ceil(len));
		b[1] = (int)fmax(0, b[1] - ceil(len));
		b[2] = (int)fmin(cb->w - 1, b[2] + ceil(len));
		b[3] = (int)fmin(cb->h - 1, b[3] + ceil(len));
		ns = (int)ceil(len) + 1;
		for (v = b[1]; v <= b[3]; v++)
			memcpy(tmp + ((size_t)v * cb->w + b[0]) * 3,
			    cb->img + ((size_t)v * cb->w + b[0]) * 3,
			    (size_t)(b[2] - b[0] + 1) * 3);
		for (v = b[1]; v <= b[3]; v++)
			for (u = b[0]; u <= b[2]; u++) {
				int acc[3] = { 0, 0, 0 };

				for (i = 0; i < ns; i++) {
					double f = (double)i / (ns - 1) - 0.5;
					size_t k;

					su = (int)lround(u + f * lu);
					sv = (int)lround(v + f * lv);
					su = su < b[0] ? b[0] :
					    su > b[2] ? b[2] : su;
					sv = sv < b[1] ? b[1] :
					    sv > b[3] ? b[3] : sv;
					k = ((size_t)sv * cb->w + su) * 3;
					acc[0] += tmp[k];
					acc[1] += tmp[k + 1];
					acc[2] += tmp[k + 2];
				}
				k0 = ((size_t)v * cb->w + u) * 3;
				for (c = 0; c < 3; c++)
					cb->img[k0 + c] =
					    (unsigned char)(acc[c] / ns);
			}
	}
}

static int
sizecmp(const void *a, const void *b)
{
	const struct shopper *const *x = a, *const *y = b;

	if ((*x)->size != (*y)->size)
		return (*x)->size < (*y)->size ? -1 : 1;
	return strcmp((*x)->account, (*y)->account);
}

void
render(const struct sim *s, struct cambuf *cb, double t, unsigned char *rgb,
    char *lab, size_t lablen)
{
	size_t n = (size_t)cb->w * cb->h, k, i, len = 0;
	const struct shopper **who;
	int fu[64], nf, m, u, v;
	double xy[128], g = light(s, t);
	struct rng r;

	memcpy(cb->img, cb->bg, n * 3);
	memset(cb->id, 0, n * sizeof(*cb->id));
	cb->nobj = 0;
	products(s, cb, t);
	/*
	 * A unit left on the floor is an item in plain view, labelled as one
	 * (a detector should find it, and it tells the carts it was left);
	 * units on the plates are shelf stock and stay unlabelled.
	 */
	nf = floor_units(s, t, fu, xy, 64);
	for (m = 0; m < nf; m++) {
		int it = s->units[fu[m]].item;

		box(cb, cb->img, xy[2 * m], xy[2 * m + 1], s->boxw[it],
		    s->boxh[it], 0.5, s->colour[it], newobj(cb, C_ITEM, -1));
	}
	/* Taller people are nearer the camera and hide the others. */
	who = wo_calloc(s->nsh ? s->nsh : 1, sizeof(*who));
	for (i = 0, k = 0; i < s->nsh; i++)
		if (t >= s->sh[i].tin && t <= s->sh[i].tout)
			who[k++] = &s->sh[i];
	qsort(who, k, sizeof(*who), sizecmp);
	for (i = 0; i < k; i++)
		draw_person(s, cb, who[i], t);
	free(who);
	if (s->exposure > 0)
		blur(s, cb, rgb);
	/* What the sensor adds: gain, tint, and its noise. */
	rng_seed(&r, s->seed ^ (uint64_t)llround(t * 1000), 200 + cb->index);
	for (k = 0; k < n; k++) {
		int id = cb->id[k];

		for (m = 0; m < 3; m++) {
			double x = cb->img[3 * k + m] * cb->gain[k] * g *
			    cb->tint[m] + 3.5 *
			    cb->gauss[rng_next(&r) % NGAUSS];

			rgb[3 * k + m] = (unsigned char)(x < 0 ? 0 : x > 255 ?
			    255 : x + 0.5);
		}
		if (id == 0)
			continue;
		u = (int)(k % cb->w);
		v = (int)(k / cb->w);
		/*
		 * A hand also widens its person's box; an item held out does
		 * not, as a person box is drawn around the body and hands.
		 */
		for (m = id - 1; m >= 0 && (m == id - 1 ||
		    cb->obj[id - 1].cls != C_ITEM); m = cb->obj[m].parent) {
			struct obj *o = &cb->obj[m];

			o->seen += m == id - 1;
			if (u < o->x0)
				o->x0 = u;
			if (u > o->x1)
				o->x1 = u;
			if (v < o->y0)
				o->y0 = v;
			if (v > o->y1)
				o->y1 = v;
		}
	}
	lab[0] = '\0';
	for (m = 0; m < cb->nobj; m++) {
		const struct obj *o = &cb->obj[m];

		if (o->seen < 12 || o->seen * 4 < o->drawn ||
		    o->x1 - o->x0 < 2 || o->y1 - o->y0 < 2)
			continue;
		len += (size_t)snprintf(lab + len, len < lablen ? lablen - len :
		    0, "%d %.6f %.6f %.6f %.6f\n", o->cls,
		    (o->x0 + o->x1 + 1) / 2.0 / cb->w,
		    (o->y0 + o->y1 + 1) / 2.0 / cb->h,
		    (o->x1 - o->x0 + 1.0) / cb->w,
		    (o->y1 - o->y0 + 1.0) / cb->h);
	}
}
