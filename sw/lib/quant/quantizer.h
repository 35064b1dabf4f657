/* Weight quantization of one layer under a policy: the uniform baselines and the
 * heterogeneous low+high scheme of hq_arith.h (low code c worth c << lo_shift[r] on the row's
 * high grid, high weights on the grid itself). Deterministic; no global state. */
#ifndef HQ_QUANT_QUANTIZER_H
#define HQ_QUANT_QUANTIZER_H

#include "hq_model.h"
#include "quant/policy.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Quantizes the float weights w [rows][cols] into q (allocated by hq_qlayer_alloc of container.h
 * with lo/hi bits hq_quant_lo_bits(lp), hq_quant_hi_bits(lp)). col_energy[j] is
 * E[x_j^2] of input column j over a calibration set; it is needed for select=saliency only
 * (NULL otherwise). per_tensor = 1 gives every row the same w_scale (required for the
 * classifier layer, whose accumulators are compared directly). Fills w, is_hi, lo_shift, w_scale;
 * leaves bias/requant alone. Returns 0, or -1 with a message. */
int hq_quant_layer(const float *w, int rows, int cols, const float *col_energy,
                   const hq_layer_policy *lp, int per_tensor, hq_qlayer *q, char *err,
                   size_t errlen);
int hq_quant_lo_bits(const hq_layer_policy *lp); /* 0 for uniform8/uniform4 */
int hq_quant_hi_bits(const hq_layer_policy *lp);

/* Real value of every quantized weight: out = w_scale[r] * w (QAT forward, error studies). */
void hq_quant_dequant(const hq_qlayer *q, int rows, int cols, float *out);

/* Marks the high-precision weights: mask[i] = 1 for the chosen ones, following
 * lp->structure and lp->frac, ranking by score (higher = more deserving; ties go to the lower
 * index). Returns the number marked. Exposed for tests. */
long hq_select_high(const float *score, int rows, int cols, const hq_layer_policy *lp,
                    unsigned char *mask);

/* Largest lo_shift whose low values still fit int8 (cmax << s <= 127). */
int hq_quant_max_lo_shift(int lo_bits);

#ifdef __cplusplus
}
#endif

#endif
