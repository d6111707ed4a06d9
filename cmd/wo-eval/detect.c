/* detect.c: mAP at IoU 0.5 of frame objects against truth/labels. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

#define NCLASS	3
static const char *const names[NCLASS] = { "person", "hand", "item" };

struct box {
	double	 x, y, w, h;	/* pixels, x,y the top-left corner */
};

struct gtbox {
	int		 cls;
	struct box	 b;
	int		 used;	/* matched to a detection already */
};

struct det {
	size_t		 frame;
	int		 cls;
	double		 conf;
	struct box	 b;
	size_t		 seq;	/* input order, for equal confidences */
};

struct detect {
	char		*session;
	json_t		*done;		/* "cam/ms" of the frames scored */
	size_t		*g0;		/* frame i: gt[g0[i]..g0[i+1]) */
	size_t		 nframe, capframe;
	struct gtbox	*gt;
	size_t		 ngt, capgt;
	struct det	*det;
	size_t		 ndet, capdet;
	long		 seen, skipped;
};

struct detect *
detect_new(const char *session)
{
	struct detect *d = wo_calloc(1, sizeof(*d));

	d->session = wo_strdup(session);
	d->done = json_object();
	d->g0 = wo_calloc(1, sizeof(*d->g0));
	d->capframe = 1;
	return d;
}

int
detect_seen(const struct detect *d)
{
	return d->seen > 0;
}

static int
class_of(json_t *c)
{
	int i;

	if (json_is_integer(c) && json_integer_value(c) >= 0 &&
	    json_integer_value(c) < NCLASS)
		return json_integer_value(c);
	for (i = 0; json_is_string(c) && i < NCLASS; i++)
		if (strcmp(json_string_value(c), names[i]) == 0)
			return i;
	return -1;
}

/* Checks objects[]; returns NULL when good, else why not. */
static const char *
bad_objects(json_t *objs, size_t *at)
{
	struct box b;
	json_t *o;
	double conf;
	size_t i;

	json_array_foreach(objs, i, o) {
		*at = i;
		if (!json_is_object(o))
			return "is not an object";
		if (class_of(json_object_get(o, "class")) < 0)
			return "has no class person, hand or item";
		if (!finite_num(o, "conf", &conf) || conf < 0 || conf > 1)
			return "has no conf between 0 and 1";
		if (!finite_num(o, "x", &b.x) || !finite_num(o, "y", &b.y) ||
		    !finite_num(o, "w", &b.w) || !finite_num(o, "h", &b.h) ||
		    b.w < 0 || b.h < 0)
			return "has no box";
	}
	return NULL;
}

/* The frame's time in ms: from a file name of digits, else from ts. */
static long long
frame_ms(const struct wo_ev *ev)
{
	const char *p = wo_str(ev, "path"), *s;
	size_t n;

	if (p != NULL) {
		s = strrchr(p, '/');
		s = s != NULL ? s + 1 : p;
		n = strspn(s, "0123456789");
		if (n > 0 && n < 19 && (s[n] == '.' || s[n] == '\0'))
			return strtoll(s, NULL, 10);
	}
	return llround(ev->ts * 1000);
}

/*
 * Reads a Darknet label file into boxes in pixels.  The truth is the
 * referee: a bad line ends the run with status 1.
 */
static void
load_labels(struct detect *d, FILE *fp, const char *path, double W, double H)
{
	char line[512];
	long lineno = 0;
	double cx, cy, w, h;
	int cls, end;

	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		end = 0;
		if (sscanf(line, "%d %lf %lf %lf %lf %n", &cls, &cx, &cy, &w,
		    &h, &end) != 5 || line[end] != '\0' || !isfinite(cx) ||
		    !isfinite(cy) || !isfinite(w) || !isfinite(h) ||
		    w < 0 || h < 0)
			wo_die(1, "%s:%ld: not a label: class cx cy w h", path,
			    lineno);
		if (cls < 0 || cls >= NCLASS)
			wo_die(1, "%s:%ld: class %d is not 0, 1 or 2", path,
			    lineno, cls);
		if (d->ngt == d->capgt) {
			d->capgt = d->capgt ? d->capgt * 2 : 256;
			d->gt = wo_realloc(d->gt, d->capgt * sizeof(*d->gt));
		}
		d->gt[d->ngt].cls = cls;
		d->gt[d->ngt].b.x = (cx - w / 2) * W;
		d->gt[d->ngt].b.y = (cy - h / 2) * H;
		d->gt[d->ngt].b.w = w * W;
		d->gt[d->ngt].b.h = h * H;
		d->gt[d->ngt].used = 0;
		d->ngt++;
	}
	if (ferror(fp))
		wo_die(1, "%s:", path);
}

