/* infer.c: a Darknet YOLO model: its files, one copy per worker, a run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <darknet.h>

#include "wo.h"
#include "detect.h"

struct net {
	network		*dn;
	int		 classes;
	struct obj	*objs;
	int		 cap;
};

double
mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The one file in dir whose name ends in suffix; dies when there is not one. */
static char *
find_one(const char *dir, const char *suffix)
{
	struct dirent *de;
	char *found = NULL;
	size_t n, ls = strlen(suffix);
	int count = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		wo_die(1, "%s:", dir);
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n <= ls || de->d_name[0] == '.' ||
		    strcmp(de->d_name + n - ls, suffix) != 0)
			continue;
		if (count++ == 0) {
			found = wo_malloc(strlen(dir) + n + 2);
			sprintf(found, "%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	if (count == 0)
		wo_die(1, "%s: no %s file", dir, suffix);
	if (count > 1)
		wo_die(1, "%s: %d %s files, the model needs one", dir, count,
		    suffix);
	return found;
}

/* Darknet exits with status 0 when it cannot open a file: look first. */
static void
readable(const char *path)
{
	struct stat sb;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) == -1)
		wo_die(1, "%s:", path);
	if (S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		wo_die(1, "%s:", path);
	}
	close(fd);
}

/*
 * Darknet's parser trusts its cfg and crashes on a file that is no cfg:
 * the sections are looked at first.  The first must be the network, the
 * last a detection layer.
 */
static void
check_cfg(const char *path)
{
	char line[1024], first[64] = "", last[64] = "";
	size_t n;
	FILE *fp;
	int nsec = 0;

	if ((fp = fopen(path, "r")) == NULL)
		wo_die(1, "%s:", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = strspn(line, " \t");
		if (line[n] != '[')
			continue;
		snprintf(last, sizeof(last), "%.*s",
		    (int)strcspn(line + n + 1, "]\r\n"), line + n + 1);
		if (nsec++ == 0)
			memcpy(first, last, sizeof(first));
	}
	if (ferror(fp))
		wo_die(1, "%s:", path);
	fclose(fp);
	if (strcmp(first, "net") != 0 && strcmp(first, "network") != 0)
		wo_die(1, "%s: not a Darknet cfg: no [net] section first", path);
	if (nsec < 2 || (strcmp(last, "yolo") != 0 &&
	    strcmp(last, "region") != 0 && strcmp(last, "detection") != 0))
		wo_die(1, "%s: not a detector: the last layer is no yolo, "
		    "region or detection layer", path);
}

/*
 * Darknet reads what weights there are and leaves the rest as it was:
 * a short file is caught here, by the sizes of the layers that it loads.
 */
static void
check_weights(const char *path, network *dn)
{
	int hdr[3];
	struct stat sb;
	long long need;
	layer *l;
	FILE *fp;
	int i;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &sb) == -1)
		wo_die(1, "%s:", path);
	if (fread(hdr, sizeof(int), 3, fp) != 3)
		wo_die(1, "%s: truncated weights: no header", path);
	fclose(fp);
	need = 3 * sizeof(int) + (hdr[0] * 10 + hdr[1] >= 2 && hdr[0] < 1000 &&
	    hdr[1] < 1000 ? sizeof(size_t) : sizeof(int));
	for (i = 0; i < dn->n; i++) {
		l = &dn->layers[i];
		if (l->type == CONVOLUTIONAL)
			need += sizeof(float) * ((long long)l->n *
			    (l->batch_normalize ? 4 : 1) + l->nweights);
		else if (l->type == CONNECTED)
			need += sizeof(float) * ((long long)l->outputs *
			    (l->batch_normalize ? 4 : 1) +
			    (long long)l->inputs * l->outputs);
		else if (l->type != MAXPOOL && l->type != YOLO &&
		    l->type != REGION && l->type != DETECTION &&
		    l->type != ROUTE && l->type != UPSAMPLE &&
		    l->type != SHORTCUT && l->type != REORG &&
		    l->type != AVGPOOL && l->type != DROPOUT)
			return;		/* layers of other kinds: not checked */
	}
	if (sb.st_size < need)
		wo_die(1, "%s: truncated weights: %lld bytes, the cfg needs "
		    "%lld", path, (long long)sb.st_size, need);
}

static void
read_names(struct model *m)
{
	char line[256];
	size_t n;
	FILE *fp;

	if ((fp = fopen(m->names_file, "r")) == NULL)
		wo_die(1, "%s:", m->names_file);
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0)
			continue;
		m->names = wo_realloc(m->names, (m->nnames + 1) * sizeof(char *));
		m->names[m->nnames++] = wo_strdup(line);
	}
	if (ferror(fp))
		wo_die(1, "%s:", m->names_file);
	fclose(fp);
	if (m->nnames == 0)
		wo_die(1, "%s: no class names", m->names_file);
}

/*
 * Darknet prints its layer table and "Loading weights" on stderr; while it
 * loads, stderr goes to a scratch file that is shown only when Darknet
 * gives up, so that a broken cfg still explains itself.
 */
static int saved_err = -1;
static FILE *dnlog;

