/* store.c: store.json loaded and validated; each complaint names the bad field. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"

struct ctx {
	const char	*file;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static int
fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->failed)
		return 0;
	c->failed = 1;
	n = snprintf(c->err, c->errlen, "%s: ", c->file);
	if (n < 0 || (size_t)n >= c->errlen)
		return 0;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return 0;
}

static int
missing(struct ctx *c, const char *path, const char *key)
{
	if (*path == '\0')
		return fail(c, "missing %s", key);
	return fail(c, "%s: missing %s", path, key);
}

static const char *
field(char *buf, size_t len, const char *path, const char *key)
{
	snprintf(buf, len, "%s%s%s", path, *path != '\0' ? "." : "", key);
	return buf;
}

/* A field of o: missing is an error when required; *v is left alone else. */
static int
str(struct ctx *c, json_t *o, const char *path, const char *key, int required,
    char **v)
{
	json_t *j = json_object_get(o, key);
	char f[96];

	if (j == NULL)
		return required ? missing(c, path, key) : 1;
	field(f, sizeof(f), path, key);
	if (!json_is_string(j))
		return fail(c, "%s: not a string", f);
	if (json_string_length(j) == 0)
		return fail(c, "%s: empty", f);
	if (strlen(json_string_value(j)) != json_string_length(j))
		return fail(c, "%s: contains a NUL byte", f);
	*v = wo_strdup(json_string_value(j));
	return 1;
}

static int
num(struct ctx *c, json_t *o, const char *path, const char *key, int required,
    double min, double max, double *v)
{
	json_t *j = json_object_get(o, key);
	char f[96];
	double d;

	if (j == NULL)
		return required ? missing(c, path, key) : 1;
	field(f, sizeof(f), path, key);
	if (!json_is_number(j))
		return fail(c, "%s: not a number", f);
	d = json_number_value(j);
	if (!isfinite(d) || d < min || d > max)
		return fail(c, "%s: %g is out of range [%g, %g]", f, d, min,
		    max);
	*v = d;
	return 1;
}

static json_t *
array(struct ctx *c, json_t *root, const char *key, int nonempty)
{
	json_t *a = json_object_get(root, key);

	if (a == NULL) {
		fail(c, "missing %s", key);
		return NULL;
	}
	if (!json_is_array(a)) {
		fail(c, "%s: not an array", key);
		return NULL;
	}
	if (nonempty && json_array_size(a) == 0) {
		fail(c, "%s: empty", key);
		return NULL;
	}
	return a;
}

static int
object(struct ctx *c, json_t *o, const char *path)
{
	if (!json_is_object(o))
		return fail(c, "%s: not an object", path);
	return 1;
}

static int
rect(struct ctx *c, json_t *o, const char *path, double *x, double *y,
    double *w, double *h)
{
	return num(c, o, path, "x", 1, -1e6, 1e6, x) &&
	    num(c, o, path, "y", 1, -1e6, 1e6, y) &&
	    num(c, o, path, "w", 1, 1e-9, 1e6, w) &&
	    num(c, o, path, "h", 1, 1e-9, 1e6, h);
}

static int
catalog(struct ctx *c, struct wo_store *st, json_t *a)
{
	struct wo_item *it;
	json_t *o, *p;
	char path[64];
	size_t i, k;

	st->items = wo_calloc(json_array_size(a), sizeof(*st->items));
	json_array_foreach(a, i, o) {
		snprintf(path, sizeof(path), "catalog[%zu]", i);
		it = &st->items[st->nitems++];
		it->tax_rate = st->tax_rate;
		if (!object(c, o, path) ||
		    !str(c, o, path, "sku", 1, &it->sku) ||
		    !str(c, o, path, "name", 1, &it->name))
			return 0;
		p = json_object_get(o, "price");
		if (p == NULL)
			return missing(c, path, "price");
		if (!json_is_integer(p))
			return fail(c, "%s.price: not an integer in minor units",
			    path);
		if (json_integer_value(p) < 0)
			return fail(c, "%s.price: negative price %lld", path,
			    (long long)json_integer_value(p));
		it->price = json_integer_value(p);
		if (!num(c, o, path, "unit_g", 1, 1e-6, 1e6, &it->unit_g) ||
		    !num(c, o, path, "sd_g", 1, 0, 1e6, &it->sd_g) ||
		    !num(c, o, path, "tax_rate", 0, 0, 1, &it->tax_rate))
			return 0;
		for (k = 0; k + 1 < st->nitems; k++)
			if (strcmp(st->items[k].sku, it->sku) == 0)
				return fail(c, "%s.sku: duplicate sku %s", path,
				    it->sku);
	}
	return 1;
}

