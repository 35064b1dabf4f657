/* Forward and backward passes of single layers over a batch of n samples (float, HWC).
 * Weighted layers are GEMMs: y[n*positions][rows] = x_col[n*positions][cols] * w^T + b. The
 * caller passes the weights to use (the float w, or its fake-quantized copy during QAT). */
#ifndef HQ_NN_LAYERS_H
#define HQ_NN_LAYERS_H

#include "hq_model.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline int nn_shape_size(hq_shape s) {
    return s.c * s.h * s.w;
}

/* Output positions of a layer per sample (1 for dense, OH*OW for conv). */
static inline int nn_positions(const hq_layer *L) {
    return L->kind == HQ_LAYER_CONV ? L->out.h * L->out.w : 1;
}

/* The weighted layers return 0, or -1 when out of memory (nn_gemm). */

/* y = x * w^T + b, then ReLU if L->relu. x: n x cols, y: n x rows. */
int nn_dense_forward(const hq_layer *L, const float *w, const float *x, float *y, int n,
                     int threads);
/* dy: gradient w.r.t. the layer output (ReLU already applied by nn_relu_backward).
 * Writes dw (rows x cols) and db (rows), and dx (n x cols) unless dx is NULL. */
int nn_dense_backward(const hq_layer *L, const float *w, const float *x, const float *dy, float *dx,
                      float *dw, float *db, int n, int threads);

/* im2col over HWC input: col[n*OH*OW][k*k*in.c], K index (ky*k + kx)*in.c + c. */
void nn_im2col(const hq_layer *L, const float *x, float *col, int n, int threads);
/* Conv forward through im2col into col (kept for the backward pass); y is n x OH x OW x rows. */
int nn_conv_forward(const hq_layer *L, const float *w, const float *x, float *col, float *y, int n,
                    int threads);
/* col: the im2col of the forward pass; dcol: scratch of the same size (only with dx). */
int nn_conv_backward(const hq_layer *L, const float *w, const float *col, const float *dy,
                     float *dcol, float *dx, float *dw, float *db, int n, int threads);

/* Max over k x k windows with stride k; argmax[n*out] receives the input index (within a
 * sample) of each maximum, the first in scan order on ties. */
void nn_maxpool_forward(const hq_layer *L, const float *x, float *y, int32_t *argmax, int n,
                        int threads);
void nn_maxpool_backward(const hq_layer *L, const float *dy, const int32_t *argmax, float *dx,
                         int n, int threads);

/* dy[i] = 0 where the ReLU output y[i] was not positive. */
void nn_relu_backward(const float *y, float *dy, long count);

#ifdef __cplusplus
}
#endif

#endif
