/* The .hqm model object: allocation, freeing and the invariants of a valid model
 * (hq_model_validate), shared by the reader and the writer. */
#include "container.h"
#include "container_format.h"
#include "hq_error.h"
#include "layer_ops.h"
#include "quant/policy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t hq_layer_weights(const hq_layer *l) {
    if (l->kind != HQ_LAYER_DENSE && l->kind != HQ_LAYER_CONV) return 0;
    return (size_t)l->rows * (size_t)l->cols;
}

static size_t shape_elems(hq_shape s) {
    return (size_t)s.c * (size_t)s.h * (size_t)s.w;
}

/* c*h*w <= HQM_MAX_ELEMS, computed without overflow whatever the (positive int) fields. */
static int shape_fits(hq_shape s) {
    uint64_t n = (uint64_t)s.c;
    if (n > HQM_MAX_ELEMS) return 0;
    n *= (uint64_t)s.h; /* < 2^26 * 2^31: no overflow */
    if (n > HQM_MAX_ELEMS) return 0;
    n *= (uint64_t)s.w;
    return n <= HQM_MAX_ELEMS;
}

/* ------------------------------------------------------------------ allocation helpers */

hq_qlayer *hq_qlayer_alloc(const hq_layer *l, int lo_bits, int hi_bits) {
    size_t nw = hq_layer_weights(l), r = (size_t)l->rows;
    hq_qlayer *q = calloc(1, sizeof *q);
    if (!q || !nw) goto fail;
    q->lo_bits = lo_bits;
    q->hi_bits = hi_bits;
    q->w = calloc(nw, 1);
    q->w_scale = calloc(r, sizeof *q->w_scale);
    q->bias = calloc(r, sizeof *q->bias);
    q->rq_mult = calloc(r, sizeof *q->rq_mult);
    q->rq_shift = calloc(r, 1);
    if (!q->w || !q->w_scale || !q->bias || !q->rq_mult || !q->rq_shift) goto fail;
    if (lo_bits > 0) {
        q->is_hi = calloc(nw, 1);
        q->lo_shift = calloc(r, 1);
        if (!q->is_hi || !q->lo_shift) goto fail;
    }
    return q;
fail:
    hq_qlayer_free(q);
    return NULL;
}

void hq_qlayer_free(hq_qlayer *q) {
    if (!q) return;
    free(q->w);
    free(q->is_hi);
    free(q->lo_shift);
    free(q->w_scale);
    free(q->bias);
    free(q->rq_mult);
    free(q->rq_shift);
    free(q);
}

