/* Optimizers: Adam (decoupled weight decay, as AdamW) and SGD with momentum (L2 weight decay
 * added to the gradient). Weight decay applies to weights, never to biases. */
#ifndef HQ_NN_OPTIM_H
#define HQ_NN_OPTIM_H

#include "hq_model.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { NN_OPT_ADAM = 0, NN_OPT_SGD = 1 };

typedef struct {
    int kind;
    float momentum, weight_decay;
    float beta1, beta2, eps;
    double beta1_pow, beta2_pow;                    /* beta^t for Adam's bias correction */
    float *m_w[HQ_MAX_LAYERS], *m_b[HQ_MAX_LAYERS]; /* first moment / SGD velocity */
    float *v_w[HQ_MAX_LAYERS], *v_b[HQ_MAX_LAYERS]; /* second moment (Adam) */
} nn_optim;

/* Returns 0, or -1 when out of memory. */
int nn_optim_init(nn_optim *o, const hq_model *m, int kind, float momentum, float weight_decay);
/* One update of every weighted layer of m from the gradients gw[l], gb[l]. */
void nn_optim_step(nn_optim *o, hq_model *m, float *const *gw, float *const *gb, float lr,
                   int threads);
void nn_optim_free(nn_optim *o);

#ifdef __cplusplus
}
#endif

#endif
