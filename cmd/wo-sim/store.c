/* store.c: the preset stores, what wo-sim derives from a store, routes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct prod {
	const char *sku, *name;
	int	 price;
	double	 g, sd, tax;	/* tax < 0: the store's rate */
};

/*
 * Neighbours in this list stand next to each other on the shelves: the
 * two sodas and the two yogurts weigh the same, the bars and the sweets
 * differ by a few grams, so weight alone cannot tell them apart.
 */
static const struct prod catalog[] = {
	{ "cola-330", "Cola 330 ml", 199, 350.0, 3.0, -1 },
	{ "lemon-330", "Lemon soda 330 ml", 199, 350.0, 3.0, -1 },
	{ "water-500", "Still water 500 ml", 129, 520.0, 4.0, 0.0 },
	{ "juice-1l", "Orange juice 1 l", 349, 1080.0, 6.0, -1 },
	{ "coffee-250", "Ground coffee 250 g", 599, 262.0, 2.5, -1 },
	{ "pasta-500", "Penne 500 g", 179, 510.0, 3.0, 0.0 },
	{ "soup-400", "Tomato soup 400 g", 229, 445.0, 3.5, -1 },
	{ "choc-45", "Milk chocolate bar 45 g", 129, 48.0, 0.8, -1 },
	{ "nut-50", "Nut bar 50 g", 139, 52.0, 0.8, -1 },
	{ "gum-14", "Chewing gum", 99, 16.0, 0.4, -1 },
	{ "mints-12", "Mints", 109, 13.0, 0.4, -1 },
	{ "chips-150", "Crisps 150 g", 249, 165.0, 2.5, -1 },
	{ "yogurt-125", "Plain yogurt 125 g", 89, 135.0, 1.5, 0.0 },
	{ "yogurt-berry", "Berry yogurt 125 g", 89, 135.0, 1.5, 0.0 },
	{ "rice-1k", "Rice 1 kg", 289, 1020.0, 5.0, 0.0 },
	{ "tea-100", "Black tea 100 g", 349, 130.0, 2.0, -1 },
	{ "cookies-200", "Cookies 200 g", 219, 215.0, 2.0, -1 },
	{ "milk-1l", "Milk 1 l", 119, 1040.0, 5.0, 0.0 },
	{ "beer-500", "Lager 500 ml", 249, 540.0, 4.0, 0.10 },
	{ "bread-400", "Rye bread 400 g", 299, 420.0, 8.0, 0.0 },
};

static json_t *
jrect(double x, double y, double w, double h)
{
	return json_pack("{s:f,s:f,s:f,s:f}", "x", x, "y", y, "w", w, "h", h);
}

/* Solves the 8x8 system of a homography through four point pairs. */
static int
homog4(const double uv[8], const double xy[8], double H[9])
{
	double A[8][9], t;
	int i, j, k, p;

	for (i = 0; i < 4; i++) {
		double u = uv[2 * i], v = uv[2 * i + 1];
		double x = xy[2 * i], y = xy[2 * i + 1];
		double r0[9] = { u, v, 1, 0, 0, 0, -u * x, -v * x, x };
		double r1[9] = { 0, 0, 0, u, v, 1, -u * y, -v * y, y };

		memcpy(A[2 * i], r0, sizeof(r0));
		memcpy(A[2 * i + 1], r1, sizeof(r1));
	}
	for (k = 0; k < 8; k++) {
		p = k;
		for (i = k + 1; i < 8; i++)
			if (fabs(A[i][k]) > fabs(A[p][k]))
				p = i;
		if (fabs(A[p][k]) < 1e-12)
			return 0;
		for (j = 0; j < 9; j++) {
			t = A[k][j];
			A[k][j] = A[p][j];
			A[p][j] = t;
		}
		for (i = 0; i < 8; i++) {
			if (i == k)
				continue;
			t = A[i][k] / A[k][k];
			for (j = k; j < 9; j++)
				A[i][j] -= t * A[k][j];
		}
	}
	for (i = 0; i < 8; i++)
		H[i] = A[i][8] / A[i][i];
	H[8] = 1.0;
	return 1;
}

/*
 * A camera sees the floor quadrilateral q (the floor points under its
 * pixel corners (0,0), (w,0), (w,h), (0,h)); the far edge is drawn in a
 * little, as a camera tilted from straight down sees it.
 */
