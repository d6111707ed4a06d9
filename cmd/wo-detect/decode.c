/* decode.c: JPEG and PNG frames into 8-bit RGB in memory, no temp files. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "wo.h"
#include "detect.h"

/* Larger frames than this are taken for corrupt headers, not cameras. */
#define MAXSIDE 16384

struct jerr {
	struct jpeg_error_mgr	 mgr;
	jmp_buf			 jmp;
	char			 warning[JMSG_LENGTH_MAX];
};

/* libjpeg's default handlers print to stderr and exit; ours keep the text. */
static void
jerr_exit(j_common_ptr ci)
{
	struct jerr *e = (struct jerr *)ci->err;

	longjmp(e->jmp, 1);
}

/*
 * A truncated or damaged JPEG only raises warnings and decodes to grey;
 * the first warning is kept so that such a frame counts as corrupt.
 */
static void
jerr_emit(j_common_ptr ci, int level)
{
	struct jerr *e = (struct jerr *)ci->err;

	if (level < 0 && e->warning[0] == '\0')
		(*ci->err->format_message)(ci, e->warning);
}

static int
size_ok(int w, int h, char *err, size_t errlen)
{
	if (w < 1 || h < 1 || w > MAXSIDE || h > MAXSIDE) {
		snprintf(err, errlen, "image of %dx%d pixels", w, h);
		return 0;
	}
	return 1;
}

static void
img_alloc(struct img *im, int w, int h)
{
	size_t n = (size_t)w * h * 3;

	if (n > im->cap) {
		free(im->px);
		im->px = wo_malloc(n);
		im->cap = n;
	}
	im->w = w;
	im->h = h;
}

static int
dec_jpeg(const unsigned char *buf, size_t len, struct img *im, char *err,
    size_t errlen)
{
	struct jpeg_decompress_struct ci;
	struct jerr je;
	JSAMPROW row;

	memset(&je, 0, sizeof(je));
	ci.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jerr_exit;
	je.mgr.emit_message = jerr_emit;
	if (setjmp(je.jmp)) {
		char msg[JMSG_LENGTH_MAX];

		(*ci.err->format_message)((j_common_ptr)&ci, msg);
		snprintf(err, errlen, "bad JPEG: %s", msg);
		jpeg_destroy_decompress(&ci);
		return 0;
	}
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, buf, len);
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_RGB;
	jpeg_start_decompress(&ci);
	if (!size_ok(ci.output_width, ci.output_height, err, errlen)) {
		jpeg_destroy_decompress(&ci);
		return 0;
	}
	img_alloc(im, ci.output_width, ci.output_height);
	while (ci.output_scanline < ci.output_height) {
		row = im->px + (size_t)ci.output_scanline * im->w * 3;
		jpeg_read_scanlines(&ci, &row, 1);
	}
	jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	if (je.warning[0] != '\0') {
		snprintf(err, errlen, "bad JPEG: %s", je.warning);
		return 0;
	}
	return 1;
}

static int
dec_png(const unsigned char *buf, size_t len, struct img *im, char *err,
    size_t errlen)
{
	png_image pi;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&pi, buf, len))
		goto bad;
	if (!size_ok(pi.width, pi.height, err, errlen)) {
		png_image_free(&pi);
		return 0;
	}
	pi.format = PNG_FORMAT_RGB;
	img_alloc(im, pi.width, pi.height);
	if (!png_image_finish_read(&pi, NULL, im->px, pi.width * 3, NULL))
		goto bad;
	return 1;
bad:
	snprintf(err, errlen, "bad PNG: %s", pi.message);
	png_image_free(&pi);
	return 0;
}

int
dec_mem(const unsigned char *buf, size_t len, struct img *im, char *err,
    size_t errlen)
{
	static const unsigned char pngsig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};

	if (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
		return dec_jpeg(buf, len, im, err, errlen);
	if (len >= 8 && memcmp(buf, pngsig, 8) == 0)
		return dec_png(buf, len, im, err, errlen);
	snprintf(err, errlen, len == 0 ? "empty file" :
	    "neither a JPEG nor a PNG image");
	return 0;
}

/* Reads the whole file first: frames are small, and memory is quicker. */
int
dec_file(const char *path, struct img *im, char *err, size_t errlen)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *fp;
	int ok;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return 0;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 64 * 1024;
			buf = wo_realloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(fp);
		free(buf);
		return 0;
	}
	fclose(fp);
	ok = dec_mem(buf, len, im, err, errlen);
	if (!ok) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", path, msg);
	}
	free(buf);
	return ok;
}
