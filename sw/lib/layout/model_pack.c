/* Packs every weighted layer of a quantized model with one layout. */
#include "hq_error.h"
#include "layout/layout.h"
#include "quant/policy.h"

#include <stdio.h>
#include <string.h>

static int is_weighted(const hq_layer *L) {
    return L->kind == HQ_LAYER_DENSE || L->kind == HQ_LAYER_CONV;
}

int hq_layout_pack_model(const hq_model *m, const hq_layout_opts *o, hq_packed_model *pm, char *err,
                         size_t errlen) {
    return hq_layout_pack_model_each(m, o, pm, NULL, NULL, err, errlen);
}

int hq_layout_pack_model_each(const hq_model *m, const hq_layout_opts *o, hq_packed_model *pm,
                              int (*around)(void *ctx, int layer, int packed), void *ctx, char *err,
                              size_t errlen) {
    memset(pm, 0, sizeof *pm);
    int n_weighted = 0;
    for (int i = 0; i < m->n_layers; i++)
        n_weighted += is_weighted(&m->layers[i]);
    hq_policy pol;
    char perr[256];
    int have_policy = m->policy[0] && !hq_policy_parse(&pol, m->policy, perr, sizeof perr);
    for (int i = 0, wi = 0; i < m->n_layers; i++) {
        const hq_layer *L = &m->layers[i];
        if (!is_weighted(L)) continue;
        if (!L->q) {
            hq_errf(err, errlen, "layer %d is not quantized (run hqsim quantize first)", i);
            hq_packed_model_free(pm);
            return -1;
        }
        hq_layout_opts lo = *o;
        if (!lo.block_m && lo.block_n < 0 && have_policy) {
            hq_layer_policy lp = hq_policy_for_layer(&pol, wi, n_weighted);
            if (!lp.uniform_bits && lp.structure == HQ_STRUCT_NM) {
                lo.block_n = lp.n;
                lo.block_m = lp.m;
            }
        }
        if (around && around(ctx, i, 0)) {
            hq_errf(err, errlen, "layer %d: out of memory", i);
            hq_packed_model_free(pm);
            return -1;
        }
        char lerr[256];
        if (hq_layout_pack(L->q, L->rows, L->cols, &lo, &pm->img[pm->n], lerr, sizeof lerr)) {
            hq_errf(err, errlen, "layer %d (%d x %d): %s", i, L->rows, L->cols, lerr);
            hq_packed_model_free(pm);
            return -1;
        }
        const hq_layout_stats *st = &pm->img[pm->n].st;
        pm->layer_index[pm->n++] = i;
        pm->weight_bytes += st->bytes;
        pm->weights += (size_t)st->weights;
        pm->n_hi += st->n_hi;
        /* bias (int32) for every layer, rq_mult (int32) + rq_shift (u8) for hidden ones */
        pm->rq_bytes += (size_t)L->rows * (wi == n_weighted - 1 ? 4 : 9);
        wi++;
        if (around && around(ctx, i, 1)) {
            hq_errf(err, errlen, "layer %d: out of memory", i);
            hq_packed_model_free(pm);
            return -1;
        }
    }
    if (!pm->n) {
        hq_errf(err, errlen, "model has no weighted layer");
        return -1;
    }
    pm->bits_per_weight = 8.0 * (double)pm->weight_bytes / (double)pm->weights;
    pm->hi_fraction = (double)pm->n_hi / (double)pm->weights;
    return 0;
}

void hq_packed_model_free(hq_packed_model *pm) {
    for (int i = 0; i < pm->n; i++)
        hq_layer_image_free(&pm->img[i]);
    memset(pm, 0, sizeof *pm);
}

hq_layout_kind hq_layout_of_model(const hq_model *m) {
    hq_layout_kind k;
    char err[128];
    if (m->layout[0] && !hq_layout_parse(m->layout, &k, err, sizeof err)) return k;
    for (int i = 0; i < m->n_layers; i++) {
        const hq_qlayer *q = m->layers[i].q;
        if (q && q->lo_bits && q->is_hi)
            for (long j = 0; j < (long)m->layers[i].rows * m->layers[i].cols; j++)
                if (q->is_hi[j]) return HQ_LAYOUT_BLOCK;
    }
    return HQ_LAYOUT_DENSE;
}

int hq_layout_verify_model(const hq_model *m, const hq_packed_model *pm, char *err, size_t errlen) {
    for (int i = 0; i < pm->n; i++) {
        const hq_layer *L = &m->layers[pm->layer_index[i]];
        hq_decoded_layer d;
        char derr[256];
        if (hq_layout_decode(pm->img[i].data, pm->img[i].size, &d, derr, sizeof derr)) {
            hq_errf(err, errlen, "layer %d: the %s image does not decode (bug): %s",
                    pm->layer_index[i], hq_layout_name(pm->img[i].st.kind), derr);
            return -1;
        }
        int same = hq_decoded_equals(&d, L->q, L->rows, L->cols);
        hq_decoded_layer_free(&d);
        if (!same) {
            hq_errf(err, errlen, "layer %d: decoded %s weights differ from the model (bug)",
                    pm->layer_index[i], hq_layout_name(pm->img[i].st.kind));
            return -1;
        }
    }
    return 0;
}

int hq_layout_assign(hq_model *m, const char *name, hq_packed_model *pm, char *err, size_t errlen) {
    hq_layout_kind k;
    if (hq_layout_parse(name, &k, err, errlen)) return -1;
    hq_layout_opts o;
    hq_layout_opts_default(&o, k);
    hq_packed_model local, *p = pm ? pm : &local;
    if (hq_layout_pack_model(m, &o, p, err, errlen)) return -1;
    /* a layout is recorded only when the independent decoder gives back the exact weights */
    int rc = hq_layout_verify_model(m, p, err, errlen);
    if (rc || !pm) hq_packed_model_free(p);
    if (rc) return -1;
    snprintf(m->layout, sizeof m->layout, "%s", hq_layout_name(k));
    return 0;
}

int hq_layout_model_bits(const hq_model *m, double *bits_per_weight, double *hi_fraction, char *err,
                         size_t errlen) {
    hq_layout_opts o;
    hq_layout_opts_default(&o, hq_layout_of_model(m));
    hq_packed_model pm;
    if (hq_layout_pack_model(m, &o, &pm, err, errlen)) return -1;
    *bits_per_weight = pm.bits_per_weight;
    *hi_fraction = pm.hi_fraction;
    hq_packed_model_free(&pm);
    return 0;
}
