/* Model-level quantization: optional QAT with the heterogeneous quantizer in the forward
 * pass (straight-through estimator: the trainer applies the gradients to the float latent
 * weights), then PTQ of the resulting float weights. */
#include "hq_error.h"
#include "quant/quantize.h"

#include "container.h"
#include "ptq.h"
#include "quant/quantizer.h"
#include "train.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hq_quant_opts_default(hq_quant_opts *o) {
    memset(o, 0, sizeof *o);
    o->calib_images = HQ_CALIB_DEFAULT_IMAGES;
    o->seed = 1;
}

static int is_weighted(const hq_layer *L) {
    return L->kind == HQ_LAYER_DENSE || L->kind == HQ_LAYER_CONV;
}

typedef struct {
    hq_layer_policy lp[HQ_MAX_LAYERS];
    float *energy[HQ_MAX_LAYERS];
    hq_qlayer *scratch[HQ_MAX_LAYERS];
    int last;
    int failed;
    char err[256];
} qat_ctx;

/* The trainer's hook: w_q = dequantized heterogeneous weights of the current latent w. */
static void fake_quant(void *vctx, int li, const float *w, float *w_q, int rows, int cols) {
    qat_ctx *c = vctx;
    hq_qlayer *q = c->scratch[li];
    if (!q || c->failed ||
        hq_quant_layer(w, rows, cols, c->energy[li], &c->lp[li], li == c->last, q, c->err,
                       sizeof c->err)) {
        if (q) c->failed = 1;
        memcpy(w_q, w, sizeof *w_q * (size_t)rows * (size_t)cols);
        return;
    }
    hq_quant_dequant(q, rows, cols, w_q);
}

