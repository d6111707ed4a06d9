/* wo-detect-darknet.c: Darknet's own detection path, wo-detect's reference. */
#include <stdio.h>
#include <stdlib.h>

#include <darknet.h>

static float
clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * usage: wo-detect-darknet CFG WEIGHTS THRESH NMS IMAGE...
 * Runs each image as `darknet detector test` does (load_image_color,
 * letterbox_image, network_predict, get_network_boxes, do_nms_sort) and
 * prints "IMAGE CLASS CONF X Y W H" for every box above THRESH, in frame
 * pixels with x,y the top-left corner, clipped to the frame.
 */
int
main(int argc, char *argv[])
{
	network *net;
	detection *dets;
	image im, sized;
	layer l;
	float thresh, nms, x0, y0, x1, y1;
	int i, j, k, n;

	if (argc < 6) {
		fprintf(stderr, "usage: wo-detect-darknet cfg weights thresh "
		    "nms image ...\n");
		return 2;
	}
	net = load_network(argv[1], argv[2], 0);
	set_batch_network(net, 1);
	l = net->layers[net->n - 1];
	thresh = atof(argv[3]);
	nms = atof(argv[4]);
	for (i = 5; i < argc; i++) {
		im = load_image_color(argv[i], 0, 0);
		sized = letterbox_image(im, net->w, net->h);
		network_predict(net, sized.data);
		dets = get_network_boxes(net, im.w, im.h, thresh, 0.5, 0, 1, &n);
		do_nms_sort(dets, n, l.classes, nms);
		for (j = 0; j < n; j++)
			for (k = 0; k < l.classes; k++) {
				box b = dets[j].bbox;

				if (dets[j].prob[k] <= thresh)
					continue;
				x0 = clampf((b.x - b.w / 2) * im.w, 0, im.w);
				y0 = clampf((b.y - b.h / 2) * im.h, 0, im.h);
				x1 = clampf((b.x + b.w / 2) * im.w, 0, im.w);
				y1 = clampf((b.y + b.h / 2) * im.h, 0, im.h);
				printf("%s %d %.6f %.4f %.4f %.4f %.4f\n", argv[i],
				    k, dets[j].prob[k], x0, y0, x1 - x0, y1 - y0);
			}
		free_detections(dets, n);
		free_image(im);
		free_image(sized);
	}
	free_network(net);
	return 0;
}
