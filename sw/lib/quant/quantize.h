/* Model-level quantization with a policy (policy.h): post-training quantization, optionally
 * preceded by quantization-aware training (QAT) through the trainer's fake_quant hook.
 * Integer parameters (bias, requantization) come from ptq.h, so every policy shares one
 * derivation. */
#ifndef HQ_QUANT_QUANTIZE_H
#define HQ_QUANT_QUANTIZE_H

#include "dataset.h"
#include "hq_model.h"
#include "quant/policy.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int calib_images;        /* activation calibration and saliency statistics (default 1000) */
    double percentile;       /* activation clipping percentile; 0 = ptq.h default */
    int qat_epochs;          /* 0: PTQ only */
    float qat_lr;            /* 0: the trainer's default learning rate / 10 */
    int qat_limit;           /* >0: QAT on the first qat_limit training images (tests) */
    unsigned long long seed; /* QAT shuffling */
    int threads;             /* 0: all cores */
    int verbose;             /* progress lines on stderr */
} hq_quant_opts;

void hq_quant_opts_default(hq_quant_opts *o);

/* Quantizes the float model m in place with the policy text spec (kept in m->policy):
 * QAT first if o->qat_epochs > 0 (m's float weights become the fine-tuned latent weights),
 * then per weighted layer the quantizer of quantizer.h, activation calibration on the first
 * calib_images images of train (with the quantized weights in the float forward) and
 * hq_ptq_finalize_layer. Returns 0, or -1 with a message. */
int hq_quantize_model(hq_model *m, const char *spec, const hq_dataset *train,
                      const hq_quant_opts *o, char *err, size_t errlen);

/* E[x_j^2] of every input column j of every weighted layer over the first n images of d
 * (a conv's column is its im2col index, zero padding included). energy[l] is a malloc'd
 * array of layer l's cols (NULL for other layers); free with hq_col_energy_free. */
int hq_col_energy(const hq_model *m, const hq_dataset *d, int n, float *energy[HQ_MAX_LAYERS],
                  char *err, size_t errlen);
void hq_col_energy_free(float *energy[HQ_MAX_LAYERS]);

/* Number of weighted (dense or conv) layers, and the weighted index of layer li (-1 if
 * li is not weighted). */
int hq_n_weighted(const hq_model *m);
int hq_weighted_index(const hq_model *m, int li);

#ifdef __cplusplus
}
#endif

#endif
