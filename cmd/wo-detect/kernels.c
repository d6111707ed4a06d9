/* kernels.c: faster inner loops for Darknet's forward pass. */
/*
 * libdarknet calls its matrix product (gemm, gemm_cpu), im2col_cpu and
 * activate_array through the dynamic linker, so the definitions of those
 * names here, in the executable, are the ones its layers run.  Darknet
 * still parses the model, loads the weights, runs each layer, decodes the
 * yolo boxes and suppresses overlaps; only these loops change.  Darknet's
 * own are plain C, one element at a time (im2col even calls a function a
 * pixel), and took three quarters of wo-detect's time: the matrix product
 * here is OpenBLAS's, im2col copies a row at a time, and the leaky
 * activation works four values at a time.  Darknet's other loops (batch
 * normalization, biases, clearing and copying buffers) are compiled well
 * enough already: versions here were no faster.
 *
 * im2col and the activations give Darknet's results bit for bit; the
 * matrix product adds in another order, so its sums differ in the last
 * bits, as they would with any BLAS.  After kernels_init(1) each call
 * goes to Darknet's own definition, found with dlsym(RTLD_NEXT):
 * wo-detect --darknet-kernels, for checking one against the other.
 * kernels_init runs before any network is loaded.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <cblas.h>
#include <darknet.h>

#include "wo.h"
#include "detect.h"

typedef void gemm_fn(int, int, int, int, int, float, float *, int, float *,
    int, float, float *, int);
typedef void im2col_fn(float *, int, int, int, int, int, int, float *);
typedef void activate_fn(float *, const int, const ACTIVATION);

/* From OpenBLAS; cblas.h declares it only in OpenBLAS's own copy. */
void	 openblas_set_num_threads(int);

/* Prototypes for the names libdarknet calls; darknet.h declares only some. */
void	 gemm(int, int, int, int, int, float, float *, int, float *, int,
	    float, float *, int);
void	 gemm_cpu(int, int, int, int, int, float, float *, int, float *, int,
	    float, float *, int);
void	 im2col_cpu(float *, int, int, int, int, int, int, float *);
void	 activate_array(float *, const int, const ACTIVATION);

static struct {
	int		 darknet;	/* send every call to Darknet's own */
	gemm_fn		*gemm, *gemm_cpu;
	im2col_fn	*im2col;
	activate_fn	*activate;
	atomic_long	 calls;		/* calls that ran the loops here */
} k;

static void *
next(const char *name)
{
	void *p;

	if ((p = dlsym(RTLD_NEXT, name)) == NULL)
		wo_die(1, "libdarknet has no %s: %s", name, dlerror());
	return p;
}

/*
 * Finds Darknet's own definitions, and keeps OpenBLAS to the calling
 * thread: wo-detect already runs one network per core, and a product
 * split over threads already busy would only wait for them.
 */
void
kernels_init(int use_darknet)
{
	k.darknet = use_darknet;
	k.gemm = next("gemm");
	k.gemm_cpu = next("gemm_cpu");
	k.im2col = next("im2col_cpu");
	k.activate = next("activate_array");
	openblas_set_num_threads(1);
}

/* Calls that ran here rather than in Darknet: 0 means not interposed. */
long
kernels_calls(void)
{
	return atomic_load(&k.calls);
}

/* C = alpha A B + beta C, row-major, A or B transposed when ta or tb. */
static void
product(int ta, int tb, int m, int n, int kk, float alpha, float *a,
    int lda, float *b, int ldb, float beta, float *c, int ldc)
{
	atomic_fetch_add_explicit(&k.calls, 1, memory_order_relaxed);
	cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
	    tb ? CblasTrans : CblasNoTrans, m, n, kk, alpha, a, lda, b, ldb,
	    beta, c, ldc);
}

