/* Element-wise parameter updates; each element is independent, so the parallel loops are
 * deterministic. */
#include "nn_optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int nn_optim_init(nn_optim *o, const hq_model *m, int kind, float momentum, float weight_decay) {
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->momentum = momentum;
    o->weight_decay = weight_decay;
    o->beta1 = 0.9f;
    o->beta2 = 0.999f;
    o->eps = 1e-8f;
    o->beta1_pow = 1.0;
    o->beta2_pow = 1.0;
    for (int l = 0; l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (!L->w) continue;
        size_t nw = (size_t)L->rows * L->cols, nb = (size_t)L->rows;
        int ok = (o->m_w[l] = calloc(nw, sizeof(float))) && (o->m_b[l] = calloc(nb, sizeof(float)));
        if (ok && kind == NN_OPT_ADAM)
            ok = (o->v_w[l] = calloc(nw, sizeof(float))) && (o->v_b[l] = calloc(nb, sizeof(float)));
        if (!ok) {
            nn_optim_free(o);
            return -1;
        }
    }
    return 0;
}

static void adam_update(float *p, const float *g, float *m, float *v, long n, float b1, float b2,
                        float step, float eps, float decay, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && n > 65536)
    for (long i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        p[i] -= step * m[i] / (sqrtf(v[i]) + eps) + decay * p[i];
    }
}

static void sgd_update(float *p, const float *g, float *vel, long n, float mu, float lr, float l2,
                       int threads) {
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && n > 65536)
    for (long i = 0; i < n; i++) {
        vel[i] = mu * vel[i] + g[i] + l2 * p[i];
        p[i] -= lr * vel[i];
    }
}

void nn_optim_step(nn_optim *o, hq_model *m, float *const *gw, float *const *gb, float lr,
                   int threads) {
    if (o->kind == NN_OPT_ADAM) {
        o->beta1_pow *= o->beta1;
        o->beta2_pow *= o->beta2;
    }
    /* Adam folds its bias correction into the step size (Kingma & Ba, section 2). */
    float step = (float)(lr * sqrt(1.0 - o->beta2_pow) / (1.0 - o->beta1_pow));
    for (int l = 0; l < m->n_layers; l++) {
        hq_layer *L = &m->layers[l];
        if (!L->w) continue;
        long nw = (long)L->rows * L->cols;
        if (o->kind == NN_OPT_ADAM) {
            adam_update(L->w, gw[l], o->m_w[l], o->v_w[l], nw, o->beta1, o->beta2, step, o->eps,
                        lr * o->weight_decay, threads);
            adam_update(L->b, gb[l], o->m_b[l], o->v_b[l], L->rows, o->beta1, o->beta2, step,
                        o->eps, 0.0f, threads);
        } else {
            sgd_update(L->w, gw[l], o->m_w[l], nw, o->momentum, lr, o->weight_decay, threads);
            sgd_update(L->b, gb[l], o->m_b[l], L->rows, o->momentum, lr, 0.0f, threads);
        }
    }
}

void nn_optim_free(nn_optim *o) {
    for (int l = 0; l < HQ_MAX_LAYERS; l++) {
        free(o->m_w[l]);
        free(o->m_b[l]);
        free(o->v_w[l]);
        free(o->v_b[l]);
    }
    memset(o, 0, sizeof *o);
}
