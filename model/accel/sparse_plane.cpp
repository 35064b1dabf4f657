#include "accel/sparse_plane.h"

#include "accel/pe_gemm.h"

#include <cstring>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hq::accel {

static bool zero_block(const int8_t *p) {
    uint64_t x;
    static_assert(kSparseBlock == sizeof x, "one word per block");
    std::memcpy(&x, p, sizeof x);
    return x == 0;
}

bool SparsePlane::make(const int8_t *w, unsigned rows, unsigned kp, SparsePlane *out, bool always) {
    const unsigned nb = kp / kSparseBlock;
    if (kp % kSparseBlock || nb > 65536u || rows == 0) return false;
    size_t kept = 0;
    for (size_t b = 0; b < (size_t)rows * nb; b++)
        kept += !zero_block(w + b * kSparseBlock);
    const size_t sparse = (rows + 1) * sizeof(uint32_t) + kept * (sizeof(uint16_t) + kSparseBlock);
    if (!always && sparse > (size_t)rows * kp / 2) return false;
    SparsePlane p;
    p.rows = rows;
    p.kp = kp;
    p.start.reserve(rows + 1);
    p.block.reserve(kept);
    p.bytes.reserve(kept * kSparseBlock);
    for (unsigned r = 0; r < rows; r++) {
        p.start.push_back((uint32_t)p.block.size());
        const int8_t *row = w + (size_t)r * kp;
        for (unsigned b = 0; b < nb; b++)
            if (!zero_block(row + b * kSparseBlock)) {
                p.block.push_back((uint16_t)b);
                p.bytes.insert(p.bytes.end(), row + b * kSparseBlock, row + (b + 1) * kSparseBlock);
            }
    }
    p.start.push_back((uint32_t)p.block.size());
    *out = std::move(p);
    return true;
}

void SparsePlane::expand_row(unsigned r, int8_t *out) const {
    std::memset(out, 0, kp);
    for (uint32_t j = start[r]; j < start[r + 1]; j++)
        std::memcpy(out + (size_t)block[j] * kSparseBlock, &bytes[(size_t)j * kSparseBlock],
                    kSparseBlock);
}

#if defined(__SSE2__)
/* One block's 8 products as four int32 lanes of pair sums (pmaddwd of int16 operands: a
 * uint8 times an int8 and the sum of two such are exact in int32), the lanes added later. */
static inline __m128i widen_w(const int8_t *w) {
    const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(w));
    return _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8); /* sign-extended */
}
static inline __m128i dot_block(const uint8_t *a, __m128i w16) {
    const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(a));
    return _mm_madd_epi16(_mm_unpacklo_epi8(x, _mm_setzero_si128()), w16);
}
/* lanes 0..3: the lane sums of s0..s3 (wrapping adds, any order) */
static inline __m128i sum4(__m128i s0, __m128i s1, __m128i s2, __m128i s3) {
    const __m128i t0 = _mm_add_epi32(_mm_unpacklo_epi32(s0, s1), _mm_unpackhi_epi32(s0, s1));
    const __m128i t1 = _mm_add_epi32(_mm_unpacklo_epi32(s2, s3), _mm_unpackhi_epi32(s2, s3));
    return _mm_add_epi32(_mm_unpacklo_epi64(t0, t1), _mm_unpackhi_epi64(t0, t1));
}
/* the lane sums of s0..s3 to o[0], o[stride], o[2 * stride], o[3 * stride] */
static inline void store_sums4(int32_t *o, size_t stride, __m128i s0, __m128i s1, __m128i s2,
                               __m128i s3) {
    alignas(16) int32_t t[4];
    _mm_store_si128(reinterpret_cast<__m128i *>(t), sum4(s0, s1, s2, s3));
    for (size_t q = 0; q < 4; q++)
        o[q * stride] = t[q];
}
#endif

