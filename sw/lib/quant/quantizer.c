/* Per-layer quantizer: uniform baselines and heterogeneous low+high rows.
 *
 * Heterogeneous row r (hq_arith.h): high weights sit on an int8 (or int4) grid of step
 * w_scale[r]; low weights take a signed lo-bit code c worth c << lo_shift[r] on that grid,
 * i.e. the low level is a = 2^lo_shift * w_scale. The grid must cover the row's largest
 * weight, so w_scale >= max|w| / qmax; within that, (w_scale, lo_shift) are chosen jointly to
 * minimise the row's squared error, the ideal low level coming from a Lloyd fit. */
#include "hq_error.h"
#include "quant/quantizer.h"

#include "ptq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hq_quant_lo_bits(const hq_layer_policy *lp) {
    if (lp->uniform_bits) return lp->uniform_bits <= 2 ? lp->uniform_bits : 0;
    return lp->lo;
}

int hq_quant_hi_bits(const hq_layer_policy *lp) {
    if (lp->uniform_bits) return lp->uniform_bits == 4 ? 4 : 8;
    return lp->hi;
}

static int code_max(int lo) {
    return lo == 1 ? 1 : (1 << (lo - 1)) - 1;
}

int hq_quant_max_lo_shift(int lo_bits) {
    int s = 0;
    while ((code_max(lo_bits) << (s + 1)) <= 127)
        s++;
    return s;
}

/* Low code of w for level a (a > 0). Binary has no zero: the sign decides. */
static inline int low_code(float w, float a, int lo, int cmax) {
    if (lo == 1) return w >= 0.0f ? 1 : -1;
    long c = lroundf(w / a);
    return (int)(c > cmax ? cmax : c < -cmax ? -cmax : c);
}

static inline int high_value(float w, float scale, int qmax) {
    long v = lroundf(w / scale);
    return (int)(v > qmax ? qmax : v < -qmax ? -qmax : v);
}

/* Least-squares low level for the weights w[j] with skip[j] == 0 (Lloyd iterations). */
static float fit_low_level(const float *w, const unsigned char *skip, int n, int lo) {
    double sum_abs = 0;
    int cnt = 0;
    for (int j = 0; j < n; j++)
        if (!skip || !skip[j]) {
            sum_abs += fabsf(w[j]);
            cnt++;
        }
    if (cnt == 0 || sum_abs == 0) return 0.0f;
    double mean = sum_abs / cnt;
    if (lo == 1) return (float)mean; /* exact optimum of sum (w - a sign w)^2 */
    static const double init[5] = {0, 0, 1.4, 0.8, 0.4};
    int cmax = code_max(lo);
    double a = mean * init[lo];
    for (int it = 0; it < 12; it++) {
        double num = 0, den = 0;
        for (int j = 0; j < n; j++)
            if (!skip || !skip[j]) {
                int c = low_code(w[j], (float)a, lo, cmax);
                num += (double)w[j] * c;
                den += (double)c * c;
            }
        if (den == 0) break;
        double na = num / den;
        if (fabs(na - a) <= 1e-7 * a) {
            a = na;
            break;
        }
        a = na;
    }
    return (float)a;
}

/* Chooses w_scale and lo_shift of one row and writes its integer weights. */
static void quant_row(const float *w, int cols, int lo, int hi, float fixed_scale,
                      unsigned char *is_hi, int8_t *out, float *w_scale, uint8_t *lo_shift) {
    int qmax = hi == 4 ? 7 : 127, cmax = code_max(lo), smax = hq_quant_max_lo_shift(lo);
    float mx = 0;
    for (int j = 0; j < cols; j++)
        if (fabsf(w[j]) > mx) mx = fabsf(w[j]);
    if (fixed_scale > 0)
        mx = fixed_scale * qmax; /* shared grid (last layer): only lo_shift is per row */
    if (mx == 0) { /* all-zero row: as ptq.h, scale 1/qmax (binary keeps its smallest level) */
        *w_scale = 1.0f / (float)qmax;
        *lo_shift = 0;
        for (int j = 0; j < cols; j++) {
            is_hi[j] = 0;
            out[j] = (int8_t)(lo == 1 ? 1 : 0);
        }
        return;
    }
    float cover = mx / qmax;
    float a_star = fit_low_level(w, is_hi, cols, lo);
    int best_s = 0;
    double best_err = INFINITY;
    for (int s = 0; s <= smax; s++) {
        float scale = fixed_scale > 0 ? fixed_scale : a_star / (float)(1 << s);
        if (scale < cover) scale = cover;
        float a = scale * (float)(1 << s);
        double err = 0;
        for (int j = 0; j < cols; j++) {
            float q;
            if (is_hi[j]) {
                int v = high_value(w[j], scale, qmax);
                q = (v == 0 && lo == 1) ? (w[j] >= 0 ? scale : -scale) : v * scale;
            } else {
                q = low_code(w[j], a, lo, cmax) * a;
            }
            err += (double)(w[j] - q) * (w[j] - q);
        }
        if (err < best_err) {
            best_err = err;
            best_s = s;
        }
        if (fixed_scale == 0 && a_star / (float)(1 << s) < cover)
            break; /* larger shifts only coarsen the low level further */
    }
    float scale = fixed_scale > 0 ? fixed_scale : a_star / (float)(1 << best_s);
    if (scale < cover) scale = cover;
    float a = scale * (float)(1 << best_s);
    *w_scale = scale;
    *lo_shift = (uint8_t)best_s;
    for (int j = 0; j < cols; j++) {
        if (is_hi[j]) {
            int v = high_value(w[j], scale, qmax);
            if (v == 0 && lo == 1)
                v = w[j] >= 0 ? 1 : -1; /* binary cannot hold 0: keep the nearest nonzero */
            if (v != 0) {
                out[j] = (int8_t)v;
                continue;
            }
            is_hi[j] = 0; /* rounds to 0: the low code 0 is exact and free */
        }
        out[j] = (int8_t)(low_code(w[j], a, lo, cmax) * (1 << best_s));
    }
}

