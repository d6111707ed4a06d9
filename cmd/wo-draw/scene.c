/* scene.c: what the system knew at a frame's time, drawn over the frame; the floor map. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"

static const struct rgb black = { 0, 0, 0 }, white = { 255, 255, 255 };
static const struct rgb grey = { 200, 200, 200 };
static const struct rgb pick = { 230, 40, 40 }, putback = { 40, 200, 80 };

/* Bright colours that stay apart from one another on a dim shop floor. */
static const struct rgb palette[] = {
	{ 0, 220, 255 }, { 255, 230, 0 }, { 255, 90, 200 }, { 120, 160, 255 },
	{ 160, 255, 80 }, { 255, 130, 60 }, { 200, 140, 255 }, { 90, 255, 200 },
};

struct rgb
track_rgb(long long track)
{
	long long n = sizeof(palette) / sizeof(palette[0]);

	return palette[((track % n) + n) % n];
}

/* The detector's classes, in the order of models/store.names. */
static struct rgb
class_rgb(const char *cls)
{
	static const struct rgb person = { 40, 220, 40 }, hand = { 255, 150, 0 },
	    item = { 255, 40, 255 };

	if (strcmp(cls, "person") == 0)
		return person;
	if (strcmp(cls, "hand") == 0)
		return hand;
	if (strcmp(cls, "item") == 0)
		return item;
	return grey;
}

/* Floor metres to pixels of the drawing; f is the drawing's scale. */
static int
proj(const struct wo_cam *cam, double f, double x, double y, double *u,
    double *v)
{
	if (!wo_homog(cam->Hinv, x, y, u, v))
		return 0;
	*u *= f;
	*v *= f;
	return isfinite(*u) && isfinite(*v);
}

/* Near enough to the picture to be worth drawing (trails leave it). */
static int
near(const struct img *im, double u, double v)
{
	return u > -im->w && u < 2.0 * im->w && v > -im->h && v < 2.0 * im->h;
}

static int
inside(const struct img *im, double u, double v)
{
	return u >= 0 && v >= 0 && u < im->w && v < im->h;
}

static void
fmt_time(char *buf, size_t len, double ts)
{
	time_t s = (time_t)floor(ts);
	struct tm tm;
	int ms = (int)lround((ts - floor(ts)) * 1000);
	size_t n;

	if (ms == 1000) {
		s++;
		ms = 0;
	}
	gmtime_r(&s, &tm);
	n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03dZ", ms);
}

/* "+1 soup-400 acct-dfa60fef 0.93", after pre when there is one. */
static void
fmt_line(char *buf, size_t len, const char *pre, const struct line *l)
{
	snprintf(buf, len, "%s%s%+lld %s %s %.2f", pre, *pre ? " " : "",
	    l->qty, l->sku, l->account ? l->account : "?", l->conf);
}

/* The plates: outlined where the camera sees them, lit while they change. */
static void
draw_plates(const struct scene *sc, const struct frame *f, struct img *im,
    struct layout *lay, double fx, json_t *plates)
{
	const struct wo_cam *cam = &sc->st->cams[f->cam];
	const struct wo_plate *p;
	double xy[8], cu, cv, t = f->ts;
	size_t i, j;
	char buf[64];
	int k = sc->k, sk = k > 1 ? k - 1 : 1, ok, e;
	struct rgb lit;

	for (i = 0; i < sc->st->nplates; i++) {
		p = &sc->st->plates[i];
		ok = proj(cam, fx, p->x, p->y, &xy[0], &xy[1]) &&
		    proj(cam, fx, p->x + p->w, p->y, &xy[2], &xy[3]) &&
		    proj(cam, fx, p->x + p->w, p->y + p->h, &xy[4], &xy[5]) &&
		    proj(cam, fx, p->x, p->y + p->h, &xy[6], &xy[7]) &&
		    proj(cam, fx, p->x + p->w / 2, p->y + p->h / 2, &cu, &cv);
		if (!ok || !inside(im, cu, cv))
			continue;
		json_array_append_new(plates, json_string(p->id));
		for (j = 0; j < 4; j++)
			paint_line(im, xy[2 * j], xy[2 * j + 1],
			    xy[(2 * j + 2) % 8], xy[(2 * j + 3) % 8], grey, 1, 0);
		for (j = 0; j < sc->nc; j++) {
			const struct change *c = &sc->c[j];

			if (c->plate != (int)i || t < c->t0 || t > c->ts + GLOW_S)
				continue;
			/*
			 * Dashed while the weight is still moving, filled
			 * once it settled and the change was decided.
			 */
			lit = c->delta_g < 0 ? pick : putback;
			if (t >= c->ts)
				paint_poly(im, xy, 4, lit, 140);
			for (e = 0; e < 4; e++)
				paint_line(im, xy[2 * e], xy[2 * e + 1],
				    xy[(2 * e + 2) % 8], xy[(2 * e + 3) % 8],
				    lit, 2 * k, t < c->ts ? 3 * k : 0);
			snprintf(buf, sizeof(buf), "%s %+.1f g%s", p->id,
			    c->delta_g, t < c->ts ? " ..." : "");
			paint_label(im, lay, cu - text_w(buf, k) / 2.0,
			    cv - 2.0 * text_h(k), buf, white, lit, k);
		}
		paint_label(im, NULL, cu - text_w(p->id, sk) / 2.0,
		    cv - text_h(sk) / 2.0, p->id, white, black, sk);
	}
}

