/* track_fuse: wo-track's fusion of the cameras' views keeps close shoppers apart and places long boxes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/wo-track/fuse.c"

/* main.c's tracks, which fuse.c asks about: none unless a check sets them. */
struct trk *trk;
int ntrk;

static int fails;

#define CHECK(c, ...) do { if (!(c)) { fails++; \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/*
 * Two 320x240 cameras looking straight down at 0.02 m a pixel, the second
 * 4 m to the right of the first, so they overlap over x 4..6.4 m; in
 * narrow, it is 6 m to the right, and they overlap over x 6..6.4 m.
 */
static struct wo_cam cams[2] = {
	{ "c1", 320, 240, { 0.02, 0, 0, 0, 0.02, 0, 0, 0, 1 }, { 0 } },
	{ "c2", 320, 240, { 0.02, 0, 4, 0, 0.02, 0, 0, 0, 1 }, { 0 } },
};
static struct wo_cam ncams[2] = {
	{ "c1", 320, 240, { 0.02, 0, 0, 0, 0.02, 0, 0, 0, 1 }, { 0 } },
	{ "c2", 320, 240, { 0.02, 0, 6, 0, 0.02, 0, 0, 0, 1 }, { 0 } },
};
static struct wo_store st = { .cams = cams, .ncams = 2 };
static struct wo_store narrow = { .cams = ncams, .ncams = 2 };

/* A box of class cls in camera cam of s around floor point (x, y), w by h m. */
static void
add(struct moment *m, const struct wo_store *s, int cam, int cls,
    double conf, double x, double y, double w, double h)
{
	struct box b;
	double x0 = x - s->cams[cam].H[2];

	memset(&b, 0, sizeof(b));
	b.cam = cam;
	b.cls = cls;
	b.conf = conf;
	b.x = (x0 - w / 2) / 0.02;
	b.y = (y - h / 2) / 0.02;
	b.w = w / 0.02;
	b.h = h / 0.02;
	moment_add(m, &b);
}

/* The observation nearest (x, y), or NULL when none is within 0.05 m. */
static const struct obs *
at(const struct moment *m, double x, double y)
{
	int i;

	for (i = 0; i < m->nperson; i++)
		if (hypot(m->person[i].x - x, m->person[i].y - y) < 0.05)
			return &m->person[i];
	return NULL;
}

/* Frees what moment_fuse and add left in m. */
static void
clear(struct moment *m)
{
	free(m->box);
	free(m->person);
	free(m->hand);
}

static void
crosswise(void)
{
	struct moment m;
	const struct obs *a, *b;

	/*
	 * A at (5, 2) and B at (5.5, 2), each seen by both cameras; the
	 * strongest view of A and the next strongest of B are within 0.6 m,
	 * which one view at a time paired crosswise.
	 */
	memset(&m, 0, sizeof(m));
	add(&m, &st, 0, CLS_PERSON, 0.9, 5.0, 2.0, 0.4, 0.4);
	add(&m, &st, 1, CLS_PERSON, 0.85, 5.5, 2.0, 0.4, 0.4);
	add(&m, &st, 0, CLS_PERSON, 0.8, 5.5, 2.0, 0.4, 0.4);
	add(&m, &st, 1, CLS_PERSON, 0.7, 5.02, 2.0, 0.4, 0.4);
	moment_fuse(&m, &st, 0.6, 0.25);
	CHECK(m.nperson == 2, "crosswise: %d observations, want 2", m.nperson);
	a = at(&m, 5.01, 2.0);
	b = at(&m, 5.5, 2.0);
	CHECK(a != NULL && a->cams == 3 && a->n == 2 && a->conf == 0.9,
	    "crosswise: A not where it stands, from both cameras");
	CHECK(b != NULL && b->cams == 3 && b->n == 2 && b->conf == 0.85,
	    "crosswise: B not where it stands, from both cameras");
	clear(&m);
}

static void
one_camera(void)
{
	struct moment m;

	/* Two boxes of one camera 0.3 m apart are two people. */
	memset(&m, 0, sizeof(m));
	add(&m, &st, 0, CLS_PERSON, 0.9, 2.0, 2.0, 0.4, 0.4);
	add(&m, &st, 0, CLS_PERSON, 0.9, 2.3, 2.0, 0.4, 0.4);
	moment_fuse(&m, &st, 0.6, 0.25);
	CHECK(m.nperson == 2 && at(&m, 2.0, 2.0) && at(&m, 2.3, 2.0),
	    "one camera: %d observations, want 2 where they stand",
	    m.nperson);
	clear(&m);
}

