/* render.c: a receipt as plain text, HTML and JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wo.h"
#include "receipt.h"

/* The text receipt's columns, in characters: name, "qty x price", total. */
#define NAMEW	28
#define UNITW	14
#define TOTW	12

void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = wo_realloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512], *p;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		wo_die(1, "cannot format a receipt");
	if ((size_t)n < sizeof(tmp)) {
		buf_add(b, tmp, n);
		return;
	}
	p = wo_malloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(p, n + 1, fmt, ap);
	va_end(ap);
	buf_add(b, p, n);
	free(p);
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/*
 * Visit and store ids end up in file names and Message-IDs, where only a
 * few characters are safe; every other byte becomes =XX, so that two
 * different ids never share a name.
 */
char *
safe_name(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *d, *p;

	p = d = wo_malloc(strlen(s) * 3 + 1);
	for (; *s != '\0'; s++) {
		unsigned char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_') {
			*p++ = c;
		} else {
			*p++ = '=';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return d;
}

/* Receipts show UTC, so that the same input renders the same anywhere. */
static void
human_time(char *d, size_t len, double ts)
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(d, len,
	    "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(d, len, "%.3f", ts);
}

void
rfc5322_date(char *d, size_t len, double ts)
{
	static const char *day[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)ts;
	struct tm tm;

	/* By hand: strftime's %a and %b follow the locale, RFC 5322 not. */
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(d, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    day[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Characters on screen, not bytes: item names may be UTF-8. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static void
pad(struct buf *b, const char *s, size_t w, int right)
{
	size_t n = width(s);

	if (!right)
		buf_add(b, s, strlen(s));
	for (; n < w; n++)
		buf_add(b, " ", 1);
	if (right)
		buf_add(b, s, strlen(s));
}

static char *
money(char *d, size_t len, long long v, const char *currency)
{
	return wo_money_fmt(d, len, v, currency);
}

static void
upper(char *d, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i] != '\0'; i++)
		d[i] = s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i];
	d[i] = '\0';
}

static void
text_sum(struct buf *b, const char *label, const char *v)
{
	pad(b, label, NAMEW + UNITW, 0);
	pad(b, v, TOTW, 1);
	buf_add(b, "\n", 1);
}

void
render_text(struct buf *b, const struct receipt *r)
{
	char when[64], a[64], c[64], cur[16];
	size_t i, j;

	human_time(when, sizeof(when), r->ts);
	upper(cur, sizeof(cur), r->currency);
	buf_printf(b, "Receipt from %s\n\nVisit    %s\nTime     %s\n\n",
	    r->store, r->visit, when);
	for (i = 0; i < r->nlines; i++) {
		const struct line *l = &r->lines[i];

		snprintf(c, sizeof(c), "%lld x %s", l->qty,
		    money(a, sizeof(a), l->price, r->currency));
		pad(b, l->name, NAMEW - 1, 0);
		buf_add(b, " ", 1);
		pad(b, c, UNITW, 1);
		pad(b, money(a, sizeof(a), l->total, r->currency), TOTW, 1);
		buf_add(b, "\n", 1);
		if (json_array_size(l->evidence) > 0) {
			buf_printf(b, "    evidence:");
			for (j = 0; j < json_array_size(l->evidence); j++)
				buf_printf(b, "%s %s", j > 0 ? "," : "",
				    json_string_value(json_array_get(
				    l->evidence, j)));
			buf_add(b, "\n", 1);
		}
	}
	buf_add(b, "\n", 1);
	text_sum(b, "Subtotal", money(a, sizeof(a), r->subtotal, r->currency));
	text_sum(b, "Tax", money(a, sizeof(a), r->tax, r->currency));
	snprintf(c, sizeof(c), "%s %s", cur,
	    money(a, sizeof(a), r->total, r->currency));
	text_sum(b, "Total", c);
	buf_add(b, "\n", 1);
	if (r->brand != NULL && r->last4 != NULL)
		buf_printf(b, "Paid with %s ending in %s\n", r->brand,
		    r->last4);
	if (r->payment != NULL)
		buf_printf(b, "Payment  %s\n", r->payment);
}

/* Text into HTML: names come from the catalog, which nobody escaped. */
static void
esc(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':	buf_printf(b, "&amp;"); break;
		case '<':	buf_printf(b, "&lt;"); break;
		case '>':	buf_printf(b, "&gt;"); break;
		case '"':	buf_printf(b, "&quot;"); break;
		case '\'':	buf_printf(b, "&#39;"); break;
		default:	buf_add(b, s, 1); break;
		}
	}
}

