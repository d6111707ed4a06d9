/* serial.c: scale controllers on serial ports, one reader thread each. */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libserialport.h>

#include "wo.h"
#include "weigh.h"

/* The longest controller line kept; "<plate> <grams>" is far shorter. */
#define PORT_LINE	256
/* Backoff between attempts to reopen a lost port, in seconds. */
#define BACKOFF_MIN	0.1
#define BACKOFF_MAX	5.0
/* How often a reader looks up from its port to see whether to stop. */
#define TICK_MS		100

struct port {
	char		*name;
	int		 baud;
	int		 rfd, wfd;	/* the pipe to the merge */
	struct sp_port	*sp;		/* a serial device, or */
	int		 ptyfd;		/* a pseudo-terminal */
	pthread_t	 thr;
	struct port	*next;
};

static struct port *ports;
/* Set by SIGINT or SIGTERM, read by every reader: lock-free, so signal-safe. */
static atomic_int stopping;

static void
on_signal(int sig)
{
	stopping = 1;
}

/*
 * Unix98 pseudo-terminal slaves have majors 136 to 143.  libserialport 0.1
 * finds ports through /sys/class/tty and needs the modem-control ioctls,
 * which a pseudo-terminal (a socat bridge to a networked controller) has
 * neither of, so those are opened with termios directly.
 */
static int
is_pty(const char *name)
{
	struct stat sb;

	if (stat(name, &sb) == -1 || !S_ISCHR(sb.st_mode))
		return 0;
	return major(sb.st_rdev) >= 136 && major(sb.st_rdev) <= 143;
}

static void
say(struct port *p, const char *kind, const char *msg)
{
	char buf[PORT_LINE + 128];
	int n;

	n = snprintf(buf, sizeof(buf), "! %.3f %s %s\n", wo_now(), kind, msg);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (write(p->wfd, buf, n) != n)
		stopping = 1;	/* the merge has gone: nobody to tell */
}

/* Opens p; 0, or -1 and the reason in err. */
static int
port_try(struct port *p, char *err, size_t errlen)
{
	struct termios t;
	char *msg;

	if (is_pty(p->name)) {
		p->ptyfd = open(p->name, O_RDONLY | O_NOCTTY | O_NONBLOCK);
		if (p->ptyfd == -1 || tcgetattr(p->ptyfd, &t) == -1) {
			snprintf(err, errlen, "%s", strerror(errno));
			if (p->ptyfd != -1)
				close(p->ptyfd);
			p->ptyfd = -1;
			return -1;
		}
		/* A pseudo-terminal has no line speed: only raw mode matters. */
		cfmakeraw(&t);
		tcsetattr(p->ptyfd, TCSANOW, &t);
		return 0;
	}
	if (sp_get_port_by_name(p->name, &p->sp) != SP_OK) {
		snprintf(err, errlen, "no such serial port");
		p->sp = NULL;
		return -1;
	}
	if (sp_open(p->sp, SP_MODE_READ) != SP_OK ||
	    sp_set_baudrate(p->sp, p->baud) != SP_OK ||
	    sp_set_bits(p->sp, 8) != SP_OK ||
	    sp_set_parity(p->sp, SP_PARITY_NONE) != SP_OK ||
	    sp_set_stopbits(p->sp, 1) != SP_OK ||
	    sp_set_flowcontrol(p->sp, SP_FLOWCONTROL_NONE) != SP_OK) {
		msg = sp_last_error_message();
		snprintf(err, errlen, "%s", msg);
		sp_free_error_message(msg);
		sp_close(p->sp);
		sp_free_port(p->sp);
		p->sp = NULL;
		return -1;
	}
	return 0;
}

static void
port_shut(struct port *p)
{
	if (p->sp != NULL) {
		sp_close(p->sp);
		sp_free_port(p->sp);
		p->sp = NULL;
	}
	if (p->ptyfd != -1) {
		close(p->ptyfd);
		p->ptyfd = -1;
	}
}

static int
port_handle(struct port *p)
{
	int fd;

	if (p->sp != NULL && sp_get_port_handle(p->sp, &fd) == SP_OK)
		return fd;
	return p->ptyfd;
}

