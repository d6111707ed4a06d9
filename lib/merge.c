/* merge.c: standard input and other time-ordered sources, emitted in ts order. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"

/* An event waiting its turn: a raw line from stdin, or a source's object. */
struct item {
	double	 ts;
	json_t	*obj;
	char	*raw;
	size_t	 rawlen;
};

struct wo_src {
	struct wo_in	*in;
	int		 live;
	wo_line_fn	*line;
	wo_eof_fn	*eof;
	void		*arg;
	struct item	*q;		/* FIFO: q[head..tail) */
	size_t		 head, tail, cap;
	double		 progress;	/* no later event is older */
	int		 done;
};

static void
push(struct wo_src *s, struct item it)
{
	if (s->tail == s->cap) {
		if (s->head > 0) {
			memmove(s->q, s->q + s->head,
			    (s->tail - s->head) * sizeof(*s->q));
			s->tail -= s->head;
			s->head = 0;
		} else {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->q = wo_realloc(s->q, s->cap * sizeof(*s->q));
		}
	}
	s->q[s->tail++] = it;
	if (it.ts > s->progress)
		s->progress = it.ts;
}

struct wo_src *
wo_src_new(const char *name, int fd, int live, wo_line_fn *line,
    wo_eof_fn *eof, void *arg)
{
	struct wo_src *s = wo_calloc(1, sizeof(*s));

	s->in = wo_in_fd(fd, name);
	s->live = live;
	s->line = line;
	s->eof = eof;
	s->arg = arg;
	s->progress = -INFINITY;
	return s;
}

void
wo_src_emit(struct wo_src *s, json_t *ev)
{
	json_t *ts = json_object_get(ev, "ts");
	struct item it = { 0 };

	if (!json_is_number(ts))
		wo_die(1, "%s: internal error: event without ts", s->in->name);
	it.ts = json_number_value(ts);
	it.obj = ev;
	push(s, it);
}

void
wo_src_progress(struct wo_src *s, double ts)
{
	if (ts > s->progress)
		s->progress = ts;
}

static void
free_src(struct wo_src *s)
{
	size_t i;

	for (i = s->head; i < s->tail; i++) {
		json_decref(s->q[i].obj);
		free(s->q[i].raw);
	}
	free(s->q);
	if (s->in->fd == 0)
		s->in->fd = -1;	/* stdin stays open for the tool */
	wo_in_close(s->in);
	free(s);
}

/* Standard input's lines are kept raw, so they pass through unchanged. */
static void
stdin_line(struct wo_src *s, char *line, size_t len, const char *file,
    long lineno, void *arg)
{
	struct wo_ev ev;
	struct item it = { 0 };
	char err[256];

	if (wo_blank(line, len))
		return;
	if (!wo_parse(line, len, &ev, err, sizeof(err))) {
		wo_bad(file, lineno, "%s", err);
		return;
	}
	it.ts = ev.ts;
	it.raw = wo_malloc(len + 1);
	memcpy(it.raw, line, len + 1);
	it.rawlen = len;
	json_decref(ev.obj);
	push(s, it);
}

/* What a source promises: none of its events to come is older than this. */
static double
watermark(const struct wo_src *s, int live, double now, double lag)
{
	double wm;

	if (s->done)
		return INFINITY;
	wm = s->progress;
	if (live && s->in->fd != -1 && now - lag > wm)
		wm = now - lag;
	return wm;
}

static void
emit(struct wo_src *s)
{
	struct item *it = &s->q[s->head++];

	if (it->raw != NULL) {
		fwrite(it->raw, 1, it->rawlen, stdout);
		if (putc('\n', stdout) == EOF || fflush(stdout) == EOF)
			wo_die(1, "<stdout>:");
		free(it->raw);
	} else {
		wo_write(it->obj);
		json_decref(it->obj);
	}
	if (s->head == s->tail)
		s->head = s->tail = 0;
}

