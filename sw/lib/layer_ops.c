/* Derived properties of the graph layers (docs/arith.md section 7a). */
#include "layer_ops.h"

#include "hq_error.h"

#include <math.h>

int hq_act_signed(const hq_model *m, int j) {
    if (j < 0 || j >= m->n_layers - 1) return 0;
    const hq_layer *l = &m->layers[j];
    switch (l->kind) {
    case HQ_LAYER_DENSE:
    case HQ_LAYER_CONV:
    case HQ_LAYER_ADD: return l->relu == 0;
    case HQ_LAYER_MAXPOOL:
    case HQ_LAYER_AVGPOOL:
    case HQ_LAYER_GAP: {
        int s = hq_layer_src(m, j);
        return s < j ? hq_act_signed(m, s) : 0; /* s < j in a valid model */
    }
    }
    return 0;
}

int hq_relu6_code(float out_act_scale) {
    if (!(out_act_scale > 0)) return 255;
    double q = floor(6.0 / (double)out_act_scale + 0.5);
    return q > 255 ? 255 : (int)q;
}

void hq_act_clamp(const hq_layer *l, int *lo, int *hi) {
    if (l->relu == 0) {
        *lo = -128;
        *hi = 127;
    } else {
        *lo = 0;
        *hi = l->relu == 2 ? hq_relu6_code(l->out_act_scale) : 255;
    }
}

int hq_layer_is_depthwise(const hq_layer *l) {
    return l->kind == HQ_LAYER_CONV && hq_layer_groups(l) > 1 && l->groups == l->in.c &&
           l->rows == l->in.c && l->out.c == l->in.c && l->cols == l->k * l->k;
}

int hq_layer_accel_check(const hq_model *m, int i, int flags, char *why, size_t whylen) {
    static const char *names[] = {"?", "dense", "conv", "maxpool", "add", "avgpool", "gap"};
    const hq_layer *l = &m->layers[i];
    const char *name = l->kind >= 1 && l->kind <= 6 ? names[l->kind] : "?";
    const char *what = NULL;
    if (l->kind > HQ_LAYER_MAXPOOL)
        what = "no accelerator unit";
    else if (hq_layer_groups(l) > 1 && !hq_layer_is_depthwise(l))
        what = "grouped conv";
    else if (hq_layer_is_depthwise(l) && !(flags & HQ_ACCEL_CHECK_DEPTHWISE))
        what = "depthwise conv";
    /* block-diagonal weights need a zero: binary low codes (lo_bits 1) have none */
    else if (hq_layer_is_depthwise(l) && l->q && l->q->lo_bits == 1)
        what = "depthwise conv with binary low weights";
    else if (l->kind == HQ_LAYER_MAXPOOL && (l->stride != l->k || l->pad))
        what = "maxpool with stride other than window or padding";
    else if (l->kind == HQ_LAYER_MAXPOOL && hq_act_signed(m, hq_layer_src(m, i)))
        what = "maxpool of int8 input";
    /* weighted layers: int8 inputs (FLAG_SIGNED_IN), int8 outputs (FLAG_SIGNED_OUT) and the
     * ReLU6 clamp (CLAMP_HI) run on the accelerator; a clamp of 0 has no CLAMP_HI code */
    else if (l->kind != HQ_LAYER_MAXPOOL && i < m->n_layers - 1 && l->relu == 2 &&
             hq_relu6_code(l->out_act_scale) == 0)
        what = "ReLU6 whose clamp is 0";
    if (!what) return 0;
    return hq_errf(why, whylen,
                   "layer %d (%s): %s: the accelerator has no unit for it, the firmware's CPU "
                   "fallback runs it (docs/accel.md)",
                   i, name, what);
}

static int finite_pos(float x) {
    return isfinite(x) && x > 0;
}

int hq_add_params(float sa, float sb, float sy, int32_t *mult_a, int32_t *mult_b, int *shift) {
    if (!finite_pos(sa) || !finite_pos(sb) || !finite_pos(sy)) return -1;
    double ma = (double)sa / sy, mb = (double)sb / sy;
    int e;
    frexp(ma > mb ? ma : mb, &e);
    int s = 31 - e;
    for (;;) {
        if (s < 0) return -1;
        int sc = s > 62 ? 62 : s;
        double qa = round(ldexp(ma, sc)), qb = round(ldexp(mb, sc)); /* ties away from zero */
        if ((qa >= 2147483648.0 || qb >= 2147483648.0) && s <= 62) {
            s--;
            continue;
        }
        *mult_a = (int32_t)qa;
        *mult_b = (int32_t)qb;
        *shift = sc;
        return 0;
    }
}
