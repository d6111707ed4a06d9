/* money.c: amounts in integer minor units, tax, and their printing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wo.h"

/*
 * Tax on one line's amount: the rate is taken to a millionth (0.0001%),
 * which every real rate is, so the product is exact in integers, and the
 * result is rounded half away from zero: 50 cents at 9% is 4.5 cents, tax
 * 5; a refund of -50 gives -5, so a refund undoes its charge exactly.
 */
long long
wo_tax(long long amount, double rate)
{
	__int128 ppm, t;
	long long a;

	ppm = (__int128)llround(rate * 1e6);
	a = amount < 0 ? -amount : amount;
	t = ((__int128)a * ppm + 500000) / 1000000;
	return amount < 0 ? -(long long)t : (long long)t;
}

/* ISO 4217 minor units: most currencies have 2, these have 0 or 3. */
int
wo_currency_exp(const char *currency)
{
	static const char *zero[] = { "bif", "clp", "djf", "gnf", "isk", "jpy",
	    "kmf", "krw", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof",
	    "xpf", NULL };
	static const char *three[] = { "bhd", "iqd", "jod", "kwd", "lyd",
	    "omr", "tnd", NULL };
	int i;

	for (i = 0; zero[i] != NULL; i++)
		if (strcmp(currency, zero[i]) == 0)
			return 0;
	for (i = 0; three[i] != NULL; i++)
		if (strcmp(currency, three[i]) == 0)
			return 3;
	return 2;
}

char *
wo_money_fmt(char *buf, size_t len, long long amount, const char *currency)
{
	unsigned long long a, unit = 1;
	int e = wo_currency_exp(currency), i;

	for (i = 0; i < e; i++)
		unit *= 10;
	a = amount < 0 ? -(unsigned long long)amount : (unsigned long long)amount;
	if (e == 0)
		snprintf(buf, len, "%s%llu", amount < 0 ? "-" : "", a);
	else
		snprintf(buf, len, "%s%llu.%0*llu", amount < 0 ? "-" : "",
		    a / unit, e, a % unit);
	return buf;
}

int
wo_mul_ok(long long a, long long b, long long *r)
{
	return !__builtin_mul_overflow(a, b, r);
}

int
wo_add_ok(long long a, long long b, long long *r)
{
	return !__builtin_add_overflow(a, b, r);
}
