/* Float forward passes of the operators of docs/arith.md section 7a (grouped/depthwise conv,
 * pooling with stride and padding, average and global average pooling, residual add). They
 * serve float evaluation and calibration; the trainer does not train through them. */
#ifndef HQ_NN_OPS_H
#define HQ_NN_OPS_H

#include "hq_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The activation of a layer: ReLU (relu 1), ReLU6 (relu 2) or none, in place. */
void nn_activate(float *y, long count, int relu);

/* Grouped conv (groups > 1) of n images; col: scratch of out.h*out.w*cols floats.
 * Returns 0, or -1 when out of memory. */
int nn_conv_grouped_forward(const hq_layer *L, const float *w, const float *x, float *col, float *y,
                            int n, int threads);

/* Max pooling (any stride and padding; outside positions ignored), average pooling and
 * global average pooling. */
void nn_pool_forward(const hq_layer *L, const float *x, float *y, int n);

/* y = a + b, then the layer's activation. */
void nn_add_forward(const hq_layer *L, const float *a, const float *b, float *y, int n);

#ifdef __cplusplus
}
#endif

#endif
