/* appear.c: what a person looks like from above, a colour histogram of their box. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <jpeglib.h>
#include <png.h>

#include "wo.h"
#include "track.h"

#define ARM_BIN		0.05	/* of a box's middle: one of its colours */
#define ARM_SHARE	0.5	/* share of the way in them: an arm of it */
#define ARM_PX		3	/* decoded pixels of way, at least, to tell */
#define ARM_NOT		0.2	/* share of a way, at most: not an arm of it */
#define ARM_RARE	4	/* times commoner in a box: its own */

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf	 jb;
};

static void
jfail(j_common_ptr ci)
{
	longjmp(((struct jerr *)ci->err)->jb, 1);
}

/*
 * Decodes at half size: a colour histogram needs no more, and libjpeg's
 * scaled DCT makes it four times cheaper.  Returns RGB rows, or NULL.
 */
static unsigned char *
read_jpeg(const char *path, int *w, int *h, int *scale)
{
	struct jpeg_decompress_struct ci;
	struct jerr je;
	unsigned char *volatile px = NULL;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	ci.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = jfail;
	if (setjmp(je.jb)) {
		jpeg_destroy_decompress(&ci);
		fclose(fp);
		free(px);
		return NULL;
	}
	jpeg_create_decompress(&ci);
	jpeg_stdio_src(&ci, fp);
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_RGB;
	ci.scale_num = 1;
	ci.scale_denom = 2;
	jpeg_start_decompress(&ci);
	*w = ci.output_width;
	*h = ci.output_height;
	*scale = 2;
	px = wo_malloc((size_t)*w * *h * 3);
	while (ci.output_scanline < ci.output_height) {
		JSAMPROW row = px + (size_t)ci.output_scanline * *w * 3;

		jpeg_read_scanlines(&ci, &row, 1);
	}
	jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	fclose(fp);
	return px;
}

static unsigned char *
read_png(const char *path, int *w, int *h, int *scale)
{
	png_image im;
	unsigned char *px;

	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&im, path))
		return NULL;
	im.format = PNG_FORMAT_RGB;
	px = wo_malloc(PNG_IMAGE_SIZE(im));
	if (!png_image_finish_read(&im, NULL, px, 0, NULL)) {
		png_image_free(&im);
		free(px);
		return NULL;
	}
	*w = im.width;
	*h = im.height;
	*scale = 1;
	return px;
}

/* The colour bin of RGB pixel p: three bits of each channel, NHIST bins. */
static int
bin(const unsigned char *p)
{
	return (p[0] >> 5) * 64 + (p[1] >> 5) * 8 + (p[2] >> 5);
}

/* The colours of the whole decoded frame, as a normalised histogram. */
static void
frame_hist(const unsigned char *px, int w, int h, float *fr)
{
	size_t i, n = (size_t)w * h;

	memset(fr, 0, NHIST * sizeof(*fr));
	for (i = 0; i < n; i++, px += 3)
		fr[bin(px)] += 1;
	for (i = 0; i < NHIST && n > 0; i++)
		fr[i] /= n;
}

/*
 * Marks in own the colour bins that are person box pb's own: at least
 * ARM_BIN of its middle, and ARM_RARE times as common there as in the
 * frame at large (floor and shelves fill most of the picture, and a box's
 * middle shows some floor) and as in any other person box of the frame
 * (hair, skin and shadow are in every body; a shirt is its wearer's).
 * Two shoppers dressed alike, or a body boxed twice, have none: their
 * arms are not told apart.
 */
static void
own_colours(const struct moment *m, int from, const struct box *pb,
    const float *fr, unsigned char *own)
{
	int j, k;

	for (k = 0; k < NHIST; k++) {
		own[k] = pb->hist[k] >= ARM_BIN &&
		    pb->hist[k] >= ARM_RARE * fr[k];
		for (j = from; j < m->nbox && own[k]; j++)
			if (&m->box[j] != pb && m->box[j].cls == CLS_PERSON &&
			    m->box[j].hashist &&
			    pb->hist[k] < ARM_RARE * m->box[j].hist[k])
				own[k] = 0;
	}
}

/*
 * The share of the way from the middle of hand box hb to the middle of
 * person box pb, outside both boxes, drawn in pb's own colours (within a
 * decoded pixel: an arm is thin), or -1 when under ARM_PX decoded pixels
 * of it lie outside them: the hand is at or in that box, and the way says
 * nothing.  Seen from above, an arm runs straight from the shoulders, in
 * the box's middle, to the hand.
 */
