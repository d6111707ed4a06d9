/* opt.c: the options every tool shares: --help, --version, --strict. */
#include <stdlib.h>
#include <string.h>

#include "wo.h"

static void
print_usage(FILE *fp, const char *usage)
{
	const char *p, *nl;
	int first = 1;

	/* Each line of the synopsis gets the "usage:" prefix's indent. */
	for (p = usage; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		fprintf(fp, "%s%.*s\n", first ? "usage: " : "       ",
		    (int)(nl - p), p);
		first = 0;
		if (*nl == '\0')
			break;
	}
}

void
wo_usage(const char *usage)
{
	print_usage(stderr, usage);
	exit(2);
}

int
wo_common_opt(int c, const char *usage)
{
	switch (c) {
	case 'h':
		print_usage(stdout, usage);
		printf("See %s(1) for the options and the events.\n", wo_prog);
		exit(fclose(stdout) == 0 ? 0 : 1);
	case WO_OPT_VERSION:
		printf("%s %s\n", wo_prog, WO_VERSION);
		exit(fclose(stdout) == 0 ? 0 : 1);
	case WO_OPT_STRICT:
		wo_strict = 1;
		return 1;
	case '?':
	case ':':
		wo_usage(usage);
	}
	return 0;
}
