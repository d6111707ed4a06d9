/* image.c: frames written as JPEG (libjpeg-turbo) or PNG (libpng). */
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>
#include <png.h>

#include "sim.h"

int
write_jpeg(const char *path, const unsigned char *rgb, int w, int h,
    int quality)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	JSAMPROW row;
	FILE *fp;
	int rval;

	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, fp);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = (JSAMPROW)(rgb + (size_t)c.next_scanline * w * 3);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	rval = !ferror(fp);
	return fclose(fp) == 0 && rval;
}

int
write_png(const char *path, const unsigned char *rgb, int w, int h)
{
	png_image im = { 0 };
	int rval;

	im.version = PNG_IMAGE_VERSION;
	im.width = (png_uint_32)w;
	im.height = (png_uint_32)h;
	im.format = PNG_FORMAT_RGB;
	rval = png_image_write_to_file(&im, path, 0, rgb, 0, NULL);
	png_image_free(&im);
	return rval;
}
