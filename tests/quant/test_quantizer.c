/* Heterogeneous quantizer: the contract of hq_arith.h holds, structure constraints are
 * respected, the selection rules do what they say, results are deterministic, and error
 * behaves as it must (more high weights or more low bits never hurt on these vectors). */
#include "quant/quantizer.h"
#include "test_util.h"

#include <math.h>

#define ROWS 48
#define COLS 200

static float W[ROWS * COLS];

static void make_weights(uint64_t seed) {
    uint64_t s = seed;
    for (int i = 0; i < ROWS * COLS; i++) {
        W[i] = 0.05f * t_randn(&s);
        if (t_rand(&s) % 50 == 0) W[i] *= 6.0f; /* ~2 % outliers */
    }
}

static hq_qlayer *quant(const char *spec, const float *energy, int per_tensor) {
    hq_policy p;
    char err[256];
    if (hq_policy_parse(&p, spec, err, sizeof err)) {
        CHECK(0, "%s: %s", spec, err);
        return NULL;
    }
    hq_qlayer *q = t_alloc_q(ROWS, COLS, hq_quant_lo_bits(&p.base), hq_quant_hi_bits(&p.base));
    int rc = hq_quant_layer(W, ROWS, COLS, energy, &p.base, per_tensor, q, err, sizeof err);
    CHECK(rc == 0, "%s: %s", spec, err);
    return q;
}

static double mse(const hq_qlayer *q) {
    static float dq[ROWS * COLS];
    hq_quant_dequant(q, ROWS, COLS, dq);
    double e = 0;
    for (int i = 0; i < ROWS * COLS; i++)
        e += (double)(W[i] - dq[i]) * (W[i] - dq[i]);
    return e / (ROWS * COLS);
}

static long count_hi(const hq_qlayer *q) {
    long n = 0;
    for (int i = 0; q->lo_bits && i < ROWS * COLS; i++)
        n += q->is_hi[i];
    return n;
}

/* hq_arith.h: low weights are codes << lo_shift, high ones nonzero on the grid, the grid
 * covers the row's largest weight. */
static void check_contract(const hq_qlayer *q, const char *spec) {
    int lo = q->lo_bits, qmax = q->hi_bits == 4 ? 7 : 127;
    int cmax = lo <= 1 ? 1 : (1 << (lo - 1)) - 1;
    for (int r = 0; r < ROWS; r++) {
        float mx = 0;
        for (int j = 0; j < COLS; j++)
            mx = fmaxf(mx, fabsf(W[r * COLS + j]));
        CHECK(mx / q->w_scale[r] <= qmax + 0.5f + 1e-3f, "%s row %d: grid does not cover max", spec,
              r);
        if (!lo) continue;
        int s = q->lo_shift[r];
        CHECK(s <= hq_quant_max_lo_shift(lo) && (cmax << s) <= 127, "%s row %d shift %d", spec, r,
              s);
        for (int j = 0; j < COLS; j++) {
            int i = r * COLS + j, v = q->w[i];
            if (q->is_hi[i]) {
                CHECK(v != 0 && v >= -qmax && v <= qmax, "%s: high value %d", spec, v);
            } else {
                int c = v / (1 << s);
                CHECK(c * (1 << s) == v && c >= -cmax && c <= cmax && (lo > 1 || c != 0),
                      "%s row %d: low weight %d is not a code << %d", spec, r, v, s);
            }
        }
    }
}

