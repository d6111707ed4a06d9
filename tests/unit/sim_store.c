/* sim_store: wo-sim's preset stores, their cameras, stand points, routes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../cmd/wo-sim/rng.c"
#include "../../cmd/wo-sim/store.c"

static int fails;

static void
fail(const char *fmt, double a, double b)
{
	fprintf(stderr, "FAIL ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	fails++;
}

static int
in_shelf(const struct sim *s, double x, double y)
{
	size_t i;

	for (i = 0; i < s->nshelves; i++)
		if (wo_in_rect(x, y, s->shelves[i].x, s->shelves[i].y,
		    s->shelves[i].w, s->shelves[i].h))
			return 1;
	return 0;
}

/* Four points and their images, one of them a perspective quad. */
static void
check_homog4(void)
{
	double uv[8] = { 0, 0, 320, 0, 320, 240, 0, 240 };
	double xy[8] = { 4.6, -0.2, 4.5, 6.1, -0.2, 6.2, -0.1, -0.3 }, H[9];
	double x, y;
	int i;

	if (!homog4(uv, xy, H)) {
		fail("homog4: degenerate %g %g", 0, 0);
		return;
	}
	for (i = 0; i < 4; i++) {
		wo_homog(H, uv[2 * i], uv[2 * i + 1], &x, &y);
		if (fabs(x - xy[2 * i]) > 1e-9 ||
		    fabs(y - xy[2 * i + 1]) > 1e-9)
			fail("homog4: corner at %g, %g", x, y);
	}
	for (i = 0; i < 8; i++)
		xy[i] = i < 4 ? 1.0 : 2.0;
	if (homog4(uv, xy, H))
		fail("homog4: collinear points solved %g %g", 0, 0);
}

static void
check_store(const char *preset)
{
	struct sim s = { 0 };
	char err[256];
	json_t *root = store_preset(preset, 320, 240);
	double *pts, x0, y0, x1, y1, u, v, x, y;
	size_t i, n, k, j;
	struct rng r;
	int m;

	s.st = wo_store_parse(root, preset, err, sizeof(err));
	json_decref(root);
	if (s.st == NULL) {
		fprintf(stderr, "FAIL %s: %s\n", preset, err);
		fails++;
		return;
	}
	s.storejson = s.st->json;
	store_setup(&s);
	if (s.st->nitems < 12)
		fail("fewer than 12 products: %g %g", s.st->nitems, 0);
	/* Every camera sees the floor, and its two maps undo each other. */
	for (i = 0; i < s.st->ncams; i++) {
		const struct wo_cam *c = &s.st->cams[i];

		wo_homog(c->H, c->width / 2.0, c->height / 2.0, &x, &y);
		if (x < 0 || y < 0 || x > s.st->floor_w || y > s.st->floor_h)
			fail("camera centre off the floor at %g, %g", x, y);
		wo_homog(c->H, 0, 0, &x, &y);
		wo_homog(c->H, c->width, 0, &x1, &y1);
		wo_homog(c->H, 0, c->height, &u, &v);
		/* Square pixels: as many metres a pixel along a row as down. */
		if (fabs(hypot(x1 - x, y1 - y) / c->width -
		    hypot(u - x, v - y) / c->height) > 0.003)
			fail("pixels not square: %g vs %g m/px",
			    hypot(x1 - x, y1 - y) / c->width,
			    hypot(u - x, v - y) / c->height);
		/* Not mirrored: right in the image turns right on the floor. */
		if ((x1 - x) * (v - y) - (y1 - y) * (u - x) <= 0)
			fail("camera mirrored %g %g", x1 - x, v - y);
		for (m = 0; m < 20; m++) {
			double pu = 16.0 * m, pv = 12.0 * m, qu, qv;

			wo_homog(c->H, pu, pv, &x, &y);
			wo_homog(c->Hinv, x, y, &qu, &qv);
			if (fabs(qu - pu) > 1e-6 || fabs(qv - pv) > 1e-6)
				fail("H then Hinv gives %g, %g", qu, qv);
		}
	}
	/* Each plate has a free stand point a forearm from it. */
	for (i = 0; i < s.st->nplates; i++) {
		const struct wo_plate *p = &s.st->plates[i];
		double d = hypot(s.spots[i].x - p->x - p->w / 2,
		    s.spots[i].y - p->y - p->h / 2);

		if (!s.spots[i].ok || d > 0.8 || in_shelf(&s, s.spots[i].x,
		    s.spots[i].y))
			fail("plate without a stand point: %g m, ok %g", d,
			    s.spots[i].ok);
	}
	/* Routes between stand points join them and never cross a shelf. */
	rng_seed(&r, 1, 9);
	for (k = 0; k < 200; k++) {
		i = (size_t)rng_int(&r, (int)s.st->nplates);
		j = (size_t)rng_int(&r, (int)s.st->nplates);
		x0 = s.spots[i].x;
		y0 = s.spots[i].y;
		x1 = s.spots[j].x;
		y1 = s.spots[j].y;
		route(&s, x0, y0, x1, y1, &pts, &n);
		if (pts[0] != x0 || pts[1] != y0 || pts[2 * n - 2] != x1 ||
		    pts[2 * n - 1] != y1)
			fail("route does not join its ends: %g points, %g",
			    n, k);
		for (m = 1; m < (int)n; m++) {
			const double *a = &pts[2 * m - 2], *b = &pts[2 * m];
			double f;

			for (f = 0; f <= 1; f += 0.01)
				if (in_shelf(&s, a[0] + f * (b[0] - a[0]),
				    a[1] + f * (b[1] - a[1]))) {
					fail("route %g crosses a shelf in "
					    "leg %g", k, m);
					break;
				}
		}
		free(pts);
	}
	store_free(&s);
	wo_store_free(s.st);
}

int
main(void)
{
	wo_init("sim_store");
	check_homog4();
	check_store("small");
	check_store("large");
	if (store_preset("huge", 320, 240) != NULL)
		fail("unknown preset made %g %g", 0, 0);
	return fails != 0;
}