static json_t *
jcam(const char *id, int w, int h, const double q[8], double keystone)
{
	double uv[8] = { 0, 0, w, 0, w, h, 0, h }, xy[8], H[9];
	double mx = (q[0] + q[2]) / 2, my = (q[1] + q[3]) / 2;
	json_t *a;
	int i;

	memcpy(xy, q, sizeof(xy));
	for (i = 0; i < 2; i++) {
		xy[2 * i] = mx + (q[2 * i] - mx) * (1 + keystone);
		xy[2 * i + 1] = my + (q[2 * i + 1] - my) * (1 + keystone);
	}
	if (!homog4(uv, xy, H))
		wo_die(1, "camera %s: degenerate view", id);
	a = json_array();
	for (i = 0; i < 9; i++)
		json_array_append_new(a, json_real(H[i]));
	return json_pack("{s:s,s:i,s:i,s:o}", "id", id, "width", w,
	    "height", h, "homography", a);
}

static void
add_row(json_t *plates, json_t *shelves, int *pi, int np, double x0,
    double x1, double y, double depth, int first, int nprod)
{
	double pw = (x1 - x0) / np;
	char id[16];
	int i;

	json_array_append_new(shelves, jrect(x0 - 0.05, y - 0.05, x1 - x0 + 0.1,
	    depth + 0.1));
	for (i = 0; i < np; i++) {
		snprintf(id, sizeof(id), "%c%d", 'A' + *pi, i + 1);
		json_array_append_new(plates,
		    json_pack("{s:s,s:s,s:f,s:f,s:f,s:f}", "id", id,
		    "sku", catalog[(first + i) % nprod].sku,
		    "x", x0 + i * pw + 0.04, "y", y, "w", pw - 0.08,
		    "h", depth));
	}
	(*pi)++;
}

/* The "small" and "large" stores, with cameras of w x h pixels. */
json_t *
store_preset(const char *name, int w, int h)
{
	json_t *root, *cat, *plates, *shelves, *cams, *gates, *it;
	double fw, fh;
	int nprod, pi = 0, large = strcmp(name, "large") == 0;
	size_t i;

	if (!large && strcmp(name, "small") != 0)
		return NULL;
	nprod = large ? 20 : 14;
	fw = large ? 12.0 : 8.0;
	fh = large ? 9.0 : 6.0;
	cat = json_array();
	for (i = 0; i < (size_t)nprod; i++) {
		it = json_pack("{s:s,s:s,s:i,s:f,s:f}", "sku", catalog[i].sku,
		    "name", catalog[i].name, "price", catalog[i].price,
		    "unit_g", catalog[i].g, "sd_g", catalog[i].sd);
		if (catalog[i].tax >= 0)
			json_object_set_new(it, "tax_rate",
			    json_real(catalog[i].tax));
		json_array_append_new(cat, it);
	}
	plates = json_array();
	shelves = json_array();
	cams = json_array();
	if (!large) {
		double q1[8] = { 4.6, -0.2, 4.6, 6.2, -0.2, 6.2, -0.2, -0.2 };
		double q2[8] = { 3.4, 6.2, 3.4, -0.2, 8.2, -0.2, 8.2, 6.2 };

		add_row(plates, shelves, &pi, 7, 0.9, 7.1, 0.05, 0.45, 0,
		    nprod);
		add_row(plates, shelves, &pi, 7, 1.6, 6.4, 2.45, 0.45, 7,
		    nprod);
		add_row(plates, shelves, &pi, 7, 1.6, 6.4, 2.95, 0.45, 2,
		    nprod);
		json_array_append_new(cams, jcam("c1", w, h, q1, -0.05));
		json_array_append_new(cams, jcam("c2", w, h, q2, -0.04));
	} else {
		double q[4][8] = {
			{ -0.3, -0.3, 6.5, -0.3, 6.5, 4.8, -0.3, 4.8 },
			{ 5.5, -0.3, 12.3, -0.3, 12.3, 4.8, 5.5, 4.8 },
			{ 6.5, 9.3, -0.3, 9.3, -0.3, 4.2, 6.5, 4.2 },
			{ 12.3, 9.3, 5.5, 9.3, 5.5, 4.2, 12.3, 4.2 },
		};
		static const char *id[4] = { "c1", "c2", "c3", "c4" };

		add_row(plates, shelves, &pi, 10, 1.0, 11.0, 0.05, 0.45, 0,
		    nprod);
		add_row(plates, shelves, &pi, 8, 2.0, 10.0, 2.55, 0.45, 10,
		    nprod);
		add_row(plates, shelves, &pi, 8, 2.0, 10.0, 3.05, 0.45, 4,
		    nprod);
		add_row(plates, shelves, &pi, 8, 2.0, 10.0, 5.25, 0.45, 14,
		    nprod);
		add_row(plates, shelves, &pi, 8, 2.0, 10.0, 5.75, 0.45, 7,
		    nprod);
		for (i = 0; i < 4; i++)
			json_array_append_new(cams, jcam(id[i], w, h, q[i],
			    -0.03 - 0.01 * i));
	}
	gates = json_pack("[{s:s,s:s,s:f,s:f,s:f,s:f},"
	    "{s:s,s:s,s:f,s:f,s:f,s:f}]",
	    "id", "in", "kind", "entry", "x", 0.0, "y", fh - 1, "w", 1.0,
	    "h", 1.0,
	    "id", "out", "kind", "exit", "x", fw - 1, "y", fh - 1, "w", 1.0,
	    "h", 1.0);
	root = json_pack("{s:s,s:s,s:f,s:{s:f,s:f},s:o,s:o,s:o,s:o,s:o}",
	    "store", large ? "sim-large" : "sim-small", "currency", "usd",
	    "tax_rate", 0.08, "floor", "w", fw, "h", fh, "catalog", cat,
	    "plates", plates, "cameras", cams, "gates", gates,
	    "shelves", shelves);
	return root;
}

