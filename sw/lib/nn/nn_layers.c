/* Layer kernels. Every parallel loop gives each output element to exactly one thread and
 * keeps the summation order fixed, so results do not depend on the thread count (dynamic
 * scheduling only changes which thread does a piece of work, not how). */
#include "nn_layers.h"

#include "nn_gemm.h"

#include <string.h>

/* Adds the bias to each row of y (n x rows) and applies ReLU if asked. */
static void bias_relu(float *y, const float *b, long n, int rows, int relu) {
    for (long i = 0; i < n; i++) {
        float *r = y + i * rows;
        for (int j = 0; j < rows; j++) {
            float v = r[j] + b[j];
            v = (relu && v < 0.0f) ? 0.0f : v;
            r[j] = (relu == 2 && v > 6.0f) ? 6.0f : v; /* ReLU6 */
        }
    }
}

/* db[j] = sum over the m rows of dy of dy[.][j], in row order. */
static void bias_grad(const float *dy, float *db, long m, int rows) {
    memset(db, 0, sizeof(float) * rows);
    for (long i = 0; i < m; i++)
        for (int j = 0; j < rows; j++)
            db[j] += dy[i * rows + j];
}

int nn_dense_forward(const hq_layer *L, const float *w, const float *x, float *y, int n,
                     int threads) {
    if (nn_gemm(0, 1, n, L->rows, L->cols, x, L->cols, w, L->cols, y, L->rows, 0, threads))
        return -1;
    bias_relu(y, L->b, n, L->rows, L->relu);
    return 0;
}

int nn_dense_backward(const hq_layer *L, const float *w, const float *x, const float *dy, float *dx,
                      float *dw, float *db, int n, int threads) {
    /* dw[rows][cols] = dy^T x;  dx[n][cols] = dy w */
    if (nn_gemm(1, 0, L->rows, L->cols, n, dy, L->rows, x, L->cols, dw, L->cols, 0, threads))
        return -1;
    bias_grad(dy, db, n, L->rows);
    if (dx && nn_gemm(0, 0, n, L->cols, L->rows, dy, L->rows, w, L->cols, dx, L->cols, 0, threads))
        return -1;
    return 0;
}

void nn_im2col(const hq_layer *L, const float *x, float *col, int n, int threads) {
    const int C = L->in.c, H = L->in.h, W = L->in.w, k = L->k, s = L->stride, pad = L->pad;
    const int OH = L->out.h, OW = L->out.w, K = L->cols;
    const long in_size = (long)C * H * W;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4) if (threads > 1 && n > 1)
    for (int img = 0; img < n; img++) {
        const float *xi = x + img * in_size;
        float *ci = col + (long)img * OH * OW * K;
        for (int oy = 0; oy < OH; oy++) {
            for (int ox = 0; ox < OW; ox++) {
                float *row = ci + ((long)oy * OW + ox) * K;
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * s - pad + ky;
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * s - pad + kx;
                        float *dst = row + (ky * k + kx) * C;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                            memset(dst, 0, sizeof(float) * C);
                        } else if (C == 1) { /* first layer: a library call per pixel is slow */
                            dst[0] = xi[(long)iy * W + ix];
                        } else {
                            memcpy(dst, xi + ((long)iy * W + ix) * C, sizeof(float) * C);
                        }
                    }
                }
            }
        }
    }
}

/* dx = col2im(dcol): every input pixel sums the patch entries that read it, image by image
 * in a fixed order. */
static void col2im(const hq_layer *L, const float *dcol, float *dx, int n, int threads) {
    const int C = L->in.c, H = L->in.h, W = L->in.w, k = L->k, s = L->stride, pad = L->pad;
    const int OH = L->out.h, OW = L->out.w, K = L->cols;
    const long in_size = (long)C * H * W;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4) if (threads > 1 && n > 1)
    for (int img = 0; img < n; img++) {
        float *xi = dx + img * in_size;
        const float *ci = dcol + (long)img * OH * OW * K;
        memset(xi, 0, sizeof(float) * in_size);
        for (int oy = 0; oy < OH; oy++) {
            for (int ox = 0; ox < OW; ox++) {
                const float *row = ci + ((long)oy * OW + ox) * K;
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * s - pad + ky;
                    if (iy < 0 || iy >= H) continue;
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * s - pad + kx;
                        if (ix < 0 || ix >= W) continue;
                        const float *src = row + (ky * k + kx) * C;
                        float *dst = xi + ((long)iy * W + ix) * C;
                        for (int c = 0; c < C; c++)
                            dst[c] += src[c];
                    }
                }
            }
        }
    }
}