static void quant_uniform_hi(const float *w, int rows, int cols, int bits, int per_tensor,
                             hq_qlayer *q) {
    int qmax = bits == 4 ? 7 : 127;
    hq_layer view = {.rows = rows, .cols = cols, .w = (float *)w};
    hq_ptq_weight_scales(&view, qmax, per_tensor, q->w_scale);
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) {
            long i = (long)r * cols + j;
            q->w[i] = (int8_t)hq_ptq_round_weight(w[i], q->w_scale[r], qmax);
        }
}

int hq_quant_layer(const float *w, int rows, int cols, const float *col_energy,
                   const hq_layer_policy *lp, int per_tensor, hq_qlayer *q, char *err,
                   size_t errlen) {
    int lo = hq_quant_lo_bits(lp), hi = hq_quant_hi_bits(lp);
    if (rows <= 0 || cols <= 0) {
        hq_errf(err, errlen, "layer has no weights (%d x %d)", rows, cols);
        return -1;
    }
    if (q->lo_bits != lo || q->hi_bits != hi || (lo && (!q->is_hi || !q->lo_shift))) {
        hq_errf(err, errlen,
                "quantized layer allocated for lo=%d hi=%d, policy needs lo=%d "
                "hi=%d",
                q->lo_bits, q->hi_bits, lo, hi);
        return -1;
    }
    if (lo == 0) {
        quant_uniform_hi(w, rows, cols, hi, per_tensor, q);
        return 0;
    }
    long n = (long)rows * cols;
    hq_layer_policy eff = *lp;
    if (lp->uniform_bits) /* uniform2 / uniform1: a low-only layer */
        eff.frac = 0;
    if (eff.select == HQ_SELECT_SALIENCY && eff.frac > 0 && !col_energy) {
        hq_errf(err, errlen, "select=saliency needs activation statistics (a calibration set)");
        return -1;
    }
    memset(q->is_hi, 0, (size_t)n);
    if (eff.frac > 0) {
        float *score = malloc(sizeof *score * (size_t)n);
        if (!score) {
            hq_errf(err, errlen, "out of memory");
            return -1;
        }
        int cmax = code_max(lo);
        for (int r = 0; r < rows; r++) {
            const float *wr = w + (long)r * cols;
            float *sr = score + (long)r * cols;
            if (eff.select == HQ_SELECT_MAGNITUDE) {
                for (int j = 0; j < cols; j++)
                    sr[j] = fabsf(wr[j]);
                continue;
            }
            /* error of the row's best all-low quantization, optionally activation-weighted */
            float a = fit_low_level(wr, NULL, cols, lo);
            for (int j = 0; j < cols; j++) {
                float d = a > 0 ? wr[j] - low_code(wr[j], a, lo, cmax) * a : wr[j];
                sr[j] = d * d * (eff.select == HQ_SELECT_SALIENCY ? col_energy[j] : 1.0f);
            }
        }
        long k = hq_select_high(score, rows, cols, &eff, q->is_hi);
        free(score);
        if (k < 0) {
            hq_errf(err, errlen, "out of memory");
            return -1;
        }
    }
    float fixed = 0;
    if (per_tensor) {
        for (long i = 0; i < n; i++)
            if (fabsf(w[i]) > fixed) fixed = fabsf(w[i]);
        fixed = fixed > 0 ? fixed / (hi == 4 ? 7 : 127) : 1.0f / 127;
    }
    for (int r = 0; r < rows; r++)
        quant_row(w + (long)r * cols, cols, lo, hi, fixed, q->is_hi + (long)r * cols,
                  q->w + (long)r * cols, &q->w_scale[r], &q->lo_shift[r]);
    return 0;
}

void hq_quant_dequant(const hq_qlayer *q, int rows, int cols, float *out) {
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++)
            out[(long)r * cols + j] = q->w_scale[r] * (float)q->w[(long)r * cols + j];
}
