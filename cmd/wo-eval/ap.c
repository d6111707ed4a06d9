/* ap.c: average precision from ranked detections, all-point interpolated. */
#include <math.h>
#include <stdlib.h>

#include "eval.h"

/*
 * Average precision, all-point interpolated (PASCAL VOC 2010 on): the area
 * under the precision-recall curve after each precision is raised to the
 * best precision at any higher recall.  tp[] is 1 or 0 per detection in
 * falling confidence; npos is the number of true boxes.  NAN when npos is 0.
 */
double
detect_ap(const int *tp, size_t ndet, size_t npos)
{
	double *rec, *prec, ap = 0;
	size_t i, ctp = 0;

	if (npos == 0)
		return NAN;
	rec = wo_calloc(ndet + 2, sizeof(*rec));
	prec = wo_calloc(ndet + 2, sizeof(*prec));
	for (i = 0; i < ndet; i++) {
		ctp += tp[i] != 0;
		rec[i + 1] = (double)ctp / npos;
		prec[i + 1] = (double)ctp / (i + 1);
	}
	rec[ndet + 1] = 1;
	prec[ndet + 1] = 0;
	for (i = ndet + 1; i-- > 0;)
		if (prec[i + 1] > prec[i])
			prec[i] = prec[i + 1];
	for (i = 0; i <= ndet; i++)
		ap += (rec[i + 1] - rec[i]) * prec[i + 1];
	free(rec);
	free(prec);
	return ap;
}
