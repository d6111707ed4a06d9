/* state.c: wo-cart's open carts and plate knowledge in a file that survives a restart. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"
#include "cart.h"

/*
 * A shopper's recent moments, compactly: [ts, x, y, [[hx, hy, item, id]],
 * guessed] (files written before "guessed" have four elements).
 * They are what a weight change just after a restart is attributed by.
 */
static json_t *
dump_hist(const struct shopper *s)
{
	json_t *a = json_array();
	int j, k;

	for (j = 0; j < s->nh; j++) {
		const struct sample *m = &s->h[j];
		json_t *hs = json_array();

		for (k = 0; k < m->nh; k++)
			json_array_append_new(hs, json_pack("[f,f,f,I,I]",
			    m->hx[k], m->hy[k], m->item[k],
			    (json_int_t)m->hid[k], (json_int_t)m->arm[k]));
		json_array_append_new(a, json_pack("[f,f,f,o,b]", m->ts, m->x,
		    m->y, hs, m->guessed));
	}
	return a;
}

/* The tracks a shopper met lately: [other, first, last, kept]. */
static json_t *
dump_meetings(const struct shopper *s)
{
	json_t *a = json_array();
	int j;

	for (j = 0; j < s->nmt; j++)
		json_array_append_new(a, json_pack("[I,f,f,b]",
		    (json_int_t)s->mt[j].other, s->mt[j].first, s->mt[j].last,
		    s->mt[j].kept));
	return a;
}

static json_t *
dump(const struct cart *c)
{
	json_t *root, *sh, *pl, *en, *dn, *ap, *fl;
	int i, j;

	sh = json_array();
	for (i = 0; i < c->nsh; i++) {
		const struct shopper *s = &c->sh[i];
		json_t *ln = json_array();

		for (j = 0; j < s->nln; j++) {
			const struct line *l = &s->ln[j];
			json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:f,s:f}",
			    "id", l->id, "sku", l->sku, "plate", l->plate,
			    "qty", (json_int_t)l->qty, "conf", l->conf,
			    "ts", l->ts);

			if (l->moved)
				json_object_set_new(o, "moved", json_true());
			if (l->busy)
				json_object_set_new(o, "busy", json_true());
			if (l->gone)
				json_object_set_new(o, "gone", json_true());
			if (l->reach)
				json_object_set_new(o, "reach", json_pack(
				    "[f,f,f,f,I,f]", l->t0, l->t1, l->eff,
				    isfinite(l->alteff) ? l->alteff : -1.0,
				    (json_int_t)l->alt, l->solo));
			if (l->doubted)
				json_object_set_new(o, "doubted", json_pack(
				    "[f,f,I]", l->own, l->dt0,
				    (json_int_t)l->parted));
			json_array_append_new(ln, o);
		}
		json_array_append_new(sh, json_pack(
		    "{s:I,s:o,s:o,s:f,s:f,s:i,s:o,s:f,s:b,s:o,s:o,s:[I,f,b]}",
		    "track", (json_int_t)s->track,
		    "account", s->account ? json_string(s->account) : json_null(),
		    "visit", s->visit ? json_string(s->visit) : json_null(),
		    "first", s->first, "last", s->last, "seq", s->seq,
		    "lines", ln, "empty", s->empty, "left", s->left,
		    "hist", dump_hist(s), "meetings", dump_meetings(s),
		    "swapped", (json_int_t)s->swapped, s->swapts,
		    s->swaphold));
	}
	pl = json_object();
	for (i = 0; i < (int)c->st->nplates; i++) {
		const struct plate *p = &c->pl[i];
		json_t *sv = json_object();

		for (j = 0; j < p->ns; j++)
			json_object_set_new(sv, p->s[j].sku,
			    json_integer(p->s[j].n));
		json_object_set_new(pl, c->st->plates[i].id, json_pack(
		    "{s:I,s:b,s:o,s:o,s:f}", "stock", (json_int_t)p->stock,
		    "low", p->low, "stray", sv, "base", p->hasbase ?
		    json_real(p->base) : json_null(), "settled", p->settled));
	}
	en = json_array();
	for (i = 0; i < c->nent; i++)
		json_array_append_new(en, json_pack("{s:s,s:f,s:f,s:i}",
		    "account", c->ent[i].account, "ts", c->ent[i].ts,
		    "seen", c->ent[i].seen, "with", c->ent[i].with));
	dn = json_array();
	for (i = 0; i < c->ndone; i++)
		json_array_append_new(dn, json_string(c->done[i]));
	ap = json_array();
	for (i = 0; i < c->napplied; i++)
		json_array_append_new(ap, json_string(c->applied[i]));
	fl = json_array();
	for (i = 0; i < c->nfl; i++) {
		const struct fitem *f = &c->fl[i];

		json_array_append_new(fl, json_pack(
		    "{s:f,s:f,s:f,s:f,s:i,s:i,s:I,s:o,s:o,s:o,s:f,s:b}",
		    "x", f->x, "y", f->y, "first", f->first, "last", f->last,
		    "seen", f->seen, "state", f->state,
		    "track", (json_int_t)f->track,
		    "sku", f->sku ? json_string(f->sku) : json_null(),
		    "plate", f->plate ? json_string(f->plate) : json_null(),
		    "line", f->line ? json_string(f->line) : json_null(),
		    "conf", f->conf, "fresh", f->fresh));
	}
	root = json_pack("{s:i,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:f}", "version",
	    1, "store", c->st->name, "shoppers", sh, "plates", pl,
	    "entries", en, "done", dn, "applied", ap, "floor", fl,
	    "now", c->now);
	return root;
}

