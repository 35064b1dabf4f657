/* Max, average and global average pooling (docs/arith.md section 7a). Per output pixel the
 * window's rows and columns inside the image are computed once; positions outside are
 * ignored (never a 0). The channel loop is innermost: each valid tap is one run of C codes,
 * folded into the output row (max) or a row of int32 sums (average). The average's divisor is
 * the same for all channels of a pixel, so its reciprocal is computed once per pixel. */
#include "cpu_kernels.h"

#include <stddef.h>

/* floor((2 sum + d) / (2 d)), d > 0 (docs/arith.md section 7a), with one division */
static int32_t avg_round(int32_t sum, int32_t d) {
    const int32_t num = 2 * sum + d, den = 2 * d;
    int32_t q = num / den;
    if (num % den != 0 && num < 0) q--;
    return q;
}

/* floor(num / den) by a multiply: with m = ceil(2^32 / den) = m den - e (0 <= e < den), for
 * n >= 0, n m / 2^32 = n / den + n e / (den 2^32); that error stays below 1 / den, so the
 * floor is exact, while n e < 2^32. Here n < 2^21 (|sum| <= 1024 * 255, den <= 2048). */
typedef struct {
    uint32_t den, m;
} recip;

static recip recip_of(uint32_t den) {
    const recip r = {den, 0xffffffffu / den + 1u};
    return r;
}

HQ_CPU_INLINE int32_t floor_div(int32_t num, recip r) {
    if (num >= 0) return (int32_t)(((uint64_t)(uint32_t)num * r.m) >> 32);
    /* floor(num / den) = -floor((-num + den - 1) / den) */
    const uint32_t n = (uint32_t)(-num) + r.den - 1u;
    return -(int32_t)(((uint64_t)n * r.m) >> 32);
}

#define RECIP_MAX_WINDOW 1024 /* kh kw up to which floor_div's bound holds */

/* Global average pooling: per channel one strided sum (stride C) and one division. */
static void gap(const uint8_t *in, int C, uint32_t HW, int sgn, uint8_t *out) {
    for (int c = 0; c < C; c++) {
        const uint8_t *p = in + c;
        int32_t s0 = 0, s1 = 0;
        uint32_t i = 0;
        if (sgn) {
            for (; i + 2 <= HW; i += 2, p += 2 * C)
                s0 += (int8_t)p[0], s1 += (int8_t)p[C];
            for (; i < HW; i++, p += C)
                s0 += (int8_t)p[0];
        } else {
            for (; i + 2 <= HW; i += 2, p += 2 * C)
                s0 += p[0], s1 += p[C];
            for (; i < HW; i++, p += C)
                s0 += p[0];
        }
        out[c] = (uint8_t)(avg_round(s0 + s1, (int32_t)HW) & 0xff);
    }
}

/* the running maximum changes rarely after the first taps: the update is the unlikely path */
#define MAX_UPDATE(d, s, c)                                                                        \
    do {                                                                                           \
        if (__builtin_expect((s)[c] > (d)[c], 0)) (d)[c] = (s)[c];                                 \
    } while (0)

/* o[c] = max(o[c], a[c]) over n codes, compared as int8 or uint8 codes; four per iteration */
HQ_CPU_INLINE void max_row(uint8_t *o, const uint8_t *a, int n, int sgn) {
    int c = 0;
    if (sgn) {
        int8_t *d = (int8_t *)o;
        const int8_t *s = (const int8_t *)a;
        for (; c + 4 <= n; c += 4) {
            MAX_UPDATE(d, s, c);
            MAX_UPDATE(d, s, c + 1);
            MAX_UPDATE(d, s, c + 2);
            MAX_UPDATE(d, s, c + 3);
        }
        for (; c < n; c++)
            MAX_UPDATE(d, s, c);
    } else {
        for (; c + 4 <= n; c += 4) {
            MAX_UPDATE(o, a, c);
            MAX_UPDATE(o, a, c + 1);
            MAX_UPDATE(o, a, c + 2);
            MAX_UPDATE(o, a, c + 3);
        }
        for (; c < n; c++)
            MAX_UPDATE(o, a, c);
    }
}

