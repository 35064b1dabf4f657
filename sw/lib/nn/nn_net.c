/* Whole-network passes: the glue between the layer kernels and an hq_model. */
#include "hq_error.h"
#include "nn_net.h"

#include "nn_layers.h"
#include "nn_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, int layer, const char *what) {
    return hq_errf(err, errlen, "model layer %d: %s", layer, what);
}

int nn_model_check(const hq_model *m, char *err, size_t errlen) {
    if (!m) return fail(err, errlen, -1, "no model");
    if (m->n_layers < 1 || m->n_layers > HQ_MAX_LAYERS)
        return fail(err, errlen, -1, "layer count out of range [1, HQ_MAX_LAYERS]");
    if (m->input.c < 1 || m->input.h < 1 || m->input.w < 1 || m->n_classes < 2)
        return fail(err, errlen, -1, "bad input shape or class count");
    for (int l = 0; l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (L->src < 0 || L->src > l || (L->kind == HQ_LAYER_ADD && (L->src2 < 1 || L->src2 > l)))
            return fail(err, errlen, l, "source layer out of range");
        hq_shape prev = hq_model_out_shape(m, hq_layer_src(m, l));
        if (L->relu < 0 || L->relu > 2) return fail(err, errlen, l, "bad activation");
        if (L->in.c < 1 || L->in.h < 1 || L->in.w < 1 || L->out.c < 1 || L->out.h < 1 ||
            L->out.w < 1)
            return fail(err, errlen, l, "non-positive shape");
        switch (L->kind) {
        case HQ_LAYER_DENSE:
            if (nn_shape_size(L->in) != nn_shape_size(prev))
                return fail(err, errlen, l, "dense input size differs from previous output");
            if (L->out.h != 1 || L->out.w != 1 || L->rows != L->out.c ||
                L->cols != nn_shape_size(L->in))
                return fail(err, errlen, l, "dense rows/cols do not match its shapes");
            break;
        case HQ_LAYER_CONV:
            if (memcmp(&L->in, &prev, sizeof prev))
                return fail(err, errlen, l, "conv input shape differs from previous output");
            if (L->k < 1 || L->stride < 1 || L->pad < 0 || L->pad >= L->k)
                return fail(err, errlen, l, "bad conv kernel, stride or padding");
            if (L->in.c % hq_layer_groups(L) || L->out.c % hq_layer_groups(L))
                return fail(err, errlen, l, "conv groups do not divide the channels");
            if (L->out.h != (L->in.h + 2 * L->pad - L->k) / L->stride + 1 ||
                L->out.w != (L->in.w + 2 * L->pad - L->k) / L->stride + 1 || L->rows != L->out.c ||
                L->cols != L->k * L->k * (L->in.c / hq_layer_groups(L)))
                return fail(err, errlen, l, "conv output shape or rows/cols inconsistent");
            break;
        case HQ_LAYER_MAXPOOL:
        case HQ_LAYER_AVGPOOL:
            if (memcmp(&L->in, &prev, sizeof prev))
                return fail(err, errlen, l, "pool input shape differs from previous output");
            if (L->k < 1 || L->stride < 1 || L->pad < 0 || L->pad >= L->k ||
                L->in.h + 2 * L->pad < L->k || L->in.w + 2 * L->pad < L->k || L->out.c != L->in.c ||
                L->out.h != (L->in.h + 2 * L->pad - L->k) / L->stride + 1 ||
                L->out.w != (L->in.w + 2 * L->pad - L->k) / L->stride + 1)
                return fail(err, errlen, l, "pool window or output shape inconsistent");
            break;
        case HQ_LAYER_GAP:
            if (memcmp(&L->in, &prev, sizeof prev) || L->out.c != L->in.c || L->out.h != 1 ||
                L->out.w != 1)
                return fail(err, errlen, l, "global average pool shapes inconsistent");
            break;
        case HQ_LAYER_ADD: {
            hq_shape other = hq_model_out_shape(m, L->src2 - 1);
            if (memcmp(&L->in, &prev, sizeof prev) || memcmp(&L->out, &prev, sizeof prev) ||
                memcmp(&other, &prev, sizeof prev))
                return fail(err, errlen, l, "add operand shapes differ");
            break;
        }
        default: return fail(err, errlen, l, "unknown layer kind");
        }
        int weighted = L->kind == HQ_LAYER_DENSE || L->kind == HQ_LAYER_CONV;
        if (weighted && (!L->w || !L->b))
            return fail(err, errlen, l, "float weights or bias missing");
    }
    const hq_layer *last = &m->layers[m->n_layers - 1];
    if ((last->kind != HQ_LAYER_DENSE && last->kind != HQ_LAYER_CONV) ||
        nn_shape_size(last->out) != m->n_classes)
        return fail(err, errlen, m->n_layers - 1,
                    "last layer must be weighted with n_classes outputs");
    return 0;
}

static void *alloc_floats(long count) {
    return malloc(sizeof(float) * (size_t)(count > 0 ? count : 1));
}

