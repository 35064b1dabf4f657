/* Small random networks for the container and reference tests: an MLP and a CNN (conv with
 * padding and stride, maxpool, dense), float and quantized, uniform or heterogeneous. */
#ifndef HQ_TEST_MODELS_H
#define HQ_TEST_MODELS_H

#include "check.h"
#include "container.h"
#include "hq_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static hq_layer *tm_add(hq_model *m, hq_layer_kind kind, int out_c, int k, int stride, int pad) {
    hq_shape prev = m->n_layers ? m->layers[m->n_layers - 1].out : m->input;
    hq_layer *L = &m->layers[m->n_layers++];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    L->in = prev;
    if (kind == HQ_LAYER_DENSE) {
        L->in = (hq_shape){prev.c * prev.h * prev.w, 1, 1};
        L->out = (hq_shape){out_c, 1, 1};
        L->rows = out_c;
        L->cols = L->in.c;
    } else if (kind == HQ_LAYER_CONV) {
        L->k = k;
        L->stride = stride;
        L->pad = pad;
        L->out = (hq_shape){out_c, (prev.h + 2 * pad - k) / stride + 1,
                            (prev.w + 2 * pad - k) / stride + 1};
        L->rows = out_c;
        L->cols = k * k * prev.c;
    } else {
        L->k = L->stride = k;
        L->out = (hq_shape){prev.c, prev.h / k, prev.w / k};
    }
    L->relu = 1;
    return L;
}

/* Random integer parameters for layer L; lo_bits > 0 makes it heterogeneous. */
static void tm_quantize(hq_layer *L, int last, int lo_bits) {
    hq_qlayer *q = hq_qlayer_alloc(L, lo_bits, 8);
    L->q = q;
    float shared = 0.001f + (float)(test_rand() % 1000) * 1e-5f;
    double typical_acc = sqrt((double)L->cols) * 127.0 * 64.0;
    for (int r = 0; r < L->rows; r++) {
        int cmax = lo_bits > 1 ? (1 << (lo_bits - 1)) - 1 : 1, shmax = 0;
        while ((cmax << (shmax + 1)) <= 127)
            shmax++;
        int sh = lo_bits ? test_range(0, shmax) : 0;
        if (lo_bits) q->lo_shift[r] = (uint8_t)sh;
        for (int c = 0; c < L->cols; c++) {
            size_t j = (size_t)r * L->cols + c;
            int hi = !lo_bits || test_range(0, 9) == 0;
            if (lo_bits) q->is_hi[j] = (uint8_t)hi;
            int code = lo_bits == 1 ? (test_range(0, 1) ? 1 : -1) : test_range(-cmax, cmax);
            int v = test_range(-127, 127);
            if (lo_bits && v == 0) v = 1; /* a high weight is never 0 (docs/arith.md section 3) */
            q->w[j] = (int8_t)(hi ? v : code * (1 << sh));
        }
        q->w_scale[r] = last ? shared : 0.001f + (float)(test_rand() % 1000) * 1e-5f;
        q->bias[r] = test_range(-20000, 20000);
        /* Requant so that typical accumulators land inside [0, 255]. */
        q->rq_mult[r] = (int32_t)((1u << 30) + (uint32_t)(test_rand() % (1u << 30)));
        q->rq_shift[r] = (uint8_t)(31 + (int)ceil(log2(typical_acc / 128.0)) + test_range(-1, 1));
    }
    L->in_act_scale = 0.02f;
    L->out_act_scale = last ? 0.0f : 0.02f;
}

static void tm_floats(hq_layer *L) {
    size_t nw = hq_layer_weights(L);
    L->w = malloc(nw * sizeof *L->w);
    L->b = malloc((size_t)L->rows * sizeof *L->b);
    for (size_t j = 0; j < nw; j++)
        L->w[j] = (float)((double)(test_rand() % 20001) / 10000.0 - 1.0) / sqrtf((float)L->cols);
    for (int r = 0; r < L->rows; r++)
        L->b[r] = (float)((double)(test_rand() % 2001) / 10000.0 - 0.1);
}

/* kind 0: MLP 6x6 -> 20 -> 10; kind 1: CNN 8x8x2 -> conv3 pad1 (4) -> pool2 -> conv3 s2 pad1
 * (6) -> dense 10. quant: 0 float only, 1 float + uniform int8, 2 float + heterogeneous. */
