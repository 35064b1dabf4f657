/* The arithmetic contract (hq_arith.h, docs/arith.md) against hand-computed values:
 * rounding ties, negative accumulators, saturation, shift 0, large multipliers, partial-sum
 * merging, argmax ties; and the derivation of (mult, shift) and the integer bias (ptq.h). */
#include "check.h"
#include "container.h"
#include "hq_arith.h"
#include "ptq.h"

#include <math.h>
#include <stdlib.h>

#define TWO30 (1 << 30)

static void test_requant(void) {
    /* mult 2^30, shift 31: y = acc / 2 rounded half up. */
    CHECK_EQ_INT(hq_requant_relu(5, TWO30, 31), 3);  /* 2.5 -> 3 (tie rounds up) */
    CHECK_EQ_INT(hq_requant_relu(3, TWO30, 31), 2);  /* 1.5 -> 2 */
    CHECK_EQ_INT(hq_requant_relu(1, TWO30, 31), 1);  /* 0.5 -> 1 */
    CHECK_EQ_INT(hq_requant_relu(4, TWO30, 31), 2);  /* exact */
    CHECK_EQ_INT(hq_requant_relu(-1, TWO30, 31), 0); /* -0.5 -> floor(0) = 0 */
    CHECK_EQ_INT(hq_requant_relu(-5, TWO30, 31), 0); /* -2.5 -> -2 -> ReLU 0 */
    /* mult 3 * 2^29 (0.75), shift 30: 10 * 1.5 = 15; 11 * 1.5 = 16.5 -> 17; 7 * 1.5 = 10.5 -> 11 */
    CHECK_EQ_INT(hq_requant_relu(10, 3 * (1 << 29), 30), 15);
    CHECK_EQ_INT(hq_requant_relu(11, 3 * (1 << 29), 30), 17);
    CHECK_EQ_INT(hq_requant_relu(7, 3 * (1 << 29), 30), 11);
    /* Saturation at 255. */
    CHECK_EQ_INT(hq_requant_relu(255, TWO30, 30), 255);
    CHECK_EQ_INT(hq_requant_relu(256, TWO30, 30), 255);
    CHECK_EQ_INT(hq_requant_relu(509, TWO30, 31), 255); /* 254.5 -> 255 */
    CHECK_EQ_INT(hq_requant_relu(508, TWO30, 31), 254);
    CHECK_EQ_INT(hq_requant_relu(1000000, TWO30, 31), 255);
    /* Shift 0: no rounding term, plain product. */
    CHECK_EQ_INT(hq_requant_relu(7, 1, 0), 7);
    CHECK_EQ_INT(hq_requant_relu(300, 1, 0), 255);
    CHECK_EQ_INT(hq_requant_relu(-7, 1, 0), 0);
    CHECK_EQ_INT(hq_requant_relu(100, 2, 0), 200);
    /* Large multiplier and shift: (2^31-1)^2 / 2^62 = 0.99999999953 -> 1. */
    CHECK_EQ_INT(hq_requant_relu(INT32_MAX, INT32_MAX, 62), 1);
    CHECK_EQ_INT(hq_requant_relu(INT32_MIN, INT32_MAX, 62), 0);
    /* 2^31-1 with M just under 2^-23: 2^31 * 2^-23 = 256 -> saturates. */
    CHECK_EQ_INT(hq_requant_relu(INT32_MAX, INT32_MAX, 54), 255);
    /* 1000 * (2^31-1) / 2^40 = 1.953... -> 2 */
    CHECK_EQ_INT(hq_requant_relu(1000, INT32_MAX, 40), 2);
    /* mult 0 always gives 0. */
    CHECK_EQ_INT(hq_requant_relu(123456, 0, 10), 0);
}

static void test_merge_and_argmax(void) {
    CHECK_EQ_INT(hq_merge_partials(3, 5, 2), 17);   /* 3*4 + 5 */
    CHECK_EQ_INT(hq_merge_partials(-3, 1, 3), -23); /* -3*8 + 1 */
    CHECK_EQ_INT(hq_merge_partials(0, -9, 7), -9);
    CHECK_EQ_INT(hq_merge_partials(-1, 0, 0), -1);
    CHECK_EQ_INT(hq_merge_partials(1 << 30, 0, 2), 0); /* wraps modulo 2^32 */

    int32_t a[] = {5, 7, 7, 1};
    CHECK_EQ_INT(hq_argmax_i32(a, 4), 1);
    int32_t b[] = {-3, -3, -3};
    CHECK_EQ_INT(hq_argmax_i32(b, 3), 0);
    int32_t c[] = {INT32_MIN, -1, INT32_MAX, INT32_MAX};
    CHECK_EQ_INT(hq_argmax_i32(c, 4), 2);
}