static void
dn_log_show(void)
{
	char buf[4096];
	size_t n;

	if (saved_err == -1)
		return;
	fflush(stderr);
	dup2(saved_err, 2);
	rewind(dnlog);
	while ((n = fread(buf, 1, sizeof(buf), dnlog)) > 0)
		fwrite(buf, 1, n, stderr);
	fprintf(stderr, "%s: Darknet could not load the model\n", wo_prog);
	_exit(1);
}

/* Only async-signal-safe calls: Darknet has crashed on a bad model. */
static void
dn_crash(int sig)
{
	static const char msg[] = ": Darknet crashed loading the model\n";
	char buf[4096];
	ssize_t n;

	dup2(saved_err, 2);
	if (lseek(fileno(dnlog), 0, SEEK_SET) == 0)
		while ((n = read(fileno(dnlog), buf, sizeof(buf))) > 0)
			if (write(2, buf, n) != n)
				break;
	if (write(2, wo_prog, strlen(wo_prog)) > 0)
		(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static void
dn_quiet(void)
{
	static int registered;
	struct sigaction sa;

	fflush(stderr);
	if ((dnlog = tmpfile()) == NULL)
		wo_die(1, "tmpfile:");
	if ((saved_err = dup(2)) == -1)
		wo_die(1, "dup:");
	dup2(fileno(dnlog), 2);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dn_crash;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	if (!registered) {
		atexit(dn_log_show);
		registered = 1;
	}
}

static void
dn_loud(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGABRT, SIG_DFL);
	fflush(stderr);
	dup2(saved_err, 2);
	close(saved_err);
	saved_err = -1;
	fclose(dnlog);
}

void
model_open(struct model *m, const char *dir)
{
	struct net *n;

	memset(m, 0, sizeof(*m));
	m->cfg = find_one(dir, ".cfg");
	m->weights = find_one(dir, ".weights");
	m->names_file = find_one(dir, ".names");
	readable(m->weights);
	check_cfg(m->cfg);
	read_names(m);
	n = net_load(m);
	check_weights(m->weights, n->dn);
	m->w = network_width(n->dn);
	m->h = network_height(n->dn);
	if (n->classes != m->nnames)
		wo_die(1, "%s: %d names for the %d classes of %s",
		    m->names_file, m->nnames, n->classes, m->cfg);
	net_free(n);
}

void
model_free(struct model *m)
{
	int i;

	for (i = 0; i < m->nnames; i++)
		free(m->names[i]);
	free(m->names);
	free(m->cfg);
	free(m->weights);
	free(m->names_file);
}

struct net *
net_load(const struct model *m)
{
	struct net *n = wo_calloc(1, sizeof(*n));
	layer *l;

	dn_quiet();
	n->dn = load_network(m->cfg, m->weights, 0);
	dn_loud();
	set_batch_network(n->dn, 1);
	l = &n->dn->layers[n->dn->n - 1];
	if (l->type != YOLO && l->type != REGION && l->type != DETECTION)
		wo_die(1, "%s: not a detector: the last layer is no yolo, "
		    "region or detection layer", m->cfg);
	n->classes = l->classes;
	return n;
}

void
net_free(struct net *n)
{
	if (n == NULL)
		return;
	free_network(n->dn);
	free(n->objs);
	free(n);
}

float *
net_input(struct net *n)
{
	return n->dn->input;
}

static int
objcmp(const void *a, const void *b)
{
	const struct obj *p = a, *q = b;

	if (p->cls != q->cls)
		return p->cls - q->cls;
	if (p->conf != q->conf)
		return p->conf > q->conf ? -1 : 1;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

static float
clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int
net_detect(struct net *n, int fw, int fh, float thresh, float nms,
    struct obj **objs, double *t_net, double *t_nms)
{
	detection *dets;
	double t0, t1;
	int i, j, nd, count = 0;
	float x0, y0, x1, y1;

	t0 = mono();
	network_predict(n->dn, n->dn->input);
	t1 = mono();
	*t_net += t1 - t0;
	dets = get_network_boxes(n->dn, fw, fh, thresh, 0.5, NULL, 1, &nd);
	if (nms > 0)
		do_nms_sort(dets, nd, n->classes, nms);
	for (i = 0; i < nd; i++) {
		for (j = 0; j < n->classes; j++) {
			if (dets[i].prob[j] <= thresh)
				continue;
			if (count == n->cap) {
				n->cap = n->cap ? n->cap * 2 : 64;
				n->objs = wo_realloc(n->objs,
				    n->cap * sizeof(*n->objs));
			}
			x0 = clampf((dets[i].bbox.x - dets[i].bbox.w / 2) * fw, 0, fw);
			y0 = clampf((dets[i].bbox.y - dets[i].bbox.h / 2) * fh, 0, fh);
			x1 = clampf((dets[i].bbox.x + dets[i].bbox.w / 2) * fw, 0, fw);
			y1 = clampf((dets[i].bbox.y + dets[i].bbox.h / 2) * fh, 0, fh);
			n->objs[count].cls = j;
			n->objs[count].conf = dets[i].prob[j];
			n->objs[count].x = x0;
			n->objs[count].y = y0;
			n->objs[count].w = x1 - x0;
			n->objs[count].h = y1 - y0;
			count++;
		}
	}
	free_detections(dets, nd);
	if (count > 1)
		qsort(n->objs, count, sizeof(*n->objs), objcmp);
	*t_nms += mono() - t1;
	*objs = n->objs;
	return count;
}
