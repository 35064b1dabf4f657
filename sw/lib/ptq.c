/* Post-training quantization: activation calibration, integer parameter derivation, and the
 * uniform policy (ptq.h, docs/arith.md). */
#include "hq_error.h"
#include "ptq.h"

#include "container.h"
#include "train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALIB_BATCH 100
#define CALIB_BINS 8192

static int is_weighted(const hq_layer *l) {
    return l->kind == HQ_LAYER_DENSE || l->kind == HQ_LAYER_CONV;
}

/* Layers whose outputs are requantized and so get a calibrated scale: weighted layers and
 * residual adds (pools pass their input's scale through). */
static int is_requantized(const hq_layer *l) {
    return is_weighted(l) || l->kind == HQ_LAYER_ADD;
}

void hq_calib_opts_default(hq_calib_opts *o) {
    o->n_images = HQ_CALIB_DEFAULT_IMAGES;
    o->percentile = HQ_CALIB_DEFAULT_PERCENTILE;
    o->verbose = 0;
}

/* ------------------------------------------------------------------ calibration */

typedef struct {
    float **acts;    /* [n_layers] float outputs of one batch, NULL where not needed */
    double *maxv;    /* [n_layers] running maximum */
    uint64_t **hist; /* [n_layers][CALIB_BINS] histogram over [0, maxv] */
} calib_state;

/* Runs the float forward pass batch by batch; pass 0 collects maxima, pass 1 histograms. */
static int calib_pass(const hq_model *m, const hq_dataset *d, int n, int upto, int pass,
                      calib_state *st, char *err, size_t errlen) {
    size_t img = (size_t)d->rows * d->cols;
    for (int i = 0; i < n; i += CALIB_BATCH) {
        int b = n - i < CALIB_BATCH ? n - i : CALIB_BATCH;
        if (hq_forward_float_batch(m, d->images + (size_t)i * img, b, upto, st->acts))
            return hq_errf(err, errlen, "float forward pass failed during calibration");
        for (int l = 0; l <= upto; l++) {
            const float *a = st->acts[l];
            if (!a) continue;
            size_t na = (size_t)b * hq_shape_elems(m->layers[l].out);
            if (pass == 0) {
                double mx = st->maxv[l];
                for (size_t j = 0; j < na; j++) /* |x|: a layer without ReLU is signed */
                    if (fabsf(a[j]) > mx) mx = fabsf(a[j]);
                st->maxv[l] = mx;
            } else if (st->maxv[l] > 0) {
                double to_bin = CALIB_BINS / st->maxv[l];
                for (size_t j = 0; j < na; j++) {
                    int bin = a[j] == 0 ? 0 : (int)(fabsf(a[j]) * to_bin);
                    st->hist[l][bin < CALIB_BINS ? bin : CALIB_BINS - 1]++;
                }
            }
        }
    }
    return 0;
}

/* Smallest clip value such that at least `pct` percent of the values are <= clip. */
static double hist_percentile(const uint64_t *h, double maxv, double pct) {
    uint64_t total = 0;
    for (int i = 0; i < CALIB_BINS; i++)
        total += h[i];
    double want = pct / 100.0 * (double)total, cum = 0;
    for (int i = 0; i < CALIB_BINS; i++) {
        cum += (double)h[i];
        if (cum >= want) return maxv * (i + 1) / CALIB_BINS;
    }
    return maxv;
}

