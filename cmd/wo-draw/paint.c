/* paint.c: lines, boxes, discs and text on an RGB image, clipped to it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

void
paint_px(struct img *im, int x, int y, struct rgb c, int alpha)
{
	unsigned char *p;

	if (x < 0 || y < 0 || x >= im->w || y >= im->h)
		return;
	p = im->px + ((size_t)y * im->w + x) * 3;
	if (alpha >= 256) {
		p[0] = c.r;
		p[1] = c.g;
		p[2] = c.b;
		return;
	}
	p[0] = (p[0] * (256 - alpha) + c.r * alpha) >> 8;
	p[1] = (p[1] * (256 - alpha) + c.g * alpha) >> 8;
	p[2] = (p[2] * (256 - alpha) + c.b * alpha) >> 8;
}

/* Integer pixel centres far outside the image are clamped before any loop. */
static double
clampd(double v)
{
	if (!(v > -1e5))
		return -1e5;
	return v < 1e5 ? v : 1e5;
}

/*
 * A line thick pixels wide, stepped along its longer axis; dash > 0 draws
 * dash pixels, then leaves dash out.
 */
void
paint_line(struct img *im, double x0, double y0, double x1, double y1,
    struct rgb c, int thick, int dash)
{
	double dx, dy, len, t;
	int i, n, a, b, lo = -(thick - 1) / 2, hi = thick / 2;

	x0 = clampd(x0), y0 = clampd(y0), x1 = clampd(x1), y1 = clampd(y1);
	dx = x1 - x0;
	dy = y1 - y0;
	len = fmax(fabs(dx), fabs(dy));
	n = (int)ceil(len);
	for (i = 0; i <= n; i++) {
		if (dash > 0 && (i / dash) % 2 == 1)
			continue;
		t = n > 0 ? (double)i / n : 0;
		for (a = lo; a <= hi; a++)
			for (b = lo; b <= hi; b++)
				paint_px(im, (int)lround(x0 + t * dx) + a,
				    (int)lround(y0 + t * dy) + b, c, 256);
	}
}

void
paint_rect(struct img *im, double x, double y, double w, double h,
    struct rgb c, int thick)
{
	paint_line(im, x, y, x + w, y, c, thick, 0);
	paint_line(im, x + w, y, x + w, y + h, c, thick, 0);
	paint_line(im, x + w, y + h, x, y + h, c, thick, 0);
	paint_line(im, x, y + h, x, y, c, thick, 0);
}

void
paint_fill(struct img *im, int x, int y, int w, int h, struct rgb c, int alpha)
{
	int i, j, x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
	int x1 = x + w > im->w ? im->w : x + w, y1 = y + h > im->h ? im->h : y + h;

	for (j = y0; j < y1; j++)
		for (i = x0; i < x1; i++)
			paint_px(im, i, j, c, alpha);
}

/* Even-odd scanline fill, sampled at pixel centres. */
void
paint_poly(struct img *im, const double *xy, int n, struct rgb c, int alpha)
{
	double ymin = 1e9, ymax = -1e9, xs[16], py, t, ax, ay, bx, by;
	int i, j, m, x, y, y0, y1;

	if (n < 3 || n > 16)
		return;
	for (i = 0; i < n; i++) {
		ymin = fmin(ymin, xy[2 * i + 1]);
		ymax = fmax(ymax, xy[2 * i + 1]);
	}
	y0 = ymin < 0 ? 0 : (int)floor(ymin);
	y1 = ymax > im->h - 1 ? im->h - 1 : (int)ceil(ymax);
	for (y = y0; y <= y1; y++) {
		py = y + 0.5;
		m = 0;
		for (i = 0; i < n; i++) {
			j = (i + 1) % n;
			ax = xy[2 * i], ay = xy[2 * i + 1];
			bx = xy[2 * j], by = xy[2 * j + 1];
			if ((ay <= py) == (by <= py))
				continue;
			t = (py - ay) / (by - ay);
			xs[m++] = ax + t * (bx - ax);
		}
		for (i = 1; i < m; i++)	/* at most 16: insertion sort */
			for (j = i; j > 0 && xs[j - 1] > xs[j]; j--) {
				t = xs[j], xs[j] = xs[j - 1], xs[j - 1] = t;
			}
		for (i = 0; i + 1 < m; i += 2)
			for (x = (int)ceil(clampd(xs[i]) - 0.5);
			    x + 0.5 <= clampd(xs[i + 1]) && x < im->w; x++)
				if (x >= 0)
					paint_px(im, x, y, c, alpha);
	}
}

void
paint_disc(struct img *im, double cx, double cy, double r, struct rgb c,
    int alpha)
{
	int x, y;

	if (cx < -r || cy < -r || cx > im->w + r || cy > im->h + r)
		return;
	for (y = (int)floor(cy - r); y <= (int)ceil(cy + r); y++)
		for (x = (int)floor(cx - r); x <= (int)ceil(cx + r); x++)
			if ((x + 0.5 - cx) * (x + 0.5 - cx) +
			    (y + 0.5 - cy) * (y + 0.5 - cy) <= r * r)
				paint_px(im, x, y, c, alpha);
}

