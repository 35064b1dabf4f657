/* Packed, cache-blocked SGEMM (GotoBLAS structure, plain C). The micro-kernel keeps an
 * MR x NR tile of C in registers; gcc -O3 vectorizes its fixed-size inner loops (SSE2 on
 * baseline x86-64, so the arithmetic is the same on every x86-64 machine). Work is split into
 * MC x NC macro tiles of C, one thread per tile; each thread packs its own panels. */
#include "nn_gemm.h"

#include <stdlib.h>
#include <string.h>

#define MR 4
#define NR 8
#define MC 64  /* multiple of MR */
#define NC 256 /* multiple of NR */
#define KC 256

typedef struct {
    float *a, *b;
} pack_buffers;

/* Per-thread packing buffers, allocated once per thread and reused by every call. */
static _Thread_local pack_buffers tls_pack;

static pack_buffers *get_pack_buffers(void)
{
    if (!tls_pack.a) {
        tls_pack.a = aligned_alloc(64, sizeof(float) * MC * KC);
        tls_pack.b = aligned_alloc(64, sizeof(float) * KC * NC);
        if (!tls_pack.a || !tls_pack.b)
            abort(); /* 1.1 MB: failing here means the machine is out of memory */
    }
    return &tls_pack;
}

/* Packs op(A)[i0..i0+mc)[k0..k0+kc) into MR-row panels, each stored k-major, zero-padded. */
static void pack_a(int trans_a, const float *A, int lda, int M, int i0, int mc, int k0, int kc,
                   float *dst)
{
    for (int ip = 0; ip < mc; ip += MR) {
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < MR; i++) {
                int row = i0 + ip + i;
                float v = 0.0f;
                if (ip + i < mc && row < M)
                    v = trans_a ? A[(size_t)(k0 + p) * lda + row] : A[(size_t)row * lda + k0 + p];
                dst[p * MR + i] = v;
            }
        }
        dst += (size_t)kc * MR;
    }
}

/* Packs op(B)[k0..k0+kc)[j0..j0+nc) into NR-column panels, each stored k-major, zero-padded. */
static void pack_b(int trans_b, const float *B, int ldb, int N, int j0, int nc, int k0, int kc,
                   float *dst)
{
    for (int jp = 0; jp < nc; jp += NR) {
        if (!trans_b && jp + NR <= nc && j0 + jp + NR <= N) {
            for (int p = 0; p < kc; p++)
                memcpy(dst + p * NR, B + (size_t)(k0 + p) * ldb + j0 + jp, sizeof(float) * NR);
        } else {
            for (int p = 0; p < kc; p++) {
                for (int j = 0; j < NR; j++) {
                    int col = j0 + jp + j;
                    float v = 0.0f;
                    if (jp + j < nc && col < N)
                        v = trans_b ? B[(size_t)col * ldb + k0 + p] : B[(size_t)(k0 + p) * ldb + col];
                    dst[p * NR + j] = v;
                }
            }
        }
        dst += (size_t)kc * NR;
    }
}

/* acc = sum over p of a[p][0..MR) outer b[p][0..NR). */
static void micro_kernel(int kc, const float *restrict a, const float *restrict b,
                         float acc[restrict MR][NR])
{
    float t[MR][NR];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++)
            t[i][j] = 0.0f;
    for (int p = 0; p < kc; p++) {
        for (int i = 0; i < MR; i++) {
            float ai = a[p * MR + i];
            for (int j = 0; j < NR; j++)
                t[i][j] += ai * b[p * NR + j];
        }
    }
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++)
            acc[i][j] = t[i][j];
}

static void macro_tile(int trans_a, int trans_b, int M, int N, int K, const float *A, int lda,
                       const float *B, int ldb, float *C, int ldc, int accumulate, int i0, int j0)
{
    pack_buffers *pb = get_pack_buffers();
    int mc = M - i0 < MC ? M - i0 : MC;
    int nc = N - j0 < NC ? N - j0 : NC;
    for (int k0 = 0; k0 < K; k0 += KC) {
        int kc = K - k0 < KC ? K - k0 : KC;
        int first = (k0 == 0) && !accumulate;
        pack_a(trans_a, A, lda, M, i0, mc, k0, kc, pb->a);
        pack_b(trans_b, B, ldb, N, j0, nc, k0, kc, pb->b);
        for (int jp = 0; jp < nc; jp += NR) {
            const float *bp = pb->b + (size_t)(jp / NR) * kc * NR;
            int nr = nc - jp < NR ? nc - jp : NR;
            for (int ip = 0; ip < mc; ip += MR) {
                const float *ap = pb->a + (size_t)(ip / MR) * kc * MR;
                int mr = mc - ip < MR ? mc - ip : MR;
                float acc[MR][NR];
                micro_kernel(kc, ap, bp, acc);
                for (int i = 0; i < mr; i++) {
                    float *c = C + (size_t)(i0 + ip + i) * ldc + j0 + jp;
                    if (first)
                        for (int j = 0; j < nr; j++)
                            c[j] = acc[i][j];
                    else
                        for (int j = 0; j < nr; j++)
                            c[j] += acc[i][j];
                }
            }
        }
    }
}

void nn_gemm(int trans_a, int trans_b, int M, int N, int K, const float *A, int lda,
             const float *B, int ldb, float *C, int ldc, int accumulate, int threads)
{
    if (M <= 0 || N <= 0)
        return;
    if (K <= 0) {
        if (!accumulate)
            for (int i = 0; i < M; i++)
                memset(C + (size_t)i * ldc, 0, sizeof(float) * N);
        return;
    }
    int tiles_m = (M + MC - 1) / MC, tiles_n = (N + NC - 1) / NC;
    int tiles = tiles_m * tiles_n;
    int nt = threads < 1 ? 1 : threads;
    if (nt > tiles)
        nt = tiles;
    /* Small products are not worth waking the thread team. */
    if ((double)M * N * K < 32768.0)
        nt = 1;
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int t = 0; t < tiles; t++)
        macro_tile(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate,
                   (t / tiles_n) * MC, (t % tiles_n) * NC);
}
