/* spool.c: the spool directory of live frames, kept under a size by dropping the oldest. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wo.h"
#include "capture.h"

/* Drops are told downstream at most this often (seconds of wall clock). */
#define ALERT_EVERY	10.0

struct sfile {
	long long	 ms, size;
	char		*path;
};

/* The newest frame of each camera, so that no name is ever used twice. */
struct slast {
	char		*cam;
	long long	 ms;
};

struct spool {
	char		*dir;
	struct slast	*last;
	size_t		 nlast;
	long long	 max, used, dropped, told;
	double		 lastalert;
	struct sfile	*q;		/* oldest first: q[head..tail) */
	size_t		 head, tail, cap;
	pthread_mutex_t	 mu;
};

static void
push(struct spool *sp, long long ms, long long size, char *path)
{
	if (sp->tail == sp->cap) {
		if (sp->head > 0) {
			memmove(sp->q, sp->q + sp->head,
			    (sp->tail - sp->head) * sizeof(*sp->q));
			sp->tail -= sp->head;
			sp->head = 0;
		} else {
			sp->cap = sp->cap ? sp->cap * 2 : 1024;
			sp->q = wo_realloc(sp->q, sp->cap * sizeof(*sp->q));
		}
	}
	sp->q[sp->tail].ms = ms;
	sp->q[sp->tail].size = size;
	sp->q[sp->tail].path = path;
	sp->tail++;
	sp->used += size;
}

static long long *
last_ms(struct spool *sp, const char *cam)
{
	size_t i;

	for (i = 0; i < sp->nlast; i++)
		if (strcmp(sp->last[i].cam, cam) == 0)
			return &sp->last[i].ms;
	sp->last = wo_realloc(sp->last, (sp->nlast + 1) * sizeof(*sp->last));
	sp->last[sp->nlast].cam = wo_strdup(cam);
	sp->last[sp->nlast].ms = -1;
	return &sp->last[sp->nlast++].ms;
}

static int
drop_oldest(struct spool *sp)
{
	struct sfile *f;

	if (sp->head == sp->tail)
		return 0;
	f = &sp->q[sp->head++];
	if (unlink(f->path) == -1 && errno != ENOENT)
		wo_warn("%s:", f->path);
	sp->used -= f->size;
	sp->dropped++;
	free(f->path);
	return 1;
}

/* "1234.jpg": the milliseconds, or -1 for a name the spool did not write. */
static long long
frame_ms(const char *name)
{
	const char *p;
	long long ms = 0;

	for (p = name; *p >= '0' && *p <= '9'; p++) {
		if (ms > (1LL << 50))
			return -1;
		ms = ms * 10 + (*p - '0');
	}
	if (p == name || (strcmp(p, ".jpg") != 0 && strcmp(p, ".png") != 0))
		return -1;
	return ms;
}

/* ".1234.jpg.tmp": a temporary name write_file uses. */
static int
stale_tmp(const char *name)
{
	size_t n = strlen(name);

	return n > 9 && strcmp(name + n - 4, ".tmp") == 0 &&
	    name[1] >= '0' && name[1] <= '9';
}

static int
by_ms(const void *a, const void *b)
{
	const struct sfile *x = a, *y = b;

	return x->ms < y->ms ? -1 : x->ms > y->ms;
}

/* Frames left by an earlier run count against the bound too. */
static void
scan(struct spool *sp)
{
	struct sfile *f = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *ce, *fe;
	struct stat st;
	DIR *cd, *fd;
	char *cdir, *path;
	long long ms;

	cdir = wo_malloc(strlen(sp->dir) + 6);
	sprintf(cdir, "%s/cams", sp->dir);
	if ((cd = opendir(cdir)) == NULL)
		wo_die(1, "%s:", cdir);
	while ((ce = readdir(cd)) != NULL) {
		if (!cam_name_ok(ce->d_name))
			continue;
		path = wo_malloc(strlen(cdir) + strlen(ce->d_name) + 2);
		sprintf(path, "%s/%s", cdir, ce->d_name);
		if ((fd = opendir(path)) == NULL) {
			free(path);
			continue;
		}
		while ((fe = readdir(fd)) != NULL) {
			/* Half-written frames of a run that was killed. */
			if (fe->d_name[0] == '.' && stale_tmp(fe->d_name))
				unlinkat(dirfd(fd), fe->d_name, 0);
			if ((ms = frame_ms(fe->d_name)) < 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				f = wo_realloc(f, cap * sizeof(*f));
			}
			f[n].path = wo_malloc(strlen(path) +
			    strlen(fe->d_name) + 2);
			sprintf(f[n].path, "%s/%s", path, fe->d_name);
			if (stat(f[n].path, &st) == -1 || !S_ISREG(st.st_mode)) {
				free(f[n].path);
				continue;
			}
			f[n].ms = ms;
			f[n].size = st.st_size;
			n++;
			if (ms > *last_ms(sp, ce->d_name))
				*last_ms(sp, ce->d_name) = ms;
		}
		closedir(fd);
		free(path);
	}
	closedir(cd);
	free(cdir);
	if (n > 0)
		qsort(f, n, sizeof(*f), by_ms);
	for (i = 0; i < n; i++)
		push(sp, f[i].ms, f[i].size, f[i].path);
	free(f);
	while (sp->used > sp->max && drop_oldest(sp))
		;
}

