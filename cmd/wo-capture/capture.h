/* capture.h: what the parts of wo-capture share: frames, the spool, the feeder threads. */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <sys/types.h>

#include <stdatomic.h>
#include <stddef.h>

/* frame.c: recognising JPEG and PNG frames without decoding them. */

/* Where a JPEG scan stopped, so a stream can be scanned as bytes arrive. */
struct jscan {
	size_t	 pos;		/* next byte to look at */
	int	 entropy;	/* inside entropy-coded data */
	int	 width, height;
};

enum { J_MORE, J_DONE, J_BAD };

/* Scans p[0..n) from js->pos: J_DONE sets *end past the EOI marker. */
int	 jpeg_scan(struct jscan *js, const unsigned char *p, size_t n,
	    size_t *end, const char **why);
/* A whole file's bytes: 1 and the size, or 0 and why it is no frame. */
int	 frame_check(const unsigned char *p, size_t n, int *w, int *h,
	    const char **why);

/*
 * The splitter of an MJPEG byte stream (multipart or bare JPEGs one after
 * another): bytes go in, and whole frames and complaints come out through
 * the callbacks.  Bytes between frames (multipart headers) are skipped.
 */
struct mjpeg {
	unsigned char	*buf;
	size_t		 len, cap;
	int		 inframe;
	double		 t0;		/* wall clock when the frame began */
	struct jscan	 js;
	void		(*frame)(void *arg, const unsigned char *p, size_t n,
			    int w, int h, double t0);
	void		(*bad)(void *arg, const char *why);
	void		*arg;
};

void	 mjpeg_feed(struct mjpeg *m, const void *p, size_t n, double now);
void	 mjpeg_end(struct mjpeg *m);	/* stream lost: a frame cut short */
void	 mjpeg_free(struct mjpeg *m);

/* spool.c: frames on disk under DIR/cams/CAM/MS.jpg, bounded in bytes. */
struct spool;

struct spool *spool_open(const char *dir, long long max);
/*
 * Stores a frame and fills path; drops the oldest frames to make room.
 * *ms is moved past the camera's newest frame when it is not newer.
 * Returns 0, or -1 with errno when it could not be stored.  *alert is set
 * when drops should be told downstream (not more than once in a while),
 * with the number dropped so far in *dropped.
 */
int	 spool_put(struct spool *sp, const char *cam, long long *ms,
	    const char *ext, const unsigned char *p, size_t n, char *path,
	    size_t pathlen, int *alert, long long *dropped);
long long spool_dropped(struct spool *sp);
void	 spool_close(struct spool *sp);

/* feed.c: the lines threads send to the main thread through a pipe. */
extern atomic_int stopping;	/* a signal asked us to stop */

/*
 * Each line starts with a letter:
 *   F TS W H CAM PATH      a frame
 *   A TS JSON              an alert, JSON holding its fields
 *   P TS                   no later line of this pipe is older than TS
 *   L N RAW                line N of the pipe's entries file
 *   B PATH<TAB>WHY         a frame file that is no frame
 */
void	 feed(int fd, const char *fmt, ...);
void	 feed_alert(int fd, double ts, const char *kind, const char *cam,
	    const char *msg, ...);
/*
 * The lines of a file or FIFO, split as read(2) gives them: fn gets each
 * line and its number, NULL for one longer than WO_LINE_MAX, and returns
 * 0 to stop (stop is then set).  lines_read returns as read(2) does.
 */
struct lsplit {
	char	*buf;
	size_t	 len, cap;
	long	 n;
	int	 skipping, stop;
};

int	 new_pipe(int *rd);
ssize_t	 lines_read(struct lsplit *ls, int fd,
	    int (*fn)(void *, long, char *, size_t), void *arg);
void	 lines_free(struct lsplit *ls);
/* Sends a "B" line for a line the merge cannot take; 1 when it can. */
int	 feed_entry(int fd, const char *path, long n, const char *line,
	    size_t len);
/* Sleeps until wall clock t; 0 when asked to stop first. */
int	 sleep_until(double t, double deadline);

/* replay.c and live.c: set up the sources, and later wait for them. */
struct wo_src;
struct ropts {
	const char	*session;
	char		**cams;		/* NULL: every camera */
	int		 ncams;
	double		 speed;		/* 0: as fast as possible */
	double		 from, to;	/* seconds after the session starts */
};

struct lcam {
	char		*name;
	int		 kind;		/* 'm' file, 'u' stream, 's' snapshot */
	char		*where;		/* path or URL */
};

struct lopts {
	struct lcam	*cams;
	int		 ncams;
	const char	*spool;
	long long	 spool_max;
	double		 fps;		/* 0: as the camera sends */
	long long	 count;		/* frames per camera; 0: no end */
	double		 deadline;	/* wall clock to stop at; 0: none */
	long		 timeout;	/* seconds of silence: camera gone */
	const char	*entries;
};

int	 replay_start(const struct ropts *o, struct wo_src ***src);
void	 replay_wait(void);
int	 live_start(const struct lopts *o, struct wo_src ***src);
void	 live_wait(void);

/* main.c: the line function every feeder pipe shares. */
void	 feeder_line(struct wo_src *s, char *line, size_t len,
	    const char *file, long lineno, void *arg);
int	 cam_name_ok(const char *s);

#endif