int nn_net_alloc(nn_net *net, const hq_model *m, int cap, int training, int threads) {
    memset(net, 0, sizeof *net);
    net->cap = cap;
    net->threads = threads < 1 ? 1 : threads;
    net->training = training;
    int ok = (net->x = alloc_floats((long)cap * nn_shape_size(m->input))) != NULL;
    long max_col = 0;
    for (int l = 0; l < m->n_layers && ok; l++) {
        const hq_layer *L = &m->layers[l];
        long out = (long)cap * nn_shape_size(L->out);
        ok &= (net->act[l] = alloc_floats(out)) != NULL;
        if (training) ok &= (net->dact[l] = alloc_floats(out)) != NULL;
        if (L->kind == HQ_LAYER_CONV) {
            long col = (long)(hq_layer_groups(L) > 1 ? 1 : cap) * L->out.h * L->out.w * L->cols;
            ok &= (net->col[l] = alloc_floats(col)) != NULL;
            if (col > max_col) max_col = col;
        }
        if (L->kind == HQ_LAYER_MAXPOOL)
            ok &= (net->argmax[l] = malloc(sizeof(int32_t) * (size_t)out)) != NULL;
        if (training && (L->kind == HQ_LAYER_DENSE || L->kind == HQ_LAYER_CONV)) {
            ok &= (net->gw[l] = alloc_floats((long)L->rows * L->cols)) != NULL;
            ok &= (net->gb[l] = alloc_floats(L->rows)) != NULL;
        }
    }
    if (ok && training && max_col) ok = (net->dcol = alloc_floats(max_col)) != NULL;
    if (!ok) {
        nn_net_free(net);
        return -1;
    }
    return 0;
}

void nn_net_free(nn_net *net) {
    free(net->x);
    free(net->dcol);
    for (int l = 0; l < HQ_MAX_LAYERS; l++) {
        free(net->act[l]);
        free(net->dact[l]);
        free(net->col[l]);
        free(net->argmax[l]);
        free(net->gw[l]);
        free(net->gb[l]);
    }
    memset(net, 0, sizeof *net);
}

void nn_net_load_images(nn_net *net, const hq_model *m, const uint8_t *images, const int *idx,
                        int n) {
    long size = nn_shape_size(m->input);
    for (int i = 0; i < n; i++) {
        const uint8_t *src = images + (long)(idx ? idx[i] : i) * size;
        float *dst = net->x + (long)i * size;
        for (long p = 0; p < size; p++)
            dst[p] = (float)src[p] / 255.0f;
    }
}

int nn_net_forward(nn_net *net, const hq_model *m, const float *const *w, int n, int upto) {
    for (int l = 0; l <= upto && l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        const int src = hq_layer_src(m, l);
        const float *in = src >= 0 ? net->act[src] : net->x;
        switch (L->kind) {
        case HQ_LAYER_DENSE:
            if (nn_dense_forward(L, w[l], in, net->act[l], n, net->threads)) return -1;
            break;
        case HQ_LAYER_CONV:
            if (hq_layer_groups(L) > 1) {
                if (nn_conv_grouped_forward(L, w[l], in, net->col[l], net->act[l], n, net->threads))
                    return -1;
            } else if (nn_conv_forward(L, w[l], in, net->col[l], net->act[l], n, net->threads)) {
                return -1;
            }
            break;
        case HQ_LAYER_MAXPOOL:
            if (L->stride == L->k && L->pad == 0)
                nn_maxpool_forward(L, in, net->act[l], net->argmax[l], n, net->threads);
            else
                nn_pool_forward(L, in, net->act[l], n);
            break;
        case HQ_LAYER_AVGPOOL:
        case HQ_LAYER_GAP: nn_pool_forward(L, in, net->act[l], n); break;
        case HQ_LAYER_ADD: nn_add_forward(L, in, net->act[L->src2 - 1], net->act[l], n); break;
        }
    }
    return 0;
}

int nn_net_backward(nn_net *net, const hq_model *m, const float *const *w, int n) {
    for (int l = m->n_layers - 1; l >= 0; l--) {
        const hq_layer *L = &m->layers[l];
        float *dy = net->dact[l];
        float *dx = l ? net->dact[l - 1] : NULL; /* no gradient for the input image */
        const float *in = l ? net->act[l - 1] : net->x;
        if (L->relu) nn_relu_backward(net->act[l], dy, (long)n * nn_shape_size(L->out));
        switch (L->kind) {
        case HQ_LAYER_DENSE:
            if (nn_dense_backward(L, w[l], in, dy, dx, net->gw[l], net->gb[l], n, net->threads))
                return -1;
            break;
        case HQ_LAYER_CONV:
            if (nn_conv_backward(L, w[l], net->col[l], dy, net->dcol, dx, net->gw[l], net->gb[l], n,
                                 net->threads))
                return -1;
            break;
        case HQ_LAYER_MAXPOOL:
            if (dx) nn_maxpool_backward(L, dy, net->argmax[l], dx, n, net->threads);
            break;
        default: return -1; /* hq_train refuses the kinds of docs/arith.md section 7a */
        }
    }
    return 0;
}
