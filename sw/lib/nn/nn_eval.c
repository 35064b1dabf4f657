/* Float inference: hq_eval_float and hq_forward_float_batch. Batches are processed in chunks
 * so that memory stays bounded for any n. */
#include "nn_layers.h"
#include "nn_loss.h"
#include "nn_net.h"
#include "train.h"

#include <omp.h>
#include <string.h>

#define EVAL_CHUNK 256

static void model_weights(const hq_model *m, const float *w[HQ_MAX_LAYERS]) {
    for (int l = 0; l < m->n_layers; l++)
        w[l] = m->layers[l].w;
}

int hq_eval_float(const hq_model *m, const hq_dataset *d, int n, int *preds) {
    if (!m || !d || !d->images || !d->labels || nn_model_check(m, NULL, 0)) return -1;
    if (d->rows * d->cols != nn_shape_size(m->input)) return -1;
    if (n <= 0 || n > d->n) n = d->n;
    nn_net net;
    int cap = n < EVAL_CHUNK ? n : EVAL_CHUNK;
    if (cap < 1) return 0;
    if (nn_net_alloc(&net, m, cap, 0, omp_get_max_threads())) return -1;
    const float *w[HQ_MAX_LAYERS];
    model_weights(m, w);
    const int last = m->n_layers - 1;
    const long img_size = nn_shape_size(m->input);
    int correct = 0;
    for (int b0 = 0; b0 < n; b0 += cap) {
        int bn = n - b0 < cap ? n - b0 : cap;
        nn_net_load_images(&net, m, d->images + (long)b0 * img_size, NULL, bn);
        if (nn_net_forward(&net, m, w, bn, last)) {
            correct = -1; /* out of memory */
            break;
        }
        for (int i = 0; i < bn; i++) {
            int p = nn_argmax(net.act[last] + (long)i * m->n_classes, m->n_classes);
            if (preds) preds[b0 + i] = p;
            correct += p == d->labels[b0 + i];
        }
    }
    nn_net_free(&net);
    return correct;
}

int hq_forward_float_batch(const hq_model *m, const uint8_t *images, int n, int upto,
                           float **acts) {
    if (!m || !images || n < 0 || !acts || nn_model_check(m, NULL, 0) || upto < 0 ||
        upto >= m->n_layers)
        return -1;
    if (n == 0) return 0;
    nn_net net;
    int cap = n < EVAL_CHUNK ? n : EVAL_CHUNK;
    if (nn_net_alloc(&net, m, cap, 0, omp_get_max_threads())) return -1;
    const float *w[HQ_MAX_LAYERS];
    model_weights(m, w);
    const long img_size = nn_shape_size(m->input);
    for (int b0 = 0; b0 < n; b0 += cap) {
        int bn = n - b0 < cap ? n - b0 : cap;
        nn_net_load_images(&net, m, images + (long)b0 * img_size, NULL, bn);
        if (nn_net_forward(&net, m, w, bn, upto)) {
            nn_net_free(&net);
            return -1; /* out of memory */
        }
        for (int l = 0; l <= upto; l++) {
            if (!acts[l]) continue;
            long size = nn_shape_size(m->layers[l].out);
            memcpy(acts[l] + (long)b0 * size, net.act[l], sizeof(float) * (size_t)(bn * size));
        }
    }
    nn_net_free(&net);
    return 0;
}
