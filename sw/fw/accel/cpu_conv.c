/* The generic conv / dense kernel (any groups; docs/arith.md section 7a): per output pixel
 * the window's valid rows and columns are computed once, so the taps of one kernel row are
 * one run of memory (ungrouped: (kx1 - kx0) C contiguous codes against as many contiguous
 * weights) or runs of C/g codes C apart (grouped). acc = bias + sum w a in int32 that wraps,
 * then requantized, or kept as a logit. */
#include "cpu_kernels.h"

#include <stddef.h>

/* sum w[i] a[i], i < n, wrapping; four per iteration to spread the loop's branch. */
HQ_CPU_INLINE uint32_t dot(const int8_t *w, const uint8_t *a, int n, uint32_t acc, int sgn) {
    const uint8_t *const end = a + n;
    if (sgn) {
        for (; a + 4 <= end; a += 4, w += 4)
            acc += (uint32_t)(w[0] * (int8_t)a[0] + w[1] * (int8_t)a[1] + w[2] * (int8_t)a[2] +
                              w[3] * (int8_t)a[3]);
        for (; a < end; a++, w++)
            acc += (uint32_t)(w[0] * (int8_t)a[0]);
    } else {
        for (; a + 4 <= end; a += 4, w += 4)
            acc += (uint32_t)(w[0] * a[0] + w[1] * a[1] + w[2] * a[2] + w[3] * a[3]);
        for (; a < end; a++, w++)
            acc += (uint32_t)(w[0] * a[0]);
    }
    return acc;
}

void hq_cpu_conv(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const int C = (int)op->in_c, H = (int)op->in_h, W = (int)op->in_w, R = (int)op->out_c;
    const int k = (int)op->kh, s = (int)op->stride, pad = (int)op->pad, g = (int)op->groups;
    const int Cg = C / g, Rg = R / g, cols = k * k * Cg, sgn = op->flags & HQ_CPU_FLAG_SIGNED;
    const int logits = op->flags & HQ_CPU_FLAG_LOGITS, oh = (int)op->out_h, ow = (int)op->out_w;
    const int8_t *wt = (const int8_t *)(uintptr_t)op->weight_addr;
    const int32_t *bias = (const int32_t *)(uintptr_t)op->bias_addr;
    const int32_t *mult = (const int32_t *)(uintptr_t)op->mult_addr;
    const uint8_t *shift = (const uint8_t *)(uintptr_t)op->shift_addr;
    const int32_t lo = op->lo, hi = op->hi;
    uint32_t pix = 0;
    for (int oy = 0; oy < oh; oy++) {
        const int y0 = oy * s - pad;
        const int ky0 = y0 < 0 ? -y0 : 0, ky1 = H - y0 < k ? H - y0 : k;
        for (int ox = 0; ox < ow; ox++, pix++) {
            const int x0 = ox * s - pad;
            const int kx0 = x0 < 0 ? -x0 : 0, kx1 = W - x0 < k ? W - x0 : k;
            const int nx = kx1 - kx0; /* taps per kernel row inside the image */
            /* the first valid tap of the window, channel 0, and its weight index */
            const uint8_t *a0 = in + ((uint32_t)(y0 + ky0) * W + (uint32_t)(x0 + kx0)) * C;
            const int w0 = (ky0 * k + kx0) * Cg;
            for (int r = 0; r < R; r++) {
                const int8_t *wr = wt + (uint32_t)r * cols + w0;
                const uint8_t *ar = a0 + r / Rg * Cg;
                uint32_t acc = (uint32_t)bias[r];
                if (nx > 0)
                    for (int ky = ky0; ky < ky1; ky++, ar += W * C, wr += k * Cg) {
                        if (Cg == C) {
                            acc = dot(wr, ar, nx * C, acc, sgn);
                            continue;
                        }
                        const uint8_t *a = ar;
                        const int8_t *w = wr;
                        for (int kx = 0; kx < nx; kx++, a += C, w += Cg)
                            acc = dot(w, a, Cg, acc, sgn);
                    }
                if (logits)
                    ((int32_t *)out)[pix * R + r] = (int32_t)acc;
                else
                    out[pix * R + r] =
                        (uint8_t)(hq_cpu_requant((int32_t)acc, mult[r], shift[r], lo, hi) & 0xff);
            }
        }
    }
}
