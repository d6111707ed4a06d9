/* journal.c: wo-charge's write-ahead journal, so no visit is charged twice or forgotten. */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"
#include "charge.h"

/*
 * The journal is one append-only file of JSON records, one a line:
 *
 *	intent		written and fsync'd before the request is sent
 *	done, declined, held
 *			the final result of a visit (an intent after
 *			"held" is the held checkout released by a person)
 *	failed		a result that is not final: the next run tries again
 *	refund-intent, refunded, refund-failed
 *			the same for each refund of a visit
 *
 * Reading it back in order gives the state of every visit.  A record cut
 * short by a crash is the last line, without its newline; it was never
 * acted on (its fsync had not returned), so it is dropped.
 */
struct journal {
	int	 fd;
	char	*path;
	json_t	*visits;	/* visit -> {"intent","result","refunds"} */
};

static json_t *
state(struct journal *j, const char *visit)
{
	json_t *st;

	if ((st = json_object_get(j->visits, visit)) == NULL) {
		st = json_pack("{s:[]}", "refunds");
		json_object_set_new(j->visits, visit, st);
	}
	return st;
}

/* Folds one record into the visits; 0 and a reason when it makes no sense. */
static int
apply(struct journal *j, json_t *rec, const char **why)
{
	const char *kind, *visit, *key;
	json_t *st, *refs, *r;
	size_t i;

	kind = json_string_value(json_object_get(rec, "rec"));
	visit = json_string_value(json_object_get(rec, "visit"));
	if (kind == NULL || visit == NULL) {
		*why = "record has no rec or visit";
		return 0;
	}
	st = state(j, visit);
	if (strcmp(kind, "intent") == 0) {
		/* A held checkout sent again after review is charged: its
		 * intent ends the hold. */
		json_object_del(st, "result");
		json_object_set(st, "intent", rec);
		return 1;
	}
	if (strcmp(kind, "done") == 0 || strcmp(kind, "declined") == 0 ||
	    strcmp(kind, "failed") == 0 || strcmp(kind, "held") == 0) {
		json_object_set(st, "result", rec);
		return 1;
	}
	refs = json_object_get(st, "refunds");
	if (strcmp(kind, "refund-intent") == 0) {
		json_array_append_new(refs, json_pack("{s:O}", "intent", rec));
		return 1;
	}
	if (strcmp(kind, "refunded") == 0 || strcmp(kind, "refund-failed") == 0) {
		key = json_string_value(json_object_get(rec, "key"));
		json_array_foreach(refs, i, r) {
			const char *k = json_string_value(json_object_get(
			    json_object_get(r, "intent"), "key"));

			if (k != NULL && key != NULL && strcmp(k, key) == 0) {
				json_object_set(r, "result", rec);
				return 1;
			}
		}
		*why = "refund result without its intent";
		return 0;
	}
	*why = "unknown record kind";
	return 0;
}

/* Makes a new journal's directory entry durable too. */
static void
sync_dir(const char *path)
{
	char *copy, *dir;
	int fd;

	copy = wo_strdup(path);
	dir = dirname(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* The whole journal, read into memory; NUL-terminated. */
static char *
slurp(int fd, const char *path, size_t *len)
{
	char *buf;
	size_t n, cap;
	ssize_t r;

	cap = 65536;
	buf = wo_malloc(cap);
	n = 0;
	for (;;) {
		if (n + 1 == cap)
			buf = wo_realloc(buf, cap *= 2);
		if ((r = pread(fd, buf + n, cap - n - 1, n)) == -1) {
			if (errno == EINTR)
				continue;
			wo_die(1, "%s:", path);
		}
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct journal *
journal_open(const char *path)
{
	struct journal *j;
	json_error_t jerr;
	json_t *rec;
	const char *why;
	char *buf, *p, *nl;
	size_t len;
	long lineno;
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) == -1)
		wo_die(1, "%s:", path);
	/* Two writers on one journal could both charge a visit. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		wo_die(1, "%s: %s", path, errno == EWOULDBLOCK ?
		    "in use by another wo-charge" : strerror(errno));
	j = wo_calloc(1, sizeof(*j));
	j->fd = fd;
	j->path = wo_strdup(path);
	j->visits = json_object();

	buf = slurp(fd, path, &len);
	if (len == 0)
		sync_dir(path);
	lineno = 0;
	for (p = buf; p < buf + len; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', buf + len - p)) == NULL) {
			wo_warn("%s:%ld: dropping a record cut short by a crash",
			    path, lineno);
			if (ftruncate(fd, p - buf) == -1 || fsync(fd) == -1)
				wo_die(1, "%s:", path);
			break;
		}
		if (nl == p)
			continue;
		if ((rec = json_loadb(p, nl - p, 0, &jerr)) == NULL ||
		    !json_is_object(rec))
			wo_die(1, "%s:%ld: %s", path, lineno, rec == NULL ?
			    jerr.text : "record is not a JSON object");
		if (!apply(j, rec, &why))
			wo_die(1, "%s:%ld: %s", path, lineno, why);
		json_decref(rec);
	}
	free(buf);
	return j;
}

void
journal_append(struct journal *j, json_t *rec)
{
	const char *why;
	char *s;
	size_t n, off;
	ssize_t w;

	s = json_dumps(rec, JSON_COMPACT);
	n = strlen(s);
	s = wo_realloc(s, n + 2);
	s[n++] = '\n';
	for (off = 0; off < n; off += w)
		if ((w = write(j->fd, s + off, n - off)) == -1) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			wo_die(1, "%s:", j->path);
		}
	/* The request may go out only once its intent is on the disk. */
	if (fsync(j->fd) == -1)
		wo_die(1, "%s: fsync:", j->path);
	free(s);
	if (!apply(j, rec, &why))
		wo_die(1, "%s: %s", j->path, why);
}

json_t *
journal_visit(struct journal *j, const char *visit)
{
	return json_object_get(j->visits, visit);
}

json_t *
journal_visits(struct journal *j)
{
	return j->visits;
}

void
journal_close(struct journal *j)
{
	close(j->fd);
	json_decref(j->visits);
	free(j->path);
	free(j);
}
