/* deliver.c: put a rendered receipt in a directory or send it by SMTP. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wo.h"
#include "receipt.h"

/* Bounds on one SMTP attempt, so that a hung server cannot stall the store. */
#define CONNECT_MS	5000
#define ATTEMPT_MS	30000
/* The longest pause between two attempts, however many failed before. */
#define MAXWAIT		60.0

static void
write_file(const char *path, const char *s, size_t n)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		wo_die(1, "%s:", path);
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			wo_die(1, "%s:", path);
		s += w;
		n -= w;
	}
	if (fsync(fd) == -1 || close(fd) == -1)
		wo_die(1, "%s:", path);
}

char *
receipt_path(const char *dir, const char *visit, const char *ext)
{
	char *base = safe_name(visit), *p;
	size_t n = strlen(dir) + strlen(base) + strlen(ext) + 4;

	p = wo_malloc(n);
	snprintf(p, n, "%s/%s.%s", dir, base, ext);
	free(base);
	return p;
}

/*
 * Each form is written to a temporary name and renamed into place, so a
 * reader of DIR never sees half a receipt; the JSON goes last, so its
 * presence means the other two are there.
 */
void
deliver_dir(const char *dir, const struct receipt *r)
{
	static const char *ext[] = { "txt", "html", "json" };
	struct buf b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	char *json, *tmp, *dst, *dot;
	const char *data[3];
	size_t i;
	int dfd;

	render_text(&b[0], r);
	render_html(&b[1], r);
	json = render_json(r);
	data[0] = b[0].s;
	data[1] = b[1].s;
	data[2] = json;
	for (i = 0; i < 3; i++) {
		dst = receipt_path(dir, r->visit, ext[i]);
		/* The temporary name is hidden: ".NAME.EXT.tmp". */
		tmp = wo_malloc(strlen(dst) + 6);
		dot = strrchr(dst, '/') + 1;
		sprintf(tmp, "%.*s.%s.tmp", (int)(dot - dst), dst, dot);
		write_file(tmp, data[i], strlen(data[i]));
		if (rename(tmp, dst) == -1)
			wo_die(1, "%s:", dst);
		free(tmp);
		free(dst);
	}
	/* The renames are durable only once the directory is synced. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1 || close(dfd) == -1)
		wo_die(1, "%s:", dir);
	free(json);
	buf_free(&b[0]);
	buf_free(&b[1]);
}

char *
message_id(const struct receipt *r)
{
	char *v = safe_name(r->visit), *s = safe_name(r->store), *id;
	size_t n = strlen(v) + strlen(s) + 4;

	id = wo_malloc(n);
	snprintf(id, n, "<%s@%s>", v, s);
	free(v);
	free(s);
	return id;
}

/*
 * Mail wants CRLF line ends, and curl's quoted-printable encoder takes only
 * CRLF for a line break: a bare LF would come out as "=0A".
 */
static curl_mimepart *
text_part(curl_mime *m, const char *data, const char *type)
{
	curl_mimepart *p = curl_mime_addpart(m);
	struct buf b = { NULL, 0, 0 };

	for (; *data != '\0'; data++)
		buf_add(&b, *data == '\n' ? "\r\n" : data,
		    *data == '\n' ? 2 : 1);
	curl_mime_data(p, b.s != NULL ? b.s : "", CURL_ZERO_TERMINATED);
	buf_free(&b);
	curl_mime_type(p, type);
	/* Item names may be UTF-8; quoted-printable keeps lines short. */
	curl_mime_encoder(p, "quoted-printable");
	return p;
}

static struct curl_slist *
header(struct curl_slist *l, const char *name, const char *value)
{
	char h[1024];
	struct curl_slist *n;

	snprintf(h, sizeof(h), "%s: %s", name, value);
	if ((n = curl_slist_append(l, h)) == NULL)
		wo_die(1, "out of memory");
	return n;
}

static CURL *h;

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~')
			return 0;
	return 1;
}

