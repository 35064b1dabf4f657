#include "accel/pe_gemm.h"

#include <cstddef>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
#endif

namespace hq::accel {

namespace {

/* Four activation vectors share each weight row's loads; the k loop vectorises into byte or
 * int16 multiply-adds. A product of a uint8 and an int8 fits int16 exactly. Sums wrap modulo
 * 2^32 (unsigned: no overflow) as the hardware's int32 accumulators do. */
template <typename Mul>
inline void gemm_body(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
                      int32_t *acc, Mul mul) {
    unsigned v = 0;
    for (; v + 4 <= n; v += 4) {
        const uint8_t *a0 = a + (size_t)v * kp, *a1 = a0 + kp, *a2 = a1 + kp, *a3 = a2 + kp;
        int32_t *o = acc + (size_t)v * rows;
        for (unsigned r = 0; r < rows; r++) {
            const int8_t *wr = w + (size_t)r * kp;
            uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (unsigned k = 0; k < kp; k++) {
                s0 += (uint32_t)mul(a0[k], wr[k]);
                s1 += (uint32_t)mul(a1[k], wr[k]);
                s2 += (uint32_t)mul(a2[k], wr[k]);
                s3 += (uint32_t)mul(a3[k], wr[k]);
            }
            o[r] = (int32_t)s0;
            o[rows + r] = (int32_t)s1;
            o[2 * rows + r] = (int32_t)s2;
            o[3 * rows + r] = (int32_t)s3;
        }
    }
    for (; v < n; v++) {
        const uint8_t *av = a + (size_t)v * kp;
        for (unsigned r = 0; r < rows; r++) {
            const int8_t *wr = w + (size_t)r * kp;
            uint32_t s = 0;
            for (unsigned k = 0; k < kp; k++)
                s += (uint32_t)mul(av[k], wr[k]);
            acc[(size_t)v * rows + r] = (int32_t)s;
        }
    }
}

/* int16 products (pmullw / pmaddwd where the target has no byte dot products) */
struct MulI16 {
    int32_t operator()(uint8_t x, int8_t y) const { return (int16_t)((int16_t)x * (int16_t)y); }
};

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define HQ_PE_GEMM_DISPATCH 1
#define HQ_VNNI __attribute__((target("avx512vnni,avx512bw,avx512f")))

/* The sum of the 16 lanes, wrapping (stored and added: GCC 12's reduction and lane-extract
 * intrinsics warn of an uninitialized value inside its headers under -Wall). */
HQ_VNNI inline int32_t lanes_sum(__m512i s) {
    alignas(64) uint32_t t[16];
    _mm512_store_si512(t, s);
    uint32_t sum = 0;
    for (uint32_t x : t)
        sum += x;
    return (int32_t)sum;
}

/* vpdpbusd: per 32-bit lane, the four products of unsigned bytes of x and signed bytes of y
 * added to the lane without saturation (wrapping modulo 2^32). kp is a multiple of 64. */
HQ_VNNI inline int32_t dot_vnni(const uint8_t *x, const int8_t *y, unsigned kp) {
    __m512i s = _mm512_setzero_si512();
    for (unsigned k = 0; k < kp; k += 64)
        s = _mm512_dpbusd_epi32(s, _mm512_loadu_si512(x + k), _mm512_loadu_si512(y + k));
    return lanes_sum(s);
}

/* Four accumulators at a time: four vectors sharing a weight row (GEMM), or four weight rows
 * sharing a vector (matrix-vector product, batch 1). */
HQ_VNNI void gemm_vnni(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
                       int32_t *acc) {
    unsigned v = 0;
    for (; v + 4 <= n; v += 4) {
        const uint8_t *a0 = a + (size_t)v * kp;
        int32_t *o = acc + (size_t)v * rows;
        for (unsigned r = 0; r < rows; r++) {
            const int8_t *wr = w + (size_t)r * kp;
            __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
            for (unsigned k = 0; k < kp; k += 64) {
                const __m512i y = _mm512_loadu_si512(wr + k);
                s0 = _mm512_dpbusd_epi32(s0, _mm512_loadu_si512(a0 + k), y);
                s1 = _mm512_dpbusd_epi32(s1, _mm512_loadu_si512(a0 + kp + k), y);
                s2 = _mm512_dpbusd_epi32(s2, _mm512_loadu_si512(a0 + 2 * (size_t)kp + k), y);
                s3 = _mm512_dpbusd_epi32(s3, _mm512_loadu_si512(a0 + 3 * (size_t)kp + k), y);
            }
            o[r] = lanes_sum(s0);
            o[rows + r] = lanes_sum(s1);
            o[2 * (size_t)rows + r] = lanes_sum(s2);
            o[3 * (size_t)rows + r] = lanes_sum(s3);
        }
    }
    for (; v < n; v++) {
        const uint8_t *av = a + (size_t)v * kp;
        int32_t *o = acc + (size_t)v * rows;
        unsigned r = 0;
        for (; r + 4 <= rows; r += 4) {
            const int8_t *w0 = w + (size_t)r * kp;
            __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
            for (unsigned k = 0; k < kp; k += 64) {
                const __m512i x = _mm512_loadu_si512(av + k);
                s0 = _mm512_dpbusd_epi32(s0, x, _mm512_loadu_si512(w0 + k));
                s1 = _mm512_dpbusd_epi32(s1, x, _mm512_loadu_si512(w0 + kp + k));
                s2 = _mm512_dpbusd_epi32(s2, x, _mm512_loadu_si512(w0 + 2 * (size_t)kp + k));
                s3 = _mm512_dpbusd_epi32(s3, x, _mm512_loadu_si512(w0 + 3 * (size_t)kp + k));
            }
            o[r] = lanes_sum(s0);
            o[r + 1] = lanes_sum(s1);
            o[r + 2] = lanes_sum(s2);
            o[r + 3] = lanes_sum(s3);
        }
        for (; r < rows; r++)
            o[r] = dot_vnni(av, w + (size_t)r * kp, kp);
    }
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) void
gemm_clones(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
            int32_t *acc) {
    gemm_body(a, n, w, rows, kp, acc, MulI16{});
}

bool have_vnni() {
    static const bool yes = __builtin_cpu_supports("avx512vnni") &&
                            __builtin_cpu_supports("avx512bw") &&
                            __builtin_cpu_supports("avx512vl");
    return yes;
}
#endif

} // namespace

void pe_gemm_u8s8_portable(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows,
                           unsigned kp, int32_t *acc) {
    gemm_body(a, n, w, rows, kp, acc, MulI16{});
}

void pe_gemm_u8s8(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
                  int32_t *acc) {
#ifdef HQ_PE_GEMM_DISPATCH
    if (have_vnni())
        gemm_vnni(a, n, w, rows, kp, acc);
    else
        gemm_clones(a, n, w, rows, kp, acc);
#else
    pe_gemm_u8s8_portable(a, n, w, rows, kp, acc);
#endif
}

} // namespace hq::accel
