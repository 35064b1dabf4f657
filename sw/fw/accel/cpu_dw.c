/* The depthwise conv's fast path (groups == C == R: one input channel per output channel).
 * One channel at a time: its weights, bias and requantization stay in registers while the
 * channel's zero-padded plane (a band of rows of it, in the scratch) is swept; the padding is
 * the code 0 of docs/arith.md, so border pixels need no bound check either. Within the plane
 * the taps are loads at constant offsets from three row pointers. */
#include "cpu_kernels.h"

#include <stddef.h>

#define DW_MAX_K 7

/* Channel c of input rows [y0, y0 + rows) into the plane, each row pad zeros, the W codes
 * (stride C in the HWC input), pad zeros; a row outside the image is all zeros. */
static void gather(const uint8_t *in, int C, int H, int W, int pad, int y0, int rows,
                   uint8_t *plane) {
    const int Wp = W + 2 * pad;
    for (int r = 0; r < rows; r++, plane += Wp) {
        const int y = y0 + r;
        if (y < 0 || y >= H) {
            for (int x = 0; x < Wp; x++)
                plane[x] = 0;
            continue;
        }
        for (int x = 0; x < pad; x++)
            plane[x] = plane[pad + W + x] = 0;
        const uint8_t *s = in + (uint32_t)y * (uint32_t)W * (uint32_t)C;
        uint8_t *d = plane + pad, *const end = d + W;
        for (; d + 4 <= end; d += 4) {
            const uint8_t a = s[0];
            s += C;
            const uint8_t b = s[0];
            s += C;
            const uint8_t e = s[0];
            s += C;
            const uint8_t f = s[0];
            s += C;
            d[0] = a, d[1] = b, d[2] = e, d[3] = f;
        }
        for (; d < end; d++, s += C)
            *d = *s;
    }
}

typedef struct {
    int32_t bias, mult, shift, lo, hi;
} dw_rq;

HQ_CPU_INLINE int32_t px(const uint8_t *p, int i, int sgn) {
    return sgn ? (int32_t)(int8_t)p[i] : (int32_t)p[i];
}

/* One output row of a 3 x 3 kernel: the nine weights, the bias and the requantization in
 * registers, nine loads per pixel at offsets 0..2 of three row pointers. Its own function
 * per signedness, stride (1, 2 or any: S = 0) and requantization (rq 1: 33 <= shift <= 62,
 * rq 2: 1 <= shift <= 32, rq 0: any; cpu_kernels.h), so that the loop holds no more values
 * than the RV32 has registers: the clamp needs lo and hi - lo only, a stride of 1 or 2 is an
 * immediate. Without the pre-RA scheduler, which hoisted the nine loads into nine registers
 * and spilled the shift. */
HQ_CPU_INLINE void row3(const uint8_t *r0, int Wp, int s, uint8_t *o, uint8_t *o_end, int C,
                        const int8_t *wt, const dw_rq *q, int sgn, int rq, int S) {
    const uint8_t *r1 = r0 + Wp, *r2 = r1 + Wp;
    const int32_t w0 = wt[0], w1 = wt[1], w2 = wt[2], w3 = wt[3], w4 = wt[4], w5 = wt[5];
    const int32_t w6 = wt[6], w7 = wt[7], w8 = wt[8];
    const int32_t bias = q->bias, mult = q->mult, shift = q->shift, lo = q->lo, hi = q->hi;
    const uint32_t range = (uint32_t)hi - (uint32_t)lo;
    const int32_t rnd = rq == 1 ? 1 << (shift - 33) : 0, sh = shift - 32;
    if (S) s = S;
    for (; o < o_end; r0 += s, r1 += s, r2 += s, o += C) {
        uint32_t acc = (uint32_t)bias;
        acc += (uint32_t)(w0 * px(r0, 0, sgn) + w1 * px(r0, 1, sgn) + w2 * px(r0, 2, sgn));
        acc += (uint32_t)(w3 * px(r1, 0, sgn) + w4 * px(r1, 1, sgn) + w5 * px(r1, 2, sgn));
        acc += (uint32_t)(w6 * px(r2, 0, sgn) + w7 * px(r2, 1, sgn) + w8 * px(r2, 2, sgn));
        int32_t y;
        if (rq == 1) {
            y = hq_cpu_rq_hi((int32_t)acc, mult, rnd, sh);
            if (__builtin_expect((uint32_t)y - (uint32_t)lo > range, 0))
                y = y < lo ? lo : lo + (int32_t)range;
        } else if (rq == 2) {
            y = hq_cpu_rq_le32((int32_t)acc, mult, shift, lo, hi);
        } else {
            y = hq_cpu_requant((int32_t)acc, mult, shift, lo, hi);
        }
        *o = (uint8_t)(y & 0xff);
    }
}

typedef void row3_fn(const uint8_t *r0, int Wp, int s, uint8_t *o, uint8_t *o_end, int C,
                     const int8_t *wt, const dw_rq *q);
