/* fuzz_store: libFuzzer target for libwo's store.json validation. */
#include <stdint.h>
#include <stdlib.h>

#include "wo.h"

/* Any JSON document through wo_store_parse: it must reject or accept, never crash. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wo_store *st;
	json_error_t jerr;
	json_t *root;
	char err[512];

	root = json_loadb((const char *)data, size, 0, &jerr);
	if (root == NULL)
		return 0;
	st = wo_store_parse(root, "<fuzz>", err, sizeof(err));
	wo_store_free(st);
	json_decref(root);
	return 0;
}