static int
plates(struct ctx *c, struct wo_store *st, json_t *a)
{
	struct wo_plate *pl;
	json_t *o;
	char path[64];
	size_t i, k;

	st->plates = wo_calloc(json_array_size(a), sizeof(*st->plates));
	json_array_foreach(a, i, o) {
		snprintf(path, sizeof(path), "plates[%zu]", i);
		pl = &st->plates[st->nplates++];
		if (!object(c, o, path) ||
		    !str(c, o, path, "id", 1, &pl->id) ||
		    !str(c, o, path, "sku", 1, &pl->sku) ||
		    !rect(c, o, path, &pl->x, &pl->y, &pl->w, &pl->h))
			return 0;
		if ((pl->item = wo_store_item(st, pl->sku)) == -1)
			return fail(c, "%s.sku: %s is not in the catalog", path,
			    pl->sku);
		for (k = 0; k + 1 < st->nplates; k++)
			if (strcmp(st->plates[k].id, pl->id) == 0)
				return fail(c, "%s.id: duplicate plate %s", path,
				    pl->id);
	}
	return 1;
}

static int
cameras(struct ctx *c, struct wo_store *st, json_t *a)
{
	struct wo_cam *cam;
	json_t *o, *h, *v;
	char path[64];
	double d;
	size_t i, k;

	st->cams = wo_calloc(json_array_size(a), sizeof(*st->cams));
	json_array_foreach(a, i, o) {
		snprintf(path, sizeof(path), "cameras[%zu]", i);
		cam = &st->cams[st->ncams++];
		if (!object(c, o, path) ||
		    !str(c, o, path, "id", 1, &cam->id) ||
		    !num(c, o, path, "width", 1, 1, 65535, &d))
			return 0;
		cam->width = (int)d;
		if (!num(c, o, path, "height", 1, 1, 65535, &d))
			return 0;
		cam->height = (int)d;
		if (!json_is_integer(json_object_get(o, "width")) ||
		    !json_is_integer(json_object_get(o, "height")))
			return fail(c, "%s: width and height must be integers",
			    path);
		h = json_object_get(o, "homography");
		if (h == NULL)
			return missing(c, path, "homography");
		if (!json_is_array(h) || json_array_size(h) != 9)
			return fail(c, "%s.homography: not an array of 9 numbers",
			    path);
		json_array_foreach(h, k, v) {
			if (!json_is_number(v) ||
			    !isfinite(json_number_value(v)))
				return fail(c, "%s.homography[%zu]: not a number",
				    path, k);
			cam->H[k] = json_number_value(v);
		}
		if (!wo_mat3_inv(cam->H, cam->Hinv))
			return fail(c, "%s.homography: singular", path);
		for (k = 0; k + 1 < st->ncams; k++)
			if (strcmp(st->cams[k].id, cam->id) == 0)
				return fail(c, "%s.id: duplicate camera %s", path,
				    cam->id);
	}
	return 1;
}

static int
gates(struct ctx *c, struct wo_store *st, json_t *a)
{
	struct wo_gate *g;
	json_t *o;
	char path[64], *kind = NULL;
	size_t i, k;

	st->gates = wo_calloc(json_array_size(a), sizeof(*st->gates));
	json_array_foreach(a, i, o) {
		snprintf(path, sizeof(path), "gates[%zu]", i);
		g = &st->gates[st->ngates++];
		if (!object(c, o, path) ||
		    !str(c, o, path, "id", 1, &g->id) ||
		    !str(c, o, path, "kind", 1, &kind))
			return 0;
		if (strcmp(kind, "entry") != 0 && strcmp(kind, "exit") != 0) {
			fail(c, "%s.kind: %s is neither entry nor exit", path,
			    kind);
			free(kind);
			return 0;
		}
		g->entry = strcmp(kind, "entry") == 0;
		free(kind);
		kind = NULL;
		if (!rect(c, o, path, &g->x, &g->y, &g->w, &g->h))
			return 0;
		for (k = 0; k + 1 < st->ngates; k++)
			if (strcmp(st->gates[k].id, g->id) == 0)
				return fail(c, "%s.id: duplicate gate %s", path,
				    g->id);
	}
	return 1;
}