/* One block's 8 products, wrapping as the hardware's int32 accumulators do. */
static inline uint32_t dot_block_scalar(const uint8_t *a, const int8_t *w) {
    uint32_t s = 0;
    for (unsigned k = 0; k < kSparseBlock; k++)
        s += (uint32_t)((int32_t)a[k] * (int32_t)w[k]);
    return s;
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define HQ_SPARSE_VNNI 1
/* vpdpbusd on the block's 8 bytes (the upper 8 zero): lanes 0 and 1 the sums of four
 * products each, wrapping; one instruction per block and vector instead of four. */
__attribute__((target("avx512vnni,avx512vl,avx512bw,avx512f"))) static void
gemm4_vnni(const SparsePlane &p, const uint8_t *a, unsigned n, unsigned r0, unsigned nr,
           int32_t *acc) {
    const unsigned kp = p.kp;
    for (unsigned v = 0; v + 4 <= n; v += 4) {
        const uint8_t *a0 = a + (size_t)v * kp, *a1 = a0 + kp, *a2 = a1 + kp, *a3 = a2 + kp;
        int32_t *o = acc + (size_t)v * nr;
        for (unsigned i = 0; i < nr; i++) {
            __m128i s0 = _mm_setzero_si128(), s1 = s0, s2 = s0, s3 = s0;
            for (uint32_t j = p.start[r0 + i]; j < p.start[r0 + i + 1]; j++) {
                const __m128i w =
                    _mm_loadl_epi64(reinterpret_cast<const __m128i *>(&p.bytes[(size_t)j * 8]));
                const size_t c = (size_t)p.block[j] * kSparseBlock;
                const auto at = [c](const uint8_t *x) {
                    return _mm_loadl_epi64(reinterpret_cast<const __m128i *>(x + c));
                };
                s0 = _mm_dpbusd_epi32(s0, at(a0), w);
                s1 = _mm_dpbusd_epi32(s1, at(a1), w);
                s2 = _mm_dpbusd_epi32(s2, at(a2), w);
                s3 = _mm_dpbusd_epi32(s3, at(a3), w);
            }
            store_sums4(o + i, nr, s0, s1, s2, s3);
        }
    }
}

#endif

void SparsePlane::gemm(const uint8_t *a, unsigned n, unsigned r0, unsigned nr, int32_t *acc) const {
#ifdef HQ_SPARSE_VNNI
    if (pe_cpu_has_vnni() && n >= 4) { /* the blocks of 4 vectors; the rest below */
        gemm4_vnni(*this, a, n, r0, nr, acc);
        const unsigned done = n / 4 * 4;
        gemm_baseline(a + (size_t)done * kp, n - done, r0, nr, acc + (size_t)done * nr);
        return;
    }
#endif
    gemm_baseline(a, n, r0, nr, acc);
}

void SparsePlane::gemm_baseline(const uint8_t *a, unsigned n, unsigned r0, unsigned nr,
                                int32_t *acc) const {
    unsigned v = 0;
#if defined(__SSE2__)
    for (; v + 4 <= n; v += 4) { /* four vectors share each block's load */
        const uint8_t *a0 = a + (size_t)v * kp, *a1 = a0 + kp, *a2 = a1 + kp, *a3 = a2 + kp;
        int32_t *o = acc + (size_t)v * nr;
        for (unsigned i = 0; i < nr; i++) {
            __m128i s0 = _mm_setzero_si128(), s1 = s0, s2 = s0, s3 = s0;
            for (uint32_t j = start[r0 + i]; j < start[r0 + i + 1]; j++) {
                const __m128i w16 = widen_w(&bytes[(size_t)j * kSparseBlock]);
                const size_t c = (size_t)block[j] * kSparseBlock;
                s0 = _mm_add_epi32(s0, dot_block(a0 + c, w16));
                s1 = _mm_add_epi32(s1, dot_block(a1 + c, w16));
                s2 = _mm_add_epi32(s2, dot_block(a2 + c, w16));
                s3 = _mm_add_epi32(s3, dot_block(a3 + c, w16));
            }
            store_sums4(o + i, nr, s0, s1, s2, s3);
        }
    }
#endif
    for (; v < n; v++) {
        const uint8_t *av = a + (size_t)v * kp;
        for (unsigned i = 0; i < nr; i++) {
            uint32_t s = 0;
            for (uint32_t j = start[r0 + i]; j < start[r0 + i + 1]; j++)
                s += dot_block_scalar(av + (size_t)block[j] * kSparseBlock,
                                      &bytes[(size_t)j * kSparseBlock]);
            acc[(size_t)v * nr + i] = (int32_t)s;
        }
    }
}

} // namespace hq::accel