static void
clipped_views(void)
{
	struct moment m;
	const struct obs *a, *b;

	/*
	 * A at (6, 2) is whole in camera 1 and cut by the left edge of camera
	 * 2; B at (6.4, 2.35), 0.53 m away, is whole in camera 2 and cut by
	 * the right edge of camera 1.  The whole views alone were within
	 * 0.6 m, and were merged before the cut ones were looked at.  A cut
	 * view only confirms; it never places.
	 */
	memset(&m, 0, sizeof(m));
	add(&m, &narrow, 0, CLS_PERSON, 0.9, 6.0, 2.0, 0.4, 0.4);
	add(&m, &narrow, 1, CLS_PERSON, 0.9, 6.4, 2.35, 0.4, 0.4);
	add(&m, &narrow, 1, CLS_PERSON, 0.9, 6.1, 2.0, 0.2, 0.4);
	add(&m, &narrow, 0, CLS_PERSON, 0.9, 6.3, 2.35, 0.2, 0.4);
	moment_fuse(&m, &narrow, 0.6, 0.25);
	CHECK(m.nperson == 2, "clipped: %d observations, want 2", m.nperson);
	a = at(&m, 6.0, 2.0);
	b = at(&m, 6.4, 2.35);
	CHECK(a != NULL && a->cams == 3 && a->n == 1 && a->clean,
	    "clipped: A not placed by its whole view alone");
	CHECK(b != NULL && b->cams == 3 && b->n == 1 && b->clean,
	    "clipped: B not placed by its whole view alone");
	clear(&m);
}

static void
long_box(void)
{
	struct moment m;
	const struct obs *o;
	double p[2], q[2], z[2];

	/*
	 * Two shoppers 1 m apart at x 2 and 3 reach across each other: their
	 * boxes both span x 1.8..3.2, one hand at each end.  The body is at
	 * either end, 0.18 m in, never in the middle.
	 */
	memset(&m, 0, sizeof(m));
	add(&m, &st, 0, CLS_PERSON, 0.9, 2.5, 2.0, 1.4, 0.4);
	add(&m, &st, 0, CLS_HAND, 0.8, 1.84, 2.0, 0.08, 0.08);
	add(&m, &st, 0, CLS_HAND, 0.8, 3.16, 2.0, 0.08, 0.08);
	moment_fuse(&m, &st, 0.6, 0.25);
	CHECK(m.nperson == 1, "long box: %d observations, want 1", m.nperson);
	o = &m.person[0];
	CHECK(fabs(o->x - 2.5) < 1e-6 && fabs(o->end[0][0] - 1.98) < 1e-6 &&
	    fabs(o->end[0][1] - 3.02) < 1e-6 && o->either[0],
	    "long box: x %g ends %g %g either %d", o->x, o->end[0][0],
	    o->end[0][1], o->either[0]);
	CHECK(o->end[1][0] == o->y && o->end[1][1] == o->y && !o->either[1],
	    "long box: a 0.4 m side has no ends");
	p[0] = q[0] = 3.0;
	p[1] = q[1] = 2.0;
	obs_near(o, p, q, z);
	CHECK(fabs(z[0] - 3.02) < 1e-6 && z[1] == o->y, "either: z %g %g",
	    z[0], z[1]);
	clear(&m);
}

static void
reach(void)
{
	struct moment m;
	const struct obs *o;
	double p[2], q[2], z[2];

	/* One shopper at x 2 reaches 1 m to the right: the body is at x 2. */
	memset(&m, 0, sizeof(m));
	add(&m, &st, 0, CLS_PERSON, 0.9, 2.5, 2.0, 1.4, 0.4);
	add(&m, &st, 0, CLS_HAND, 0.8, 3.16, 2.0, 0.08, 0.08);
	moment_fuse(&m, &st, 0.6, 0.25);
	o = &m.person[0];
	CHECK(m.nperson == 1 && fabs(o->x - 1.98) < 1e-6 &&
	    o->end[0][0] == o->x && o->end[0][1] == o->x && !o->either[0],
	    "reach: x %g ends %g %g", o->x, o->end[0][0], o->end[0][1]);

	/*
	 * The same with a neighbour at x 3 whose box lies inside: the far end
	 * is a place too, taken only when nearer than the body both to the
	 * prediction and to the last view.
	 */
	add(&m, &st, 0, CLS_PERSON, 0.9, 3.0, 2.0, 0.4, 0.4);
	moment_fuse(&m, &st, 0.6, 0.25);
	CHECK(m.nperson == 2, "reach: %d observations, want 2", m.nperson);
	o = at(&m, 1.98, 2.0);
	CHECK(o != NULL && fabs(o->end[0][0] - 1.98) < 1e-6 &&
	    fabs(o->end[0][1] - 3.02) < 1e-6 && !o->either[0],
	    "reach, shared: no ends");
	if (o == NULL)
		return;
	p[1] = q[1] = 2.0;
	p[0] = 2.9;
	q[0] = 2.3;
	obs_near(o, p, q, z);
	CHECK(z[0] == o->x, "reach, only the prediction: z %g", z[0]);
	q[0] = 2.9;
	obs_near(o, p, q, z);
	CHECK(fabs(z[0] - 3.02) < 1e-6, "reach, both: z %g", z[0]);
	clear(&m);
}