int hq_ptq_calibrate(hq_model *m, const hq_dataset *calib, const hq_calib_opts *o, char *err,
                     size_t errlen) {
    hq_calib_opts def;
    if (!o) {
        hq_calib_opts_default(&def);
        o = &def;
    }
    if (o->percentile <= 0 || o->percentile > 100)
        return hq_errf(err, errlen, "calibration percentile %g out of range (0, 100]",
                       o->percentile);
    int n = o->n_images;
    if (n <= 0 || n > calib->n)
        return hq_errf(err, errlen, "%d calibration images requested, the set holds %d", n,
                       calib->n);
    if ((size_t)calib->rows * calib->cols != hq_shape_elems(m->input))
        return hq_errf(err, errlen, "calibration images are %dx%d, the model expects %dx%dx%d",
                       calib->rows, calib->cols, m->input.h, m->input.w, m->input.c);
    /* The hidden weighted layers and adds are the ones whose outputs are requantized. */
    int upto = -1;
    for (int l = 0; l < m->n_layers - 1; l++)
        if (is_requantized(&m->layers[l])) upto = l;
    float *acts[HQ_MAX_LAYERS] = {0};
    double maxv[HQ_MAX_LAYERS] = {0};
    uint64_t *hist[HQ_MAX_LAYERS] = {0};
    calib_state st = {acts, maxv, hist};
    int rc = 0;
    for (int l = 0; l <= upto && !rc; l++) {
        if (!is_requantized(&m->layers[l])) continue;
        acts[l] = malloc((size_t)CALIB_BATCH * hq_shape_elems(m->layers[l].out) * sizeof(float));
        hist[l] = calloc(CALIB_BINS, sizeof(uint64_t));
        if (!acts[l] || !hist[l]) rc = hq_errf(err, errlen, "out of memory for calibration");
    }
    if (!rc && upto >= 0) rc = calib_pass(m, calib, n, upto, 0, &st, err, errlen);
    if (!rc && upto >= 0 && o->percentile < 100)
        rc = calib_pass(m, calib, n, upto, 1, &st, err, errlen);
    if (!rc) {
        for (int l = 0; l < m->n_layers; l++) {
            hq_layer *L = &m->layers[l];
            const int src = hq_layer_src(m, l);
            /* raw pixels, or the scale of the layer read */
            L->in_act_scale = src < 0 ? 1.0f / 255.0f : m->layers[src].out_act_scale;
            if (l == m->n_layers - 1) {
                L->out_act_scale = 0.0f;
            } else if (is_requantized(L)) {
                double clip = o->percentile < 100 ? hist_percentile(hist[l], maxv[l], o->percentile)
                                                  : maxv[l];
                if (L->relu == 2 && clip > 6.0) clip = 6.0; /* ReLU6 */
                double codes = L->relu ? 255.0 : 127.0;     /* no ReLU: int8 codes */
                /* A layer that never fires still needs a valid (positive) scale. */
                L->out_act_scale = clip > 0 ? (float)(clip / codes) : 1.0f / 255.0f;
                if (o->verbose)
                    hq_notef("calibrate: layer %d max %.4f clip %.4f (p%g) scale %.6g\n", l,
                             maxv[l], clip, o->percentile, L->out_act_scale);
            } else {
                L->out_act_scale = L->in_act_scale; /* pools: max/mean commute with the code */
            }
        }
    }
    for (int l = 0; l < HQ_MAX_LAYERS; l++) {
        free(acts[l]);
        free(hist[l]);
    }
    return rc;
}

/* ------------------------------------------------------------------ integer parameters */

void hq_ptq_weight_scales(const hq_layer *L, int qmax, int per_tensor, float *w_scale) {
    float all = 0.0f;
    for (int r = 0; r < L->rows; r++) {
        const float *w = L->w + (size_t)r * L->cols;
        float mx = 0.0f;
        for (int c = 0; c < L->cols; c++)
            mx = fmaxf(mx, fabsf(w[c]));
        w_scale[r] = mx > 0 ? mx / (float)qmax : 1.0f / (float)qmax;
        all = fmaxf(all, w_scale[r]);
    }
    if (per_tensor)
        for (int r = 0; r < L->rows; r++)
            w_scale[r] = all;
}

int hq_ptq_round_weight(float w, float scale, int qmax) {
    long v = lroundf(w / scale);
    return v > qmax ? qmax : v < -qmax ? -qmax : (int)v;
}