static int run_qat(hq_model *m, const hq_policy *pol, const hq_dataset *train,
                   const hq_quant_opts *o, int need_sal, char *err, size_t errlen) {
    qat_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        hq_errf(err, errlen, "out of memory");
        return -1;
    }
    int nw = hq_n_weighted(m), rc = 0;
    c->last = m->n_layers - 1;
    if (need_sal && hq_col_energy(m, train, o->calib_images, c->energy, err, errlen)) {
        free(c);
        return -1;
    }
    for (int l = 0; l < m->n_layers && !rc; l++) {
        hq_layer *L = &m->layers[l];
        if (!is_weighted(L)) continue;
        c->lp[l] = hq_policy_for_layer(pol, hq_weighted_index(m, l), nw);
        c->scratch[l] =
            hq_qlayer_alloc(L, hq_quant_lo_bits(&c->lp[l]), hq_quant_hi_bits(&c->lp[l]));
        if (!c->scratch[l]) {
            hq_errf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    hq_train_opts to;
    hq_train_opts_default(&to, m->net);
    to.epochs = o->qat_epochs;
    to.lr = o->qat_lr > 0 ? o->qat_lr : to.lr / 10;
    to.seed = o->seed;
    to.threads = o->threads;
    to.verbose = o->verbose;
    to.limit = o->qat_limit;
    to.fake_quant = fake_quant;
    to.fake_quant_ctx = c;
    if (!rc) {
        if (o->verbose)
            hq_notef("qat: %d epochs, lr %g, %s\n", to.epochs, (double)to.lr, m->policy);
        double t0 = omp_get_wtime();
        rc = hq_train(m, train, &to, err, errlen);
        if (!rc && c->failed) {
            rc = hq_errf(err, errlen, "qat: quantizer failed: %s", c->err);
        }
        if (!rc && o->verbose) hq_notef("qat: done in %.1f s\n", omp_get_wtime() - t0);
    }
    for (int l = 0; l < HQ_MAX_LAYERS; l++)
        hq_qlayer_free(c->scratch[l]);
    hq_col_energy_free(c->energy);
    free(c);
    return rc;
}

/* Activation calibration with the quantized weights in the float forward pass, so that the
 * activation ranges are those the integer network will see. */
static int calibrate_quantized(hq_model *m, const hq_dataset *train, const hq_quant_opts *o,
                               char *err, size_t errlen) {
    float *latent[HQ_MAX_LAYERS] = {0};
    int rc = 0;
    for (int l = 0; l < m->n_layers && !rc; l++) {
        hq_layer *L = &m->layers[l];
        if (!is_weighted(L)) continue;
        float *dq = malloc(sizeof *dq * (size_t)L->rows * (size_t)L->cols);
        if (!dq) {
            hq_errf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        hq_quant_dequant(L->q, L->rows, L->cols, dq);
        latent[l] = L->w;
        L->w = dq;
    }
    hq_calib_opts co;
    hq_calib_opts_default(&co);
    co.n_images = o->calib_images;
    co.verbose = o->verbose;
    if (o->percentile > 0) co.percentile = o->percentile;
    if (!rc) rc = hq_ptq_calibrate(m, train, &co, err, errlen);
    for (int l = 0; l < m->n_layers; l++)
        if (latent[l]) {
            free(m->layers[l].w);
            m->layers[l].w = latent[l];
        }
    return rc;
}

int hq_quantize_model(hq_model *m, const char *spec, const hq_dataset *train,
                      const hq_quant_opts *o, char *err, size_t errlen) {
    hq_policy pol;
    if (hq_policy_parse(&pol, spec, err, errlen)) return -1;
    if (strlen(spec) >= sizeof m->policy) {
        hq_errf(err, errlen, "policy text is %zu characters; the model stores at most %zu",
                strlen(spec), sizeof m->policy - 1);
        return -1;
    }
    int nw = hq_n_weighted(m);
    if (hq_policy_check_layers(&pol, nw, err, errlen)) return -1;
    for (int l = 0; l < m->n_layers; l++)
        if (is_weighted(&m->layers[l]) && !m->layers[l].w) {
            hq_errf(err, errlen, "layer %d has no float weights to quantize", l);
            return -1;
        }
    if (o->calib_images < 1 || o->calib_images > train->n) {
        hq_errf(err, errlen, "--calib %d: must be 1..%d (training images available)",
                o->calib_images, train->n);
        return -1;
    }
    int need_sal = hq_policy_needs_saliency(&pol, nw);
    snprintf(m->policy, sizeof m->policy, "%s", spec);
    if (o->qat_epochs > 0 && run_qat(m, &pol, train, o, need_sal, err, errlen)) return -1;

    float *energy[HQ_MAX_LAYERS] = {0};
    if (need_sal && hq_col_energy(m, train, o->calib_images, energy, err, errlen)) return -1;
    int rc = 0;
    for (int l = 0; l < m->n_layers && !rc; l++) {
        hq_layer *L = &m->layers[l];
        if (!is_weighted(L)) continue;
        hq_layer_policy lp = hq_policy_for_layer(&pol, hq_weighted_index(m, l), nw);
        hq_qlayer_free(L->q);
        L->q = hq_qlayer_alloc(L, hq_quant_lo_bits(&lp), hq_quant_hi_bits(&lp));
        char lerr[256];
        if (!L->q) {
            hq_errf(err, errlen, "out of memory");
            rc = -1;
        } else if (hq_quant_layer(L->w, L->rows, L->cols, energy[l], &lp, l == m->n_layers - 1,
                                  L->q, lerr, sizeof lerr)) {
            hq_errf(err, errlen, "layer %d: %s", l, lerr);
            rc = -1;
        }
    }
    hq_col_energy_free(energy);
    if (!rc) rc = calibrate_quantized(m, train, o, err, errlen);
    for (int l = 0; l < m->n_layers && !rc; l++)
        if (is_weighted(&m->layers[l]))
            rc = hq_ptq_finalize_layer(&m->layers[l], l, l == m->n_layers - 1, err, errlen);
    return rc;
}