static void
draw_boxes(const struct scene *sc, const struct frame *f, struct img *im,
    struct layout *lay, double fx, double fy)
{
	const struct box *b;
	char buf[64];
	int i, k = sc->k;

	for (i = 0; i < f->nb; i++) {
		b = &f->b[i];
		paint_rect(im, b->x * fx, b->y * fy, b->w * fx, b->h * fy,
		    class_rgb(b->cls), k);
		snprintf(buf, sizeof(buf), "%s %.2f", b->cls, b->conf);
		paint_label(im, lay, b->x * fx, b->y * fy - text_h(k) - k, buf,
		    black, class_rgb(b->cls), k);
	}
}

/* Each track seen in the last STALE_S: its trail, its hands, its name. */
static void
draw_tracks(const struct scene *sc, const struct frame *f, struct img *im,
    struct layout *lay, double fx)
{
	const struct wo_cam *cam = &sc->st->cams[f->cam];
	const struct sample *s, *q, *prev;
	double u, v, pu = 0, pv = 0, hu, hv, t = f->ts;
	size_t i, j;
	char buf[64];
	int h, k = sc->k, later;
	struct rgb c;

	for (i = 0; i < sc->ns; i++) {
		s = &sc->s[i];
		if (s->ts > t || t - s->ts > STALE_S)
			continue;
		for (later = 0, j = i + 1; j < sc->ns && !later; j++)
			later = sc->s[j].track == s->track && sc->s[j].ts <= t;
		if (later)
			continue;
		c = track_rgb(s->track);
		for (prev = NULL, j = 0; j <= i; j++) {
			q = &sc->s[j];
			if (q->track != s->track || t - q->ts > TRAIL_S ||
			    !proj(cam, fx, q->x, q->y, &u, &v))
				continue;
			if (prev != NULL && near(im, u, v) && near(im, pu, pv))
				paint_line(im, pu, pv, u, v, c, k, 0);
			prev = q;
			pu = u, pv = v;
		}
		if (!proj(cam, fx, s->x, s->y, &u, &v) || !near(im, u, v))
			continue;
		for (h = 0; h < s->nh; h++) {
			if (!proj(cam, fx, s->hx[h], s->hy[h], &hu, &hv))
				continue;
			paint_line(im, u, v, hu, hv, c, 1, 2 * k);
			paint_disc(im, hu, hv, 3 * k, c, 256);
			paint_ring(im, hu, hv, 3 * k, black, 1);
		}
		paint_ring(im, u, v, 6 * k, c, 2 * k);
		paint_disc(im, u, v, 2 * k, c, 256);
		snprintf(buf, sizeof(buf), "#%lld %s", s->track,
		    s->account ? s->account : "?");
		paint_label(im, lay, u + 7 * k, v + 5 * k, buf, black, c, k);
	}
}

/*
 * Items wo-track saw lying on the floor in the last STALE_S: a ring where
 * each lies, in the detector's item colour, at the latest sighting only.
 */
static void
draw_floor(const struct scene *sc, const struct frame *f, struct img *im,
    struct layout *lay, double fx)
{
	const struct wo_cam *cam = &sc->st->cams[f->cam];
	const struct spot *s;
	double u, v, t = f->ts, last = -INFINITY;
	size_t i;
	char buf[32];
	int k = sc->k;

	for (i = 0; i < sc->nf; i++)
		if (sc->f[i].ts <= t && t - sc->f[i].ts <= STALE_S)
			last = fmax(last, sc->f[i].ts);
	for (i = 0; i < sc->nf; i++) {
		s = &sc->f[i];
		if (s->ts != last || !proj(cam, fx, s->x, s->y, &u, &v) ||
		    !inside(im, u, v))
			continue;
		paint_ring(im, u, v, 5 * k, class_rgb("item"), 2 * k);
		snprintf(buf, sizeof(buf), "floor %.2f", s->conf);
		paint_label(im, lay, u + 6 * k, v - text_h(k) / 2.0, buf, black,
		    class_rgb("item"), k);
	}
}

