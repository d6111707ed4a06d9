/* journal.c: which visits got their receipt, on disk, surviving restarts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"
#include "receipt.h"

/*
 * One JSON object a line, {"visit":V,"state":"sending"|"sent"}, appended
 * and fsync'd: "sending" before a delivery starts, "sent" once it is done.
 * The last word on a visit counts.  A visit left at "sending" was cut off
 * mid-way and is delivered again, with the same Message-ID.
 */
struct ent {
	char		*visit;
	int		 state;
	struct ent	*next;
};

#define NBUCKET 4096

static struct ent *tab[NBUCKET];
static int jfd = -1;
static char *jpath;

static unsigned
hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % NBUCKET;
}

static struct ent *
find(const char *visit, int create)
{
	struct ent *e;
	unsigned h = hash(visit);

	for (e = tab[h]; e != NULL; e = e->next)
		if (strcmp(e->visit, visit) == 0)
			return e;
	if (!create)
		return NULL;
	e = wo_calloc(1, sizeof(*e));
	e->visit = wo_strdup(visit);
	e->next = tab[h];
	tab[h] = e;
	return e;
}

static void
load(const char *path)
{
	struct wo_in *in;
	json_error_t jerr;
	json_t *o;
	const char *v, *st;
	char *line;
	size_t len;

	in = wo_in_open(path);
	while (wo_in_line(in, &line, &len, 0) == 1) {
		o = json_loadb(line, len, 0, &jerr);
		v = json_string_value(json_object_get(o, "visit"));
		st = json_string_value(json_object_get(o, "state"));
		if (v == NULL || st == NULL ||
		    (strcmp(st, "sending") != 0 && strcmp(st, "sent") != 0))
			/* A torn last line from a crash: the visit it named
			 * was not sent, so forgetting it is safe. */
			wo_warn("%s:%ld: not a journal entry, ignored", path,
			    in->line);
		else
			find(v, 1)->state = strcmp(st, "sent") == 0 ?
			    J_SENT : J_SENDING;
		json_decref(o);
	}
	wo_in_close(in);
}

void
journal_open(const char *path)
{
	char c;
	off_t end;

	jpath = wo_strdup(path);
	if ((jfd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) == -1)
		wo_die(1, "%s:", path);
	load(path);
	/* After a torn write the next entry must start on a line of its own. */
	if ((end = lseek(jfd, 0, SEEK_END)) > 0 &&
	    pread(jfd, &c, 1, end - 1) == 1 && c != '\n' &&
	    write(jfd, "\n", 1) != 1)
		wo_die(1, "%s:", path);
}

int
journal_state(const char *visit)
{
	struct ent *e = find(visit, 0);

	return e != NULL ? e->state : J_NONE;
}

void
journal_mark(const char *visit, int state)
{
	json_t *o;
	char *s;
	size_t n;

	o = json_pack("{s:s, s:s}", "visit", visit, "state",
	    state == J_SENT ? "sent" : "sending");
	s = wo_dumps(o);
	json_decref(o);
	n = strlen(s);
	s[n] = '\n';
	/* One write of the whole line: O_APPEND keeps it in one piece. */
	if (write(jfd, s, n + 1) != (ssize_t)(n + 1) || fsync(jfd) == -1)
		wo_die(1, "%s:", jpath);
	free(s);
	find(visit, 1)->state = state;
}

void
journal_close(void)
{
	struct ent *e, *next;
	size_t i;

	for (i = 0; i < NBUCKET; i++)
		for (e = tab[i]; e != NULL; e = next) {
			next = e->next;
			free(e->visit);
			free(e);
		}
	if (jfd != -1 && close(jfd) == -1)
		wo_die(1, "%s:", jpath);
	free(jpath);
}
