/* frame.c: JPEG and PNG frames checked and measured from their markers, never decoded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "capture.h"

/* A frame larger than this in an MJPEG stream is taken for garbage. */
#define MJPEG_MAX	(64 << 20)

static int
is_sof(int m)
{
	/* C4 (DHT), C8 (reserved) and CC (DAC) share the range but are no SOF. */
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/*
 * Walks the marker segments by their lengths and the entropy-coded data by
 * its 0xFF bytes, which is enough to find the frame's size and its end:
 * an EOI marker in an embedded thumbnail sits inside an APP segment and is
 * skipped with it, and 0xFF in coded data is always stuffed or a restart.
 */
int
jpeg_scan(struct jscan *js, const unsigned char *p, size_t n, size_t *end,
    const char **why)
{
	const unsigned char *q;
	size_t i = js->pos, len;
	int m;

	if (i == 0) {
		if (n < 2)
			return J_MORE;
		if (p[0] != 0xff || p[1] != 0xd8) {
			*why = "no JPEG start (SOI) marker";
			return J_BAD;
		}
		i = 2;
	}
	for (;;) {
		if (i >= n)
			break;
		if (js->entropy) {
			if ((q = memchr(p + i, 0xff, n - i)) == NULL) {
				i = n;
				break;
			}
			i = q - p;
			if (i + 1 >= n)
				break;
			m = p[i + 1];
			if (m == 0x00 || (m >= 0xd0 && m <= 0xd7)) {
				i += 2;
				continue;
			}
			if (m == 0xff) {
				i++;
				continue;
			}
			js->entropy = 0;
		}
		if (i + 2 > n)
			break;
		if (p[i] != 0xff) {
			*why = "bad JPEG marker";
			return J_BAD;
		}
		m = p[i + 1];
		if (m == 0xff) {		/* fill byte */
			i++;
			continue;
		}
		if (m == 0xd9) {
			if (js->width == 0 || js->height == 0) {
				*why = "JPEG without a frame size (SOF)";
				return J_BAD;
			}
			*end = js->pos = i + 2;
			return J_DONE;
		}
		if (m == 0xd8) {
			*why = "JPEG cut short (a new SOI marker before EOI)";
			return J_BAD;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;
			continue;
		}
		if (i + 4 > n)
			break;
		len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (len < 2) {
			*why = "bad JPEG segment length";
			return J_BAD;
		}
		if (is_sof(m)) {
			if (len < 8) {
				*why = "bad JPEG frame header (SOF)";
				return J_BAD;
			}
			if (i + 9 > n)
				break;
			js->height = p[i + 5] << 8 | p[i + 6];
			js->width = p[i + 7] << 8 | p[i + 8];
		}
		if (m == 0xda)
			js->entropy = 1;
		i += 2 + len;
	}
	js->pos = i;
	return J_MORE;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* PNG: the size is in IHDR, the first chunk; a whole file ends in IEND. */
static int
png_check(const unsigned char *p, size_t n, int *w, int *h, const char **why)
{
	static const unsigned char iend[12] = {
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82
	};
	uint32_t pw, ph;

	if (n < 33 || memcmp(p + 12, "IHDR", 4) != 0) {
		*why = "PNG without its header (IHDR)";
		return 0;
	}
	pw = be32(p + 16);
	ph = be32(p + 20);
	if (pw == 0 || ph == 0 || pw > 0x7fffffff || ph > 0x7fffffff) {
		*why = "bad PNG size";
		return 0;
	}
	if (n < 45 || memcmp(p + n - 12, iend, 12) != 0) {
		*why = "truncated PNG (no IEND chunk at the end)";
		return 0;
	}
	*w = pw;
	*h = ph;
	return 1;
}

int
frame_check(const unsigned char *p, size_t n, int *w, int *h,
    const char **why)
{
	struct jscan js = { 0 };
	size_t end;

	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return png_check(p, n, w, h, why);
	if (n < 2 || p[0] != 0xff || p[1] != 0xd8) {
		*why = n == 0 ? "empty file" : "not a JPEG or PNG file";
		return 0;
	}
	switch (jpeg_scan(&js, p, n, &end, why)) {
	case J_MORE:
		*why = "truncated JPEG (no EOI marker)";
		return 0;
	case J_BAD:
		return 0;
	}
	*w = js.width;
	*h = js.height;
	return 1;
}

static void
consume(struct mjpeg *m, size_t n)
{
	memmove(m->buf, m->buf + n, m->len - n);
	m->len -= n;
}

/* The start of a frame: SOI and the first byte of the marker after it. */
static unsigned char *
find_soi(unsigned char *p, size_t n)
{
	unsigned char *q;

	while (n >= 3 && (q = memchr(p, 0xff, n - 2)) != NULL) {
		if (q[1] == 0xd8 && q[2] == 0xff)
			return q;
		n -= q + 1 - p;
		p = q + 1;
	}
	return NULL;
}

void
mjpeg_feed(struct mjpeg *m, const void *p, size_t n, double now)
{
	const char *why;
	unsigned char *soi;
	size_t end;
	int r;

	if (m->len + n > m->cap) {
		while (m->len + n > m->cap)
			m->cap = m->cap ? m->cap * 2 : 65536;
		m->buf = wo_realloc(m->buf, m->cap);
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	for (;;) {
		if (!m->inframe) {
			if ((soi = find_soi(m->buf, m->len)) == NULL) {
				/* Keep what may be the start of an SOI. */
				if (m->len > 2)
					consume(m, m->len - 2);
				return;
			}
			consume(m, soi - m->buf);
			memset(&m->js, 0, sizeof(m->js));
			m->inframe = 1;
			m->t0 = now;
		}
		r = jpeg_scan(&m->js, m->buf, m->len, &end, &why);
		if (r == J_MORE && m->len > MJPEG_MAX) {
			r = J_BAD;
			why = "JPEG frame over 64 MiB";
		}
		if (r == J_MORE)
			return;
		m->inframe = 0;
		if (r == J_DONE) {
			m->frame(m->arg, m->buf, end, m->js.width,
			    m->js.height, m->t0);
			consume(m, end);
		} else {
			m->bad(m->arg, why);
			consume(m, 2);	/* look for the next SOI after this */
		}
	}
}

void
mjpeg_end(struct mjpeg *m)
{
	if (m->inframe)
		m->bad(m->arg, "truncated JPEG (the stream ended inside it)");
	m->inframe = 0;
	m->len = 0;
}

void
mjpeg_free(struct mjpeg *m)
{
	free(m->buf);
	m->buf = NULL;
	m->len = m->cap = 0;
}