/*
 * A box straddling two shoppers, surer than the one behind and less sure
 * than the one in front: its pixels inside the front one's box are that
 * one's, those inside the one behind are its own, and the front box keeps
 * every pixel.
 */
static void
covered(void)
{
	struct moment m = { 0 };
	const struct box *front, *pair, *behind;

	add(&m, &st, 0, CLS_PERSON, 0.98, 2.35, 2.0, 0.4, 0.4);
	add(&m, &st, 0, CLS_PERSON, 0.54, 2.48, 2.0, 0.4, 0.4);
	add(&m, &st, 0, CLS_PERSON, 0.47, 2.67, 2.0, 0.4, 0.4);
	add(&m, &st, 0, CLS_HAND, 0.99, 2.6, 2.0, 0.4, 0.4);
	front = &m.box[0];
	pair = &m.box[1];
	behind = &m.box[2];
	CHECK(box_covered(&m, 0, pair, 2.40 / 0.02, 2.0 / 0.02),
	    "the pair's pixel in the front box is not covered");
	CHECK(!box_covered(&m, 0, pair, 2.60 / 0.02, 2.0 / 0.02),
	    "the pair's pixel in the box behind (and in a hand) is covered");
	CHECK(!box_covered(&m, 0, front, 2.40 / 0.02, 2.0 / 0.02),
	    "the front box's pixel is covered");
	CHECK(box_covered(&m, 0, behind, 2.60 / 0.02, 2.0 / 0.02),
	    "the pixel behind, in the pair's box, is not covered");
	CHECK(!box_covered(&m, 1, pair, 2.40 / 0.02, 2.0 / 0.02),
	    "a box of an earlier frame covers");
	clear(&m);
}

static void
hidden_each(void)
{
	struct trk two[2];
	struct moment m;

	/*
	 * A stands at (5, 2) and B at (5.5, 2); camera 1 sees only A and
	 * camera 2 only B, each hidden from one camera by the other.  Their
	 * views are 0.5 m apart, within the 0.6 m that merges views: by
	 * nearness alone they are one person between them; with A and B
	 * tracked, each view stays with its own.
	 */
	memset(&m, 0, sizeof(m));
	add(&m, &st, 0, CLS_PERSON, 0.9, 5.0, 2.0, 0.4, 0.4);
	add(&m, &st, 1, CLS_PERSON, 0.9, 5.5, 2.0, 0.4, 0.4);
	moment_fuse(&m, &st, 0.6, 0.25);
	CHECK(m.nperson == 1, "hidden each, untracked: %d observations, "
	    "want 1", m.nperson);
	clear(&m);

	memset(two, 0, sizeof(two));
	two[0].confirmed = two[1].confirmed = 1;
	two[0].kf.x[0] = 5.0;
	two[1].kf.x[0] = 5.5;
	two[0].kf.x[1] = two[1].kf.x[1] = 2.0;
	trk = two;
	ntrk = 2;
	memset(&m, 0, sizeof(m));
	add(&m, &st, 0, CLS_PERSON, 0.9, 5.0, 2.0, 0.4, 0.4);
	add(&m, &st, 1, CLS_PERSON, 0.9, 5.5, 2.0, 0.4, 0.4);
	moment_fuse(&m, &st, 0.6, 0.25);
	CHECK(m.nperson == 2 && at(&m, 5.0, 2.0) && at(&m, 5.5, 2.0),
	    "hidden each, tracked: %d observations, want 2 where they stand",
	    m.nperson);
	clear(&m);
	trk = NULL;
	ntrk = 0;
}

int
main(void)
{
	crosswise();
	one_camera();
	clipped_views();
	long_box();
	reach();
	covered();
	hidden_each();
	return fails != 0;
}
