/* A float network over an hq_model: shape checks, the per-batch buffers, and the forward and
 * backward passes through all layers. */
#ifndef HQ_NN_NET_H
#define HQ_NN_NET_H

#include "hq_model.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int cap; /* batch capacity */
    int threads;
    int training;                   /* 1: gradient buffers allocated */
    float *x;                       /* input batch, cap x input size, pixel / 255 */
    float *act[HQ_MAX_LAYERS];      /* each layer's output (after ReLU), cap x out size */
    float *dact[HQ_MAX_LAYERS];     /* gradient w.r.t. each layer's output (training) */
    float *col[HQ_MAX_LAYERS];      /* im2col of each conv layer's input */
    float *dcol;                    /* scratch for a conv's input gradient (training) */
    int32_t *argmax[HQ_MAX_LAYERS]; /* maxpool winners */
    float *gw[HQ_MAX_LAYERS];       /* weight gradients (training) */
    float *gb[HQ_MAX_LAYERS];       /* bias gradients (training) */
} nn_net;

/* Checks that m is a well-formed float network (consistent shapes, weights present, last
 * layer weighted with n_classes outputs). Returns 0, or -1 with a message in err. */
int nn_model_check(const hq_model *m, char *err, size_t errlen);

/* Allocates the buffers for batches of up to cap samples. Returns 0, or -1 (out of memory). */
int nn_net_alloc(nn_net *net, const hq_model *m, int cap, int training, int threads);
void nn_net_free(nn_net *net);

/* Loads n images (uint8 pixels, HWC) into net->x as pixel / 255; idx selects the images
 * (NULL: the first n). */
void nn_net_load_images(nn_net *net, const hq_model *m, const uint8_t *images, const int *idx,
                        int n);

/* Forward of layers 0..upto (inclusive) using weights w[l] (NULL entries for maxpool).
 * Returns 0, or -1 when out of memory (the activations are then incomplete). */
int nn_net_forward(nn_net *net, const hq_model *m, const float *const *w, int n, int upto);
/* Backward through every layer; net->dact[last] must hold the loss gradient. Fills gw/gb.
 * Returns 0, or -1 when out of memory. */
int nn_net_backward(nn_net *net, const hq_model *m, const float *const *w, int n);

#ifdef __cplusplus
}
#endif

#endif
