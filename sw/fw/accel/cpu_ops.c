/* The CPU fallback's operators, one image at a time (cpu_ops.h). The arithmetic is the C
 * reference's: int32 accumulators that wrap, the int64 requantization of docs/arith.md
 * section 6 with the layer's clamp, and the pooling and add rules of section 7a. */
#include "cpu_ops.h"

#include <stddef.h>

static int code(const uint8_t *p, int sgn) {
    return sgn ? (int)(int8_t)*p : (int)*p;
}

static int32_t clamp_shift(int64_t p, int shift, int32_t lo, int32_t hi) {
    if (shift > 0) p = (p + ((int64_t)1 << (shift - 1))) >> shift;
    return p < lo ? lo : p > hi ? hi : (int32_t)p;
}

/* conv / dense: acc = bias + sum w * a (int32, wrapping), then requantized or kept (logits) */
static void conv(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const int C = (int)op->in_c, H = (int)op->in_h, W = (int)op->in_w, R = (int)op->out_c;
    const int k = (int)op->kh, s = (int)op->stride, pad = (int)op->pad, g = (int)op->groups;
    const int Cg = C / g, Rg = R / g, cols = k * k * Cg, sgn = op->flags & HQ_CPU_FLAG_SIGNED;
    const int logits = op->flags & HQ_CPU_FLAG_LOGITS;
    const int8_t *wt = (const int8_t *)(uintptr_t)op->weight_addr;
    const int32_t *bias = (const int32_t *)(uintptr_t)op->bias_addr;
    const int32_t *mult = (const int32_t *)(uintptr_t)op->mult_addr;
    const uint8_t *shift = (const uint8_t *)(uintptr_t)op->shift_addr;
    const int32_t lo = op->lo, hi = op->hi;
    for (int oy = 0; oy < (int)op->out_h; oy++)
        for (int ox = 0; ox < (int)op->out_w; ox++) {
            const int pix = oy * (int)op->out_w + ox;
            for (int r = 0; r < R; r++) {
                const int c0 = r / Rg * Cg;
                uint32_t acc = (uint32_t)bias[r];
                for (int ky = 0; ky < k; ky++) {
                    const int y = oy * s - pad + ky;
                    if (y < 0 || y >= H) continue; /* padding: the code 0 */
                    for (int kx = 0; kx < k; kx++) {
                        const int x = ox * s - pad + kx;
                        if (x < 0 || x >= W) continue;
                        const int8_t *w = wt + (uint32_t)r * cols + (ky * k + kx) * Cg;
                        const uint8_t *a = in + ((uint32_t)y * W + x) * C + c0;
                        if (sgn)
                            for (int c = 0; c < Cg; c++)
                                acc += (uint32_t)(w[c] * (int8_t)a[c]);
                        else
                            for (int c = 0; c < Cg; c++)
                                acc += (uint32_t)(w[c] * a[c]);
                    }
                }
                if (logits) {
                    ((int32_t *)out)[pix * R + r] = (int32_t)acc;
                    continue;
                }
                const int32_t y = clamp_shift((int64_t)(int32_t)acc * mult[r], shift[r], lo, hi);
                out[pix * R + r] = (uint8_t)(y & 0xff);
            }
        }
}

/* floor((2 sum + d) / (2 d)), d > 0 (docs/arith.md section 7a); |sum| < 2^29 here */
static int avg_round(int32_t sum, int32_t d) {
    const int32_t num = 2 * sum + d, den = 2 * d;
    int32_t q = num / den;
    if (num % den != 0 && num < 0) q--;
    return q;
}

static void pool(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const int C = (int)op->in_c, H = (int)op->in_h, W = (int)op->in_w;
    const int kh = (int)op->kh, kw = (int)op->kw, s = (int)op->stride, pad = (int)op->pad;
    const int sgn = op->flags & HQ_CPU_FLAG_SIGNED, avg = op->flags & HQ_CPU_FLAG_AVG;
    const int count_pad = op->flags & HQ_CPU_FLAG_COUNT_PAD;
    for (int oy = 0; oy < (int)op->out_h; oy++)
        for (int ox = 0; ox < (int)op->out_w; ox++)
            for (int c = 0; c < C; c++) {
                int32_t sum = 0, inside = 0, best = sgn ? -128 : 0;
                for (int ky = 0; ky < kh; ky++) {
                    const int y = oy * s - pad + ky;
                    if (y < 0 || y >= H) continue; /* outside: ignored, not a 0 */
                    for (int kx = 0; kx < kw; kx++) {
                        const int x = ox * s - pad + kx;
                        if (x < 0 || x >= W) continue;
                        const int v = code(in + ((uint32_t)y * W + x) * C + c, sgn);
                        sum += v;
                        inside++;
                        best = v > best ? v : best;
                    }
                }
                const int v = avg ? avg_round(sum, count_pad ? kh * kw : inside) : best;
                out[((uint32_t)oy * op->out_w + ox) * C + c] = (uint8_t)(v & 0xff);
            }
}

static void add(const volatile hq_cpu_op *op, const uint8_t *a, const uint8_t *b, uint8_t *out) {
    const uint32_t n = op->out_c * op->out_h * op->out_w;
    const int sa = op->flags & HQ_CPU_FLAG_SIGNED, sb = op->flags & HQ_CPU_FLAG_SIGNED2;
    const int32_t ma = op->mult_a, mb = op->mult_b, lo = op->lo, hi = op->hi;
    const int shift = op->shift;
    for (uint32_t j = 0; j < n; j++) {
        const int64_t p = (int64_t)code(a + j, sa) * ma + (int64_t)code(b + j, sb) * mb;
        out[j] = (uint8_t)(clamp_shift(p, shift, lo, hi) & 0xff);
    }
}

/* Group j of a tensor stored in groups of g channels starts H W j g bytes in and holds
 * min(g, C - j g) channels per pixel (docs/accel.md, Tiling); g = C is plain HWC. */
static void regroup(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const uint32_t C = op->in_c, HW = op->in_h * op->in_w, gi = op->in_g, go = op->out_g;
    for (uint32_t c = 0; c < C; c++) {
        const uint32_t ji = c / gi, jo = c / go;
        const uint32_t ni = C - ji * gi < gi ? C - ji * gi : gi;
        const uint32_t no = C - jo * go < go ? C - jo * go : go;
        const uint8_t *s = in + HW * ji * gi + (c - ji * gi);
        uint8_t *d = out + HW * jo * go + (c - jo * go);
        for (uint32_t p = 0; p < HW; p++)
            d[p * no] = s[p * ni];
    }
}

const char *hq_cpu_op_kind_name(uint32_t kind) {
    switch (kind) {
    case HQ_CPU_OP_CONV: return "conv";
    case HQ_CPU_OP_POOL: return "pool";
    case HQ_CPU_OP_ADD: return "add";
    case HQ_CPU_OP_REGROUP: return "regroup";
    default: return NULL;
    }
}

int hq_cpu_op_run(const volatile hq_cpu_op *op, const uint8_t *in, const uint8_t *in2,
                  uint8_t *out) {
    switch (op->kind) {
    case HQ_CPU_OP_CONV: conv(op, in, out); return 0;
    case HQ_CPU_OP_POOL: pool(op, in, out); return 0;
    case HQ_CPU_OP_ADD: add(op, in, in2, out); return 0;
    case HQ_CPU_OP_REGROUP: regroup(op, in, out); return 0;
    default: return -1; /* never skipped silently: the runtime ends the run */
    }
}