void
detect_frame(struct detect *d, const struct wo_ev *ev)
{
	json_t *objs, *o;
	const char *cam, *why;
	double W, H;
	long long ms;
	char key[256], *path;
	size_t at, i, len;
	FILE *fp;

	/* A frame the detector has not seen yet is no detection to score. */
	if ((objs = json_object_get(ev->obj, "objects")) == NULL)
		return;
	d->seen++;
	if (!wo_need_str(ev, "cam", &cam) || !wo_need_num(ev, "width", &W) ||
	    !wo_need_num(ev, "height", &H))
		return;
	if (*cam == '\0' || strchr(cam, '/') != NULL ||
	    strcmp(cam, "..") == 0 || strlen(cam) > 200) {
		wo_evbad(ev, "frame event: cam is not a camera name");
		return;
	}
	if (!(W > 0) || !(H > 0)) {
		wo_evbad(ev, "frame event: width and height are not a size");
		return;
	}
	if (!json_is_array(objs)) {
		wo_evbad(ev, "frame event: objects is not an array");
		return;
	}
	if ((why = bad_objects(objs, &at)) != NULL) {
		wo_evbad(ev, "frame event: object %zu %s", at + 1, why);
		return;
	}
	ms = frame_ms(ev);
	snprintf(key, sizeof(key), "%s/%lld", cam, ms);
	if (json_object_get(d->done, key) != NULL) {
		wo_evbad(ev, "frame %s is scored already", key);
		return;
	}
	len = strlen(d->session) + strlen(key) + sizeof("/truth/labels/.txt");
	path = wo_malloc(len);
	snprintf(path, len, "%s/truth/labels/%s.txt", d->session, key);
	/* A frame without a label file has no truth to score against: it is
	 * reported and left out, as a bad event would be. */
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno != ENOENT)
			wo_die(1, "%s:", path);
		wo_evbad(ev, "frame %s has no labels: %s", key, path);
		d->skipped++;
		free(path);
		return;
	}
	json_object_set_new(d->done, key, json_true());
	load_labels(d, fp, path, W, H);
	fclose(fp);
	free(path);
	if (d->nframe + 1 == d->capframe) {
		d->capframe *= 2;
		d->g0 = wo_realloc(d->g0, d->capframe * sizeof(*d->g0));
	}
	d->g0[++d->nframe] = d->ngt;
	json_array_foreach(objs, i, o) {
		if (d->ndet == d->capdet) {
			d->capdet = d->capdet ? d->capdet * 2 : 256;
			d->det = wo_realloc(d->det,
			    d->capdet * sizeof(*d->det));
		}
		d->det[d->ndet].frame = d->nframe - 1;
		d->det[d->ndet].cls = class_of(json_object_get(o, "class"));
		finite_num(o, "conf", &d->det[d->ndet].conf);
		finite_num(o, "x", &d->det[d->ndet].b.x);
		finite_num(o, "y", &d->det[d->ndet].b.y);
		finite_num(o, "w", &d->det[d->ndet].b.w);
		finite_num(o, "h", &d->det[d->ndet].b.h);
		d->det[d->ndet].seq = d->ndet;
		d->ndet++;
	}
}

static double
iou(const struct box *a, const struct box *b)
{
	double w, h, in, un;

	w = fmin(a->x + a->w, b->x + b->w) - fmax(a->x, b->x);
	h = fmin(a->y + a->h, b->y + b->h) - fmax(a->y, b->y);
	if (w <= 0 || h <= 0)
		return 0;
	in = w * h;
	un = a->w * a->h + b->w * b->h - in;
	return un > 0 ? in / un : 0;
}

static int
cmpdet(const void *a, const void *b)
{
	const struct det *p = a, *q = b;

	if (p->conf != q->conf)
		return p->conf > q->conf ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/*
 * Matching as in the VOC devkit: in falling confidence, a detection takes
 * the true box of its class in its frame that it overlaps most; it is a
 * true positive when that overlap is at least 0.5 and the box is not taken
 * yet, else a false positive.
 */
json_t *
detect_score(struct detect *d)
{
	json_t *map, *ngt, *ndet, *o;
	double ap, sum = 0, best, v;
	size_t i, j, k, npos, n;
	int c, *tp, nap = 0;

	if (d->ndet > 0)
		qsort(d->det, d->ndet, sizeof(*d->det), cmpdet);
	tp = wo_calloc(d->ndet + 1, sizeof(*tp));
	map = json_object();
	ngt = json_object();
	ndet = json_object();
	for (c = 0; c < NCLASS; c++) {
		for (i = npos = 0; i < d->ngt; i++)
			npos += d->gt[i].cls == c;
		for (i = n = 0; i < d->ndet; i++) {
			if (d->det[i].cls != c)
				continue;
			best = 0;
			k = d->ngt;
			for (j = d->g0[d->det[i].frame];
			    j < d->g0[d->det[i].frame + 1]; j++) {
				if (d->gt[j].cls != c)
					continue;
				v = iou(&d->det[i].b, &d->gt[j].b);
				if (v > best) {
					best = v;
					k = j;
				}
			}
			tp[n] = best >= 0.5 && !d->gt[k].used;
			if (tp[n])
				d->gt[k].used = 1;
			n++;
		}
		ap = detect_ap(tp, n, npos);
		json_object_set_new(map, names[c], isnan(ap) ? json_null() :
		    json_real(ap));
		json_object_set_new(ngt, names[c], json_integer(npos));
		json_object_set_new(ndet, names[c], json_integer(n));
		if (!isnan(ap)) {
			sum += ap;
			nap++;
		}
	}
	o = json_object();
	json_object_set_new(o, "map50", map);
	json_object_set_new(o, "map50_mean", ratio(sum, nap));
	json_object_set_new(o, "frames", json_integer(d->nframe));
	json_object_set_new(o, "skipped", json_integer(d->skipped));
	json_object_set_new(o, "gt", ngt);
	json_object_set_new(o, "dets", ndet);
	free(tp);
	return o;
}

void
detect_free(struct detect *d)
{
	json_decref(d->done);
	free(d->g0);
	free(d->gt);
	free(d->det);
	free(d->session);
	free(d);
}