static void test_requant_params(void) {
    int32_t mult;
    int shift;
    CHECK(hq_requant_params(0.5, &mult, &shift) == 0);
    CHECK_EQ_INT(mult, TWO30);
    CHECK_EQ_INT(shift, 31);
    CHECK(hq_requant_params(1.0, &mult, &shift) == 0);
    CHECK_EQ_INT(mult, TWO30);
    CHECK_EQ_INT(shift, 30);
    CHECK(hq_requant_params(0.75, &mult, &shift) == 0);
    CHECK_EQ_INT(mult, 3 * (1 << 29));
    CHECK_EQ_INT(shift, 31);
    /* Just below a power of two: the mantissa rounds up to 2^31 and is renormalised. */
    CHECK(hq_requant_params(0.5 - 1e-12, &mult, &shift) == 0);
    CHECK_EQ_INT(mult, TWO30); /* 0.5 = 2^30 * 2^-31 */
    CHECK_EQ_INT(shift, 31);
    /* Too small for shift 62: shift stays 62, mult is denormalised (2^-40 = 2^22 * 2^-62). */
    CHECK(hq_requant_params(ldexp(1.0, -40), &mult, &shift) == 0);
    CHECK_EQ_INT(shift, 62);
    CHECK_EQ_INT(mult, 1 << 22);
    /* docs/arith.md 8.5: below 2^-32 the 31-bit mult is divided by 2^extra, extra = shift -
     * 62, rounding half up: mult = (mult + 2^(extra-1)) >> extra. Ties decide the mode:
     * mult 2^30 + 1 with extra 1 is 2^29 + 0.5 -> 2^29 + 1 (half-even or truncation: 2^29). */
    CHECK(hq_requant_params(ldexp((double)(TWO30 + 1), -31 - 32), &mult, &shift) == 0);
    CHECK_EQ_INT(shift, 62);
    CHECK_EQ_INT(mult, (1 << 29) + 1);
    /* (2^30 + 1) / 4 = 2^28 + 0.25 -> 2^28; (2^30 + 3) / 4 = 2^28 + 0.75 -> 2^28 + 1 */
    CHECK(hq_requant_params(ldexp((double)(TWO30 + 1), -31 - 33), &mult, &shift) == 0);
    CHECK_EQ_INT(mult, 1 << 28);
    CHECK(hq_requant_params(ldexp((double)(TWO30 + 3), -31 - 33), &mult, &shift) == 0);
    CHECK_EQ_INT(mult, (1 << 28) + 1);
    /* (2^30 + 2) / 4 = 2^28 + 0.5: a tie, up */
    CHECK(hq_requant_params(ldexp((double)(TWO30 + 2), -31 - 33), &mult, &shift) == 0);
    CHECK_EQ_INT(mult, (1 << 28) + 1);
    /* extra 31: 2^30 / 2^31 = 0.5 -> 1; extra 32 (M = 2^-64): 0.25 -> 0; M = 2^-80: 0 */
    CHECK(hq_requant_params(ldexp(1.0, -63), &mult, &shift) == 0);
    CHECK_EQ_INT(mult, 1);
    CHECK_EQ_INT(shift, 62);
    CHECK(hq_requant_params(ldexp(1.0, -64), &mult, &shift) == 0);
    CHECK_EQ_INT(mult, 0);
    CHECK_EQ_INT(shift, 62);
    CHECK(hq_requant_params(ldexp(1.0, -80), &mult, &shift) == 0);
    CHECK_EQ_INT(mult, 0);
    /* such a multiplier requantizes by section 6 as usual: 2^39 * 2^-40 = 0.5 -> 1 needs an
     * accumulator beyond int32; 2^30 * 2^-40 rounds to 0 */
    CHECK(hq_requant_params(ldexp(1.0, -40), &mult, &shift) == 0);
    CHECK_EQ_INT(hq_requant_relu(1 << 30, mult, shift), 0);
    /* Too large: refused. */
    CHECK(hq_requant_params(ldexp(1.0, 31), &mult, &shift) == -1);
    CHECK(hq_requant_params(-1.0, &mult, &shift) == -1);
    /* Random multipliers: normalised mult, relative error below 2^-31. */
    for (int i = 0; i < 10000; i++) {
        double real = ldexp(1.0 + (double)(test_rand() % 1000000) / 1e6, test_range(-30, 20));
        CHECK(hq_requant_params(real, &mult, &shift) == 0);
        CHECK(mult >= TWO30 && shift >= 0 && shift <= 62);
        double back = ldexp((double)mult, -shift);
        CHECK(fabs(back - real) <= real * ldexp(1.0, -31));
    }
}

