/* Internals of the CPU fallback's kernels (cpu_ops.c dispatches to cpu_conv.c, cpu_dw.c,
 * cpu_pool.c, cpu_add.c). Bit-exact with the C reference (docs/arith.md sections 6 and 7a);
 * written for an in-order RV32IM without SIMD (mul 3 cycles, div 34, taken branch 3). */
#ifndef HQ_CPU_KERNELS_H
#define HQ_CPU_KERNELS_H

#include "hq_cpu_op.h"

#include <stdint.h>

#define HQ_CPU_INLINE static inline __attribute__((always_inline))

/* Scratch shared by the kernels (one op runs at a time): the depthwise conv's padded
 * channel plane, the pooling's per-channel row of partial results. */
#define HQ_CPU_SCRATCH_BYTES (64u * 1024u)
extern uint32_t hq_cpu_scratch[HQ_CPU_SCRATCH_BYTES / 4];

/* One compare (not taken) for a value inside [lo, hi], the common case; needs lo <= hi. The
 * differences are taken in uint32 (wrapping, defined): v - lo in int32 overflows for v near
 * INT32_MAX (UBSan, cpu_fallback_kernels). */
HQ_CPU_INLINE int32_t hq_cpu_clamp(int32_t v, int32_t lo, int32_t hi) {
    if (__builtin_expect((uint32_t)v - (uint32_t)lo > (uint32_t)hi - (uint32_t)lo, 0))
        v = v < lo ? lo : hi;
    return v;
}

/* clamp((p + 2^(shift-1)) >> shift, lo, hi) in int64, any shift in [0, 62]: the slow path. */
int32_t hq_cpu_clamp_shift64(int64_t p, int shift, int32_t lo, int32_t hi);

/* docs/arith.md section 6 for 33 <= shift <= 62: only the high word of acc * mult is needed.
 * |acc * mult| <= 2^62, so h = floor(p / 2^32) is in [-2^30, 2^30); the rounding term
 * 2^(shift-1) is a multiple of 2^32, hence floor((p + 2^(shift-1)) / 2^shift) =
 * floor((h + 2^(shift-33)) / 2^(shift-32)) exactly, and h + 2^(shift-33) < 2^30 + 2^29 cannot
 * overflow. One mulh instead of the int64 sequence. The value before the clamp. */
HQ_CPU_INLINE int32_t hq_cpu_rq_hi(int32_t acc, int32_t mult, int32_t rnd_hi, int sh_hi) {
    return ((int32_t)(((int64_t)acc * mult) >> 32) + rnd_hi) >> sh_hi;
}

/* The same for 1 <= shift <= 32, clamped: q = p + 2^(shift-1) in int64 (h, l its words);
 * q >> shift fits in int32 exactly when h lies in [-2^(shift-1), 2^(shift-1)), i.e.
 * h >> (shift-1) is h's sign; then its low word is (h << (32 - shift)) | (l >> shift) (h for
 * shift 32). Otherwise it is beyond every clamp, on the side of h's sign. */
HQ_CPU_INLINE int32_t hq_cpu_rq_le32(int32_t acc, int32_t mult, int shift, int32_t lo, int32_t hi) {
    const int64_t q = (int64_t)acc * mult + ((int64_t)1 << (shift - 1));
    const int32_t h = (int32_t)(q >> 32);
    const uint32_t l = (uint32_t)q;
    if (__builtin_expect((h >> (shift - 1)) != (h >> 31), 0)) return h < 0 ? lo : hi;
    const int32_t r = shift == 32 ? h : (int32_t)((uint32_t)h << (32 - shift) | l >> shift);
    return hq_cpu_clamp(r, lo, hi);
}

/* docs/arith.md section 6 for one accumulator, any shift in [0, 62]. PTQ's multipliers in
 * [2^30, 2^31) give shift >= 33 for scales below 1/2 (uniform8), 30..32 for larger ones
 * (the heterogeneous policies' depthwise convs); shift 0 takes the int64 path. */
HQ_CPU_INLINE int32_t hq_cpu_requant(int32_t acc, int32_t mult, int shift, int32_t lo, int32_t hi) {
    if (shift >= 33 && shift <= 62)
        return hq_cpu_clamp(hq_cpu_rq_hi(acc, mult, 1 << (shift - 33), shift - 32), lo, hi);
    if (shift >= 1 && shift <= 32) return hq_cpu_rq_le32(acc, mult, shift, lo, hi);
    return hq_cpu_clamp_shift64((int64_t)acc * mult, shift, lo, hi);
}

void hq_cpu_conv(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out);
/* The depthwise fast path (groups == C == R); returns -1 (nothing written) when a padded
 * plane row does not fit the scratch: the caller runs hq_cpu_conv instead. */
int hq_cpu_depthwise(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out);
void hq_cpu_pool(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out);
void hq_cpu_add(const volatile hq_cpu_op *op, const uint8_t *a, const uint8_t *b, uint8_t *out);

#endif