static void tm_build(hq_model *m, int kind, int quant) {
    memset(m, 0, sizeof *m);
    strcpy(m->net, kind ? "cnn" : "mlp");
    m->width_mult = 1.0f;
    m->n_classes = 10;
    if (kind == 0) {
        m->input = (hq_shape){1, 6, 6};
        tm_add(m, HQ_LAYER_DENSE, 20, 0, 0, 0);
        tm_add(m, HQ_LAYER_DENSE, 10, 0, 0, 0)->relu = 0;
    } else {
        m->input = (hq_shape){2, 8, 8};
        tm_add(m, HQ_LAYER_CONV, 4, 3, 1, 1);
        tm_add(m, HQ_LAYER_MAXPOOL, 0, 2, 2, 0);
        tm_add(m, HQ_LAYER_CONV, 6, 3, 2, 1);
        tm_add(m, HQ_LAYER_DENSE, 10, 0, 0, 0)->relu = 0;
    }
    for (int i = 0; i < m->n_layers; i++) {
        hq_layer *L = &m->layers[i];
        if (L->kind == HQ_LAYER_MAXPOOL) {
            L->in_act_scale = L->out_act_scale = 0.02f;
            continue;
        }
        tm_floats(L);
        if (quant) {
            int last = i == m->n_layers - 1;
            tm_quantize(L, last, quant == 2 ? 1 + i % 4 : 0);
        }
    }
    if (quant) strcpy(m->policy, quant == 2 ? "lo=2,hi=8,frac=0.02" : "uniform8");
}

static inline hq_layer *tm_add_src(hq_model *m, hq_layer_kind kind, int src, hq_shape in) {
    hq_layer *L = &m->layers[m->n_layers++];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    L->src = src;
    L->in = in;
    L->out = in;
    L->relu = 1;
    return L;
}

static inline void tm_set_conv(hq_layer *L, int out_c, int k, int s, int p, int groups) {
    L->k = k;
    L->stride = s;
    L->pad = p;
    L->groups = groups;
    L->out = (hq_shape){out_c, (L->in.h + 2 * p - k) / s + 1, (L->in.w + 2 * p - k) / s + 1};
    L->rows = out_c;
    L->cols = k * k * L->in.c / (groups > 1 ? groups : 1);
}

/* The graph network of docs/arith.md section 7a (tests/lib/test_ops.c):
 * 6x6x2 -> conv -> conv (int8) -> conv 1x1 reading the int8 output -> add (int8) ->
 * depthwise ReLU6 -> maxpool 3/2 pad 1 -> avgpool 2/1 pad 1 (count_pad) -> gap -> dense 10 */
static inline void tm_build_graph(hq_model *m) {
    memset(m, 0, sizeof *m);
    strcpy(m->net, "graph");
    m->width_mult = 1.0f;
    m->n_classes = 10;
    m->input = (hq_shape){2, 6, 6};
    hq_layer *L;
    tm_set_conv(tm_add_src(m, HQ_LAYER_CONV, 0, m->input), 4, 3, 1, 1, 1);
    L = tm_add_src(m, HQ_LAYER_CONV, 0, m->layers[0].out);
    tm_set_conv(L, 4, 3, 1, 1, 1);
    L->relu = 0;
    tm_set_conv(tm_add_src(m, HQ_LAYER_CONV, 0, m->layers[1].out), 4, 1, 1, 0, 1);
    L = tm_add_src(m, HQ_LAYER_ADD, 0, m->layers[2].out);
    L->src2 = 2; /* layer 1 */
    L->relu = 0;
    L = tm_add_src(m, HQ_LAYER_CONV, 0, m->layers[3].out);
    tm_set_conv(L, 4, 3, 2, 1, 4);
    L->relu = 2;
    L = tm_add_src(m, HQ_LAYER_MAXPOOL, 0, m->layers[4].out);
    L->k = 3, L->stride = 2, L->pad = 1, L->out.h = L->out.w = 2;
    L = tm_add_src(m, HQ_LAYER_AVGPOOL, 0, m->layers[5].out);
    L->k = 2, L->stride = 1, L->pad = 1, L->count_pad = 1, L->out.h = L->out.w = 3;
    L = tm_add_src(m, HQ_LAYER_GAP, 0, m->layers[6].out);
    L->out.h = L->out.w = 1;
    L = tm_add_src(m, HQ_LAYER_DENSE, 0, (hq_shape){4, 1, 1});
    L->out = (hq_shape){10, 1, 1};
    L->rows = 10;
    L->cols = 4;
    L->relu = 0;
    /* scales: 0.02 everywhere except the add (0.03) and the ReLU6 layer (0.05, q6 = 120) */
    for (int i = 0; i < m->n_layers; i++) {
        L = &m->layers[i];
        int last = i == m->n_layers - 1;
        if (L->kind == HQ_LAYER_CONV || L->kind == HQ_LAYER_DENSE) {
            tm_floats(L);
            tm_quantize(L, last, i == 2 ? 2 : 0);
        }
        L->in_act_scale = i == 0 ? 1.0f / 255 : m->layers[i - 1].out_act_scale;
        L->out_act_scale = last ? 0.0f : 0.02f;
        if (i == 3) L->out_act_scale = 0.03f;
        if (i == 4) L->out_act_scale = 0.05f;
        if (i >= 5 && !last) L->out_act_scale = L->in_act_scale;
    }
    m->layers[2].in_act_scale = m->layers[1].out_act_scale;
    strcpy(m->policy, "uniform8");
}

#endif
