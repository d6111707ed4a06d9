/* lib_money: tax rounding, currency exponents and money formatting in libwo. */
#include <stdlib.h>
#include <string.h>

#include "wo.h"

static int fails;

static void
tax(long long amount, double rate, long long want)
{
	long long got = wo_tax(amount, rate);

	if (got != want) {
		printf("FAIL wo_tax(%lld, %g) = %lld, want %lld\n", amount, rate,
		    got, want);
		fails++;
	}
}

static void
fmt(long long amount, const char *cur, const char *want)
{
	char buf[64];

	wo_money_fmt(buf, sizeof(buf), amount, cur);
	if (strcmp(buf, want) != 0) {
		printf("FAIL wo_money_fmt(%lld, %s) = %s, want %s\n", amount,
		    cur, buf, want);
		fails++;
	}
}

int
main(void)
{
	long long r;

	tax(199, 0.08, 16);		/* 15.92 */
	tax(50, 0.09, 5);		/* 4.5: half goes up, though 0.09 is inexact */
	tax(-50, 0.09, -5);		/* refunds mirror charges */
	tax(150, 0.07, 11);		/* 10.5 */
	tax(149, 0.07, 10);		/* 10.43 */
	tax(1, 0.5, 1);			/* 0.5 */
	tax(0, 0.08, 0);
	tax(12345, 0, 0);
	tax(1000, 0.0725, 73);		/* 72.5 */
	tax(1000, 0.072499, 72);	/* 72.499 */
	tax(1000000000000LL, 0.08, 80000000000LL);
	tax(9000000000000000000LL, 1, 9000000000000000000LL);	/* no overflow */
	tax(333, 1.0 / 3, 111);		/* the rate is taken to a millionth */
	fmt(199, "usd", "1.99");
	fmt(5, "usd", "0.05");
	fmt(-205, "eur", "-2.05");
	fmt(1200, "jpy", "1200");
	fmt(1234, "kwd", "1.234");
	fmt(0, "usd", "0.00");
	if (wo_currency_exp("usd") != 2 || wo_currency_exp("jpy") != 0 ||
	    wo_currency_exp("bhd") != 3) {
		printf("FAIL wo_currency_exp\n");
		fails++;
	}
	if (!wo_mul_ok(3, 4, &r) || r != 12 || wo_mul_ok(1LL << 62, 4, &r) ||
	    !wo_add_ok(1, 2, &r) || r != 3 || wo_add_ok(1LL << 62, 1LL << 62, &r)) {
		printf("FAIL wo_mul_ok/wo_add_ok\n");
		fails++;
	}
	return fails != 0;
}
