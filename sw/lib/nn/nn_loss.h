/* Softmax cross-entropy loss and its gradient. */
#ifndef HQ_NN_LOSS_H
#define HQ_NN_LOSS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Index of the largest value; the lowest index wins ties (as hq_argmax_i32). */
int nn_argmax(const float *v, int n);

/* For n rows of `classes` logits: returns the summed loss -log softmax(z)[label]; writes
 * dlogits = (softmax(z) - onehot(label)) * grad_scale when dlogits is not NULL; adds the
 * number of rows whose argmax equals the label to *correct when correct is not NULL. */
double nn_softmax_xent(const float *logits, const uint8_t *labels, int n, int classes,
                       float grad_scale, float *dlogits, int *correct);

#ifdef __cplusplus
}
#endif

#endif
