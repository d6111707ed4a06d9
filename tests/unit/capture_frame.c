/* capture_frame: wo-capture's JPEG and PNG checks and MJPEG splitter, on real and mangled frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"
#include "../../cmd/wo-capture/frame.c"

#define NFILES	3

struct got {
	unsigned char	*p;
	size_t		 len;
	int		 nframes, nbad, w, h;
};

static int fails;

#define CHECK(c, ...) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);		\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		fails++;						\
	}								\
} while (0)

/* Frames out of the splitter are recorded back to back, to compare. */
static void
on_frame(void *arg, const unsigned char *p, size_t n, int w, int h,
    double t0)
{
	struct got *g = arg;
	struct jscan js = { 0 };
	const char *why;
	size_t end;

	g->p = wo_realloc(g->p, g->len + n);
	memcpy(g->p + g->len, p, n);
	g->len += n;
	g->nframes++;
	g->w = w;
	g->h = h;
	/* Whatever comes out whole must also pass as a whole file. */
	CHECK(jpeg_scan(&js, p, n, &end, &why) == J_DONE && end == n,
	    "a frame out of the splitter fails the file check");
}

static void
on_bad(void *arg, const char *why)
{
	((struct got *)arg)->nbad++;
}

static unsigned char *
slurp(const char *path, size_t *n)
{
	unsigned char *p;
	FILE *fp;
	long len;

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(1);
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	p = wo_malloc(len);
	if (fread(p, 1, len, fp) != (size_t)len)
		exit(1);
	fclose(fp);
	*n = len;
	return p;
}

/* Feeds p in pieces of at most max bytes, sizes drawn from the seed. */
static void
split(const unsigned char *p, size_t n, size_t max, unsigned *seed,
    struct got *g)
{
	struct mjpeg m = { 0 };
	size_t k;

	memset(g, 0, sizeof(*g));
	m.frame = on_frame;
	m.bad = on_bad;
	m.arg = g;
	while (n > 0) {
		k = max == 0 ? n : 1 + rand_r(seed) % max;
		if (k > n)
			k = n;
		mjpeg_feed(&m, p, k, 0);
		p += k;
		n -= k;
	}
	mjpeg_end(&m);
	mjpeg_free(&m);
}

int
main(void)
{
	static const char *names[NFILES] = {
		"c1/1763769600000.jpg", "c1/1763769600200.jpg",
		"c2/1763769600300.jpg"
	};
	unsigned char *f[NFILES], *cat, *bad;
	const char *root = getenv("ROOT"), *why;
	size_t n[NFILES], len = 0, i, j, cut;
	struct got whole, piece;
	unsigned seed = 1;
	char path[4096];
	int w, h, r;

	if (root == NULL)
		root = ".";
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path),
		    "%s/tests/cases/wo-capture/data/s/cams/%s", root, names[i]);
		f[i] = slurp(path, &n[i]);
		CHECK(frame_check(f[i], n[i], &w, &h, &why) && w == 64 &&
		    h == 48, "%s: not a whole 64x48 JPEG", names[i]);
		len += n[i];
	}

	/* Every proper prefix of a JPEG is truncated, never whole. */
	for (cut = 0; cut < n[0]; cut++) {
		r = frame_check(f[0], cut, &w, &h, &why);
		CHECK(!r, "a JPEG cut at %zu passes", cut);
	}

	/* Three JPEGs back to back, in pieces of any size: the same frames. */
	cat = wo_malloc(len);
	for (i = j = 0; i < NFILES; j += n[i++])
		memcpy(cat + j, f[i], n[i]);
	split(cat, len, 0, &seed, &whole);
	CHECK(whole.nframes == 3 && whole.nbad == 0 && whole.len == len &&
	    memcmp(whole.p, cat, len) == 0, "three frames not split as sent");
	free(whole.p);
	for (i = 1; i <= 4096; i *= 2) {
		split(cat, len, i, &seed, &piece);
		CHECK(piece.nframes == 3 && piece.len == len &&
		    memcmp(piece.p, cat, len) == 0,
		    "pieces of up to %zu bytes split otherwise", i);
		free(piece.p);
	}

	/*
	 * Mangled streams: bytes flipped, cut out or repeated.  The splitter
	 * must neither crash nor read outside its buffer (the sanitizer
	 * build watches), and must split the same in pieces as whole.
	 */
	bad = wo_malloc(2 * len);
	for (i = 0; i < 3000; i++) {
		size_t m = len, a = rand_r(&seed) % len, b;

		memcpy(bad, cat, len);
		switch (i % 3) {
		case 0:
			for (j = 0; j < 1 + i % 7; j++)
				bad[rand_r(&seed) % len] = rand_r(&seed);
			break;
		case 1:
			b = a + rand_r(&seed) % (len - a);
			memmove(bad + a, bad + b, len - b);
			m = len - (b - a);
			break;
		default:
			b = rand_r(&seed) % (len - a);
			memmove(bad + a + b, bad + a, len - a);
			m = len + b;
			break;
		}
		split(bad, m, 0, &seed, &whole);
		split(bad, m, 1 + i % 900, &seed, &piece);
		CHECK(whole.nframes == piece.nframes && whole.len == piece.len &&
		    (whole.len == 0 || memcmp(whole.p, piece.p, whole.len) == 0),
		    "mangled stream %zu split differently in pieces", i);
		/* A repeated stretch holds at most the three frames again. */
		CHECK(whole.nframes <= (i % 3 == 2 ? 6 : 3),
		    "mangled stream %zu gave %d frames", i, whole.nframes);
		frame_check(bad, m, &w, &h, &why);
		free(whole.p);
		free(piece.p);
	}

	/* A PNG: size from IHDR, whole only with IEND at the end. */
	snprintf(path, sizeof(path),
	    "%s/tests/cases/wo-capture/data/s/cams/c2/1763769600100.png", root);
	free(bad);
	bad = slurp(path, &len);
	CHECK(frame_check(bad, len, &w, &h, &why) && w == 64 && h == 48,
	    "the PNG is not a whole 64x48");
	CHECK(!frame_check(bad, len - 1, &w, &h, &why) &&
	    strcmp(why, "truncated PNG (no IEND chunk at the end)") == 0,
	    "a PNG without its last byte passes");

	free(bad);
	free(cat);
	for (i = 0; i < NFILES; i++)
		free(f[i]);
	if (fails > 0)
		fprintf(stderr, "%d checks failed\n", fails);
	return fails > 0;
}