#define ROW3(name, sgn, rq, S)                                                                     \
    static __attribute__((noinline, optimize("no-schedule-insns"))) void name(                     \
        const uint8_t *r0, int Wp, int s, uint8_t *o, uint8_t *o_end, int C, const int8_t *wt,     \
        const dw_rq *q) {                                                                          \
        row3(r0, Wp, s, o, o_end, C, wt, q, sgn, rq, S);                                           \
    }
ROW3(row3_u, 0, 0, 0)
ROW3(row3_u_hi, 0, 1, 0)
ROW3(row3_u_hi1, 0, 1, 1)
ROW3(row3_u_hi2, 0, 1, 2)
ROW3(row3_u_le, 0, 2, 0)
ROW3(row3_u_le1, 0, 2, 1)
ROW3(row3_u_le2, 0, 2, 2)
ROW3(row3_s, 1, 0, 0)
ROW3(row3_s_hi, 1, 1, 0)
ROW3(row3_s_hi1, 1, 1, 1)
ROW3(row3_s_hi2, 1, 1, 2)
ROW3(row3_s_le, 1, 2, 0)
ROW3(row3_s_le1, 1, 2, 1)
ROW3(row3_s_le2, 1, 2, 2)

static row3_fn *row3_for(int sgn, int shift, int s) {
    static row3_fn *const fns[2][7] = {
        {row3_u, row3_u_hi, row3_u_hi1, row3_u_hi2, row3_u_le, row3_u_le1, row3_u_le2},
        {row3_s, row3_s_hi, row3_s_hi1, row3_s_hi2, row3_s_le, row3_s_le1, row3_s_le2}};
    const int rq = shift >= 33 && shift <= 62 ? 1 : shift >= 1 && shift <= 32 ? 4 : 0;
    return fns[sgn != 0][rq ? rq + (s == 1 ? 1 : s == 2 ? 2 : 0) : 0];
}

/* One output row of any k <= DW_MAX_K. */
static void rowk(const uint8_t *r0, int Wp, int s, int ow, int k, const int32_t *w, const dw_rq *q,
                 uint8_t *o, int C, int sgn) {
    for (int ox = 0; ox < ow; ox++, r0 += s, o += C) {
        uint32_t acc = (uint32_t)q->bias;
        const int32_t *wk = w;
        for (const uint8_t *r = r0; r < r0 + k * Wp; r += Wp, wk += k)
            for (int kx = 0; kx < k; kx++)
                acc += (uint32_t)(wk[kx] * px(r, kx, sgn));
        *o = (uint8_t)(hq_cpu_requant((int32_t)acc, q->mult, q->shift, q->lo, q->hi) & 0xff);
    }
}

/* n output rows of one channel from its plane band. */
static void rows3(const uint8_t *plane, int Wp, int s, int n, int ow, const int8_t *wt,
                  const dw_rq *q, uint8_t *o, int C, int rowstride, int sgn) {
    row3_fn *const row = row3_for(sgn, q->shift, s);
    for (int i = 0; i < n; i++, plane += s * Wp, o += rowstride)
        row(plane, Wp, s, o, o + ow * C, C, wt, q);
}

int hq_cpu_depthwise(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const int C = (int)op->in_c, H = (int)op->in_h, W = (int)op->in_w;
    const int k = (int)op->kh, s = (int)op->stride, pad = (int)op->pad;
    const int oh = (int)op->out_h, ow = (int)op->out_w, sgn = op->flags & HQ_CPU_FLAG_SIGNED;
    const int Wp = W + 2 * pad, max_rows = (int)(HQ_CPU_SCRATCH_BYTES / (uint32_t)Wp);
    if (k < 1 || k > DW_MAX_K || s < 1 || max_rows < k || (ow - 1) * s + k > Wp ||
        (oh - 1) * s + k > H + 2 * pad)
        return -1;
    const int band = (max_rows - k) / s + 1; /* output rows per band */
    const int8_t *wt = (const int8_t *)(uintptr_t)op->weight_addr;
    const int32_t *bias = (const int32_t *)(uintptr_t)op->bias_addr;
    const int32_t *mult = (const int32_t *)(uintptr_t)op->mult_addr;
    const uint8_t *shift = (const uint8_t *)(uintptr_t)op->shift_addr;
    uint8_t *plane = (uint8_t *)hq_cpu_scratch;
    const int rowstride = ow * C;
    for (int c = 0; c < C; c++, wt += k * k) {
        const dw_rq q = {bias[c], mult[c], shift[c], op->lo, op->hi};
        int32_t w[DW_MAX_K * DW_MAX_K];
        for (int t = 0; t < k * k; t++)
            w[t] = wt[t];
        for (int oy0 = 0; oy0 < oh; oy0 += band) {
            const int n = oh - oy0 < band ? oh - oy0 : band;
            gather(in + c, C, H, W, pad, oy0 * s - pad, (n - 1) * s + k, plane);
            uint8_t *o = out + (uint32_t)oy0 * (uint32_t)rowstride + c;
            if (k == 3)
                rows3(plane, Wp, s, n, ow, wt, &q, o, C, rowstride, sgn);
            else
                for (int i = 0; i < n; i++)
                    rowk(plane + i * s * Wp, Wp, s, ow, k, w, &q, o + i * rowstride, C, sgn);
        }
    }
    return 0;
}
