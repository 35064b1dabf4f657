/* Float forward passes of the operators of docs/arith.md section 7a. */
#include "nn_ops.h"

#include "nn_gemm.h"
#include "nn_layers.h"

#include <float.h>
#include <string.h>

void nn_activate(float *y, long count, int relu) {
    if (!relu) return;
    for (long i = 0; i < count; i++) {
        float v = y[i] < 0.0f ? 0.0f : y[i];
        y[i] = relu == 2 && v > 6.0f ? 6.0f : v;
    }
}

int nn_conv_grouped_forward(const hq_layer *L, const float *w, const float *x, float *col, float *y,
                            int n, int threads) {
    const int g = hq_layer_groups(L), Cg = L->in.c / g, Rg = L->rows / g, k = L->k;
    const int H = L->in.h, W = L->in.w, OH = L->out.h, OW = L->out.w, K = L->cols;
    const long in_size = nn_shape_size(L->in), out_size = nn_shape_size(L->out);
    for (int img = 0; img < n; img++) {
        const float *xi = x + img * in_size;
        float *yi = y + img * out_size;
        for (int grp = 0; grp < g; grp++) {
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            int iy = oy * L->stride - L->pad + ky,
                                ix = ox * L->stride - L->pad + kx;
                            float *dst = col + ((long)oy * OW + ox) * K + (ky * k + kx) * Cg;
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                                memset(dst, 0, sizeof(float) * Cg);
                            else
                                memcpy(dst, xi + ((long)iy * W + ix) * L->in.c + grp * Cg,
                                       sizeof(float) * Cg);
                        }
            if (nn_gemm(0, 1, OH * OW, Rg, K, col, K, w + (long)grp * Rg * K, K, yi + grp * Rg,
                        L->rows, 0, threads))
                return -1;
        }
        for (long p = 0; p < (long)OH * OW; p++)
            for (int r = 0; r < L->rows; r++)
                yi[p * L->rows + r] += L->b[r];
    }
    nn_activate(y, n * out_size, L->relu);
    return 0;
}

void nn_pool_forward(const hq_layer *L, const float *x, float *y, int n) {
    const int C = L->in.c, H = L->in.h, W = L->in.w, gap = L->kind == HQ_LAYER_GAP;
    const int kh = gap ? H : L->k, kw = gap ? W : L->k;
    const int s = gap ? 1 : L->stride, pad = gap ? 0 : L->pad;
    const long in_size = nn_shape_size(L->in), out_size = nn_shape_size(L->out);
    for (int img = 0; img < n; img++)
        for (int oy = 0; oy < L->out.h; oy++)
            for (int ox = 0; ox < L->out.w; ox++)
                for (int c = 0; c < C; c++) {
                    float best = -FLT_MAX;
                    double sum = 0;
                    int inside = 0;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * s - pad + ky, ix = ox * s - pad + kx;
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                            float v = x[img * in_size + ((long)iy * W + ix) * C + c];
                            best = v > best ? v : best;
                            sum += v;
                            inside++;
                        }
                    int d = L->kind == HQ_LAYER_AVGPOOL && L->count_pad ? kh * kw : inside;
                    y[img * out_size + ((long)oy * L->out.w + ox) * C + c] =
                        L->kind == HQ_LAYER_MAXPOOL ? best : (float)(sum / d);
                }
}

void nn_add_forward(const hq_layer *L, const float *a, const float *b, float *y, int n) {
    long count = (long)n * nn_shape_size(L->out);
    for (long i = 0; i < count; i++)
        y[i] = a[i] + b[i];
    nn_activate(y, count, L->relu);
}