/* Cart lines from the start of their weight change until CAPTION_S after. */
static void
draw_lines(const struct scene *sc, const struct frame *f, struct img *im,
    struct layout *lay, double fx, json_t *lines)
{
	const struct wo_cam *cam = &sc->st->cams[f->cam];
	const struct wo_plate *p;
	const struct line *l;
	double u, v, t = f->ts;
	size_t i;
	char buf[128];
	int k = sc->k, nbar = 0, nat;
	struct rgb c;

	for (i = 0; i < sc->nl; i++) {
		l = &sc->l[i];
		if (t < l->t0 || t > l->ts + CAPTION_S)
			continue;
		json_array_append_new(lines, json_string(l->id));
		c = l->track >= 0 ? track_rgb(l->track) : white;
		p = &sc->st->plates[l->plate];
		if (proj(cam, fx, p->x + p->w / 2, p->y + p->h / 2, &u, &v) &&
		    inside(im, u, v)) {
			nat = (int)(i % 3);
			fmt_line(buf, sizeof(buf), "", l);
			paint_label(im, lay, u - text_w(buf, k) / 2.0,
			    v + (1.0 + 1.2 * nat) * text_h(k), buf, black, c, k);
		} else {
			nbar++;
			fmt_line(buf, sizeof(buf), p->id, l);
			paint_label(im, lay, 0, im->h - nbar * (text_h(k) + k), buf,
			    black, c, k);
		}
	}
}

void
scene_draw(const struct scene *sc, const struct frame *f, struct img *im,
    json_t *plates, json_t *lines)
{
	const struct wo_cam *cam = &sc->st->cams[f->cam];
	double sx = (double)im->w / cam->width, sy = (double)im->h / cam->height;
	char buf[128], when[40];
	int k = sc->k;
	struct layout lay;

	img_scale(im, k);
	lay.n = 0;
	layout_keep(&lay, 0, 0, im->w, text_h(k) + k);
	draw_plates(sc, f, im, &lay, sx * k, plates);
	/* In this order the detector's labels give way to the decisions'. */
	draw_tracks(sc, f, im, &lay, sx * k);
	draw_floor(sc, f, im, &lay, sx * k);
	draw_lines(sc, f, im, &lay, sx * k, lines);
	draw_boxes(sc, f, im, &lay, sx * k, sy * k);
	layout_paint(im, &lay);
	fmt_time(when, sizeof(when), f->ts);
	snprintf(buf, sizeof(buf), "%s  %s  %.3f", cam->id, when, f->ts);
	paint_fill(im, 0, 0, im->w, text_h(k) + k, black, 256);
	paint_text(im, k, k, buf, white, k);
}

/* Metres to map pixels. */
struct mapf {
	double	 m, ox, oy;
};

static double
mx(const struct mapf *m, double x)
{
	return m->ox + x * m->m;
}

static double
my(const struct mapf *m, double y)
{
	return m->oy + y * m->m;
}

static int
in_visit(const struct scene *sc, const char *visit, const struct sample *s)
{
	size_t i;

	if (visit == NULL)
		return 1;
	for (i = 0; i < sc->nl; i++)
		if (strcmp(sc->l[i].visit, visit) == 0 &&
		    (sc->l[i].track == s->track || (s->account != NULL &&
		    sc->l[i].account != NULL &&
		    strcmp(sc->l[i].account, s->account) == 0)))
			return 1;
	return 0;
}

/*
 * Track s[i]'s path from sample i on, as one line of colour c; returns its
 * last sample.
 */
static const struct sample *
trail(const struct scene *sc, size_t i, const struct mapf *m, struct img *im,
    struct rgb c, int thick)
{
	const struct sample *q, *prev = NULL;
	size_t j;

	for (j = i; j < sc->ns; j++) {
		q = &sc->s[j];
		if (q->track != sc->s[i].track)
			continue;
		if (prev != NULL)
			paint_line(im, mx(m, prev->x), my(m, prev->y),
			    mx(m, q->x), my(m, q->y), c, thick, 0);
		prev = q;
	}
	return prev;
}