void
gemm(int ta, int tb, int m, int n, int kk, float alpha, float *a, int lda,
    float *b, int ldb, float beta, float *c, int ldc)
{
	if (k.darknet)
		k.gemm(ta, tb, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
	else
		product(ta, tb, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
}

void
gemm_cpu(int ta, int tb, int m, int n, int kk, float alpha, float *a,
    int lda, float *b, int ldb, float beta, float *c, int ldc)
{
	if (k.darknet)
		k.gemm_cpu(ta, tb, m, n, kk, alpha, a, lda, b, ldb, beta, c,
		    ldc);
	else
		product(ta, tb, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
}

/*
 * Lays out each ksize x ksize window of the image as a column, so that a
 * convolution is one matrix product: row (c, ky, kx) of col holds, for
 * each output position, the input pixel that filter tap sees, 0 outside
 * the image.  Darknet's layout, a row of output at a time.
 */
void
im2col_cpu(float *im, int channels, int height, int width, int ksize,
    int stride, int pad, float *col)
{
	int hc = (height + 2 * pad - ksize) / stride + 1;
	int wc = (width + 2 * pad - ksize) / stride + 1;
	int r, kx, ky, ch, h, w, w0, w1, x0;
	const float *src, *row;
	float *dst;

	if (k.darknet) {
		k.im2col(im, channels, height, width, ksize, stride, pad, col);
		return;
	}
	atomic_fetch_add_explicit(&k.calls, 1, memory_order_relaxed);
	for (r = 0; r < channels * ksize * ksize; r++) {
		kx = r % ksize;
		ky = r / ksize % ksize;
		ch = r / ksize / ksize;
		src = im + (size_t)ch * height * width;
		dst = col + (size_t)r * hc * wc;
		/* Output columns w read input column x0 + w * stride. */
		x0 = kx - pad;
		w0 = x0 >= 0 ? 0 : (-x0 + stride - 1) / stride;
		w1 = width - x0 <= 0 ? 0 : (width - x0 + stride - 1) / stride;
		if (w0 > wc)
			w0 = wc;
		if (w1 > wc)
			w1 = wc;
		if (w1 < w0)
			w1 = w0;
		for (h = 0; h < hc; h++, dst += wc) {
			int y = ky + h * stride - pad;

			if (y < 0 || y >= height) {
				memset(dst, 0, wc * sizeof(*dst));
				continue;
			}
			row = src + (size_t)y * width + x0;
			for (w = 0; w < w0; w++)
				dst[w] = 0;
			if (stride == 1)
				memcpy(dst + w0, row + w0,
				    (w1 - w0) * sizeof(*dst));
			else
				for (w = w0; w < w1; w++)
					dst[w] = row[w * stride];
			for (w = w1; w < wc; w++)
				dst[w] = 0;
		}
	}
}

/*
 * The activations wo-detect's models use, with Darknet's arithmetic (its
 * 0.1 and 1.0 are doubles); any other goes to Darknet.
 */
void
activate_array(float *x, const int n, const ACTIVATION a)
{
	int i;

	if (k.darknet || (a != LEAKY && a != LINEAR && a != LOGISTIC)) {
		k.activate(x, n, a);
		return;
	}
	atomic_fetch_add_explicit(&k.calls, 1, memory_order_relaxed);
	if (a == LEAKY) {
		i = 0;
#ifdef __SSE2__
		/*
		 * Four at a time: 0.1 v rounded to float is below v when v is
		 * above 0 and above it when v is below, so the larger of the
		 * two is leaky(v), -0 and NaN included (maxps gives its
		 * second operand for those).  The compiler leaves the plain
		 * loop scalar, with a branch that the signs make hard to guess.
		 */
		const __m128d tenth = _mm_set1_pd(0.1);

		for (; i + 4 <= n; i += 4) {
			__m128 v = _mm_loadu_ps(x + i);
			__m128 lo = _mm_cvtpd_ps(_mm_mul_pd(_mm_cvtps_pd(v),
			    tenth));
			__m128 hi = _mm_cvtpd_ps(_mm_mul_pd(_mm_cvtps_pd(
			    _mm_movehl_ps(v, v)), tenth));

			_mm_storeu_ps(x + i, _mm_max_ps(v, _mm_movelh_ps(lo,
			    hi)));
		}
#endif
		for (; i < n; i++)
			x[i] = x[i] > 0 ? x[i] : 0.1 * x[i];
	} else if (a == LOGISTIC) {
		for (i = 0; i < n; i++)
			x[i] = 1. / (1. + exp(-x[i]));
	}
}