/* Bias and requant derivation of one layer with hand-picked scales. */
static void test_finalize(void) {
    hq_layer L = {0};
    L.kind = HQ_LAYER_DENSE;
    L.in = (hq_shape){2, 1, 1};
    L.out = (hq_shape){3, 1, 1};
    L.rows = 3;
    L.cols = 2;
    L.relu = 1;
    /* Exactly representable scales, so the ties below are real ties. */
    float b[3] = {0.15625f, -0.15625f, 0.1f};
    L.b = b;
    L.in_act_scale = 0.5f;
    L.out_act_scale = 0.3f;
    L.q = hq_qlayer_alloc(&L, 0, 8);
    L.q->w_scale[0] = 0.125f; /* acc scale 1/16: bias 0.15625 * 16 = 2.5 -> 3 (away from 0) */
    L.q->w_scale[1] = 0.125f; /* -2.5 -> -3 */
    L.q->w_scale[2] = 0.5f;   /* acc scale 1/4: 0.1 * 4 = 0.4 -> 0 */
    char err[256];
    CHECK(hq_ptq_finalize_layer(&L, 0, 0, err, sizeof err) == 0);
    CHECK_EQ_INT(L.q->bias[0], 3);
    CHECK_EQ_INT(L.q->bias[1], -3);
    CHECK_EQ_INT(L.q->bias[2], 0);
    /* M = 0.0625 / 0.3f = 0.20833332505 = 0.8333333 * 2^-2: mult = round(0.8333333 * 2^31)
     * = 1789569636, shift 31 + 2 = 33 (values from the formula evaluated in Python). */
    CHECK_EQ_INT(L.q->rq_mult[0], 1789569636);
    CHECK_EQ_INT(L.q->rq_shift[0], 33);
    /* M = 0.25 / 0.3f = 0.8333333: same mantissa, shift 31. */
    CHECK_EQ_INT(L.q->rq_mult[2], 1789569636);
    CHECK_EQ_INT(L.q->rq_shift[2], 31);
    /* As the last layer: bias only, requant unused. */
    CHECK(hq_ptq_finalize_layer(&L, 0, 1, err, sizeof err) == 0);
    CHECK_EQ_INT(L.q->rq_mult[1], 0);
    /* docs/arith.md 8.4: the bias is saturated to int32 (binary64 quotient, ties away). */
    float big[3] = {3e9f, -3e9f, 1.5f};
    L.b = big;
    L.in_act_scale = 1.0f;
    L.q->w_scale[0] = L.q->w_scale[1] = L.q->w_scale[2] = 1.0f;
    CHECK(hq_ptq_finalize_layer(&L, 0, 0, err, sizeof err) == 0);
    CHECK_EQ_INT(L.q->bias[0], INT32_MAX);
    CHECK_EQ_INT(L.q->bias[1], INT32_MIN);
    CHECK_EQ_INT(L.q->bias[2], 2);
    big[0] = 2147483520.0f;  /* the largest binary32 below 2^31: exact, not saturated */
    big[1] = -2147483648.0f; /* -2^31: exactly INT32_MIN */
    CHECK(hq_ptq_finalize_layer(&L, 0, 0, err, sizeof err) == 0);
    CHECK_EQ_INT(L.q->bias[0], 2147483520);
    CHECK_EQ_INT(L.q->bias[1], INT32_MIN);
    big[0] = 2147483648.0f; /* 2^31: one past INT32_MAX */
    CHECK(hq_ptq_finalize_layer(&L, 0, 0, err, sizeof err) == 0);
    CHECK_EQ_INT(L.q->bias[0], INT32_MAX);
    L.b = b;
    L.in_act_scale = 0.5f;
    /* Uncalibrated scales are refused. */
    L.out_act_scale = 0;
    CHECK(hq_ptq_finalize_layer(&L, 0, 0, err, sizeof err) == -1);
    CHECK_MSG(err, "not calibrated");
    /* Weight rounding: ties away from zero, clamped. */
    CHECK_EQ_INT(hq_ptq_round_weight(0.3125f, 0.125f, 127), 3); /* 2.5 */
    CHECK_EQ_INT(hq_ptq_round_weight(-0.3125f, 0.125f, 127), -3);
    CHECK_EQ_INT(hq_ptq_round_weight(0.1875f, 0.125f, 127), 2); /* 1.5 */
    CHECK_EQ_INT(hq_ptq_round_weight(100.0f, 0.1f, 127), 127);
    CHECK_EQ_INT(hq_ptq_round_weight(-100.0f, 0.1f, 7), -7);
    hq_qlayer_free(L.q);
}

int main(void) {
    test_requant();
    test_merge_and_argmax();
    test_requant_params();
    test_finalize();
    return check_report("test_arith");
}
