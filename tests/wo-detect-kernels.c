/* wo-detect-kernels: wo-detect's kernels against Darknet's own, call by call. */
/*
 * Built by tests/wo-detect-kernels.sh with cmd/wo-detect/kernels.c.  Both
 * definitions of each name are in the process: the executable's (kernels.c)
 * and libdarknet's, found with dlsym(RTLD_NEXT).  im2col and the
 * activations must agree bit for bit, the matrix product to float rounding,
 * over shapes that reach every edge case: windows wider than the image,
 * strides larger than the window, padding larger than the stride.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <darknet.h>

#include "wo.h"
#include "detect.h"

typedef void gemm_fn(int, int, int, int, int, float, float *, int, float *,
    int, float, float *, int);
typedef void im2col_fn(float *, int, int, int, int, int, int, float *);
typedef void activate_fn(float *, const int, const ACTIVATION);

void	 gemm(int, int, int, int, int, float, float *, int, float *, int,
	    float, float *, int);
void	 im2col_cpu(float *, int, int, int, int, int, int, float *);
void	 activate_array(float *, const int, const ACTIVATION);

static int failed;

/* kernels.c dies through libwo; this program has only what it needs. */
void
wo_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void *
darknet(const char *name)
{
	void *p;

	if ((p = dlsym(RTLD_NEXT, name)) == NULL)
		wo_die(1, "no %s in libdarknet", name);
	return p;
}

static float *
noise(size_t n)
{
	float *p;
	size_t i;

	if ((p = malloc(n * sizeof(*p) + 1)) == NULL)
		wo_die(1, "out of memory");
	for (i = 0; i < n; i++)
		p[i] = rand() / (float)RAND_MAX * 4 - 2;
	return p;
}

static void
check_im2col(im2col_fn *ref, int c, int h, int w, int ks, int st, int pad)
{
	int hc = (h + 2 * pad - ks) / st + 1, wc = (w + 2 * pad - ks) / st + 1;
	size_t n = (size_t)c * ks * ks * hc * wc;
	float *im = noise((size_t)c * h * w), *a = noise(n), *b = noise(n);

	if (hc < 1 || wc < 1)
		goto out;
	im2col_cpu(im, c, h, w, ks, st, pad, a);
	ref(im, c, h, w, ks, st, pad, b);
	if (memcmp(a, b, n * sizeof(*a)) != 0) {
		printf("im2col c %d %dx%d size %d stride %d pad %d differs\n",
		    c, w, h, ks, st, pad);
		failed = 1;
	}
out:
	free(im);
	free(a);
	free(b);
}

static void
check_gemm(gemm_fn *ref, int ta, int tb, int m, int n, int k, float alpha,
    float beta)
{
	int lda = ta ? m : k, ldb = tb ? k : n, i;
	float *a = noise((size_t)m * k), *b = noise((size_t)k * n);
	float *c = noise((size_t)m * n), *d = malloc((size_t)m * n * sizeof(*d));
	double err = 0, scale = 0;

	if (d == NULL)
		wo_die(1, "out of memory");
	memcpy(d, c, (size_t)m * n * sizeof(*d));
	gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n);
	ref(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, d, n);
	for (i = 0; i < m * n; i++) {
		err = fmax(err, fabs(c[i] - d[i]));
		scale = fmax(scale, fabs(d[i]));
	}
	if (err > 1e-5 * (scale + 1) * sqrt(k)) {
		printf("gemm %c%c %dx%dx%d alpha %g beta %g: off by %g of %g\n",
		    ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, beta, err,
		    scale);
		failed = 1;
	}
	free(a);
	free(b);
	free(c);
	free(d);
}

static void
check_activate(activate_fn *ref, ACTIVATION act, const char *name)
{
	int n = 1001;
	float *a = noise(n), *b = malloc(n * sizeof(*b));

	if (b == NULL)
		wo_die(1, "out of memory");
	a[0] = 0;
	a[1] = -0.0f;
	a[2] = 80;
	a[3] = -80;
	memcpy(b, a, n * sizeof(*a));
	activate_array(a, n, act);
	ref(b, n, act);
	if (memcmp(a, b, n * sizeof(*a)) != 0) {
		printf("activation %s differs\n", name);
		failed = 1;
	}
	free(a);
	free(b);
}

int
main(void)
{
	static const int sizes[][2] = { { 1, 1 }, { 2, 3 }, { 7, 5 },
	    { 16, 12 }, { 33, 17 } };
	im2col_fn *ref_im2col = darknet("im2col_cpu");
	gemm_fn *ref_gemm = darknet("gemm");
	activate_fn *ref_act = darknet("activate_array");
	int s, ks, st, pad, ta, tb, checks = 0;

	kernels_init(0);
	srand(7);
	for (s = 0; s < 5; s++)
		for (ks = 1; ks <= 5; ks += 2)
			for (st = 1; st <= 3; st++)
				for (pad = 0; pad <= 3; pad++, checks++)
					check_im2col(ref_im2col, 3, sizes[s][1],
					    sizes[s][0], ks, st, pad);
	for (ta = 0; ta < 2; ta++)
		for (tb = 0; tb < 2; tb++) {
			check_gemm(ref_gemm, ta, tb, 1, 1, 1, 1, 0);
			check_gemm(ref_gemm, ta, tb, 16, 300, 27, 1, 1);
			check_gemm(ref_gemm, ta, tb, 33, 17, 129, 0.5, 0.25);
			checks += 3;
		}
	check_activate(ref_act, LEAKY, "leaky");
	check_activate(ref_act, LINEAR, "linear");
	check_activate(ref_act, LOGISTIC, "logistic");
	check_activate(ref_act, RELU, "relu");
	checks += 4;
	if (kernels_calls() == 0) {
		printf("no call ran in kernels.c: nothing was compared\n");
		failed = 1;
	}
	if (!failed)
		printf("%d checks agree, %ld calls ran in kernels.c\n", checks,
		    kernels_calls());
	return failed;
}
