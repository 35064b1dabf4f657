/* Uniform PTQ: calibration against activation maxima computed here, the per-row / per-tensor
 * weight-scale rules, scale chaining through maxpool, and the integer logits tracking the
 * float logits of the same (untrained, deterministic) networks. */
#include "check.h"
#include "container.h"
#include "hq_arith.h"
#include "ptq.h"
#include "reference.h"
#include "train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t elems(hq_shape s) {
    return (size_t)s.c * s.h * s.w;
}

/* Images with structure (smooth blobs), so activations look like real ones. */
static void make_images(hq_dataset *d, int n) {
    d->n = n;
    d->rows = d->cols = 28;
    d->images = malloc((size_t)n * 784);
    d->labels = calloc((size_t)n, 1);
    for (int i = 0; i < n; i++) {
        int cx = test_range(6, 21), cy = test_range(6, 21), r = test_range(3, 9);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                int v = d2 < r * r ? 255 - d2 * 200 / (r * r) : test_range(0, 30);
                d->images[(size_t)i * 784 + y * 28 + x] = (uint8_t)v;
            }
        d->labels[i] = (uint8_t)(i % 10);
    }
}

static void check_model(hq_model *m, const hq_dataset *d) {
    char err[512] = "";
    /* Max calibration: the scale is exactly max / 255 of the float outputs. */
    hq_calib_opts o;
    hq_calib_opts_default(&o);
    o.n_images = 200;
    o.percentile = 100;
    CHECK(hq_ptq_calibrate(m, d, &o, err, sizeof err) == 0);
    float *acts[HQ_MAX_LAYERS] = {0};
    for (int l = 0; l < m->n_layers; l++)
        acts[l] = malloc((size_t)200 * elems(m->layers[l].out) * sizeof(float));
    CHECK(hq_forward_float_batch(m, d->images, 200, m->n_layers - 1, acts) == 0);
    CHECK(fabsf(m->layers[0].in_act_scale - 1.0f / 255.0f) < 1e-9f);
    for (int l = 0; l < m->n_layers - 1; l++) {
        const hq_layer *L = &m->layers[l];
        float mx = 0;
        for (size_t j = 0; j < 200 * elems(L->out); j++)
            mx = fmaxf(mx, acts[l][j]);
        if (L->kind == HQ_LAYER_MAXPOOL)
            CHECK(L->out_act_scale == L->in_act_scale);
        else
            CHECK(fabsf(L->out_act_scale * 255.0f - mx) <= 1e-5f * mx);
        CHECK(m->layers[l + 1].in_act_scale == L->out_act_scale);
    }
    float max_scale[HQ_MAX_LAYERS];
    for (int l = 0; l < m->n_layers; l++)
        max_scale[l] = m->layers[l].out_act_scale;

    /* Default percentile clips below the maximum (never above). */
    o.percentile = HQ_CALIB_DEFAULT_PERCENTILE;
    CHECK(hq_ptq_uniform(m, d, 8, &o, err, sizeof err) == 0);
    CHECK(!strcmp(m->policy, "uniform8"));
    for (int l = 0; l < m->n_layers - 1; l++)
        CHECK(m->layers[l].out_act_scale <= max_scale[l] * 1.0001f);
    CHECK(hq_model_validate(m, err, sizeof err) == 0);

    /* Weight scales: every hidden row reaches +-127; the classifier shares one scale. */
    for (int l = 0; l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (!L->q) continue;
        int last = l == m->n_layers - 1, any127 = 0;
        for (int r = 0; r < L->rows; r++) {
            int mx = 0;
            for (int c = 0; c < L->cols; c++)
                mx = abs(L->q->w[(size_t)r * L->cols + c]) > mx
                         ? abs(L->q->w[(size_t)r * L->cols + c])
                         : mx;
            if (!last) CHECK_EQ_INT(mx, 127);
            any127 |= mx == 127;
            if (last) CHECK(L->q->w_scale[r] == L->q->w_scale[0]);
            CHECK(L->q->rq_mult[r] == 0 || L->q->rq_mult[r] >= (1 << 30));
        }
        CHECK(any127);
    }

    /* Integer logits, rescaled, track the float logits. */
    const int n = 200;
    char e2[256];
    hq_ref_net *net = hq_ref_prepare(m, e2, sizeof e2);
    CHECK(net != NULL);
    if (!net) return;
    int32_t *logits = malloc((size_t)n * 10 * 4);
    int preds[200];
    hq_ref_infer(net, d->images, n, logits, preds, 0);
    const hq_layer *C = &m->layers[m->n_layers - 1];
    double s = (double)C->in_act_scale * C->q->w_scale[0], err_sum = 0, mag_sum = 0;
    int agree = 0;
    for (int i = 0; i < n; i++) {
        const float *f = acts[m->n_layers - 1] + (size_t)i * 10;
        int fbest = 0;
        for (int k = 0; k < 10; k++) {
            err_sum += fabs(logits[i * 10 + k] * s - f[k]);
            mag_sum += fabs(f[k]);
            fbest = f[k] > f[fbest] ? k : fbest;
        }
        agree += fbest == preds[i];
    }
    printf("  %s: mean |int - float| logit error %.2f %% of mean |logit|, argmax agreement "
           "%d / %d\n",
           m->net, 100 * err_sum / mag_sum, agree, n);
    CHECK(err_sum < 0.05 * mag_sum);
    CHECK(agree >= n * 9 / 10);
    free(logits);
    hq_ref_free(net);
    for (int l = 0; l < m->n_layers; l++)
        free(acts[l]);
}

int main(void) {
    hq_dataset d;
    make_images(&d, 300);
    char err[512];
    hq_model m;
    int hidden[2] = {64, 32};
    CHECK(hq_model_init_mlp(&m, hidden, 2, 1.0f, 7, err, sizeof err) == 0);
    check_model(&m, &d);
    hq_model_free(&m);
    CHECK(hq_model_init_cnn(&m, 0.5f, 7, err, sizeof err) == 0);
    check_model(&m, &d);
    hq_model_free(&m);

    /* Bad calibration requests are refused with a reason. */
    CHECK(hq_model_init_mlp(&m, hidden, 2, 1.0f, 7, err, sizeof err) == 0);
    hq_calib_opts o;
    hq_calib_opts_default(&o);
    o.n_images = 301;
    CHECK(hq_ptq_calibrate(&m, &d, &o, err, sizeof err) == -1);
    CHECK_MSG(err, "the set holds 300");
    o.n_images = 10;
    o.percentile = 0;
    CHECK(hq_ptq_calibrate(&m, &d, &o, err, sizeof err) == -1);
    CHECK_MSG(err, "percentile");
    CHECK(hq_ptq_uniform(&m, &d, 9, NULL, err, sizeof err) == -1);
    CHECK_MSG(err, "bit-width");
    hq_model_free(&m);
    hq_dataset_free(&d);
    return check_report("test_ptq");
}