struct wo_store *
wo_store_parse(json_t *root, const char *file, char *err, size_t errlen)
{
	struct ctx c = { file, err, errlen, 0 };
	struct wo_store *st;
	json_t *fl, *a;
	const char *p;

	if (!json_is_object(root)) {
		fail(&c, "not a JSON object");
		return NULL;
	}
	st = wo_calloc(1, sizeof(*st));
	st->json = json_incref(root);
	if (!str(&c, root, "", "store", 1, &st->name) ||
	    !str(&c, root, "", "currency", 1, &st->currency))
		goto bad;
	for (p = st->currency; *p != '\0'; p++)
		if (!islower((unsigned char)*p))
			break;
	if (*p != '\0' || strlen(st->currency) != 3) {
		fail(&c, "currency: %s is not a lower-case ISO 4217 code",
		    st->currency);
		goto bad;
	}
	if (!num(&c, root, "", "tax_rate", 1, 0, 1, &st->tax_rate))
		goto bad;
	fl = json_object_get(root, "floor");
	if (fl == NULL) {
		fail(&c, "missing floor");
		goto bad;
	}
	if (!object(&c, fl, "floor") ||
	    !num(&c, fl, "floor", "w", 1, 1e-3, 1e5, &st->floor_w) ||
	    !num(&c, fl, "floor", "h", 1, 1e-3, 1e5, &st->floor_h))
		goto bad;
	if ((a = array(&c, root, "catalog", 1)) == NULL || !catalog(&c, st, a))
		goto bad;
	if ((a = array(&c, root, "plates", 0)) == NULL || !plates(&c, st, a))
		goto bad;
	if ((a = array(&c, root, "cameras", 0)) == NULL || !cameras(&c, st, a))
		goto bad;
	if ((a = array(&c, root, "gates", 0)) == NULL || !gates(&c, st, a))
		goto bad;
	return st;
bad:
	wo_store_free(st);
	return NULL;
}

struct wo_store *
wo_store_read(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	struct wo_store *st;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (jerr.line > 0)
			snprintf(err, errlen, "%s:%d: %s", path, jerr.line,
			    jerr.text);
		else
			snprintf(err, errlen, "%s: %s", path, jerr.text);
		return NULL;
	}
	st = wo_store_parse(root, path, err, errlen);
	json_decref(root);
	return st;
}

struct wo_store *
wo_store_load(const char *path)
{
	char err[512];
	struct wo_store *st;

	if ((st = wo_store_read(path, err, sizeof(err))) == NULL)
		wo_die(1, "%s", err);
	return st;
}

void
wo_store_free(struct wo_store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nitems; i++) {
		free(st->items[i].sku);
		free(st->items[i].name);
	}
	for (i = 0; i < st->nplates; i++) {
		free(st->plates[i].id);
		free(st->plates[i].sku);
	}
	for (i = 0; i < st->ncams; i++)
		free(st->cams[i].id);
	for (i = 0; i < st->ngates; i++)
		free(st->gates[i].id);
	free(st->items);
	free(st->plates);
	free(st->cams);
	free(st->gates);
	free(st->name);
	free(st->currency);
	json_decref(st->json);
	free(st);
}

int
wo_store_item(const struct wo_store *st, const char *sku)
{
	size_t i;

	for (i = 0; i < st->nitems; i++)
		if (strcmp(st->items[i].sku, sku) == 0)
			return (int)i;
	return -1;
}

int
wo_store_plate(const struct wo_store *st, const char *id)
{
	size_t i;

	for (i = 0; i < st->nplates; i++)
		if (strcmp(st->plates[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
wo_store_on_plate(const struct wo_store *st, double x, double y, double m)
{
	size_t i;

	for (i = 0; i < st->nplates; i++) {
		const struct wo_plate *p = &st->plates[i];

		if (wo_in_rect(x, y, p->x - m, p->y - m, p->w + 2 * m,
		    p->h + 2 * m))
			return 1;
	}
	return 0;
}

int
wo_store_cam(const struct wo_store *st, const char *id)
{
	size_t i;

	for (i = 0; i < st->ncams; i++)
		if (strcmp(st->cams[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
wo_store_gate(const struct wo_store *st, const char *id)
{
	size_t i;

	for (i = 0; i < st->ngates; i++)
		if (strcmp(st->gates[i].id, id) == 0)
			return (int)i;
	return -1;
}