/* Grid for walking routes: 10 cm cells, blocked near shelves and walls. */
#define CELL 0.1
#define CLEAR 0.25
static unsigned char *grid, *zone;
static int gw, gh;

static int
blocked(const struct sim *s, double x, double y)
{
	size_t i;

	if (x < CLEAR || y < CLEAR || x > s->st->floor_w - CLEAR ||
	    y > s->st->floor_h - CLEAR)
		return 1;
	for (i = 0; i < s->nshelves; i++) {
		const struct rect *r = &s->shelves[i];

		if (x > r->x - CLEAR && x < r->x + r->w + CLEAR &&
		    y > r->y - CLEAR && y < r->y + r->h + CLEAR)
			return 1;
	}
	return 0;
}

/* Colours that read well from above and differ between neighbours. */
static const struct rgb palette[] = {
	{ 200, 30, 40 }, { 235, 215, 40 }, { 60, 140, 230 }, { 250, 140, 20 },
	{ 90, 50, 30 }, { 230, 200, 120 }, { 180, 40, 30 }, { 120, 60, 160 },
	{ 40, 160, 70 }, { 240, 240, 240 }, { 60, 200, 200 }, { 220, 60, 160 },
	{ 250, 250, 210 }, { 150, 30, 90 }, { 200, 190, 170 }, { 20, 80, 40 },
	{ 210, 120, 60 }, { 230, 240, 250 }, { 190, 150, 20 }, { 120, 80, 50 },
};

static void
find_spot(struct sim *s, size_t i)
{
	const struct wo_plate *p = &s->st->plates[i];
	double cx = p->x + p->w / 2, cy = p->y + p->h / 2;
	static const double dir[4][2] = { { 0, 1 }, { 0, -1 }, { 1, 0 },
	    { -1, 0 } };
	struct spot *sp = &s->spots[i];
	int d;

	/* Stand in front of the plate's free side, a forearm away. */
	for (d = 0; d < 4; d++) {
		double off = (dir[d][0] != 0 ? p->w : p->h) / 2 + 0.42;
		double x = cx + dir[d][0] * off, y = cy + dir[d][1] * off;

		if (!blocked(s, x, y)) {
			sp->x = x;
			sp->y = y;
			sp->ax = dir[d][1] != 0 ? 1 : 0;
			sp->ay = dir[d][0] != 0 ? 1 : 0;
			sp->ok = 1;
			return;
		}
	}
	sp->ok = 0;
}