/* One try: DELIVERED, or TRANSIENT or PERMANENT with the reason in err. */
static int
attempt(const struct smtp *s, const char *to,
    const struct receipt *r, const char *msgid, char *err, size_t errlen)
{
	struct buf text = { NULL, 0, 0 }, html = { NULL, 0, 0 };
	struct curl_slist *rcpt = NULL, *hdr = NULL, *inl = NULL;
	curl_mime *mime, *alt;
	curl_mimepart *p;
	char *json, addr[512], date[64], subj[256], file[300], *v;
	char ebuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	long code = 0;
	int rval;

	render_text(&text, r);
	render_html(&html, r);
	json = render_json(r);

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)ATTEMPT_MS);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	snprintf(addr, sizeof(addr), "<%s>", s->from);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
	snprintf(addr, sizeof(addr), "<%s>", to);
	rcpt = curl_slist_append(rcpt, addr);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);

	rfc5322_date(date, sizeof(date), r->ts);
	/* A header takes printable ASCII only; anything else is encoded. */
	v = safe_name(r->store);
	snprintf(subj, sizeof(subj), "Your receipt from %s",
	    printable(r->store) ? r->store : v);
	free(v);
	hdr = header(hdr, "Date", date);
	hdr = header(hdr, "From", s->from);
	hdr = header(hdr, "To", to);
	hdr = header(hdr, "Subject", subj);
	hdr = header(hdr, "Message-ID", msgid);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);

	/* multipart/mixed: the readable alternatives, then the JSON. */
	mime = curl_mime_init(h);
	alt = curl_mime_init(h);
	text_part(alt, text.s, "text/plain; charset=utf-8");
	text_part(alt, html.s, "text/html; charset=utf-8");
	p = curl_mime_addpart(mime);
	curl_mime_subparts(p, alt);
	curl_mime_type(p, "multipart/alternative");
	/* Without it curl marks the body an attachment. */
	inl = curl_slist_append(inl, "Content-Disposition: inline");
	curl_mime_headers(p, inl, 1);
	p = curl_mime_addpart(mime);
	curl_mime_data(p, json, CURL_ZERO_TERMINATED);
	curl_mime_type(p, "application/json");
	curl_mime_encoder(p, "base64");
	v = safe_name(r->visit);
	snprintf(file, sizeof(file), "receipt-%s.json", v);
	free(v);
	curl_mime_filename(p, file);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		rval = DELIVERED;
	} else {
		/* Not the server's text: it may name the address. */
		if (code >= 400)
			snprintf(err, errlen, "SMTP server replied %ld", code);
		else
			snprintf(err, errlen, "%s", ebuf[0] != '\0' ? ebuf :
			    curl_easy_strerror(rc));
		/* 5xx is the server's final no; a bad URL never heals. */
		rval = (code >= 500 && code < 600) ||
		    rc == CURLE_URL_MALFORMAT ||
		    rc == CURLE_UNSUPPORTED_PROTOCOL ||
		    rc == CURLE_LOGIN_DENIED ? PERMANENT : TRANSIENT;
	}
	curl_mime_free(mime);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(hdr);
	free(json);
	buf_free(&text);
	buf_free(&html);
	return rval;
}

static void
pause_for(double sec)
{
	struct timespec ts;

	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = (long)((sec - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Tries up to 1 + retries times, the pause doubling from s->wait, since a
 * 4xx or a refused connection usually means "later".  The easy handle
 * lives across calls so its connection to the server is reused.
 */
int
deliver_smtp(const struct smtp *s, const char *to, const struct receipt *r,
    const char *msgid, char *err, size_t errlen)
{
	double w = s->wait;
	int i, rval = TRANSIENT;

	if (h == NULL) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
		    (h = curl_easy_init()) == NULL)
			wo_die(1, "cannot start libcurl");
	}
	for (i = 0; i <= s->retries; i++) {
		if (i > 0) {
			wo_warn("%s: %s; trying again in %.1f s", r->visit,
			    err, w);
			pause_for(w);
			w = w * 2 < MAXWAIT ? w * 2 : MAXWAIT;
		}
		if ((rval = attempt(s, to, r, msgid, err, errlen)) !=
		    TRANSIENT)
			break;
	}
	return rval;
}

void
deliver_end(void)
{
	if (h != NULL) {
		curl_easy_cleanup(h);
		curl_global_cleanup();
		h = NULL;
	}
}