void
paint_ring(struct img *im, double cx, double cy, double r, struct rgb c,
    int thick)
{
	double d;
	int x, y;

	if (cx < -r - thick || cy < -r - thick || cx > im->w + r + thick ||
	    cy > im->h + r + thick)
		return;
	for (y = (int)floor(cy - r - thick); y <= (int)ceil(cy + r + thick); y++)
		for (x = (int)floor(cx - r - thick);
		    x <= (int)ceil(cx + r + thick); x++) {
			d = hypot(x + 0.5 - cx, y + 0.5 - cy);
			if (d <= r + thick / 2.0 && d >= r - thick / 2.0)
				paint_px(im, x, y, c, 256);
		}
}

/* Glyphs are 5 by 7 with a column and a row of space, times k. */
int
text_w(const char *s, int k)
{
	return (int)strlen(s) * (FONT_W + 1) * k;
}

int
text_h(int k)
{
	return (FONT_H + 2) * k;
}

void
paint_text(struct img *im, int x, int y, const char *s, struct rgb c, int k)
{
	const unsigned char *g;
	int ch, r, b;

	for (; *s != '\0'; s++, x += (FONT_W + 1) * k) {
		ch = (unsigned char)*s;
		g = font5x7[(ch < 32 || ch > 126 ? '?' : ch) - 32];
		for (r = 0; r < FONT_H; r++)
			for (b = 0; b < FONT_W; b++)
				if (g[r] & (0x10 >> b))
					paint_fill(im, x + b * k, y + r * k,
					    k, k, c, 256);
	}
}

static int
overlaps(const struct layout *lay, int n, int x, int y, int w, int h)
{
	const struct label *l;
	int i;

	for (i = 0; i < n; i++) {
		l = &lay->l[i];
		if (x < l->x + l->w && l->x < x + w && y < l->y + l->h &&
		    l->y < y + h)
			return 1;
	}
	return 0;
}

/* A place nothing may cover, such as the header bar. */
void
layout_keep(struct layout *lay, int x, int y, int w, int h)
{
	struct label *l;

	if (lay->n == LAYOUT_MAX)
		return;
	l = &lay->l[lay->n++];
	memset(l, 0, sizeof(*l));
	l->x = x, l->y = y, l->w = w, l->h = h;
}

/*
 * Where the text fits inside the image, moved by at most six lines off the
 * n labels before it; 0 when no such place is free (it keeps its own).
 */
static int
place(const struct img *im, const struct layout *lay, int n, struct label *l)
{
	int i, lx, ly, bx = 0, by = 0;

	for (i = 0; i < 13; i++) {
		lx = l->x;
		ly = l->y + (i % 2 ? 1 : -1) * ((i + 1) / 2) * l->h;
		if (lx + l->w > im->w)
			lx = im->w - l->w;
		if (ly + l->h > im->h)
			ly = im->h - l->h;
		lx = lx < 0 ? 0 : lx;
		ly = ly < 0 ? 0 : ly;
		if (i == 0)
			bx = lx, by = ly;
		if (lay == NULL || !overlaps(lay, n, lx, ly, l->w, l->h)) {
			l->x = lx;
			l->y = ly;
			return 1;
		}
	}
	l->x = bx;
	l->y = by;
	return 0;
}

static void
put(struct img *im, const struct label *l)
{
	paint_fill(im, l->x, l->y, l->w, l->h, l->bg, 220);
	paint_text(im, l->x + l->k, l->y + l->k, l->text, l->fg, l->k);
}

/*
 * Text on a box of its own, kept inside the image.  With a layout it waits
 * for layout_paint, which draws the labels over every line and box and moves
 * each up or down by whole lines off those placed before it: where a
 * shopper's hand meets a plate, a box, a track and a cart line all want the
 * same spot.
 */
void
paint_label(struct img *im, struct layout *lay, double x, double y,
    const char *s, struct rgb fg, struct rgb bg, int k)
{
	struct label one, *l = &one;

	if (lay != NULL) {
		if (lay->n == LAYOUT_MAX)
			return;
		l = &lay->l[lay->n++];
	}
	snprintf(l->text, sizeof(l->text), "%s", s);
	l->x = (int)lround(clampd(x));
	l->y = (int)lround(clampd(y));
	l->w = text_w(l->text, k) + k;
	l->h = text_h(k);
	l->k = k;
	l->fg = fg;
	l->bg = bg;
	if (lay == NULL) {
		place(im, NULL, 0, l);
		put(im, l);
	}
}

/* Labels that found no free place go under those that did. */
void
layout_paint(struct img *im, struct layout *lay)
{
	char ok[LAYOUT_MAX];
	int i, pass;

	for (i = 0; i < lay->n; i++)
		ok[i] = lay->l[i].k > 0 && place(im, lay, i, &lay->l[i]);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < lay->n; i++)
			if (lay->l[i].k > 0 && ok[i] == pass)
				put(im, &lay->l[i]);
}