void
store_setup(struct sim *s)
{
	const struct wo_store *st = s->st;
	json_t *sh = json_object_get(s->storejson, "shelves"), *v;
	size_t i, n = 0;
	int x, y;

	/* A store without "shelves" has its plates standing for them. */
	if (json_is_array(sh)) {
		n = json_array_size(sh);
		s->shelves = wo_calloc(n ? n : 1, sizeof(*s->shelves));
		json_array_foreach(sh, i, v) {
			struct rect *r = &s->shelves[i];

			r->x = json_number_value(json_object_get(v, "x"));
			r->y = json_number_value(json_object_get(v, "y"));
			r->w = json_number_value(json_object_get(v, "w"));
			r->h = json_number_value(json_object_get(v, "h"));
		}
	} else {
		n = st->nplates;
		s->shelves = wo_calloc(n ? n : 1, sizeof(*s->shelves));
		for (i = 0; i < n; i++) {
			s->shelves[i].x = st->plates[i].x;
			s->shelves[i].y = st->plates[i].y;
			s->shelves[i].w = st->plates[i].w;
			s->shelves[i].h = st->plates[i].h;
		}
	}
	s->nshelves = n;
	s->colour = wo_calloc(st->nitems, sizeof(*s->colour));
	s->boxw = wo_calloc(st->nitems, sizeof(double));
	s->boxh = wo_calloc(st->nitems, sizeof(double));
	for (i = 0; i < st->nitems; i++) {
		double g = st->items[i].unit_g;

		s->colour[i] = palette[i % (sizeof(palette) /
		    sizeof(*palette))];
		/* Small things look small; nothing under a few pixels. */
		s->boxw[i] = g < 60 ? 0.07 : g < 300 ? 0.10 : g < 700 ? 0.11 :
		    0.14;
		s->boxh[i] = g < 60 ? 0.10 : g < 300 ? 0.13 : g < 700 ? 0.11 :
		    0.18;
	}
	gw = (int)ceil(st->floor_w / CELL);
	gh = (int)ceil(st->floor_h / CELL);
	grid = wo_calloc((size_t)gw * gh, 1);
	for (y = 0; y < gh; y++)
		for (x = 0; x < gw; x++)
			grid[y * gw + x] = blocked(s, (x + 0.5) * CELL,
			    (y + 0.5) * CELL);
	s->spots = wo_calloc(st->nplates ? st->nplates : 1, sizeof(*s->spots));
	for (i = 0; i < st->nplates; i++)
		find_spot(s, i);
	/*
	 * Where people stand at the shelves: within GAP of a spot or of the
	 * shelf front 0.45 m to either side of it, where they stand beside.
	 * Routes keep out of it where they can, as people pass along the
	 * middle of an aisle, so that walkers and standers rarely meet.
	 */
	zone = wo_calloc((size_t)gw * gh, 1);
	for (i = 0; i < st->nplates; i++) {
		const struct spot *sp = &s->spots[i];

		if (!sp->ok)
			continue;
		for (y = 0; y < gh; y++)
			for (x = 0; x < gw; x++) {
				double dx = (x + 0.5) * CELL - sp->x;
				double dy = (y + 0.5) * CELL - sp->y;
				double a = dx * sp->ax + dy * sp->ay;

				a = fmax(-0.45, fmin(0.45, a));
				if (hypot(dx - a * sp->ax, dy - a * sp->ay) <
				    GAP)
					zone[y * gw + x] = 1;
			}
	}
}

/* How far the straight line between two points runs in the zone. */
static double
zone_run(double x0, double y0, double x1, double y1)
{
	double d = hypot(x1 - x0, y1 - y0), f, n0 = 0;
	int i, n = (int)(d / 0.04) + 1;

	for (i = 0; i <= n; i++) {
		f = (double)i / n;
		n0 += zone[grid_cell(x0 + f * (x1 - x0), y0 + f * (y1 - y0))];
	}
	return n0 * d / (n + 1);
}

/* The grid cell of floor point (x,y), clamped to the floor. */
int
grid_cell(double x, double y)
{
	int cx = (int)(x / CELL), cy = (int)(y / CELL);

	if (cx < 0)
		cx = 0;
	if (cy < 0)
		cy = 0;
	if (cx >= gw)
		cx = gw - 1;
	if (cy >= gh)
		cy = gh - 1;
	return cy * gw + cx;
}

/* Whether the straight line between two points crosses no blocked cell. */
int
grid_clear(double x0, double y0, double x1, double y1)
{
	double d = hypot(x1 - x0, y1 - y0), f;
	int i, n = (int)(d / 0.04) + 1;

	for (i = 0; i <= n; i++) {
		f = (double)i / n;
		if (grid[grid_cell(x0 + f * (x1 - x0), y0 + f * (y1 - y0))])
			return 0;
	}
	return 1;
}

/*
 * A shortest walk from (x0,y0) to (x1,y1) around the shelves: Dijkstra on
 * the grid, then pulled tight so people walk straight lines between
 * corners.  The ends themselves may lie in a blocked cell (a gate at the
 * wall); the walk leaves it by the nearest free cell.
 */
