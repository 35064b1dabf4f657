/* The residual add (docs/arith.md section 7a): y = clamp((p + 2^(s-1)) >> s, lo, hi) with
 * p = a mult_a + b mult_b, one rounding. p itself needs 40 bits (|a|, |b| <= 255, multipliers
 * up to 2^31), but for 10 <= s <= 53 y follows exactly from 32-bit products. Split each
 * multiplier at bit t = min(s - 1, 22): m = mh 2^t + ml, 0 <= ml < 2^t, |mh| <= 2^(31-t). Then
 *   p + 2^(s-1) = 2^t (X + 2^(s-1-t)) + L,  X = a mh_a + b mh_b,  L = a ml_a + b ml_b,
 * and, as X + 2^(s-1-t) is an integer and L = 2^t floor(L / 2^t) + (L mod 2^t),
 *   y = (X + 2^(s-1-t) + (L >> t)) >> (s - t)      (arithmetic shifts: floors).
 * Bounds: |L| < 2 * 255 * 2^t <= 2^31 (t <= 22), |L >> t| <= 510, |X| <= 2 * 255 (2^(31-t) - 1);
 * for t = s - 1 (s <= 23) the sum is at most 2 * 255 (2^22 - 1) + 1 + 510 < 2^31 (s = 10, the
 * worst), for t = 22 at most 2^18 + 2^(s-23) + 510 < 2^31 while s <= 53. Four `mul`, no
 * int64. Other shifts take the int64 clamp of cpu_ops.c. */
#include "cpu_kernels.h"

HQ_CPU_INLINE int32_t code(const uint8_t *p, int sgn) {
    return sgn ? (int32_t)(int8_t)*p : (int32_t)*p;
}

HQ_CPU_INLINE void add_split(const uint8_t *a, const uint8_t *b, uint8_t *o, uint32_t n, int32_t ma,
                             int32_t mb, int s, int32_t lo, int32_t hi, int sa, int sb) {
    const int t = s - 1 < 22 ? s - 1 : 22;
    const int32_t mha = ma >> t, mla = ma & ((1 << t) - 1);
    const int32_t mhb = mb >> t, mlb = mb & ((1 << t) - 1);
    const int32_t rnd = 1 << (s - 1 - t), sh = s - t;
#define ADD_ONE(j)                                                                                 \
    do {                                                                                           \
        const int32_t va = code(a + (j), sa), vb = code(b + (j), sb);                              \
        const int32_t X = va * mha + vb * mhb, L = va * mla + vb * mlb;                            \
        o[j] = (uint8_t)(hq_cpu_clamp((X + rnd + (L >> t)) >> sh, lo, hi) & 0xff);                 \
    } while (0)
    const uint8_t *const end = a + n;
    for (; a + 2 <= end; a += 2, b += 2, o += 2) {
        ADD_ONE(0);
        ADD_ONE(1);
    }
    if (a < end) ADD_ONE(0);
#undef ADD_ONE
}

/* A large add looks its outputs up in a 256 x 256 table of y for each pair of code bytes (the
 * 64 KiB scratch), built with the same 32-bit split: along a row X and L grow by mh_b and
 * ml_b per code, about 15 cycles per entry (1M cycles per table) against about 17 cycles saved
 * per element (four products): worth it from 64K elements (ResNet-18's first adds: 200K). */
#define ADD_TABLE_MIN 65536u

static void add_table(const uint8_t *a, const uint8_t *b, uint8_t *o, uint32_t n, int32_t ma,
                      int32_t mb, int s, int32_t lo, int32_t hi, int sa, int sb) {
    const int t = s - 1 < 22 ? s - 1 : 22;
    const int32_t mha = ma >> t, mla = ma & ((1 << t) - 1);
    const int32_t mhb = mb >> t, mlb = mb & ((1 << t) - 1);
    const int32_t rnd = 1 << (s - 1 - t), sh = s - t;
    const int vb0 = sb ? -128 : 0;
    uint8_t *const tab = (uint8_t *)hq_cpu_scratch;
    for (int ia = 0; ia < 256; ia++) {
        const int32_t va = sa ? (int8_t)ia : ia;
        int32_t X = va * mha + vb0 * mhb, L = va * mla + vb0 * mlb;
        uint8_t *const row = tab + 256 * ia;
        for (int vb = vb0; vb < vb0 + 256; vb++, X += mhb, L += mlb)
            row[vb & 0xff] = (uint8_t)(hq_cpu_clamp((X + rnd + (L >> t)) >> sh, lo, hi) & 0xff);
    }
    const uint8_t *const end = a + n;
    for (; a + 4 <= end; a += 4, b += 4, o += 4) {
        o[0] = tab[(uint32_t)a[0] << 8 | b[0]];
        o[1] = tab[(uint32_t)a[1] << 8 | b[1]];
        o[2] = tab[(uint32_t)a[2] << 8 | b[2]];
        o[3] = tab[(uint32_t)a[3] << 8 | b[3]];
    }
    for (; a < end; a++, b++, o++)
        *o = tab[(uint32_t)a[0] << 8 | b[0]];
}

HQ_CPU_INLINE void add_signs(const uint8_t *a, const uint8_t *b, uint8_t *o, uint32_t n, int32_t ma,
                             int32_t mb, int s, int32_t lo, int32_t hi, int sa, int sb) {
    if (s >= 10 && s <= 53 && n >= ADD_TABLE_MIN && HQ_CPU_SCRATCH_BYTES >= 65536u) {
        add_table(a, b, o, n, ma, mb, s, lo, hi, sa, sb);
        return;
    }
    if (s >= 10 && s <= 53) {
        add_split(a, b, o, n, ma, mb, s, lo, hi, sa, sb);
        return;
    }
    for (uint32_t j = 0; j < n; j++) {
        const int64_t p = (int64_t)code(a + j, sa) * ma + (int64_t)code(b + j, sb) * mb;
        o[j] = (uint8_t)(hq_cpu_clamp_shift64(p, s, lo, hi) & 0xff);
    }
}

void hq_cpu_add(const volatile hq_cpu_op *op, const uint8_t *a, const uint8_t *b, uint8_t *out) {
    const uint32_t n = op->out_c * op->out_h * op->out_w;
    const int sa = (op->flags & HQ_CPU_FLAG_SIGNED) != 0;
    const int sb = (op->flags & HQ_CPU_FLAG_SIGNED2) != 0;
    const int32_t ma = op->mult_a, mb = op->mult_b, lo = op->lo, hi = op->hi;
    const int s = op->shift;
    if (sa && sb)
        add_signs(a, b, out, n, ma, mb, s, lo, hi, 1, 1);
    else if (sa)
        add_signs(a, b, out, n, ma, mb, s, lo, hi, 1, 0);
    else if (sb)
        add_signs(a, b, out, n, ma, mb, s, lo, hi, 0, 1);
    else
        add_signs(a, b, out, n, ma, mb, s, lo, hi, 0, 0);
}
