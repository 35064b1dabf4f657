/* The functional kernel of the PE array model: uint8 activations x int8 effective weights ->
 * int32 accumulators. One plane of effective weights (a low weight c << lo_shift, a high
 * weight as it is) gives the same int32 result as the hardware's low and high partial sums
 * merged with hq_merge_partials (docs/arith.md: the merge is (lo << s) + hi modulo 2^32, a
 * linear map), in half the work of two planes. int8 operands are half the bytes of the
 * reference's int16 ones and map onto 4-way byte multiply-adds (AVX512-VNNI vpdpbusd) where
 * the CPU has them, else onto int16 pair multiply-adds (AVX2 vpmaddwd), picked at run time;
 * the result is the same on every path. */
#ifndef HQ_ACCEL_PE_GEMM_H
#define HQ_ACCEL_PE_GEMM_H

#include <cstdint>

namespace hq::accel {

/* K padding of both operands: a multiple of 64 bytes (one 512-bit vector) */
constexpr unsigned kPeGemmPad = 64;

/* acc[v * rows + r] = sum over k < kp of a[v * kp + k] * w[r * kp + k], wrapping modulo 2^32;
 * v < n. kp is a multiple of kPeGemmPad, the padding zero in a or w. */
void pe_gemm_u8s8(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
                  int32_t *acc);

/* The portable loop (no run-time dispatch), for tests that compare the two. */
void pe_gemm_u8s8_portable(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows,
                           unsigned kp, int32_t *acc);

/* Whether the CPU has the AVX512-VNNI byte dot products that pe_gemm_u8s8 (and the sparse
 * planes' product) take where it can; false where the compiler has no run-time dispatch. */
bool pe_cpu_has_vnni();

/* The AVX2 kernel that pe_gemm_u8s8 takes on a CPU with AVX2 but no AVX512-VNNI, for tests
 * on any CPU with AVX2: false (acc untouched) where the CPU or the compiler has none. */
bool pe_gemm_u8s8_avx2(const uint8_t *a, unsigned n, const int8_t *w, unsigned rows, unsigned kp,
                       int32_t *acc);

} // namespace hq::accel

#endif
