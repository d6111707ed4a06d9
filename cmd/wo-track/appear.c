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

/*
 * Fills the histogram of every person box of the frame at path that belongs
 * to camera cam (boxes from index from on), from its pixels that no surer
 * person box covers; a box wholly covered gets none.  A frame that cannot
 * be read leaves them without one: the tracker then goes by motion alone.
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
				k = (p[0] >> 5) * 64 + (p[1] >> 5) * 8 + (p[2] >> 5);
				b->hist[k] += 1;
				tot += 1;
			}
		if (tot > 0) {
			for (k = 0; k < NHIST; k++)
				b->hist[k] /= tot;
			b->hashist = 1;
		}
	}
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
