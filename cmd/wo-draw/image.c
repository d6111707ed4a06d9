/* image.c: reading camera frames (JPEG or PNG) and writing drawings. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "draw.h"

/* libjpeg reports errors through longjmp here instead of exiting. */
struct jerr {
	struct jpeg_error_mgr	 pub;
	jmp_buf			 jb;
	char			 msg[JMSG_LENGTH_MAX];
};

static void
jerr_exit(j_common_ptr cinfo)
{
	struct jerr *e = (struct jerr *)cinfo->err;

	(*cinfo->err->format_message)(cinfo, e->msg);
	longjmp(e->jb, 1);
}

/* Warnings about damaged data are not worth a line each: the frame decodes. */
static void
jerr_quiet(j_common_ptr cinfo)
{
}

static int
jpeg_read(FILE *fp, struct img *im, char *err, size_t errlen)
{
	struct jpeg_decompress_struct d;
	struct jerr e;
	unsigned char *volatile px = NULL;
	JSAMPROW row;

	d.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = jerr_exit;
	e.pub.output_message = jerr_quiet;
	if (setjmp(e.jb)) {
		snprintf(err, errlen, "bad JPEG: %s", e.msg);
		jpeg_destroy_decompress(&d);
		free(px);
		return 0;
	}
	jpeg_create_decompress(&d);
	jpeg_stdio_src(&d, fp);
	jpeg_read_header(&d, TRUE);
	d.out_color_space = JCS_RGB;
	jpeg_start_decompress(&d);
	if (d.output_components != 3 || d.output_width > 16384 ||
	    d.output_height > 16384) {
		snprintf(err, errlen, "unsupported JPEG (%ux%u, %d components)",
		    d.output_width, d.output_height, d.output_components);
		jpeg_destroy_decompress(&d);
		return 0;
	}
	px = wo_malloc((size_t)d.output_width * d.output_height * 3);
	while (d.output_scanline < d.output_height) {
		row = px + (size_t)d.output_scanline * d.output_width * 3;
		jpeg_read_scanlines(&d, &row, 1);
	}
	jpeg_finish_decompress(&d);
	im->w = d.output_width;
	im->h = d.output_height;
	im->px = px;
	jpeg_destroy_decompress(&d);
	return 1;
}

static int
png_read(FILE *fp, struct img *im, char *err, size_t errlen)
{
	png_image p;

	memset(&p, 0, sizeof(p));
	p.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_stdio(&p, fp)) {
		snprintf(err, errlen, "bad PNG: %s", p.message);
		return 0;
	}
	if (p.width > 16384 || p.height > 16384) {
		snprintf(err, errlen, "unsupported PNG (%ux%u)", p.width,
		    p.height);
		png_image_free(&p);
		return 0;
	}
	p.format = PNG_FORMAT_RGB;
	im->px = wo_malloc(PNG_IMAGE_SIZE(p));
	if (!png_image_finish_read(&p, NULL, im->px, 0, NULL)) {
		snprintf(err, errlen, "bad PNG: %s", p.message);
		free(im->px);
		im->px = NULL;
		png_image_free(&p);
		return 0;
	}
	im->w = p.width;
	im->h = p.height;
	return 1;
}

/* The format is told by the first bytes, not by the name. */
int
img_read(const char *path, struct img *im, char *err, size_t errlen)
{
	unsigned char sig[8];
	FILE *fp;
	int ok;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return 0;
	}
	if (fread(sig, 1, sizeof(sig), fp) != sizeof(sig)) {
		snprintf(err, errlen, "%s: not a JPEG or PNG image", path);
		fclose(fp);
		return 0;
	}
	rewind(fp);
	if (sig[0] == 0xff && sig[1] == 0xd8)
		ok = jpeg_read(fp, im, err, errlen);
	else if (png_sig_cmp(sig, 0, sizeof(sig)) == 0)
		ok = png_read(fp, im, err, errlen);
	else {
		snprintf(err, errlen, "not a JPEG or PNG image");
		ok = 0;
	}
	fclose(fp);
	if (!ok && strncmp(err, path, strlen(path)) != 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", path, why);
	}
	return ok;
}

static int
jpeg_write(FILE *fp, const struct img *im, char *err, size_t errlen)
{
	struct jpeg_compress_struct c;
	struct jerr e;
	JSAMPROW row;

	c.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = jerr_exit;
	if (setjmp(e.jb)) {
		snprintf(err, errlen, "%s", e.msg);
		jpeg_destroy_compress(&c);
		return 0;
	}
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, fp);
	c.image_width = im->w;
	c.image_height = im->h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 90, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = im->px + (size_t)c.next_scanline * im->w * 3;
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	return 1;
}

static void
png_err(png_structp png, png_const_charp msg)
{
	snprintf(png_get_error_ptr(png), 256, "%s", msg);
	png_longjmp(png, 1);
}

/*
 * The camera's noise makes zlib's default effort slow for little gain: the
 * fastest level writes a frame several times sooner and a little larger.
 */
static int
png_write(FILE *fp, const struct img *im, char *err, size_t errlen)
{
	char msg[256] = "";
	png_structp png;
	png_infop info;
	int y;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, msg, png_err, NULL);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		png_destroy_write_struct(&png, NULL);
		snprintf(err, errlen, "out of memory");
		return 0;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		snprintf(err, errlen, "PNG: %s", msg);
		return 0;
	}
	png_init_io(png, fp);
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, im->w, im->h, 8, PNG_COLOR_TYPE_RGB,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < im->h; y++)
		png_write_row(png, im->px + (size_t)y * im->w * 3);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 1;
}

/* Written beside the target and renamed, so a reader never sees half. */
int
img_write(const char *path, const struct img *im, int jpeg, char *err,
    size_t errlen)
{
	char tmp[4096];
	FILE *fp;
	int ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", path);
		return 0;
	}
	if ((fp = fopen(tmp, "wb")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return 0;
	}
	if (jpeg)
		ok = jpeg_write(fp, im, err, errlen);
	else
		ok = png_write(fp, im, err, errlen);
	if (fflush(fp) != 0 || ferror(fp)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		ok = 0;
	}
	if (fclose(fp) != 0 && ok) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		ok = 0;
	}
	if (ok && rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		ok = 0;
	}
	if (!ok)
		remove(tmp);
	return ok;
}

void
img_new(struct img *im, int w, int h, struct rgb bg)
{
	size_t i, n = (size_t)w * h;

	im->w = w;
	im->h = h;
	im->px = wo_malloc(n * 3);
	for (i = 0; i < n; i++) {
		im->px[3 * i] = bg.r;
		im->px[3 * i + 1] = bg.g;
		im->px[3 * i + 2] = bg.b;
	}
}

/* Each pixel becomes a k by k block, so the font and lines stay crisp. */
void
img_scale(struct img *im, int k)
{
	unsigned char *px, *src, *dst;
	int x, y, w = im->w * k, h = im->h * k;

	if (k == 1)
		return;
	px = wo_malloc((size_t)w * h * 3);
	for (y = 0; y < h; y++) {
		dst = px + (size_t)y * w * 3;
		for (x = 0; x < w; x++) {
			src = im->px + ((size_t)(y / k) * im->w + x / k) * 3;
			memcpy(dst + (size_t)x * 3, src, 3);
		}
	}
	free(im->px);
	im->px = px;
	im->w = w;
	im->h = h;
}

void
img_free(struct img *im)
{
	free(im->px);
	im->px = NULL;
}
