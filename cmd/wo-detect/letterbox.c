/* letterbox.c: a frame into the network's input, as letterbox_image does. */
#include <string.h>

#include "detect.h"

/* Floats needed at tmp for a frame of height imh and a network nw wide. */
size_t
letterbox_tmp(int imh, int nw)
{
	return (size_t)3 * imh * nw;
}

/*
 * The same arithmetic as Darknet's letterbox_image and resize_image
 * (bilinear, first along rows, then along columns, corners aligned), so
 * that the network sees at run time the pixels it was trained on; but
 * straight from 8-bit RGB into the planar float input, without Darknet's
 * intermediate images.  dst is 3 x nh x nw; tmp holds letterbox_tmp()
 * floats.
 */
void
letterbox(const struct img *im, float *dst, int nw, int nh, float *tmp)
{
	int w, h, dx0, dy0, c, x, y, ix, iy;
	float sx, sy, fx, fy, ws, hs;
	const unsigned char *row;
	float *d, *t, v[256];
	size_t plane = (size_t)nw * nh, i;

	/*
	 * A frame of the network's size is only converted: the values the
	 * scaling below gives it (every fraction 0), in one pass.
	 */
	if (im->w == nw && im->h == nh) {
		for (i = 0; i < 256; i++)
			v[i] = i / 255.0f;
		for (i = 0; i < plane; i++) {
			dst[i] = v[im->px[3 * i]];
			dst[plane + i] = v[im->px[3 * i + 1]];
			dst[2 * plane + i] = v[im->px[3 * i + 2]];
		}
		return;
	}
	if ((float)nw / im->w < (float)nh / im->h) {
		w = nw;
		h = (im->h * nw) / im->w;
	} else {
		h = nh;
		w = (im->w * nh) / im->h;
	}
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	dx0 = (nw - w) / 2;
	dy0 = (nh - h) / 2;
	if (w != nw || h != nh)
		for (c = 0; c < 3; c++)
			for (d = dst + c * plane; d < dst + (c + 1) * plane; d++)
				*d = 0.5f;

	/* Along each row: w columns from im->w, into tmp (3 x im->h x w). */
	ws = w > 1 ? (float)(im->w - 1) / (w - 1) : 0;
	for (y = 0; y < im->h; y++) {
		row = im->px + (size_t)y * im->w * 3;
		for (x = 0; x < w; x++) {
			if (x == w - 1 || im->w == 1) {
				ix = im->w - 1;
				fx = 0;
			} else {
				sx = x * ws;
				ix = (int)sx;
				fx = sx - ix;
			}
			for (c = 0; c < 3; c++) {
				t = tmp + ((size_t)c * im->h + y) * w + x;
				if (fx == 0)
					*t = row[ix * 3 + c] / 255.0f;
				else
					*t = (1 - fx) * (row[ix * 3 + c] / 255.0f) +
					    fx * (row[(ix + 1) * 3 + c] / 255.0f);
			}
		}
	}

	/* Along each column: h rows from im->h, into the centre of dst. */
	hs = h > 1 ? (float)(im->h - 1) / (h - 1) : 0;
	for (c = 0; c < 3; c++) {
		for (y = 0; y < h; y++) {
			const float *t0, *t1;

			sy = y * hs;
			iy = (int)sy;
			fy = sy - iy;
			t0 = tmp + ((size_t)c * im->h + iy) * w;
			d = dst + c * plane + (size_t)(y + dy0) * nw + dx0;
			if (y == h - 1 || im->h == 1 || fy == 0) {
				for (x = 0; x < w; x++)
					d[x] = (1 - fy) * t0[x];
				continue;
			}
			t1 = t0 + w;
			for (x = 0; x < w; x++)
				d[x] = (1 - fy) * t0[x] + fy * t1[x];
		}
	}
}