static double
armlike(const unsigned char *px, int w, int h, int sc,
    const unsigned char *own, const struct box *hb, const struct box *pb)
{
	double hu = hb->x + hb->w / 2, hv = hb->y + hb->h / 2;
	double du = pb->x + pb->w / 2 - hu, dv = pb->y + pb->h / 2 - hv;
	int i, n, u, v, a, b, hits = 0, tot = 0;

	n = (int)(fmax(fabs(du), fabs(dv)) / sc);
	for (i = 0; i <= n; i++) {
		double x = hu + (n > 0 ? du * i / n : 0);
		double y = hv + (n > 0 ? dv * i / n : 0);
		int hit = 0;

		if ((x >= hb->x && x <= hb->x + hb->w && y >= hb->y &&
		    y <= hb->y + hb->h) || (x >= pb->x && x <= pb->x + pb->w &&
		    y >= pb->y && y <= pb->y + pb->h))
			continue;
		u = (int)(x / sc);
		v = (int)(y / sc);
		for (a = u - 1; a <= u + 1; a++)
			for (b = v - 1; b <= v + 1; b++) {
				const unsigned char *p;

				if (a < 0 || b < 0 || a >= w || b >= h)
					continue;
				p = px + ((size_t)b * w + a) * 3;
				hit |= own[bin(p)];
			}
		hits += hit;
		tot++;
	}
	return tot < ARM_PX ? -1 : (double)hits / tot;
}

/*
 * An arm joins a hand to its owner's shoulders, in the owner's sleeves:
 * the way from the hand to its owner's body is mostly the owner's colours,
 * and the way to a neighbour's crosses floor and shelf.  The hand's arm is
 * the person's whose way is at least ARM_SHARE in their own colours while
 * every other measured way is at most ARM_NOT in its own, whoever stands
 * nearer it (arms crossed put each hand before the other body); none when
 * no way, or more than one, is clear, or when the hand is at or in some
 * person box, whose way cannot be measured: its own arm, hidden there,
 * may be that person's.
 */
static void
arms(const unsigned char *px, int w, int h, int sc, struct moment *m,
    int from)
{
	unsigned char *own;
	float fr[NHIST];
	double f, best, next;
	int i, j, nh = 0;

	for (i = from; i < m->nbox; i++)
		nh += m->box[i].cls == CLS_HAND;
	if (nh == 0)
		return;
	frame_hist(px, w, h, fr);
	own = wo_calloc((size_t)(m->nbox - from) * NHIST + 1, 1);
	for (j = from; j < m->nbox; j++)
		if (m->box[j].cls == CLS_PERSON && m->box[j].hashist)
			own_colours(m, from, &m->box[j], fr,
			    own + (size_t)(j - from) * NHIST);
	for (i = from; i < m->nbox; i++) {
		struct box *hb = &m->box[i];

		if (hb->cls != CLS_HAND)
			continue;
		best = next = 0;
		for (j = from; j < m->nbox; j++) {
			if (m->box[j].cls != CLS_PERSON || !m->box[j].hashist)
				continue;
			f = armlike(px, w, h, sc, own + (size_t)(j - from) *
			    NHIST, hb, &m->box[j]);
			if (f < 0)
				break;
			if (f > best) {
				next = best;
				best = f;
				hb->arm = j;
			} else if (f > next)
				next = f;
		}
		if (j < m->nbox || best < ARM_SHARE || next > ARM_NOT)
			hb->arm = -1;
	}
	free(own);
}

/*
 * Fills the histogram of every person box of the frame at path that belongs
 * to camera cam (boxes from index from on), from its pixels that no surer
 * person box covers; a box wholly covered gets none; then says whose arm
 * reaches each hand (arms()).  A frame that cannot be read leaves them
 * without: the tracker then goes by motion alone.
 */
int
appear(const char *path, struct moment *m, int from)
{
	unsigned char *px;
	size_t n = strlen(path);
	int w, h, sc, i;

	if (n > 4 && strcasecmp(path + n - 4, ".png") == 0)
		px = read_png(path, &w, &h, &sc);
	else
		px = read_jpeg(path, &w, &h, &sc);
	if (px == NULL)
		return 0;
	for (i = from; i < m->nbox; i++) {
		struct box *b = &m->box[i];
		int x0, y0, x1, y1, u, v, k;
		double tot = 0;

		if (b->cls != CLS_PERSON)
			continue;
		/* The middle of the box: shoulders and head, little floor. */
		x0 = (int)((b->x + b->w * 0.2) / sc);
		x1 = (int)((b->x + b->w * 0.8) / sc);
		y0 = (int)((b->y + b->h * 0.2) / sc);
		y1 = (int)((b->y + b->h * 0.8) / sc);
		x0 = x0 < 0 ? 0 : x0;
		y0 = y0 < 0 ? 0 : y0;
		x1 = x1 >= w ? w - 1 : x1;
		y1 = y1 >= h ? h - 1 : y1;
		memset(b->hist, 0, sizeof(b->hist));
		for (v = y0; v <= y1; v++)
			for (u = x0; u <= x1; u++) {
				const unsigned char *p = px + ((size_t)v * w + u) * 3;

				/* Pixels in a surer box show someone else. */
				if (box_covered(m, from, b, (u + 0.5) * sc,
				    (v + 0.5) * sc))
					continue;
				b->hist[bin(p)] += 1;
				tot += 1;
			}
		if (tot > 0) {
			for (k = 0; k < NHIST; k++)
				b->hist[k] /= tot;
			b->hashist = 1;
		}
	}
	arms(px, w, h, sc, m, from);
	free(px);
	return 1;
}

/* Bhattacharyya coefficient of two normalised histograms: 1 the same. */
double
hist_sim(const float *a, const float *b)
{
	double s = 0;
	int k;

	for (k = 0; k < NHIST; k++)
		s += sqrt((double)a[k] * b[k]);
	return s;
}