static void
mkdir_one(const char *path)
{
	if (mkdir(path, 0777) == -1 && errno != EEXIST)
		wo_die(1, "%s:", path);
}

struct spool *
spool_open(const char *dir, long long max)
{
	struct spool *sp = wo_calloc(1, sizeof(*sp));
	char *p;

	sp->dir = wo_strdup(dir);
	sp->max = max;
	sp->lastalert = -ALERT_EVERY;
	pthread_mutex_init(&sp->mu, NULL);
	mkdir_one(dir);
	p = wo_malloc(strlen(dir) + 6);
	sprintf(p, "%s/cams", dir);
	mkdir_one(p);
	free(p);
	scan(sp);
	return sp;
}

/* Written under a temporary name and renamed, so no reader sees half a frame. */
static int
write_file(const char *tmp, const char *path, const unsigned char *p,
    size_t n)
{
	ssize_t w;
	int fd, e;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666)) == -1)
		return -1;
	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			goto bad;
		}
		p += w;
		n -= w;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto bad;
	}
	if (rename(tmp, path) == -1) {
		fd = -1;
		goto bad;
	}
	return 0;
bad:
	e = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

int
spool_put(struct spool *sp, const char *cam, long long *ms, const char *ext,
    const unsigned char *p, size_t n, char *path, size_t pathlen,
    int *alert, long long *dropped)
{
	long long *last;
	char tmp[4096];
	double now;
	int r, e = 0;

	*alert = 0;
	pthread_mutex_lock(&sp->mu);
	snprintf(tmp, sizeof(tmp), "%s/cams/%s", sp->dir, cam);
	if (mkdir(tmp, 0777) == -1 && errno != EEXIST) {
		e = errno;
		r = -1;
		goto out;
	}
	if ((long long)n > sp->max) {
		sp->dropped++;
		e = EFBIG;
		r = -1;
		goto out;
	}
	while (sp->used + (long long)n > sp->max && drop_oldest(sp))
		;
	last = last_ms(sp, cam);
	if (*ms <= *last)
		*ms = *last + 1;
	snprintf(path, pathlen, "%s/cams/%s/%lld.%s", sp->dir, cam, *ms, ext);
	snprintf(tmp, sizeof(tmp), "%s/cams/%s/.%lld.%s.tmp", sp->dir, cam,
	    *ms, ext);
	/* A full disk costs the oldest frames, not the newest. */
	while ((r = write_file(tmp, path, p, n)) == -1 &&
	    (errno == ENOSPC || errno == EDQUOT) && drop_oldest(sp))
		;
	if (r == -1) {
		e = errno;
		sp->dropped++;
		goto out;
	}
	*last = *ms;
	push(sp, *ms, n, wo_strdup(path));
out:
	now = wo_now();
	if (sp->dropped > sp->told && now - sp->lastalert >= ALERT_EVERY) {
		*alert = 1;
		sp->told = sp->dropped;
		sp->lastalert = now;
	}
	*dropped = sp->dropped;
	pthread_mutex_unlock(&sp->mu);
	errno = e;
	return r;
}

long long
spool_dropped(struct spool *sp)
{
	long long n;

	pthread_mutex_lock(&sp->mu);
	n = sp->dropped;
	pthread_mutex_unlock(&sp->mu);
	return n;
}

void
spool_close(struct spool *sp)
{
	size_t i;

	for (i = sp->head; i < sp->tail; i++)
		free(sp->q[i].path);
	for (i = 0; i < sp->nlast; i++)
		free(sp->last[i].cam);
	free(sp->last);
	free(sp->q);
	free(sp->dir);
	pthread_mutex_destroy(&sp->mu);
	free(sp);
}