int
route(struct sim *s, double x0, double y0, double x1, double y1,
    double **pts, size_t *npts)
{
	static const int dx[8] = { 1, -1, 0, 0, 1, 1, -1, -1 };
	static const int dy[8] = { 0, 0, 1, -1, 1, -1, 1, -1 };
	size_t n = (size_t)gw * gh, np, cap, i, j;
	double *dist = wo_malloc(n * sizeof(double)), *p, *zr;
	int *prev = wo_malloc(n * sizeof(int)), *heap = wo_malloc(n * 8 *
	    sizeof(int) + sizeof(int)), *path;
	size_t nh = 0;
	int a = grid_cell(x0, y0), b = grid_cell(x1, y1), c, k, m;

	for (i = 0; i < n; i++) {
		dist[i] = HUGE_VAL;
		prev[i] = -1;
	}
	dist[a] = 0;
	heap[nh++] = a;
	while (nh > 0) {
		/* A binary heap keyed on dist; stale entries are skipped. */
		size_t q = 0, l, r, sm;

		c = heap[0];
		heap[0] = heap[--nh];
		for (;;) {
			l = 2 * q + 1;
			r = l + 1;
			sm = q;
			if (l < nh && dist[heap[l]] < dist[heap[sm]])
				sm = l;
			if (r < nh && dist[heap[r]] < dist[heap[sm]])
				sm = r;
			if (sm == q)
				break;
			k = heap[q];
			heap[q] = heap[sm];
			heap[sm] = k;
			q = sm;
		}
		if (c == b)
			break;
		for (k = 0; k < 8; k++) {
			int nx = c % gw + dx[k], ny = c / gw + dy[k], nc;
			double w = k < 4 ? 1.0 : M_SQRT2, nd;

			if (nx < 0 || ny < 0 || nx >= gw || ny >= gh)
				continue;
			nc = ny * gw + nx;
			if (grid[nc] && nc != b && !grid[c])
				continue;
			nd = dist[c] + w * (1 + zone[nc]) +
			    (grid[nc] ? 50 : 0);
			if (nd >= dist[nc])
				continue;
			dist[nc] = nd;
			prev[nc] = c;
			q = nh++;
			heap[q] = nc;
			while (q > 0 &&
			    dist[heap[(q - 1) / 2]] > dist[heap[q]]) {
				m = heap[q];
				heap[q] = heap[(q - 1) / 2];
				heap[(q - 1) / 2] = m;
				q = (q - 1) / 2;
			}
		}
	}
	/* The cells from a to b, then the corners that must be kept. */
	cap = 16;
	path = wo_malloc(n * sizeof(int));
	np = 0;
	for (c = b; c != -1; c = prev[c])
		path[np++] = c;
	/* zr[k]: how far the path from cell k on to b runs in the zone. */
	zr = wo_malloc(np * sizeof(double));
	zr[0] = 0;
	for (i = 1; i < np; i++)
		zr[i] = zr[i - 1] + (zone[path[i]] + zone[path[i - 1]]) / 2.0 *
		    CELL * (path[i] % gw != path[i - 1] % gw &&
		    path[i] / gw != path[i - 1] / gw ? M_SQRT2 : 1);
	p = wo_malloc(cap * 2 * sizeof(double));
	p[0] = x0;
	p[1] = y0;
	*npts = 1;
	i = np - 1;
	while (i > 0) {
		double cx = p[2 * (*npts - 1)], cy = p[2 * (*npts - 1) + 1];

		for (j = 0; j < i; j++) {
			double tx = (path[j] % gw + 0.5) * CELL;
			double ty = (path[j] / gw + 0.5) * CELL;

			if (j == 0) {
				tx = x1;
				ty = y1;
			}
			/* Pulled tight, but no further into the zone. */
			if ((grid_clear(cx, cy, tx, ty) &&
			    zone_run(cx, cy, tx, ty) <= zr[i] - zr[j] + 0.15) ||
			    j + 1 == i)
				break;
		}
		if (*npts + 1 >= cap) {
			cap *= 2;
			p = wo_realloc(p, cap * 2 * sizeof(double));
		}
		p[2 * *npts] = j == 0 ? x1 : (path[j] % gw + 0.5) * CELL;
		p[2 * *npts + 1] = j == 0 ? y1 : (path[j] / gw + 0.5) * CELL;
		(*npts)++;
		i = j;
	}
	if (np == 1) {
		p[2] = x1;
		p[3] = y1;
		*npts = 2;
	}
	*pts = p;
	free(dist);
	free(prev);
	free(heap);
	free(path);
	free(zr);
	return 1;
}

int
grid_blocked(int c)
{
	return grid[c];
}

/* The grid's width and height in cells, and a cell's centre. */
void
grid_dims(int *w, int *h)
{
	*w = gw;
	*h = gh;
}

void
grid_centre(int c, double *x, double *y)
{
	*x = (c % gw + 0.5) * CELL;
	*y = (c / gw + 0.5) * CELL;
}

void
store_free(struct sim *s)
{
	free(s->shelves);
	free(s->spots);
	free(s->colour);
	free(s->boxw);
	free(s->boxh);
	free(grid);
	free(zone);
	grid = zone = NULL;
}