static void
finish(struct wo_src *s)
{
	if (s->done)
		return;
	if (s->eof != NULL)
		s->eof(s, s->arg);
	s->done = 1;
}

/* Reads what s has ready; blocking (a file, or stdin alone) or not. */
static void
drain(struct wo_src *s, int nonblock, int max)
{
	char *line;
	size_t len;
	int r;

	while (max-- > 0) {
		r = wo_in_line(s->in, &line, &len, nonblock);
		if (r == -1)
			return;
		if (r == 0) {
			finish(s);
			return;
		}
		s->line(s, line, len, s->in->name, s->in->line, s->arg);
		if (!nonblock)
			return;
	}
}

void
wo_merge(struct wo_src **src, int nsrc, double lag)
{
	struct wo_src **all, *best, *need;
	struct pollfd *pfd;
	double now, hd, wm, needwm = 0, waitfor;
	int i, n, live = 0, npfd, timeout, blocked;

	n = nsrc + 1;
	all = wo_calloc(n, sizeof(*all));
	pfd = wo_calloc(n, sizeof(*pfd));
	all[0] = wo_src_new("<stdin>", 0, 0, stdin_line, NULL, NULL);
	if (isatty(0))
		all[0]->done = 1;
	for (i = 0; i < nsrc; i++) {
		all[i + 1] = src[i];
		live |= src[i]->live;
	}
	/* With live sources about, stdin is taken to be live too. */
	all[0]->live = live;

	for (;;) {
		now = live ? wo_now() : 0;

		/* Emit the oldest head while no source can still undercut it. */
		for (;;) {
			best = NULL;
			for (i = 0; i < n; i++)
				if (all[i]->head < all[i]->tail && (best == NULL ||
				    all[i]->q[all[i]->head].ts <
				    best->q[best->head].ts))
					best = all[i];
			if (best == NULL)
				break;
			hd = best->q[best->head].ts;
			blocked = 0;
			for (i = 0; i < n; i++)
				if (all[i] != best && all[i]->head == all[i]->tail &&
				    watermark(all[i], live, now, lag) < hd)
					blocked = 1;
			if (blocked)
				break;
			emit(best);
		}

		/* Which sources hold things up: read a file one first. */
		hd = best != NULL ? best->q[best->head].ts : INFINITY;
		need = NULL;
		blocked = 0;
		for (i = 0; i < n; i++) {
			if (all[i]->done || all[i]->head < all[i]->tail)
				continue;
			wm = watermark(all[i], live, now, lag);
			if (best != NULL && wm >= hd)
				continue;
			blocked = 1;
			if (!all[i]->live && i > 0 &&
			    (need == NULL || wm < needwm)) {
				need = all[i];
				needwm = wm;
			}
		}
		if (!blocked) {
			for (i = 0; i < n && all[i]->done; i++)
				;
			if (i == n && best == NULL)
				break;
		}
		if (need != NULL) {
			drain(need, 0, 1);
			continue;
		}

		/* Files are read above only when they hold things up: a
		 * file always polls readable, and reading it ahead of a slow
		 * stdin would fill memory. */
		npfd = 0;
		for (i = 0; i < n; i++) {
			pfd[i].fd = -1;
			if (all[i]->done || (i > 0 && !all[i]->live))
				continue;
			pfd[i].fd = all[i]->in->fd;
			pfd[i].events = POLLIN;
			npfd++;
		}
		if (npfd == 0)
			continue;	/* only done sources with queues left */
		timeout = -1;
		if (live && best != NULL) {
			waitfor = hd + lag - wo_now();
			timeout = waitfor <= 0 ? 0 : (int)(waitfor * 1000) + 1;
		} else if (live) {
			timeout = 1000;
		}
		if (poll(pfd, n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			wo_die(1, "poll:");
		}
		for (i = 0; i < n; i++)
			if (pfd[i].fd != -1 &&
			    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				drain(all[i], 1, 256);
	}
	for (i = 0; i < n; i++)
		free_src(all[i]);
	free(all);
	free(pfd);
}
