#include "accel/pe_gemm.h"

#include <cstddef>
#include <cstdint>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
#endif

namespace hq::accel {

namespace {

/* Four activation vectors share each weight row's loads; the k loop vectorises into byte or
 * int16 multiply-adds. A product of a uint8 and an int8 fits int16 exactly. Sums wrap modulo
 * 2^32 (unsigned: no overflow) as the hardware's int32 accumulators do. Always inlined: each
 * of gemm_clones' targets compiles its own copy (a shared out-of-line copy is built for the
 * baseline target and runs scalar: 20x slower on a CPU without AVX-512 VNNI). */
template <typename Mul>
__attribute__((always_inline)) inline void gemm_body(const uint8_t *a, unsigned n, const int8_t *w,
                                                     unsigned rows, unsigned kp, int32_t *acc,
                                                     Mul mul) {
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

/* The lane sums of four accumulators at once, in lanes 0..3 of the result (a, b, c, d in
 * order): folds of whole vectors instead of 64 scalar adds. The adds wrap modulo 2^32 and so
 * equal lanes_sum's in any order. (The maskz forms with every lane selected: the plain ones
 * trip the same GCC 12 warning.) */
HQ_VNNI inline __m512i lanes_sum4(__m512i a, __m512i b, __m512i c, __m512i d) {
    /* 128-bit quarters: ab = a0+a2 a1+a3 b0+b2 b1+b3, cd the same for c and d */
    const __m512i ab = _mm512_add_epi32(_mm512_maskz_shuffle_i64x2(0xFF, a, b, 0x44),
                                        _mm512_maskz_shuffle_i64x2(0xFF, a, b, 0xEE));
    const __m512i cd = _mm512_add_epi32(_mm512_maskz_shuffle_i64x2(0xFF, c, d, 0x44),
                                        _mm512_maskz_shuffle_i64x2(0xFF, c, d, 0xEE));
    /* one quarter per accumulator: a, b, c, d */
    __m512i q = _mm512_add_epi32(_mm512_maskz_shuffle_i64x2(0xFF, ab, cd, 0x88),
                                 _mm512_maskz_shuffle_i64x2(0xFF, ab, cd, 0xDD));
    /* within each quarter: every lane the quarter's sum */
    q = _mm512_add_epi32(q, _mm512_maskz_shuffle_epi32(0xFFFF, q, _MM_PERM_BADC));
    q = _mm512_add_epi32(q, _mm512_maskz_shuffle_epi32(0xFFFF, q, _MM_PERM_CDAB));
    const __m512i pick = _mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    return _mm512_maskz_permutexvar_epi32(0xFFFF, pick, q);
}

/* vpdpbusd: per 32-bit lane, the four products of unsigned bytes of x and signed bytes of y
 * added to the lane without saturation (wrapping modulo 2^32). kp is a multiple of 64. */
HQ_VNNI inline int32_t dot_vnni(const uint8_t *x, const int8_t *y, unsigned kp) {
    __m512i s = _mm512_setzero_si512();
    for (unsigned k = 0; k < kp; k += 64)
        s = _mm512_dpbusd_epi32(s, _mm512_loadu_si512(x + k), _mm512_loadu_si512(y + k));
    return lanes_sum(s);
}

/* Four vectors x four weight rows: 16 accumulators, 8 loads per 16 multiply-adds (the
 * GEMM's loads, not its multiply-adds, bound a 4 x 1 block); o[v * rows + i] for v, i < 4. */
HQ_VNNI inline void block4x4(const uint8_t *a0, const int8_t *w0, unsigned rows, unsigned kp,
                             int32_t *o) {
    const size_t p = kp;
    const uint8_t *a1 = a0 + p, *a2 = a1 + p, *a3 = a2 + p;
    const int8_t *w1 = w0 + p, *w2 = w1 + p, *w3 = w2 + p;
    const __m512i z = _mm512_setzero_si512();
    __m512i s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
    __m512i s20 = z, s21 = z, s22 = z, s23 = z, s30 = z, s31 = z, s32 = z, s33 = z;
    for (unsigned k = 0; k < kp; k += 64) {
        const __m512i y0 = _mm512_loadu_si512(w0 + k), y1 = _mm512_loadu_si512(w1 + k),
                      y2 = _mm512_loadu_si512(w2 + k), y3 = _mm512_loadu_si512(w3 + k);
        __m512i x = _mm512_loadu_si512(a0 + k);
        s00 = _mm512_dpbusd_epi32(s00, x, y0), s01 = _mm512_dpbusd_epi32(s01, x, y1);
        s02 = _mm512_dpbusd_epi32(s02, x, y2), s03 = _mm512_dpbusd_epi32(s03, x, y3);
        x = _mm512_loadu_si512(a1 + k);
        s10 = _mm512_dpbusd_epi32(s10, x, y0), s11 = _mm512_dpbusd_epi32(s11, x, y1);
        s12 = _mm512_dpbusd_epi32(s12, x, y2), s13 = _mm512_dpbusd_epi32(s13, x, y3);
        x = _mm512_loadu_si512(a2 + k);
        s20 = _mm512_dpbusd_epi32(s20, x, y0), s21 = _mm512_dpbusd_epi32(s21, x, y1);
        s22 = _mm512_dpbusd_epi32(s22, x, y2), s23 = _mm512_dpbusd_epi32(s23, x, y3);
        x = _mm512_loadu_si512(a3 + k);
        s30 = _mm512_dpbusd_epi32(s30, x, y0), s31 = _mm512_dpbusd_epi32(s31, x, y1);
        s32 = _mm512_dpbusd_epi32(s32, x, y2), s33 = _mm512_dpbusd_epi32(s33, x, y3);
    }
    _mm512_mask_storeu_epi32(o, 0xF, lanes_sum4(s00, s01, s02, s03));
    _mm512_mask_storeu_epi32(o + rows, 0xF, lanes_sum4(s10, s11, s12, s13));
    _mm512_mask_storeu_epi32(o + 2 * (size_t)rows, 0xF, lanes_sum4(s20, s21, s22, s23));
    _mm512_mask_storeu_epi32(o + 3 * (size_t)rows, 0xF, lanes_sum4(s30, s31, s32, s33));
}

/* A matrix-vector product (batch 1) reads each weight once, a stream the size of the layer
 * (the BERT layer: 7 MB per token) that the hardware prefetcher follows late when it comes
 * from DRAM or a contended cache: the lines kPrefetchBytes ahead of each of four rows are asked
 * for early (a hint: past the end of the plane it is dropped, no fault; the address is formed
 * as an integer). On the BERT layer's shapes, loaded machine, best of 6: 7 MB (in cache)
 * 2-10 % faster than without, 56 MB (from DRAM) 7-9 %; in `hqsim run` within the noise. */
constexpr uintptr_t kPrefetchBytes = 8192;
HQ_VNNI inline void prefetch_ahead(const int8_t *p, unsigned kp) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(p) + kPrefetchBytes;
    for (int i = 0; i < 4; i++)
        _mm_prefetch(reinterpret_cast<const char *>(a + (uintptr_t)i * kp), _MM_HINT_T0);
}

/* Four accumulators at a time: four vectors sharing a weight row (GEMM, four rows at a time
 * where there are four), or four weight rows sharing a vector (matrix-vector product, batch
 * 1). */
HQ_VNNI void gemm_vnni(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
                       int32_t *acc) {
    unsigned v = 0;
    for (; v + 4 <= n; v += 4) {
        const uint8_t *a0 = a + (size_t)v * kp;
        int32_t *o = acc + (size_t)v * rows;
        unsigned r = 0;
        for (; r + 4 <= rows; r += 4)
            block4x4(a0, w + (size_t)r * kp, rows, kp, o + r);
        for (; r < rows; r++) {
            const int8_t *wr = w + (size_t)r * kp;
            __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
            for (unsigned k = 0; k < kp; k += 64) {
                const __m512i y = _mm512_loadu_si512(wr + k);
                s0 = _mm512_dpbusd_epi32(s0, _mm512_loadu_si512(a0 + k), y);
                s1 = _mm512_dpbusd_epi32(s1, _mm512_loadu_si512(a0 + kp + k), y);
                s2 = _mm512_dpbusd_epi32(s2, _mm512_loadu_si512(a0 + 2 * (size_t)kp + k), y);
                s3 = _mm512_dpbusd_epi32(s3, _mm512_loadu_si512(a0 + 3 * (size_t)kp + k), y);
            }
            alignas(64) int32_t sum[16];
            _mm512_store_si512(sum, lanes_sum4(s0, s1, s2, s3));
            o[r] = sum[0];
            o[rows + r] = sum[1];
            o[2 * (size_t)rows + r] = sum[2];
            o[3 * (size_t)rows + r] = sum[3];
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
                prefetch_ahead(w0 + k, kp);
                const __m512i x = _mm512_loadu_si512(av + k);
                s0 = _mm512_dpbusd_epi32(s0, x, _mm512_loadu_si512(w0 + k));
                s1 = _mm512_dpbusd_epi32(s1, x, _mm512_loadu_si512(w0 + kp + k));
                s2 = _mm512_dpbusd_epi32(s2, x, _mm512_loadu_si512(w0 + 2 * (size_t)kp + k));
                s3 = _mm512_dpbusd_epi32(s3, x, _mm512_loadu_si512(w0 + 3 * (size_t)kp + k));
            }
            _mm512_mask_storeu_epi32(o + r, 0xF, lanes_sum4(s0, s1, s2, s3));
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

#define HQ_AVX2 __attribute__((target("avx2")))

/* The 8 lanes' sum, wrapping (stored and added, as lanes_sum). */
HQ_AVX2 inline int32_t lanes_sum8(__m256i s) {
    alignas(32) uint32_t t[8];
    _mm256_store_si256(reinterpret_cast<__m256i *>(t), s);
    uint32_t sum = 0;
    for (uint32_t x : t)
        sum += x;
    return (int32_t)sum;
}

/* 16 uint8 or int8 operands widened to int16 (exact) */
HQ_AVX2 inline __m256i widen_u8(const uint8_t *p) {
    return _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
}
HQ_AVX2 inline __m256i widen_s8(const int8_t *p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
}

/* AVX2 without byte dot products: both operands widened to int16 and multiplied pairwise
 * into int32 (vpmaddwd: two products of at most 255 x 128 each, exact), the int32 adds
 * wrapping modulo 2^32 as the hardware's accumulators. (vpmaddubsw would take the bytes as
 * they are but saturates its int16 pair sums: 255 x 127 x 2 > 32767.) Four weight rows share
 * each activation load (matrix-vector product, batch 1), or two vectors share each weight
 * load and two rows each activation load (GEMM): 8 or 4 accumulators, within the 16 ymm
 * registers. kp is a multiple of 64, so of 16. */
HQ_AVX2 void gemm_avx2(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
                       int32_t *acc) {
    unsigned v = 0;
    for (; v + 2 <= n; v += 2) {
        const uint8_t *a0 = a + (size_t)v * kp, *a1 = a0 + kp;
        int32_t *o = acc + (size_t)v * rows;
        unsigned r = 0;
        for (; r + 2 <= rows; r += 2) {
            const int8_t *w0 = w + (size_t)r * kp, *w1 = w0 + kp;
            __m256i s00 = _mm256_setzero_si256(), s01 = s00, s10 = s00, s11 = s00;
            for (unsigned k = 0; k < kp; k += 16) {
                const __m256i y0 = widen_s8(w0 + k), y1 = widen_s8(w1 + k);
                const __m256i x0 = widen_u8(a0 + k), x1 = widen_u8(a1 + k);
                s00 = _mm256_add_epi32(s00, _mm256_madd_epi16(x0, y0));
                s01 = _mm256_add_epi32(s01, _mm256_madd_epi16(x0, y1));
                s10 = _mm256_add_epi32(s10, _mm256_madd_epi16(x1, y0));
                s11 = _mm256_add_epi32(s11, _mm256_madd_epi16(x1, y1));
            }
            o[r] = lanes_sum8(s00), o[r + 1] = lanes_sum8(s01);
            o[rows + r] = lanes_sum8(s10), o[rows + r + 1] = lanes_sum8(s11);
        }
        for (; r < rows; r++) {
            const int8_t *w0 = w + (size_t)r * kp;
            __m256i s0 = _mm256_setzero_si256(), s1 = s0;
            for (unsigned k = 0; k < kp; k += 16) {
                const __m256i y = widen_s8(w0 + k);
                s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(widen_u8(a0 + k), y));
                s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(widen_u8(a1 + k), y));
            }
            o[r] = lanes_sum8(s0), o[rows + r] = lanes_sum8(s1);
        }
    }
    for (; v < n; v++) {
        const uint8_t *av = a + (size_t)v * kp;
        int32_t *o = acc + (size_t)v * rows;
        unsigned r = 0;
        for (; r + 4 <= rows; r += 4) {
            const int8_t *w0 = w + (size_t)r * kp, *w1 = w0 + kp, *w2 = w1 + kp, *w3 = w2 + kp;
            __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
            for (unsigned k = 0; k < kp; k += 16) {
                const __m256i x = widen_u8(av + k);
                s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(x, widen_s8(w0 + k)));
                s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(x, widen_s8(w1 + k)));
                s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(x, widen_s8(w2 + k)));
                s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(x, widen_s8(w3 + k)));
            }
            o[r] = lanes_sum8(s0), o[r + 1] = lanes_sum8(s1);
            o[r + 2] = lanes_sum8(s2), o[r + 3] = lanes_sum8(s3);
        }
        for (; r < rows; r++) {
            const int8_t *w0 = w + (size_t)r * kp;
            __m256i s = _mm256_setzero_si256();
            for (unsigned k = 0; k < kp; k += 16)
                s = _mm256_add_epi32(s, _mm256_madd_epi16(widen_u8(av + k), widen_s8(w0 + k)));
            o[r] = lanes_sum8(s);
        }
    }
}

bool have_avx2() {
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes;
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
    else if (have_avx2())
        gemm_avx2(a, n, w, rows, kp, acc);
    else
        gemm_clones(a, n, w, rows, kp, acc);
#else
    pe_gemm_u8s8_portable(a, n, w, rows, kp, acc);
#endif
}

bool pe_cpu_has_vnni() {
#ifdef HQ_PE_GEMM_DISPATCH
    return have_vnni();
#else
    return false;
#endif
}

bool pe_gemm_u8s8_avx2(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
                       int32_t *acc) {
#ifdef HQ_PE_GEMM_DISPATCH
    if (!have_avx2()) return false;
    gemm_avx2(a, n, w, rows, kp, acc);
    return true;
#else
    (void)a, (void)n, (void)w, (void)rows, (void)kp, (void)acc;
    return false;
#endif
}

} // namespace hq::accel