/* The floor as seen from above: shelves, plates, gates, the paths, the picks. */
void
scene_map(const struct scene *sc, const char *visit, struct img *im)
{
	static const struct rgb paper = { 248, 248, 244 }, shelf = { 215, 210, 200 },
	    ink = { 90, 90, 90 }, entry = { 40, 200, 80 }, exit_ = { 230, 40, 40 };
	const struct wo_store *st = sc->st;
	const struct sample *s, *q, *prev;
	const struct line *l;
	const struct wo_plate *p;
	json_t *sh, *r;
	struct mapf m;
	struct rgb c;
	size_t i, j;
	char buf[128];
	int k = sc->k, top = text_h(k) + 2 * k, pad = 12 * k, first;
	double bx, by;
	struct layout layout, *lay = &layout;

	m.m = 40.0 * k;
	m.ox = pad;
	m.oy = top + pad;
	img_new(im, (int)ceil(st->floor_w * m.m) + 2 * pad,
	    (int)ceil(st->floor_h * m.m) + 2 * pad + top, paper);
	layout.n = 0;
	layout_keep(lay, 0, 0, im->w, top);
	sh = json_object_get(st->json, "shelves");
	json_array_foreach(sh, i, r) {
		double x = json_number_value(json_object_get(r, "x"));
		double y = json_number_value(json_object_get(r, "y"));
		double w = json_number_value(json_object_get(r, "w"));
		double h = json_number_value(json_object_get(r, "h"));

		paint_fill(im, (int)lround(mx(&m, x)), (int)lround(my(&m, y)),
		    (int)lround(w * m.m), (int)lround(h * m.m), shelf, 256);
	}
	paint_rect(im, mx(&m, 0), my(&m, 0), st->floor_w * m.m,
	    st->floor_h * m.m, ink, k);
	for (i = 0; i < st->ngates; i++) {
		const struct wo_gate *g = &st->gates[i];

		c = g->entry ? entry : exit_;
		paint_fill(im, (int)lround(mx(&m, g->x)), (int)lround(my(&m, g->y)),
		    (int)lround(g->w * m.m), (int)lround(g->h * m.m), c, 60);
		paint_label(im, lay, mx(&m, g->x) + k, my(&m, g->y) + k, g->id,
		    white, c, k);
	}
	for (i = 0; i < st->nplates; i++) {
		p = &st->plates[i];
		for (j = 0; j < sc->nl; j++)
			if (sc->l[j].plate == (int)i && (visit == NULL ||
			    strcmp(sc->l[j].visit, visit) == 0))
				break;
		if (j < sc->nl)
			paint_fill(im, (int)lround(mx(&m, p->x)),
			    (int)lround(my(&m, p->y)), (int)lround(p->w * m.m),
			    (int)lround(p->h * m.m), sc->l[j].qty < 0 ?
			    putback : pick, 150);
		paint_rect(im, mx(&m, p->x), my(&m, p->y), p->w * m.m,
		    p->h * m.m, ink, 1);
		paint_text(im, (int)lround(mx(&m, p->x)) + k,
		    (int)lround(my(&m, p->y)) + k, p->id, ink, k);
	}
	for (i = 0; i < sc->ns; i++) {
		s = &sc->s[i];
		for (first = 1, j = 0; j < i && first; j++)
			first = sc->s[j].track != s->track;
		if (!first || !in_visit(sc, visit, s))
			continue;
		c = track_rgb(s->track);
		trail(sc, i, &m, im, ink, k + 2);
		prev = trail(sc, i, &m, im, c, k);
		paint_ring(im, mx(&m, s->x), my(&m, s->y), 4 * k, c, 2 * k);
		paint_disc(im, mx(&m, prev->x), my(&m, prev->y), 4 * k, c, 256);
		snprintf(buf, sizeof(buf), "#%lld %s", s->track,
		    s->account ? s->account : "?");
		paint_label(im, lay, mx(&m, s->x) + 6 * k, my(&m, s->y) - 6 * k -
		    text_h(k), buf, black, c, k);
	}
	/* Where items were seen lying on the floor, whoever left them. */
	for (i = 0; i < sc->nf; i++)
		paint_ring(im, mx(&m, sc->f[i].x), my(&m, sc->f[i].y), 3 * k,
		    class_rgb("item"), k);
	/* Who was charged for each change: the track where it stood at t0. */
	for (i = 0; i < sc->nl; i++) {
		l = &sc->l[i];
		if (visit != NULL && strcmp(l->visit, visit) != 0)
			continue;
		p = &st->plates[l->plate];
		bx = mx(&m, p->x + p->w / 2);
		by = my(&m, p->y + p->h / 2);
		c = l->track >= 0 ? track_rgb(l->track) : ink;
		for (prev = NULL, j = 0; j < sc->ns; j++) {
			q = &sc->s[j];
			if (q->track == l->track && (prev == NULL ||
			    fabs(q->ts - l->t0) < fabs(prev->ts - l->t0)))
				prev = q;
		}
		if (prev != NULL)
			paint_line(im, mx(&m, prev->x), my(&m, prev->y), bx, by,
			    ink, k, 3 * k);
		fmt_line(buf, sizeof(buf), "", l);
		paint_label(im, lay, bx - text_w(buf, k) / 2.0,
		    by + p->h * m.m / 2 + k + (i % 2) * (text_h(k) + k), buf,
		    black, c, k);
	}
	layout_paint(im, lay);
	snprintf(buf, sizeof(buf), "%s%s%s", st->name, visit ? "  visit " : "",
	    visit ? visit : "");
	paint_fill(im, 0, 0, im->w, text_h(k) + k, black, 256);
	paint_text(im, k, k, buf, white, k);
}
