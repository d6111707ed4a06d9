/* layers: where a Darknet network's time goes, layer by layer. */
/*
 * Built and run by bench/wo-detect.sh, never installed: it runs the
 * network on one input the way Darknet's forward_network does (each
 * layer's forward on the one before's output) and times each layer, which
 * Darknet's own loop and network_predict cannot tell apart.  The input is
 * noise: a layer's time does not depend on its values.  It is linked with
 * wo-detect's kernels.c, whose loops the layers run unless KERNELS is
 * "darknet".
 *
 * usage: layers CFG WEIGHTS RUNS [KERNELS]
 */
#include <darknet.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect.h"

static const char *
kind(LAYER_TYPE t)
{
	switch (t) {
	case CONVOLUTIONAL:	return "conv";
	case MAXPOOL:		return "maxpool";
	case ROUTE:		return "route";
	case UPSAMPLE:		return "upsample";
	case YOLO:		return "yolo";
	case SHORTCUT:		return "shortcut";
	default:		return "other";
	}
}

static double
ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(int argc, char *argv[])
{
	network *net, keep;
	double *sum, t, all = 0;
	float *in;
	int i, r, runs;

	if (argc < 4 || argc > 5 || (runs = atoi(argv[3])) < 1)
		errx(2, "usage: layers cfg weights runs [kernels]");
	kernels_init(argc == 5 && strcmp(argv[4], "darknet") == 0);
	net = load_network(argv[1], argv[2], 0);
	set_batch_network(net, 1);
	if ((sum = calloc(net->n, sizeof(*sum))) == NULL ||
	    (in = malloc(net->inputs * sizeof(*in))) == NULL)
		err(1, NULL);
	srand(1);
	for (i = 0; i < net->inputs; i++)
		in[i] = rand() / (float)RAND_MAX;
	for (r = 0; r < runs; r++) {
		keep = *net;
		net->input = in;
		net->truth = NULL;
		net->delta = NULL;
		net->train = 0;
		for (i = 0; i < net->n; i++) {
			layer l = net->layers[i];

			net->index = i;
			t = ms();
			l.forward(l, *net);
			sum[i] += ms() - t;
			net->input = l.output;
		}
		*net = keep;
	}
	for (i = 0; i < net->n; i++) {
		layer l = net->layers[i];

		printf("layer %d %s %dx%dx%d: %.2f ms/frame\n", i, kind(l.type),
		    l.out_w, l.out_h, l.out_c, sum[i] / runs);
		all += sum[i] / runs;
	}
	printf("layers together: %.2f ms/frame\n", all);
	return 0;
}