void hq_container_free_model(hq_model *m) {
    if (!m) return;
    for (int i = 0; i < m->n_layers && i < HQ_MAX_LAYERS; i++) {
        free(m->layers[i].w);
        free(m->layers[i].b);
        hq_qlayer_free(m->layers[i].q);
    }
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------ validation */

int hqm_layer_has_ext(const hq_layer *l) {
    return l->groups > 1 || l->src || l->src2 || l->count_pad;
}

int hqm_layer_is_v2(const hq_layer *l) {
    return hqm_layer_has_ext(l) || l->kind > HQ_LAYER_MAXPOOL || l->relu == 2 ||
           (l->kind == HQ_LAYER_MAXPOOL && (l->stride != l->k || l->pad));
}

/* Window, stride and padding of a max or average pool, and its output shape. */
static int check_pool(const hq_layer *l, int li, const char *name, char *err, size_t errlen) {
    if (l->k < 1 || l->k > 15 || l->stride < 1 || l->stride > 15 || l->pad < 0 || l->pad >= l->k)
        return hq_errf(err, errlen, "layer %d (%s): window %d, stride %d, pad %d out of range", li,
                       name, l->k, l->stride, l->pad);
    if (l->in.h + 2 * l->pad < l->k || l->in.w + 2 * l->pad < l->k)
        return hq_errf(err, errlen, "layer %d (%s): window %d larger than the padded input", li,
                       name, l->k);
    int oh = (l->in.h + 2 * l->pad - l->k) / l->stride + 1;
    int ow = (l->in.w + 2 * l->pad - l->k) / l->stride + 1;
    if (l->out.c != l->in.c || l->out.h != oh || l->out.w != ow)
        return hq_errf(err, errlen,
                       "layer %d (%s): output %dx%dx%d does not match input %dx%dx%d pooled "
                       "(window %d, stride %d, pad %d)",
                       li, name, l->out.c, l->out.h, l->out.w, l->in.c, l->in.h, l->in.w, l->k,
                       l->stride, l->pad);
    return 0;
}

static int check_shape(hq_shape s, int li, const char *which, char *err, size_t errlen) {
    if (s.c < 1 || s.h < 1 || s.w < 1 || !shape_fits(s))
        return hq_errf(err, errlen, "layer %d: %s shape %dx%dx%d (CxHxW) is out of range", li,
                       which, s.c, s.h, s.w);
    return 0;
}

int hqm_check_geometry(const hq_layer *l, int li, char *err, size_t errlen) {
    if (check_shape(l->in, li, "input", err, errlen) ||
        check_shape(l->out, li, "output", err, errlen))
        return -1;
    if (l->relu < 0 || l->relu > 2)
        return hq_errf(err, errlen, "layer %d: relu flag %d is not 0, 1 or 2 (ReLU6)", li, l->relu);
    if (l->groups < 0 || l->src < 0 || l->src2 < 0 || l->count_pad < 0 || l->count_pad > 1 ||
        (l->groups > 1 && l->kind != HQ_LAYER_CONV) || (l->src2 && l->kind != HQ_LAYER_ADD) ||
        (l->count_pad && l->kind != HQ_LAYER_AVGPOOL))
        return hq_errf(err, errlen, "layer %d: groups %d, src %d, src2 %d, count_pad %d invalid",
                       li, l->groups, l->src, l->src2, l->count_pad);
    if (l->kind != HQ_LAYER_DENSE && l->kind != HQ_LAYER_CONV && (l->w || l->b || l->q))
        return hq_errf(err, errlen, "layer %d (kind %d) carries weights", li, (int)l->kind);
    switch (l->kind) {
    case HQ_LAYER_DENSE:
        /* stored flattened (docs/format.md, LAYR): input (cols, 1, 1), output (rows, 1, 1) */
        if (l->in.h != 1 || l->in.w != 1 || l->out.h != 1 || l->out.w != 1)
            return hq_errf(err, errlen,
                           "layer %d (dense): input %dx%dx%d / output %dx%dx%d must "
                           "be stored flattened as (n, 1, 1)",
                           li, l->in.c, l->in.h, l->in.w, l->out.c, l->out.h, l->out.w);
        if ((size_t)l->cols != shape_elems(l->in) || (size_t)l->rows != shape_elems(l->out))
            return hq_errf(err, errlen,
                           "layer %d (dense): GEMM %dx%d does not match %zu inputs, "
                           "%zu outputs",
                           li, l->rows, l->cols, shape_elems(l->in), shape_elems(l->out));
        break;
    case HQ_LAYER_CONV: {
        if (l->k < 1 || l->k > 15 || l->stride < 1 || l->stride > 15 || l->pad < 0 ||
            l->pad >= l->k)
            return hq_errf(err, errlen,
                           "layer %d (conv): kernel %d, stride %d, pad %d out of range", li, l->k,
                           l->stride, l->pad);
        if (l->in.h + 2 * l->pad < l->k || l->in.w + 2 * l->pad < l->k)
            return hq_errf(err, errlen, "layer %d (conv): kernel %d larger than the padded input",
                           li, l->k);
        int oh = (l->in.h + 2 * l->pad - l->k) / l->stride + 1;
        int ow = (l->in.w + 2 * l->pad - l->k) / l->stride + 1;
        if (l->out.h != oh || l->out.w != ow)
            return hq_errf(err, errlen, "layer %d (conv): output %dx%d, expected %dx%d", li,
                           l->out.h, l->out.w, oh, ow);
        int g = hq_layer_groups(l);
        if (l->in.c % g || l->out.c % g)
            return hq_errf(err, errlen,
                           "layer %d (conv): %d groups do not divide %d -> %d channels", li, g,
                           l->in.c, l->out.c);
        long long k_want = (long long)l->k * l->k * (l->in.c / g); /* up to 225 * 2^26 */
        if (l->rows != l->out.c || (long long)l->cols != k_want)
            return hq_errf(err, errlen, "layer %d (conv): GEMM %dx%d, expected %dx%lld", li,
                           l->rows, l->cols, l->out.c, k_want);
        break;
    }
    case HQ_LAYER_MAXPOOL:
        if (check_pool(l, li, "maxpool", err, errlen)) return -1;
        break;
    case HQ_LAYER_AVGPOOL:
        if (check_pool(l, li, "avgpool", err, errlen)) return -1;
        break;
    case HQ_LAYER_GAP:
        if (l->out.c != l->in.c || l->out.h != 1 || l->out.w != 1)
            return hq_errf(err, errlen, "layer %d (gap): output %dx%dx%d, expected %dx1x1", li,
                           l->out.c, l->out.h, l->out.w, l->in.c);
        break;
    case HQ_LAYER_ADD:
        if (l->out.c != l->in.c || l->out.h != l->in.h || l->out.w != l->in.w)
            return hq_errf(err, errlen, "layer %d (add): output shape differs from input", li);
        if (l->src2 < 1)
            return hq_errf(err, errlen, "layer %d (add): no second operand (src2)", li);
        break;
    default: return hq_errf(err, errlen, "layer %d: unknown layer kind %d", li, (int)l->kind);
    }
    if (hq_layer_weights(l) > HQM_MAX_WEIGHTS)
        return hq_errf(err, errlen, "layer %d: %zu weights is more than supported (%zu)", li,
                       hq_layer_weights(l), HQM_MAX_WEIGHTS);
    return 0;
}

static int finite_positive(float x) {
    return isfinite(x) && x > 0.0f;
}

static int check_qlayer(const hq_layer *l, int li, int last, char *err, size_t errlen) {
    const hq_qlayer *q = l->q;
    if (q->lo_bits < 0 || q->lo_bits > 4)
        return hq_errf(err, errlen, "layer %d: lo_bits %d out of range [0, 4]", li, q->lo_bits);
    if (q->hi_bits < 2 || q->hi_bits > 8)
        return hq_errf(err, errlen, "layer %d: hi_bits %d out of range [2, 8]", li, q->hi_bits);
    if (q->lo_bits >= q->hi_bits)
        return hq_errf(err, errlen, "layer %d: lo_bits %d not below hi_bits %d", li, q->lo_bits,
                       q->hi_bits);
    if (!q->w || !q->w_scale || !q->bias || !q->rq_mult || !q->rq_shift ||
        (q->lo_bits > 0 && (!q->is_hi || !q->lo_shift)))
        return hq_errf(err, errlen, "layer %d: quantized parameters incomplete", li);
    if (!finite_positive(l->in_act_scale) || (!last && !finite_positive(l->out_act_scale)))
        return hq_errf(err, errlen,
                       "layer %d: activation scales %g -> %g must be finite and "
                       "positive",
                       li, l->in_act_scale, l->out_act_scale);
    /* the logits are int32 accumulators, not requantized: no output scale (docs/format.md) */
    if (last && l->out_act_scale != 0.0f)
        return hq_errf(err, errlen,
                       "layer %d (classifier): out_act_scale %g must be 0 (its "
                       "int32 logits are not requantized)",
                       li, l->out_act_scale);
    int wmax = (1 << (q->hi_bits - 1)) - 1;
    int cmax = q->lo_bits > 1 ? (1 << (q->lo_bits - 1)) - 1 : 1;
    for (int r = 0; r < l->rows; r++) {
        if (!finite_positive(q->w_scale[r]))
            return hq_errf(err, errlen, "layer %d row %d: w_scale %g must be finite and positive",
                           li, r, q->w_scale[r]);
        if (last && q->w_scale[r] != q->w_scale[0])
            return hq_errf(err, errlen,
                           "layer %d (classifier) row %d: w_scale differs from row 0; "
                           "the logits are compared as raw int32 so all rows share one scale "
                           "(docs/arith.md)",
                           li, r);
        if (!last && (q->rq_mult[r] < 0 || q->rq_shift[r] > 62))
            return hq_errf(err, errlen, "layer %d row %d: requant mult %d shift %d out of range",
                           li, r, q->rq_mult[r], q->rq_shift[r]);
        int sh = q->lo_bits > 0 ? q->lo_shift[r] : 0;
        if (sh > 7)
            return hq_errf(err, errlen, "layer %d row %d: lo_shift %d out of range [0, 7]", li, r,
                           sh);
        const int8_t *w = q->w + (size_t)r * l->cols;
        for (int c = 0; c < l->cols; c++) {
            int v = w[c];
            if (v < -wmax || v > wmax)
                return hq_errf(err, errlen,
                               "layer %d row %d col %d: weight %d outside the %d-bit "
                               "grid [%d, %d]",
                               li, r, c, v, q->hi_bits, -wmax, wmax);
            if (q->lo_bits == 0) continue;
            uint8_t hi = q->is_hi[(size_t)r * l->cols + c];
            if (hi > 1)
                return hq_errf(err, errlen, "layer %d row %d col %d: is_hi %d not 0 or 1", li, r, c,
                               hi);
            if (hi && v == 0)
                return hq_errf(
                    err, errlen,
                    "layer %d row %d col %d: high-precision weight 0 (a "
                    "high weight is never 0; 0 is a low weight: docs/arith.md section 3)",
                    li, r, c);
            if (hi) continue;
            /* A low weight is c << lo_shift with c a valid low code (binary: +-1 only). */
            int code = v / (1 << sh);
            int ok = code * (1 << sh) == v && (q->lo_bits == 1 ? (code == 1 || code == -1)
                                                               : (code >= -cmax && code <= cmax));
            if (!ok)
                return hq_errf(err, errlen,
                               "layer %d row %d col %d: low-precision weight %d is not "
                               "a %d-bit code shifted by %d",
                               li, r, c, v, q->lo_bits, sh);
        }
    }
    return 0;
}

/* The stored policy text is parsed again by pack and run: it must be a valid spec whose
 * overrides name layers of this model ("" for a float model). */
static int check_policy(const hq_model *m, char *err, size_t errlen) {
    if (!m->policy[0]) return 0;
    int n_weighted = 0;
    for (int i = 0; i < m->n_layers; i++)
        n_weighted += hq_layer_weights(&m->layers[i]) > 0;
    hq_policy p;
    char why[256];
    if (hq_policy_parse(&p, m->policy, why, sizeof why) ||
        hq_policy_check_layers(&p, n_weighted, why, sizeof why))
        return hq_errf(err, errlen, "stored policy '%.60s%s': %s", m->policy,
                       strlen(m->policy) > 60 ? "..." : "", why);
    return 0;
}

/* A layer without weights (pooling, add): never the last; in a quantized model a pool keeps its
 * input's scale and an add's scales give representable multipliers (docs/arith.md 7a). */
static int check_unweighted(const hq_model *m, int i, int any_q, char *err, size_t errlen) {
    const hq_layer *l = &m->layers[i];
    if (i == m->n_layers - 1)
        return hq_errf(err, errlen, "the last layer (kind %d) has no weights: it must give logits",
                       (int)l->kind);
    if (l->kind == HQ_LAYER_ADD) {
        hq_shape b = hq_model_out_shape(m, l->src2 - 1);
        if (b.c != l->in.c || b.h != l->in.h || b.w != l->in.w)
            return hq_errf(err, errlen,
                           "layer %d (add): operands %dx%dx%d and %dx%dx%d (layer %d) differ", i,
                           l->in.c, l->in.h, l->in.w, b.c, b.h, b.w, l->src2 - 1);
        int32_t ma, mb;
        int sh;
        if (any_q && hq_add_params(l->in_act_scale, m->layers[l->src2 - 1].out_act_scale,
                                   l->out_act_scale, &ma, &mb, &sh))
            return hq_errf(err, errlen,
                           "layer %d (add): scales %g + %g -> %g are not positive or give no "
                           "representable multipliers",
                           i, l->in_act_scale, m->layers[l->src2 - 1].out_act_scale,
                           l->out_act_scale);
    } else if (any_q && l->out_act_scale != l->in_act_scale) {
        return hq_errf(err, errlen, "layer %d (pool): output scale differs from input scale", i);
    }
    return 0;
}

int hq_model_validate(const hq_model *m, char *err, size_t errlen) {
    if (m->n_layers < 1 || m->n_layers > HQ_MAX_LAYERS)
        return hq_errf(err, errlen, "%d layers (must be 1..%d)", m->n_layers, HQ_MAX_LAYERS);
    if (!memchr(m->net, 0, sizeof m->net) || !memchr(m->policy, 0, sizeof m->policy) ||
        !memchr(m->layout, 0, sizeof m->layout))
        return hq_errf(err, errlen, "net, policy or layout name not terminated");
    if (check_shape(m->input, -1, "model input", err, errlen)) return -1;
    if (m->n_classes < 2 || m->n_classes > 4096)
        return hq_errf(err, errlen, "%d classes (must be 2..4096)", m->n_classes);
    if (!isfinite(m->width_mult) || m->width_mult <= 0.0f || m->width_mult > 64.0f)
        return hq_errf(err, errlen, "width multiplier %g out of range (0, 64]", m->width_mult);
    int any_q = 0;
    for (int i = 0; i < m->n_layers; i++)
        any_q |= m->layers[i].q != NULL;
    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *l = &m->layers[i];
        int last = i == m->n_layers - 1;
        if (hqm_check_geometry(l, i, err, errlen)) return -1;
        if (l->src > i || l->src2 > i)
            return hq_errf(err, errlen, "layer %d: source %d/%d is not an earlier layer", i,
                           l->src - 1, l->src2 - 1);
        const int src = hq_layer_src(m, i);
        hq_shape prev = hq_model_out_shape(m, src);
        if (shape_elems(l->in) != shape_elems(prev) ||
            (l->kind != HQ_LAYER_DENSE &&
             (l->in.c != prev.c || l->in.h != prev.h || l->in.w != prev.w)))
            return hq_errf(err, errlen,
                           "layer %d: input %dx%dx%d does not match the output %dx%dx%d of "
                           "its source (layer %d)",
                           i, l->in.c, l->in.h, l->in.w, prev.c, prev.h, prev.w, src);
        if (any_q && src >= 0 && l->in_act_scale != m->layers[src].out_act_scale)
            return hq_errf(err, errlen,
                           "layer %d: input scale %g differs from the output scale %g "
                           "of layer %d",
                           i, l->in_act_scale, m->layers[src].out_act_scale, src);
        if (l->kind != HQ_LAYER_DENSE && l->kind != HQ_LAYER_CONV) {
            if (check_unweighted(m, i, any_q, err, errlen)) return -1;
            continue;
        }
        if (!l->w != !l->b)
            return hq_errf(err, errlen, "layer %d: float weights without bias or vice versa", i);
        if (!l->w && !l->q)
            return hq_errf(err, errlen, "layer %d: neither float nor quantized parameters", i);
        if (any_q && !l->q)
            return hq_errf(err, errlen, "layer %d: not quantized while other layers are", i);
        if (l->w) {
            size_t nw = hq_layer_weights(l);
            for (size_t j = 0; j < nw; j++)
                if (!isfinite(l->w[j]))
                    return hq_errf(err, errlen, "layer %d: float weight %zu is not finite", i, j);
            for (int r = 0; r < l->rows; r++)
                if (!isfinite(l->b[r]))
                    return hq_errf(err, errlen, "layer %d: float bias %d is not finite", i, r);
        }
        if (l->q && check_qlayer(l, i, last, err, errlen)) return -1;
        if (last && (l->relu || shape_elems(l->out) != (size_t)m->n_classes))
            return hq_errf(err, errlen, "last layer must give %d logits without ReLU",
                           m->n_classes);
    }
    return check_policy(m, err, errlen);
}