/* Waits s seconds, or less when told to stop. */
static void
nap(double s)
{
	struct timespec ts;

	while (s > 0 && !stopping) {
		ts.tv_sec = 0;
		ts.tv_nsec = (s < TICK_MS / 1e3 ? s : TICK_MS / 1e3) * 1e9;
		nanosleep(&ts, NULL);
		s -= TICK_MS / 1e3;
	}
}

/*
 * Reads what has arrived: the byte count, 0 for nothing yet, -1 when the
 * port has gone (a pulled cable shows as a hangup or an I/O error).
 */
static int
port_read(struct port *p, char *buf, size_t len, char *err, size_t errlen)
{
	struct pollfd pfd;
	int n;

	pfd.fd = port_handle(p);
	pfd.events = POLLIN;
	n = poll(&pfd, 1, TICK_MS);
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	if (n == 0)
		return 0;
	if (pfd.revents & POLLIN) {
		if (p->sp != NULL)
			n = sp_nonblocking_read(p->sp, buf, len);
		else
			n = read(p->ptyfd, buf, len);
		if (n > 0)
			return n;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		snprintf(err, errlen, "%s", n == 0 ? "hung up" :
		    strerror(errno));
		return -1;
	}
	snprintf(err, errlen, "hung up");
	return -1;
}

/*
 * The reader: stamps each complete line with the wall clock on arrival and
 * hands it on as "<ts> <plate> <grams>", the form of scales.log.  A lost
 * port is announced, then reopened with a growing backoff; what was read
 * before stays in the pipe, and a line cut short by the loss is dropped.
 */
static void *
port_main(void *arg)
{
	struct port *p = arg;
	char buf[512], line[PORT_LINE + 1], out[PORT_LINE + 64];
	char err[256];
	double backoff = BACKOFF_MIN;
	size_t ll = 0;
	int i, n, m, up = 0, down = 0, over = 0;

	while (!stopping) {
		if (!up) {
			if (port_try(p, err, sizeof(err)) == -1) {
				if (!down) {
					say(p, "port-down", err);
					down = 1;
				}
				nap(backoff);
				backoff = backoff * 2 > BACKOFF_MAX ?
				    BACKOFF_MAX : backoff * 2;
				continue;
			}
			if (down)
				say(p, "port-up", "reopened");
			up = 1;
			down = 0;
			backoff = BACKOFF_MIN;
			ll = 0;
			over = 0;
		}
		n = port_read(p, buf, sizeof(buf), err, sizeof(err));
		if (n == -1) {
			port_shut(p);
			up = 0;
			say(p, "port-down", err);
			down = 1;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (ll < PORT_LINE)
					line[ll++] = buf[i];
				else
					over = 1;
				continue;
			}
			if (ll > 0 && line[ll - 1] == '\r')
				ll--;
			line[ll] = '\0';
			/* A line too long is passed on cut, to be reported. */
			m = snprintf(out, sizeof(out), "%.3f %s%s\n", wo_now(),
			    line, over ? "..." : "");
			if (write(p->wfd, out, m) != m) {
				stopping = 1;
				break;
			}
			ll = 0;
			over = 0;
		}
	}
	port_shut(p);
	close(p->wfd);
	return NULL;
}

struct port *
port_open(const char *name, int baud)
{
	struct sigaction sa;
	struct port *p;
	int fd[2];

	if (ports == NULL) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	p = wo_calloc(1, sizeof(*p));
	p->name = wo_strdup(name);
	p->baud = baud;
	p->ptyfd = -1;
	if (pipe(fd) == -1)
		wo_die(1, "pipe:");
	p->rfd = fd[0];
	p->wfd = fd[1];
	if ((errno = pthread_create(&p->thr, NULL, port_main, p)) != 0)
		wo_die(1, "%s: thread:", name);
	p->next = ports;
	ports = p;
	return p;
}

int
port_fd(const struct port *p)
{
	return p->rfd;
}

/* Waits for the readers, which end on SIGINT or SIGTERM. */
void
port_stop_all(void)
{
	struct port *p, *next;

	stopping = 1;
	for (p = ports; p != NULL; p = next) {
		next = p->next;
		pthread_join(p->thr, NULL);
		free(p->name);
		free(p);
	}
	ports = NULL;
}