int hq_requant_params(double real, int32_t *mult, int *shift) {
    if (!(real > 0) || !isfinite(real)) {
        *mult = 0;
        *shift = 0;
        return real == 0 ? 0 : -1;
    }
    int e;
    double f = frexp(real, &e); /* real = f * 2^e, f in [0.5, 1) */
    long long q = llround(f * 2147483648.0);
    if (q == 2147483648LL) { /* f rounded up to 1.0 */
        q = 1LL << 30;
        e++;
    }
    int s = 31 - e;
    if (s < 0) return -1;
    if (s > 62) {
        int extra = s - 62;
        q = extra > 31 ? 0 : (q + (1LL << (extra - 1))) >> extra;
        s = 62;
    }
    *mult = (int32_t)q;
    *shift = s;
    return 0;
}

int hq_ptq_finalize_layer(hq_layer *L, int li, int last, char *err, size_t errlen) {
    hq_qlayer *q = L->q;
    if (!q) return hq_errf(err, errlen, "layer %d: no quantized parameters to finalise", li);
    if (!(L->in_act_scale > 0) || (!last && !(L->out_act_scale > 0)))
        return hq_errf(err, errlen, "layer %d: activation scales not calibrated", li);
    for (int r = 0; r < L->rows; r++) {
        double acc_scale = (double)L->in_act_scale * q->w_scale[r];
        if (!(acc_scale > 0))
            return hq_errf(err, errlen, "layer %d row %d: weight scale %g not positive", li, r,
                           q->w_scale[r]);
        double b = L->b ? llround(L->b[r] / acc_scale) : 0;
        q->bias[r] = b > INT32_MAX ? INT32_MAX : b < INT32_MIN ? INT32_MIN : (int32_t)b;
        if (last) {
            q->rq_mult[r] = 0;
            q->rq_shift[r] = 0;
            continue;
        }
        int32_t mult;
        int shift;
        if (hq_requant_params(acc_scale / L->out_act_scale, &mult, &shift))
            return hq_errf(err, errlen,
                           "layer %d row %d: requantization multiplier %g cannot be "
                           "represented",
                           li, r, acc_scale / L->out_act_scale);
        q->rq_mult[r] = mult;
        q->rq_shift[r] = (uint8_t)shift;
    }
    return 0;
}

/* ------------------------------------------------------------------ uniform policy */

int hq_ptq_uniform(hq_model *m, const hq_dataset *calib, int bits, const hq_calib_opts *o,
                   char *err, size_t errlen) {
    if (bits < 2 || bits > 8)
        return hq_errf(err, errlen, "uniform bit-width %d out of range [2, 8]", bits);
    for (int l = 0; l < m->n_layers; l++)
        if (is_weighted(&m->layers[l]) && !m->layers[l].w)
            return hq_errf(err, errlen, "layer %d has no float weights to quantize", l);
    if (hq_ptq_calibrate(m, calib, o, err, errlen)) return -1;
    const int qmax = (1 << (bits - 1)) - 1;
    for (int l = 0; l < m->n_layers; l++) {
        hq_layer *L = &m->layers[l];
        if (!is_weighted(L)) continue;
        int last = l == m->n_layers - 1;
        hq_qlayer_free(L->q);
        L->q = hq_qlayer_alloc(L, 0, bits);
        if (!L->q) return hq_errf(err, errlen, "out of memory");
        hq_ptq_weight_scales(L, qmax, last, L->q->w_scale);
        for (int r = 0; r < L->rows; r++)
            for (int c = 0; c < L->cols; c++) {
                size_t j = (size_t)r * L->cols + c;
                L->q->w[j] = (int8_t)hq_ptq_round_weight(L->w[j], L->q->w_scale[r], qmax);
            }
        if (hq_ptq_finalize_layer(L, l, last, err, errlen)) return -1;
    }
    snprintf(m->policy, sizeof m->policy, "uniform%d", bits);
    return 0;
}
