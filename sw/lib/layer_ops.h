/* Derived properties of the graph layers and operators of docs/arith.md section 7a, shared by
 * the reader's checks, the quantizer, the integer reference and the firmware planner. */
#ifndef HQ_LAYER_OPS_H
#define HQ_LAYER_OPS_H

#include "hq_model.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if the output of layer j holds int8 codes (a weighted layer or add without ReLU that is
 * not the classifier, or a pooling layer of a signed input); 0 for uint8 and for j = -1. */
int hq_act_signed(const hq_model *m, int j);

/* The code of 6.0 for a ReLU6 output of scale s: min(255, floor(6 / s + 1/2)). */
int hq_relu6_code(float out_act_scale);

/* The clamp [lo, hi] of the requantized output of layer i (weighted or add, not the last):
 * ReLU [0, 255], ReLU6 [0, q6], none [-128, 127]. */
void hq_act_clamp(const hq_layer *l, int *lo, int *hi);

/* The residual add's multipliers (docs/arith.md section 7a) for operand scales sa, sb and
 * output scale sy. Returns 0, or -1 when a scale is not positive and finite or a multiplier
 * cannot be represented (max(sa, sb) / sy >= 2^31). */
int hq_add_params(float sa, float sb, float sy, int32_t *mult_a, int32_t *mult_b, int *shift);

/* A depthwise conv with channel multiplier 1 (groups = input channels = output channels). */
int hq_layer_is_depthwise(const hq_layer *l);

/* hq_layer_accel_check's flags: the planner runs a depthwise conv (hq_layer_is_depthwise) on
 * the array as block-diagonal convs over channel groups (docs/accel.md, Depthwise convs),
 * unless its low weights are binary (no code for the zeros off the diagonal). */
enum { HQ_ACCEL_CHECK_DEPTHWISE = 1 };

/* 0 if layer i of m runs on the accelerator's units (dense, conv without groups, with uint8 or
 * int8 input and ReLU, ReLU6 (clamp > 0) or int8 output; maxpool of uint8 input with stride =
 * window and no padding; with HQ_ACCEL_CHECK_DEPTHWISE also a depthwise conv); else -1 with
 * the reason: the firmware's CPU fallback runs it (docs/accel.md, CPU fallback). */
int hq_layer_accel_check(const hq_model *m, int i, int flags, char *why, size_t whylen);

/* One element of the residual add: clamp((a*ma + b*mb + 2^(shift-1)) >> shift, lo, hi). */
static inline int hq_add_requant(int a, int b, int32_t ma, int32_t mb, int shift, int lo, int hi) {
    int64_t p = (int64_t)a * ma + (int64_t)b * mb;
    if (shift > 0) p = (p + ((int64_t)1 << (shift - 1))) >> shift;
    return p < lo ? lo : p > hi ? hi : (int)p;
}

/* The rounded mean of docs/arith.md section 7a: floor((2*sum + d) / (2*d)), d > 0. */
static inline int hq_avg_round(int32_t sum, int32_t d) {
    int64_t num = 2 * (int64_t)sum + d, den = 2 * (int64_t)d;
    int64_t q = num / den;
    if (num % den != 0 && num < 0) q--; /* floor, not truncation */
    return (int)q;
}

#ifdef __cplusplus
}
#endif

#endif