/*
 * Written to a temporary file, synced, then renamed over the old one, so a
 * crash at any moment leaves either the old state or the new, never half.
 */
void
state_save(struct cart *c)
{
	char *tmp, *s;
	size_t n, len;
	json_t *root;
	int fd;

	if (c->state == NULL)
		return;
	c->saved = c->now;
	root = dump(c);
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (s == NULL)
		wo_die(1, "%s: cannot encode the state", c->state);
	len = strlen(c->state) + 8;
	tmp = wo_malloc(len);
	snprintf(tmp, len, "%s.tmp", c->state);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		wo_die(1, "%s:", tmp);
	for (n = 0, len = strlen(s); n < len; ) {
		ssize_t w = write(fd, s + n, len - n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			wo_die(1, "%s:", tmp);
		n += w;
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd) == -1 || close(fd) == -1)
		wo_die(1, "%s:", tmp);
	if (rename(tmp, c->state) == -1)
		wo_die(1, "%s:", c->state);
	free(tmp);
	free(s);
}

static void
badstate(const char *path, const char *what)
{
	wo_die(1, "%s: not a wo-cart state file: %s", path, what);
}

static char *
str_or_null(json_t *j)
{
	return json_is_string(j) ? wo_strdup(json_string_value(j)) : NULL;
}

/* A shopper's moments as dump_hist wrote them; the file is ours, so trusted. */
static void
load_hist(const char *path, struct shopper *s, json_t *a)
{
	json_t *m, *hs, *h;
	size_t j, k;

	json_array_foreach(a, j, m) {
		struct sample sm;

		memset(&sm, 0, sizeof(sm));
		if (!json_is_array(m) || json_array_size(m) < 4 ||
		    json_array_size(m) > 5)
			badstate(path, "a moment is not [ts, x, y, hands]");
		sm.ts = json_number_value(json_array_get(m, 0));
		sm.x = json_number_value(json_array_get(m, 1));
		sm.y = json_number_value(json_array_get(m, 2));
		hs = json_array_get(m, 3);
		sm.guessed = json_is_true(json_array_get(m, 4));
		json_array_foreach(hs, k, h) {
			if (sm.nh == MAXHANDS)
				break;
			sm.hx[sm.nh] = json_number_value(json_array_get(h, 0));
			sm.hy[sm.nh] = json_number_value(json_array_get(h, 1));
			sm.item[sm.nh] = json_number_value(json_array_get(h, 2));
			sm.hid[sm.nh] = json_integer_value(json_array_get(h, 3));
			/* Files of earlier versions have no arms: 0. */
			sm.arm[sm.nh] = json_integer_value(
			    json_array_get(h, 4));
			sm.nh++;
		}
		sample_add(s, &sm, INFINITY);
	}
}

/*
 * Files of earlier versions kept only the latest meeting, as "close" (its
 * time, 0 none) and "closeto"; older ones none.
 */