static void structures(void) {
    make_weights(1);
    const char *spec = "lo=2,hi=8,frac=0.02,struct=nm:1:32";
    hq_qlayer *q = quant(spec, NULL, 0);
    check_contract(q, spec);
    long target = lround(0.02 * ROWS * COLS);
    CHECK(labs(count_hi(q) - target) <= 2, "nm:1:32: %ld high, target %ld", count_hi(q), target);
    for (int r = 0; r < ROWS; r++)
        for (int b = 0; b < COLS; b += 32) {
            int c = 0;
            for (int j = b; j < COLS && j < b + 32; j++)
                c += q->is_hi[r * COLS + j];
            CHECK(c <= 1, "nm:1:32 row %d block %d holds %d", r, b / 32, c);
        }
    hq_qlayer_free(q);

    spec = "lo=2,hi=8,frac=0.1,struct=nm:2:8,select=error";
    q = quant(spec, NULL, 0);
    check_contract(q, spec);
    for (int r = 0; r < ROWS; r++)
        for (int b = 0; b < COLS; b += 8) {
            int c = 0;
            for (int j = b; j < COLS && j < b + 8; j++)
                c += q->is_hi[r * COLS + j];
            CHECK(c <= 2, "nm:2:8 row %d block %d holds %d", r, b / 8, c);
        }
    hq_qlayer_free(q);

    /* whole rows: every nonzero weight of a chosen row is high, other rows have none */
    spec = "lo=2,hi=8,frac=0.0625,struct=row";
    q = quant(spec, NULL, 0);
    check_contract(q, spec);
    int hi_rows = 0;
    for (int r = 0; r < ROWS; r++) {
        int any = 0, all = 1;
        for (int j = 0; j < COLS; j++) {
            int i = r * COLS + j;
            any |= q->is_hi[i];
            all &= q->is_hi[i] || q->w[i] == 0;
        }
        CHECK(!any || all, "row %d mixes", r);
        hi_rows += any;
    }
    CHECK(hi_rows == 3, "struct=row: %d high rows, expected 3 (6.25 %% of 48)", hi_rows);
    hq_qlayer_free(q);

    spec = "lo=1,hi=8,frac=0.05,struct=col";
    q = quant(spec, NULL, 0);
    check_contract(q, spec);
    int hi_cols = 0;
    for (int j = 0; j < COLS; j++) {
        int c = 0;
        for (int r = 0; r < ROWS; r++)
            c += q->is_hi[r * COLS + j];
        CHECK(c == 0 || c == ROWS, "binary col %d: %d of %d high", j, c, ROWS);
        hi_cols += c == ROWS;
    }
    CHECK(hi_cols == 10, "struct=col: %d high columns, expected 10", hi_cols);
    hq_qlayer_free(q);

    spec = "lo=2,hi=8,frac=0.1,struct=tile:16x40";
    q = quant(spec, NULL, 0);
    check_contract(q, spec);
    for (int tr = 0; tr < ROWS; tr += 16)
        for (int tc = 0; tc < COLS; tc += 40) {
            int zero_lo = 0, hi = 0;
            for (int r = tr; r < tr + 16; r++)
                for (int j = tc; j < tc + 40; j++) {
                    hi += q->is_hi[r * COLS + j];
                    zero_lo += !q->is_hi[r * COLS + j] && q->w[r * COLS + j] != 0;
                }
            CHECK(hi == 0 || zero_lo == 0, "tile (%d,%d) mixes", tr, tc);
        }
    CHECK(count_hi(q) > 0 && count_hi(q) <= 2 * 640, "tiles: %ld high", count_hi(q));
    hq_qlayer_free(q);
}

static void selection_rules(void) {
    make_weights(2);
    hq_qlayer *q = quant("lo=2,hi=8,frac=0.03,select=magnitude", NULL, 0);
    float min_hi = INFINITY, max_lo = 0;
    for (int i = 0; i < ROWS * COLS; i++)
        if (q->is_hi[i])
            min_hi = fminf(min_hi, fabsf(W[i]));
        else
            max_lo = fmaxf(max_lo, fabsf(W[i]));
    CHECK(min_hi >= max_lo, "magnitude: a low weight %g beats a high one %g", max_lo, min_hi);
    hq_qlayer_free(q);

    /* saliency: columns whose inputs are always 0 never get a high weight */
    float energy[COLS];
    for (int j = 0; j < COLS; j++)
        energy[j] = j < COLS / 2 ? 1.0f : 0.0f;
    q = quant("lo=2,hi=8,frac=0.03,select=saliency", energy, 0);
    long in_dead = 0;
    for (int r = 0; r < ROWS; r++)
        for (int j = COLS / 2; j < COLS; j++)
            in_dead += q->is_hi[r * COLS + j];
    CHECK(in_dead == 0 && count_hi(q) > 0, "saliency chose %ld weights in dead columns", in_dead);
    hq_qlayer_free(q);
    hq_policy p;
    char err[256];
    hq_policy_parse(&p, "lo=2,frac=0.02,select=saliency", err, sizeof err);
    hq_qlayer *t = t_alloc_q(ROWS, COLS, 2, 8);
    CHECK(hq_quant_layer(W, ROWS, COLS, NULL, &p.base, 0, t, err, sizeof err) != 0 &&
              strstr(err, "calibration"),
          "saliency without statistics accepted");
    hq_qlayer_free(t);
}

