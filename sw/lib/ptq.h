/* Post-training quantization building blocks and the uniform policy.
 *
 * Every quantizer (uniform here, heterogeneous in sw/lib/quant/) goes through the same steps:
 *   1. hq_ptq_calibrate: activation scales of every layer from float activations on a
 *      calibration set (in_act_scale / out_act_scale of each hq_layer);
 *   2. the policy chooses, per weighted layer, the high-grid weights q->w (effective weights:
 *      low-precision ones already shifted by lo_shift), q->w_scale, and is_hi/lo_shift;
 *      hq_ptq_weight_scales and hq_ptq_round_weight help with that;
 *   3. hq_ptq_finalize_layer derives the integer bias and the requantization (mult, shift)
 *      of each row from the float bias and the three scales (docs/arith.md, "Deriving the
 *      integer parameters").
 * The classifier (last) layer must use one w_scale for all rows: its int32 accumulators are
 * the logits and are compared directly by argmax. */
#ifndef HQ_PTQ_H
#define HQ_PTQ_H

#include "dataset.h"
#include "hq_model.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int n_images;      /* calibration images: the first n of the set given (default 1000) */
    double percentile; /* clip each hidden layer's activations at this percentile of its
                          values (100 = the maximum); default HQ_CALIB_DEFAULT_PERCENTILE */
    int verbose;       /* 1: one line per calibrated layer on stderr */
} hq_calib_opts;

#define HQ_CALIB_DEFAULT_IMAGES 1000
#define HQ_CALIB_DEFAULT_PERCENTILE 99.99

void hq_calib_opts_default(hq_calib_opts *o);

/* Sets in_act_scale and out_act_scale of every layer of the float model m: the input is
 * 1/255, a hidden weighted layer's output is clip / 255 with clip the chosen percentile of its
 * float (post-ReLU) outputs over the calibration images, a maxpool keeps its input's scale,
 * the last layer's output scale is 0 (its accumulators are the logits). Needs the float
 * forward pass (hq_forward_float_batch, train.h). Returns 0 or -1 with a message. */
int hq_ptq_calibrate(hq_model *m, const hq_dataset *calib, const hq_calib_opts *o, char *err,
                     size_t errlen);

/* Symmetric weight scales of a weighted layer: w_scale[r] = max_c |w[r][c]| / qmax per row,
 * or the maximum over all rows when per_tensor (required for the last layer). An all-zero
 * row gets the scale 1 / qmax (any positive value works for it). */
void hq_ptq_weight_scales(const hq_layer *L, int qmax, int per_tensor, float *w_scale);

/* round(w / scale) to nearest, ties away from zero, clamped to [-qmax, qmax]. */
int hq_ptq_round_weight(float w, float scale, int qmax);

/* Real multiplier -> (mult, shift) with real ~= mult * 2^-shift, mult normalised into
 * [2^30, 2^31) and shift in [0, 62]. A multiplier too small for shift 62 keeps shift 62 and a
 * rounded-down (denormal) mult; one >= 2^31 cannot be represented: returns -1. */
int hq_requant_params(double real, int32_t *mult, int *shift);

/* Given q->w, q->w_scale and the layer's activation scales, writes q->bias (round(b /
 * (in_act_scale * w_scale)), ties away from zero, saturated to int32; 0 without float bias)
 * and q->rq_mult/q->rq_shift (from in_act_scale * w_scale / out_act_scale; 0/0 for the last
 * layer). Returns 0, or -1 with a message naming the layer and row. */
int hq_ptq_finalize_layer(hq_layer *L, int li, int last, char *err, size_t errlen);

/* The uniform policy: calibrate on calib (o NULL: defaults), then every weighted layer gets
 * per-row symmetric scales (per-tensor for the
 * last layer) on a `bits`-bit grid (qmax = 2^(bits-1) - 1), lo_bits 0, hi_bits = bits.
 * m keeps its float parameters; m->policy becomes "uniform<bits>". */
int hq_ptq_uniform(hq_model *m, const hq_dataset *calib, int bits, const hq_calib_opts *o,
                   char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
