/* Network construction (MLP and CNN topologies, deterministic He initialisation) and
 * hq_model_free. */
#include "hq_error.h"
#include "container.h"
#include "nn_layers.h"
#include "nn_rng.h"
#include "train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NN_MAX_WIDTH 65536

static const int default_hidden[] = {256, 128};

/* Fashion-MNIST: 28 x 28 grey images, 10 classes. */
static void init_common(hq_model *m, const char *net, float width_mult) {
    memset(m, 0, sizeof *m);
    m->input = (hq_shape){.c = 1, .h = 28, .w = 28};
    m->n_classes = 10;
    snprintf(m->net, sizeof m->net, "%s", net);
    m->width_mult = width_mult;
}

static int scaled(int base, float width_mult) {
    int v = (int)floorf((float)base * width_mult + 0.5f);
    return v < 1 ? 1 : v;
}

static hq_layer *add_dense(hq_model *m, int outputs, int relu) {
    hq_shape prev = m->n_layers ? m->layers[m->n_layers - 1].out : m->input;
    hq_layer *L = &m->layers[m->n_layers++];
    L->kind = HQ_LAYER_DENSE;
    L->in = (hq_shape){.c = nn_shape_size(prev), .h = 1, .w = 1}; /* flattened HWC */
    L->out = (hq_shape){.c = outputs, .h = 1, .w = 1};
    L->rows = outputs;
    L->cols = L->in.c;
    L->relu = relu;
    return L;
}

static hq_layer *add_conv(hq_model *m, int channels, int k, int pad) {
    hq_shape prev = m->n_layers ? m->layers[m->n_layers - 1].out : m->input;
    hq_layer *L = &m->layers[m->n_layers++];
    L->kind = HQ_LAYER_CONV;
    L->in = prev;
    L->k = k;
    L->stride = 1;
    L->pad = pad;
    L->out = (hq_shape){.c = channels,
                        .h = (prev.h + 2 * pad - k) / L->stride + 1,
                        .w = (prev.w + 2 * pad - k) / L->stride + 1};
    L->rows = channels;
    L->cols = k * k * prev.c;
    L->relu = 1;
    return L;
}

static void add_maxpool(hq_model *m, int k) {
    hq_shape prev = m->layers[m->n_layers - 1].out;
    hq_layer *L = &m->layers[m->n_layers++];
    L->kind = HQ_LAYER_MAXPOOL;
    L->in = prev;
    L->k = k;
    L->stride = k;
    L->out = (hq_shape){.c = prev.c, .h = prev.h / k, .w = prev.w / k};
}

/* He-uniform weights for layers followed by ReLU (variance 2 / fan_in), LeCun-uniform for the
 * logits layer (variance 1 / fan_in); zero biases. One PRNG stream, layer by layer. */
static int alloc_and_init(hq_model *m, unsigned long long seed, char *err, size_t errlen) {
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    for (int l = 0; l < m->n_layers; l++) {
        hq_layer *L = &m->layers[l];
        if (L->kind == HQ_LAYER_MAXPOOL) continue;
        size_t count = (size_t)L->rows * L->cols;
        L->w = malloc(sizeof(float) * count);
        L->b = calloc((size_t)L->rows, sizeof(float));
        if (!L->w || !L->b) {
            hq_model_free(m);
            return hq_errf(err, errlen, "out of memory allocating layer %d (%zu weights)", l,
                           count);
        }
        float limit = sqrtf((L->relu ? 6.0f : 3.0f) / (float)L->cols);
        for (size_t i = 0; i < count; i++)
            L->w[i] = (2.0f * nn_rng_uniform(&rng) - 1.0f) * limit;
    }
    return 0;
}

static int check_width_mult(float width_mult, char *err, size_t errlen) {
    if (!(width_mult > 0.0f && width_mult <= 64.0f)) {
        return hq_errf(err, errlen, "width_mult %g out of range (0, 64]", (double)width_mult);
    }
    return 0;
}

int hq_model_init_mlp(hq_model *m, const int *hidden, int n_hidden, float width_mult,
                      unsigned long long seed, char *err, size_t errlen) {
    if (!hidden) {
        hidden = default_hidden;
        n_hidden = 2;
    }
    if (check_width_mult(width_mult, err, errlen)) return -1;
    if (n_hidden < 0 || n_hidden > HQ_MAX_LAYERS - 1) {
        return hq_errf(err, errlen, "%d hidden layers: must be in [0, %d]", n_hidden,
                       HQ_MAX_LAYERS - 1);
    }
    for (int i = 0; i < n_hidden; i++) {
        if (hidden[i] < 1 || (float)hidden[i] * width_mult > NN_MAX_WIDTH) {
            return hq_errf(err, errlen, "hidden width %d (x %g) out of range [1, %d]", hidden[i],
                           (double)width_mult, NN_MAX_WIDTH);
        }
    }
    init_common(m, "mlp", width_mult);
    for (int i = 0; i < n_hidden; i++)
        add_dense(m, scaled(hidden[i], width_mult), 1);
    add_dense(m, m->n_classes, 0);
    return alloc_and_init(m, seed, err, errlen);
}

/* conv3x3(16)+ReLU, maxpool 2, conv3x3(32)+ReLU, maxpool 2, dense(128)+ReLU, dense(10):
 * 0.2 M parameters, 1.2 M MACs per image; channel and hidden counts scale with width_mult. */
int hq_model_init_cnn(hq_model *m, float width_mult, unsigned long long seed, char *err,
                      size_t errlen) {
    if (check_width_mult(width_mult, err, errlen)) return -1;
    if (width_mult > 8.0f) {
        return hq_errf(err, errlen, "width_mult %g too large for the CNN (at most 8)",
                       (double)width_mult);
    }
    init_common(m, "cnn", width_mult);
    add_conv(m, scaled(16, width_mult), 3, 1);
    add_maxpool(m, 2);
    add_conv(m, scaled(32, width_mult), 3, 1);
    add_maxpool(m, 2);
    add_dense(m, scaled(128, width_mult), 1);
    add_dense(m, m->n_classes, 0);
    return alloc_and_init(m, seed, err, errlen);
}

void hq_model_free(hq_model *m) {
    if (!m) return;
    for (int l = 0; l < m->n_layers && l < HQ_MAX_LAYERS; l++) {
        hq_layer *L = &m->layers[l];
        free(L->w);
        free(L->b);
        hq_qlayer_free(L->q); /* container_model.c owns the quantized layer's allocation scheme */
        L->w = L->b = NULL;
        L->q = NULL;
    }
    m->n_layers = 0;
}