static double mse_of(const char *spec) {
    hq_qlayer *q = quant(spec, NULL, 0);
    double e = q ? mse(q) : INFINITY;
    hq_qlayer_free(q);
    return e;
}

static void error_trends(void) {
    make_weights(3);
    double u2 = mse_of("uniform2"), h1 = mse_of("lo=2,hi=8,frac=0.01");
    double h5 = mse_of("lo=2,hi=8,frac=0.05"), l4 = mse_of("lo=4,hi=8,frac=0.01");
    double u8 = mse_of("uniform8"), u1 = mse_of("uniform1");
    printf("mse: uniform1 %.3g uniform2 %.3g het1%% %.3g het5%% %.3g lo4 %.3g uniform8 %.3g\n", u1,
           u2, h1, h5, l4, u8);
    CHECK(h1 < u2 && h5 < h1 && l4 < h1 && u8 < l4 && u2 < u1, "error ordering");
    /* the low level is fitted, not a fixed fraction of the max: error beats the naive
     * TWN-style level 0.7 * mean|w| rounded to the power-of-two grid */
    double naive = 0;
    for (int r = 0; r < ROWS; r++) {
        float mx = 0, mean = 0;
        for (int j = 0; j < COLS; j++) {
            mx = fmaxf(mx, fabsf(W[r * COLS + j]));
            mean += fabsf(W[r * COLS + j]) / COLS;
        }
        float scale = mx / 127, a = scale * exp2f(roundf(log2f(0.7f * mean / scale)));
        for (int j = 0; j < COLS; j++) {
            float c = fminf(1, fmaxf(-1, roundf(W[r * COLS + j] / a)));
            naive += (W[r * COLS + j] - c * a) * (W[r * COLS + j] - c * a);
        }
    }
    naive /= ROWS * COLS;
    CHECK(u2 < naive, "fitted ternary %.3g vs naive %.3g", u2, naive);
}

static void determinism_and_per_tensor(void) {
    make_weights(4);
    const char *spec = "lo=3,hi=4,frac=0.04,select=error,struct=nm:2:32";
    hq_qlayer *a = quant(spec, NULL, 0), *b = quant(spec, NULL, 0);
    check_contract(a, spec);
    CHECK(!memcmp(a->w, b->w, ROWS * COLS) && !memcmp(a->is_hi, b->is_hi, ROWS * COLS) &&
              !memcmp(a->lo_shift, b->lo_shift, ROWS) &&
              !memcmp(a->w_scale, b->w_scale, sizeof(float) * ROWS),
          "two runs differ");
    hq_qlayer_free(a);
    hq_qlayer_free(b);
    static const char *const specs[] = {"lo=2,hi=8,frac=0.02", "uniform8", "uniform1"};
    for (int k = 0; k < 3; k++) {
        hq_qlayer *q = quant(specs[k], NULL, 1);
        check_contract(q, specs[k]);
        int same = 1;
        for (int r = 1; r < ROWS; r++)
            same &= q->w_scale[r] == q->w_scale[0];
        CHECK(same, "%s per-tensor: scales differ", specs[k]);
        hq_qlayer_free(q);
    }
}

int main(void) {
    structures();
    selection_rules();
    error_trends();
    determinism_and_per_tensor();
    return t_report("test_quantizer");
}