HQ_CPU_INLINE void sum_row(int32_t *acc, const uint8_t *a, int n, int sgn, int first) {
    if (first)
        for (int c = 0; c < n; c++)
            acc[c] = sgn ? (int8_t)a[c] : a[c];
    else if (sgn)
        for (int c = 0; c < n; c++)
            acc[c] += (int8_t)a[c];
    else
        for (int c = 0; c < n; c++)
            acc[c] += a[c];
}

void hq_cpu_pool(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const int C = (int)op->in_c, H = (int)op->in_h, W = (int)op->in_w;
    const int kh = (int)op->kh, kw = (int)op->kw, s = (int)op->stride, pad = (int)op->pad;
    const int oh = (int)op->out_h, ow = (int)op->out_w;
    const int sgn = op->flags & HQ_CPU_FLAG_SIGNED, avg = op->flags & HQ_CPU_FLAG_AVG;
    const int count_pad = op->flags & HQ_CPU_FLAG_COUNT_PAD;
    if (avg && kh == H && kw == W && pad == 0 && oh == 1 && ow == 1) {
        gap(in, C, (uint32_t)H * (uint32_t)W, sgn, out);
        return;
    }
    /* the average's int32 sums, in chunks of channels that fit the scratch */
    const int chunk = (int)(HQ_CPU_SCRATCH_BYTES / 4u);
    int32_t *acc = (int32_t *)hq_cpu_scratch;
    for (int oy = 0; oy < oh; oy++) {
        const int y0 = oy * s - pad;
        const int ky0 = y0 < 0 ? -y0 : 0, ky1 = H - y0 < kh ? H - y0 : kh;
        for (int ox = 0; ox < ow; ox++) {
            const int x0 = ox * s - pad;
            const int kx0 = x0 < 0 ? -x0 : 0, kx1 = W - x0 < kw ? W - x0 : kw;
            uint8_t *o = out + ((uint32_t)oy * (uint32_t)ow + (uint32_t)ox) * (uint32_t)C;
            const uint8_t *a0 = in + ((uint32_t)(y0 + ky0) * W + (uint32_t)(x0 + kx0)) * C;
            if (ky1 <= ky0 || kx1 <= kx0) { /* never with pad < k: the planner's contract */
                for (int c = 0; c < C; c++)
                    o[c] = avg ? 0 : sgn ? 0x80 : 0;
                continue;
            }
            if (!avg) {
                for (int c = 0; c < C; c++)
                    o[c] = a0[c];
                const uint8_t *ar = a0;
                for (int ky = ky0; ky < ky1; ky++, ar += W * C) {
                    const uint8_t *a = ar;
                    for (int kx = kx0; kx < kx1; kx++, a += C)
                        if (a != a0) max_row(o, a, C, sgn);
                }
                continue;
            }
            const int d = count_pad ? kh * kw : (ky1 - ky0) * (kx1 - kx0);
            const int use_recip = kh * kw <= RECIP_MAX_WINDOW;
            const recip r = recip_of(2u * (uint32_t)d);
            for (int c0 = 0; c0 < C; c0 += chunk) {
                const int n = C - c0 < chunk ? C - c0 : chunk;
                const uint8_t *ar = a0 + c0;
                int first = 1;
                for (int ky = ky0; ky < ky1; ky++, ar += W * C) {
                    const uint8_t *a = ar;
                    for (int kx = kx0; kx < kx1; kx++, a += C, first = 0)
                        sum_row(acc, a, n, sgn, first);
                }
                for (int c = 0; c < n; c++) {
                    const int32_t v =
                        use_recip ? floor_div(2 * acc[c] + d, r) : avg_round(acc[c], d);
                    o[c0 + c] = (uint8_t)(v & 0xff);
                }
            }
        }
    }
}