static void
load_meetings(const char *path, struct shopper *s, json_t *o)
{
	json_t *a = json_object_get(o, "meetings"), *m;
	double close = json_number_value(json_object_get(o, "close"));
	size_t i;

	if (a == NULL) {
		if (close > 0)
			meeting_add(s, json_integer_value(json_object_get(o,
			    "closeto")), close, close);
		return;
	}
	json_array_foreach(a, i, m) {
		if (json_array_size(m) != 4)
			badstate(path, "a meeting is not [other, first, last, "
			    "kept]");
		meeting_add(s, json_integer_value(json_array_get(m, 0)),
		    json_number_value(json_array_get(m, 1)),
		    json_number_value(json_array_get(m, 2)))->kept =
		    json_is_true(json_array_get(m, 3));
	}
}

/* Reads the state back; a missing file is a first start, a bad one fatal. */
void
state_load(struct cart *c, const char *path)
{
	json_error_t e;
	json_t *root, *a, *o, *l, *v, *r, *w;
	const char *key, *sk;
	size_t i, j;

	c->state = path;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return;
	if ((root = json_load_file(path, 0, &e)) == NULL)
		wo_die(1, "%s:%d: %s", path, e.line, e.text);
	if (json_integer_value(json_object_get(root, "version")) != 1)
		badstate(path, "no version 1");
	c->now = c->saved = json_number_value(json_object_get(root, "now"));
	a = json_object_get(root, "shoppers");
	if (!json_is_array(a))
		badstate(path, "no shoppers");
	json_array_foreach(a, i, o) {
		struct shopper *s;

		if (!json_is_integer(json_object_get(o, "track")))
			badstate(path, "a shopper has no track");
		s = shopper_get(c, json_integer_value(json_object_get(o,
		    "track")), 1);
		s->account = str_or_null(json_object_get(o, "account"));
		s->visit = str_or_null(json_object_get(o, "visit"));
		s->first = json_number_value(json_object_get(o, "first"));
		s->last = json_number_value(json_object_get(o, "last"));
		s->seq = json_integer_value(json_object_get(o, "seq"));
		s->empty = json_number_value(json_object_get(o, "empty"));
		s->left = json_is_true(json_object_get(o, "left"));
		load_meetings(path, s, o);
		/* Files of earlier versions have no "swapped": none. */
		s->swapped = json_integer_value(json_array_get(
		    json_object_get(o, "swapped"), 0));
		s->swapts = json_number_value(json_array_get(
		    json_object_get(o, "swapped"), 1));
		s->swaphold = json_is_true(json_array_get(
		    json_object_get(o, "swapped"), 2));
		load_hist(path, s, json_object_get(o, "hist"));
		l = json_object_get(o, "lines");
		json_array_foreach(l, j, v) {
			struct line *ln;
			const char *id = json_string_value(json_object_get(v,
			    "id"));
			const char *sku = json_string_value(json_object_get(v,
			    "sku"));
			const char *pl = json_string_value(json_object_get(v,
			    "plate"));

			if (id == NULL || sku == NULL || pl == NULL)
				badstate(path, "a cart line has no id, sku or "
				    "plate");
			if (s->nln == s->capln) {
				s->capln = s->capln ? s->capln * 2 : 8;
				s->ln = wo_realloc(s->ln,
				    s->capln * sizeof(*s->ln));
			}
			ln = &s->ln[s->nln++];
			ln->id = wo_strdup(id);
			ln->sku = wo_strdup(sku);
			ln->plate = wo_strdup(pl);
			ln->qty = json_integer_value(json_object_get(v, "qty"));
			ln->conf = json_number_value(json_object_get(v, "conf"));
			ln->ts = json_number_value(json_object_get(v, "ts"));
			/* Files of earlier versions have none of these: none. */
			ln->moved = json_is_true(json_object_get(v, "moved"));
			ln->busy = json_is_true(json_object_get(v, "busy"));
			ln->gone = json_is_true(json_object_get(v, "gone"));
			ln->reach = 0;
			/* Files of earlier versions have no "doubted": none. */
			ln->doubted = 0;
			if ((r = json_object_get(v, "doubted")) != NULL) {
				if (json_array_size(r) != 3)
					badstate(path, "a cart line's doubted is "
					    "not [own, t0, parted]");
				ln->doubted = 1;
				ln->own = json_number_value(json_array_get(r, 0));
				ln->dt0 = json_number_value(json_array_get(r, 1));
				ln->parted = json_integer_value(
				    json_array_get(r, 2));
			}
			if ((r = json_object_get(v, "reach")) != NULL) {
				/* Files of earlier versions have no solo. */
				if (json_array_size(r) != 5 &&
				    json_array_size(r) != 6)
					badstate(path, "a cart line's reach is "
					    "not [t0, t1, eff, alteff, alt, "
					    "solo]");
				ln->reach = 1;
				ln->t0 = json_number_value(json_array_get(r, 0));
				ln->t1 = json_number_value(json_array_get(r, 1));
				ln->eff = json_number_value(json_array_get(r, 2));
				ln->alteff = json_number_value(
				    json_array_get(r, 3));
				if (ln->alteff < 0)
					ln->alteff = INFINITY;
				ln->alt = json_integer_value(
				    json_array_get(r, 4));
				ln->solo = json_array_size(r) == 6 ?
				    json_number_value(json_array_get(r, 5)) :
				    ln->conf;
			}
		}
	}
	json_object_foreach(json_object_get(root, "plates"), key, o) {
		int p = wo_store_plate(c->st, key);

		if (p < 0)
			continue;
		c->pl[p].stock = json_integer_value(json_object_get(o,
		    "stock"));
		c->pl[p].low = json_is_true(json_object_get(o, "low"));
		/* Files of earlier versions have none: 0, no change yet. */
		c->pl[p].settled = json_number_value(json_object_get(o,
		    "settled"));
		if (json_is_number(json_object_get(o, "base"))) {
			c->pl[p].base = json_number_value(json_object_get(o,
			    "base"));
			c->pl[p].hasbase = 1;
		}
		/* Not key: json_object_foreach goes on from its key. */
		json_object_foreach(json_object_get(o, "stray"), sk, v)
			stray_add(&c->pl[p], sk, json_integer_value(v));
	}
	a = json_object_get(root, "entries");
	c->ent = wo_calloc(json_array_size(a) + 1, sizeof(*c->ent));
	json_array_foreach(a, i, o) {
		const char *acct = json_string_value(json_object_get(o,
		    "account"));

		if (acct == NULL)
			badstate(path, "an entry has no account");
		c->ent[c->nent].account = wo_strdup(acct);
		/* Absent from the state files of earlier versions: 0. */
		c->ent[c->nent].seen = json_number_value(json_object_get(o,
		    "seen"));
		c->ent[c->nent].with = -1;
		if ((w = json_object_get(o, "with")) != NULL) {
			if (!json_is_integer(w) || json_integer_value(w) < -1 ||
			    json_integer_value(w) >= (json_int_t)
			    json_array_size(a))
				badstate(path, "an entry names no entry");
			c->ent[c->nent].with = (int)json_integer_value(w);
		}
		c->ent[c->nent++].ts = json_number_value(json_object_get(o,
		    "ts"));
	}
	a = json_object_get(root, "done");
	c->done = wo_calloc(json_array_size(a) + 1, sizeof(*c->done));
	json_array_foreach(a, i, o)
		if (json_is_string(o))
			c->done[c->ndone++] = wo_strdup(json_string_value(o));
	a = json_object_get(root, "applied");
	c->applied = wo_calloc(json_array_size(a) + 1, sizeof(*c->applied));
	json_array_foreach(a, i, o)
		if (json_is_string(o))
			c->applied[c->napplied++] =
			    wo_strdup(json_string_value(o));
	/* Absent from the state files of earlier versions: none. */
	a = json_object_get(root, "floor");
	c->fl = wo_calloc(json_array_size(a) + 1, sizeof(*c->fl));
	json_array_foreach(a, i, o) {
		struct fitem *f = &c->fl[c->nfl++];

		f->state = json_integer_value(json_object_get(o, "state"));
		if (f->state < F_NEW || f->state > F_PICKED)
			badstate(path, "a floor item's state is not 0, 1 or 2");
		f->x = json_number_value(json_object_get(o, "x"));
		f->y = json_number_value(json_object_get(o, "y"));
		f->first = json_number_value(json_object_get(o, "first"));
		f->last = json_number_value(json_object_get(o, "last"));
		f->seen = json_integer_value(json_object_get(o, "seen"));
		f->track = json_integer_value(json_object_get(o, "track"));
		f->sku = str_or_null(json_object_get(o, "sku"));
		f->plate = str_or_null(json_object_get(o, "plate"));
		f->line = str_or_null(json_object_get(o, "line"));
		f->conf = json_number_value(json_object_get(o, "conf"));
		/* Absent from earlier state files: not fresh. */
		f->fresh = json_is_true(json_object_get(o, "fresh"));
	}
	json_decref(root);
}
