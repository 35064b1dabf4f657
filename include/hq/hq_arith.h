/* The HQSim arithmetic contract, in code. docs/arith.md is the normative text; the
 * C reference, the SystemC model and the RTL all compute exactly this.
 *
 *  - activations: uint8 codes a, real value = act_scale * a (zero point 0; the input is the
 *    raw pixel with scale 1/255); a hidden layer without ReLU gives int8 codes instead
 *    (docs/arith.md sections 7a and 7b: the signed modes, the ReLU6 clamp);
 *  - weights: per output channel (row) r, real value = w_scale[r] * w, w an integer on the
 *    "high grid" of that row (int8: [-127, 127]; int4: [-7, 7]);
 *  - a low-precision weight holds a signed code c of lo bits and sits on a power-of-two
 *    sub-grid of its row's high grid: its value on the high grid is c << lo_shift[r];
 *  - accumulation in int32; the low and high partial sums of one output merge as
 *        acc = (acc_lo << lo_shift[r]) + acc_hi + bias[r]
 *    which is identical to summing the effective weights directly;
 *  - requantization: y = clamp((acc * mult + 2^(shift-1)) >> shift, 0, 255) with a 64-bit
 *    product, arithmetic shift (floor) and therefore round-half-up; mult in [0, 2^31),
 *    shift in [0, 62]; shift 0 means no rounding term. ReLU is the lower clamp at 0; the
 *    clamp is [0, q6] with ReLU6 and [-128, 127] without ReLU (hq_requant_clamp).
 *  - the last layer keeps its int32 accumulators (logits); the prediction is the index of the
 *    largest, the lowest index on ties.
 */
#ifndef HQ_ARITH_H
#define HQ_ARITH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HQ_RQ_MAX_SHIFT 62

/* Requantize one int32 accumulator (bias already added) to a uint8 activation, with ReLU. */
static inline uint8_t hq_requant_relu(int32_t acc, int32_t mult, int shift) {
    int64_t p = (int64_t)acc * (int64_t)mult;
    if (shift > 0) p = (p + ((int64_t)1 << (shift - 1))) >> shift;
    if (p < 0) return 0;
    if (p > 255) return 255;
    return (uint8_t)p;
}

/* The same rounding with the clamp [lo, hi] (docs/arith.md 7a/7b): ReLU [0, 255], ReLU6
 * [0, q6], no ReLU [-128, 127] (int8). */
static inline int hq_requant_clamp(int32_t acc, int32_t mult, int shift, int lo, int hi) {
    int64_t p = (int64_t)acc * (int64_t)mult;
    if (shift > 0) p = (p + ((int64_t)1 << (shift - 1))) >> shift;
    return p < lo ? lo : p > hi ? hi : (int)p;
}

/* Merge a low-precision and a high-precision partial sum of one output channel. */
static inline int32_t hq_merge_partials(int32_t acc_lo, int32_t acc_hi, int lo_shift) {
    return (int32_t)((uint32_t)acc_lo << lo_shift) + acc_hi;
}

/* Index of the largest logit; the lowest index wins ties. */
static inline int hq_argmax_i32(const int32_t *v, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best]) best = i;
    return best;
}

#ifdef __cplusplus
}
#endif

#endif
