/* Single-precision GEMM for the trainer: cache-blocked, packed, auto-vectorized micro-kernel.
 * Deterministic: every element of C is computed by exactly one thread, summing over K in a
 * fixed order (fixed K blocks, fixed order inside a block), so results are bit-identical for
 * any thread count. */
#ifndef HQ_NN_GEMM_H
#define HQ_NN_GEMM_H

#ifdef __cplusplus
extern "C" {
#endif

/* C[M][N] = (accumulate ? C : 0) + op(A) * op(B), all row-major.
 * op(A) is M x K: A[i*lda + k], or A^T when trans_a (A stored K x M: A[k*lda + i]).
 * op(B) is K x N: B[k*ldb + j], or B^T when trans_b (B stored N x K: B[j*ldb + k]).
 * threads: number of OpenMP threads to use (<= 1: run on the calling thread only).
 * Returns 0, or -1 when out of memory for the packing buffers (C is then unchanged). */
int nn_gemm(int trans_a, int trans_b, int M, int N, int K, const float *A, int lda, const float *B,
            int ldb, float *C, int ldc, int accumulate, int threads);

#ifdef __cplusplus
}
#endif

#endif