int nn_conv_forward(const hq_layer *L, const float *w, const float *x, float *col, float *y, int n,
                    int threads) {
    int m = n * L->out.h * L->out.w;
    nn_im2col(L, x, col, n, threads);
    if (nn_gemm(0, 1, m, L->rows, L->cols, col, L->cols, w, L->cols, y, L->rows, 0, threads))
        return -1;
    bias_relu(y, L->b, m, L->rows, L->relu);
    return 0;
}

int nn_conv_backward(const hq_layer *L, const float *w, const float *col, const float *dy,
                     float *dcol, float *dx, float *dw, float *db, int n, int threads) {
    int m = n * L->out.h * L->out.w;
    if (nn_gemm(1, 0, L->rows, L->cols, m, dy, L->rows, col, L->cols, dw, L->cols, 0, threads))
        return -1;
    bias_grad(dy, db, m, L->rows);
    if (dx) {
        if (nn_gemm(0, 0, m, L->cols, L->rows, dy, L->rows, w, L->cols, dcol, L->cols, 0, threads))
            return -1;
        col2im(L, dcol, dx, n, threads);
    }
    return 0;
}

void nn_maxpool_forward(const hq_layer *L, const float *x, float *y, int32_t *argmax, int n,
                        int threads) {
    const int C = L->in.c, W = L->in.w, k = L->k;
    const int OH = L->out.h, OW = L->out.w;
    const long in_size = nn_shape_size(L->in), out_size = nn_shape_size(L->out);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4) if (threads > 1 && n > 1)
    for (int img = 0; img < n; img++) {
        const float *restrict xi = x + img * in_size;
        for (int oy = 0; oy < OH; oy++) {
            for (int ox = 0; ox < OW; ox++) {
                long o = img * out_size + ((long)oy * OW + ox) * C;
                float *restrict yo = y + o;
                int32_t *restrict ao = argmax + o;
                /* Channels are contiguous (HWC): scan the window pixel by pixel, comparing
                 * whole channel vectors; strict > keeps the first maximum in scan order. */
                int32_t first = ((oy * k) * W + ox * k) * C;
                for (int c = 0; c < C; c++) {
                    yo[c] = xi[first + c];
                    ao[c] = first + c;
                }
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        int32_t base = ((oy * k + ky) * W + ox * k + kx) * C;
                        const float *restrict xp = xi + base;
                        for (int c = 0; c < C; c++) { /* branch-free, so it vectorizes */
                            int32_t mask = -(int32_t)(xp[c] > yo[c]);
                            ao[c] = (ao[c] & ~mask) | ((base + c) & mask);
                            yo[c] = xp[c] > yo[c] ? xp[c] : yo[c];
                        }
                    }
                }
            }
        }
    }
}

void nn_maxpool_backward(const hq_layer *L, const float *dy, const int32_t *argmax, float *dx,
                         int n, int threads) {
    const long in_size = nn_shape_size(L->in), out_size = nn_shape_size(L->out);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4) if (threads > 1 && n > 1)
    for (int img = 0; img < n; img++) {
        float *xi = dx + img * in_size;
        memset(xi, 0, sizeof(float) * in_size);
        for (long o = 0; o < out_size; o++)
            xi[argmax[img * out_size + o]] += dy[img * out_size + o];
    }
}

void nn_relu_backward(const float *y, float *dy, long count) {
    for (long i = 0; i < count; i++)
        if (!(y[i] > 0.0f)) dy[i] = 0.0f;
}