static void
html_sum(struct buf *b, const char *label, const char *cur, const char *v)
{
	buf_printf(b, "<tr class=\"sum\"><th colspan=\"3\">%s</th>"
	    "<td class=\"n\">%s%s%s</td></tr>\n", label,
	    cur != NULL ? cur : "", cur != NULL ? " " : "", v);
}

void
render_html(struct buf *b, const struct receipt *r)
{
	char when[64], a[64], cur[16];
	size_t i, j;

	human_time(when, sizeof(when), r->ts);
	upper(cur, sizeof(cur), r->currency);
	buf_printf(b, "<!DOCTYPE html>\n<html>\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>Receipt from ");
	esc(b, r->store);
	buf_printf(b, "</title>\n<style>\n"
	    "td.n, th.n { text-align: right; }\n"
	    "tr.sum th { text-align: left; }\n"
	    ".ev { color: #666; font-size: smaller; }\n"
	    "</style>\n</head>\n<body>\n<h1>Receipt from ");
	esc(b, r->store);
	buf_printf(b, "</h1>\n<p>Visit <code>");
	esc(b, r->visit);
	buf_printf(b, "</code><br>\nTime %s</p>\n<table>\n"
	    "<tr><th>Item</th><th class=\"n\">Qty</th>"
	    "<th class=\"n\">Price</th><th class=\"n\">Total</th></tr>\n",
	    when);
	for (i = 0; i < r->nlines; i++) {
		const struct line *l = &r->lines[i];

		buf_printf(b, "<tr><td>");
		esc(b, l->name);
		if (json_array_size(l->evidence) > 0) {
			buf_printf(b, "<br><span class=\"ev\">evidence:");
			for (j = 0; j < json_array_size(l->evidence); j++) {
				buf_printf(b, "%s ", j > 0 ? "," : "");
				esc(b, json_string_value(json_array_get(
				    l->evidence, j)));
			}
			buf_printf(b, "</span>");
		}
		buf_printf(b, "</td><td class=\"n\">%lld</td>", l->qty);
		buf_printf(b, "<td class=\"n\">%s</td>",
		    money(a, sizeof(a), l->price, r->currency));
		buf_printf(b, "<td class=\"n\">%s</td></tr>\n",
		    money(a, sizeof(a), l->total, r->currency));
	}
	html_sum(b, "Subtotal", NULL,
	    money(a, sizeof(a), r->subtotal, r->currency));
	html_sum(b, "Tax", NULL, money(a, sizeof(a), r->tax, r->currency));
	html_sum(b, "Total", cur, money(a, sizeof(a), r->total, r->currency));
	buf_printf(b, "</table>\n");
	if (r->brand != NULL && r->last4 != NULL) {
		buf_printf(b, "<p>Paid with ");
		esc(b, r->brand);
		buf_printf(b, " ending in ");
		esc(b, r->last4);
		buf_printf(b, "</p>\n");
	}
	if (r->payment != NULL) {
		buf_printf(b, "<p>Payment <code>");
		esc(b, r->payment);
		buf_printf(b, "</code></p>\n");
	}
	buf_printf(b, "</body>\n</html>\n");
}

char *
render_json(const struct receipt *r)
{
	json_t *o, *lines, *l, *card;
	char when[64], *s;
	size_t i, n;

	human_time(when, sizeof(when), r->ts);
	lines = json_array();
	for (i = 0; i < r->nlines; i++) {
		l = json_pack("{s:s, s:s, s:I, s:I, s:I}",
		    "sku", r->lines[i].sku, "name", r->lines[i].name,
		    "qty", (json_int_t)r->lines[i].qty,
		    "price", (json_int_t)r->lines[i].price,
		    "total", (json_int_t)r->lines[i].total);
		json_object_set_new(l, "evidence", r->lines[i].evidence !=
		    NULL ? json_incref(r->lines[i].evidence) : json_array());
		json_array_append_new(lines, l);
	}
	o = json_pack("{s:s, s:s, s:s, s:f, s:s, s:s, s:o, s:I, s:I, s:I}",
	    "store", r->store, "visit", r->visit, "account", r->account,
	    "ts", r->ts, "time", when, "currency", r->currency,
	    "lines", lines, "subtotal", (json_int_t)r->subtotal,
	    "tax", (json_int_t)r->tax, "total", (json_int_t)r->total);
	if (r->payment != NULL)
		json_object_set_new(o, "payment", json_string(r->payment));
	if (r->brand != NULL && r->last4 != NULL) {
		card = json_pack("{s:s, s:s}", "brand", r->brand,
		    "last4", r->last4);
		json_object_set_new(o, "card", card);
	}
	s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(o);
	if (s == NULL)
		wo_die(1, "cannot encode a receipt");
	n = strlen(s);
	s = wo_realloc(s, n + 2);
	memcpy(s + n, "\n", 2);
	return s;
}
