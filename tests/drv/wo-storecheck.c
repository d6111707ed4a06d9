/* wo-storecheck: a test driver for libwo's store loader. */
#include <getopt.h>
#include <stdlib.h>

#include "wo.h"

static const char usage[] = "wo-storecheck store.json";

/* Loads and validates a store.json and prints what the tools will see. */
int
main(int argc, char *argv[])
{
	static struct option longopts[] = { WO_COMMON_LONGOPTS, { 0 } };
	struct wo_store *st;
	char price[32];
	size_t i;
	int c;
	double x, y;

	wo_init(argv[0]);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		wo_common_opt(c, usage);
	if (argc - optind != 1)
		wo_usage(usage);
	st = wo_store_load(argv[optind]);
	printf("store %s currency %s tax %g floor %gx%g\n", st->name,
	    st->currency, st->tax_rate, st->floor_w, st->floor_h);
	for (i = 0; i < st->nitems; i++)
		printf("item %s \"%s\" %s unit %g sd %g tax %g\n",
		    st->items[i].sku, st->items[i].name,
		    wo_money_fmt(price, sizeof(price), st->items[i].price,
		    st->currency), st->items[i].unit_g, st->items[i].sd_g,
		    st->items[i].tax_rate);
	for (i = 0; i < st->nplates; i++)
		printf("plate %s %s item %d\n", st->plates[i].id,
		    st->plates[i].sku, st->plates[i].item);
	for (i = 0; i < st->ncams; i++) {
		wo_homog(st->cams[i].H, st->cams[i].width / 2.0,
		    st->cams[i].height / 2.0, &x, &y);
		printf("camera %s %dx%d centre at %.3f,%.3f\n", st->cams[i].id,
		    st->cams[i].width, st->cams[i].height, x, y);
	}
	for (i = 0; i < st->ngates; i++)
		printf("gate %s %s\n", st->gates[i].id,
		    st->gates[i].entry ? "entry" : "exit");
	wo_store_free(st);
	return wo_close_out();
}
