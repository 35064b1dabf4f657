/* Packed, cache-blocked SGEMM (GotoBLAS structure, plain C). The micro-kernel keeps an
 * MR x NR tile of C in registers; gcc -O3 vectorizes its fixed-size inner loops (SSE2 on
 * baseline x86-64, so the arithmetic is the same on every x86-64 machine). Work is split into
 * MC x NC macro tiles of C, one thread per tile; each thread packs its own panels. Measured
 * alternatives on this machine (MR x NR = 6x8, 8x8, 4x12) were slower than 4x8. */
#include "nn_gemm.h"

#include <omp.h>
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

/* Each thread has its own packing buffers (320 kB) for the duration of one nn_gemm call,
 * all allocated before the parallel region so that running out of memory is an error the
 * caller sees (glibc keeps freed blocks of this size on its heap, so repeated calls do not go
 * back to mmap). Returns NULL when out of memory. */
static pack_buffers *packs_alloc(int nt) {
    pack_buffers *pbs = calloc((size_t)nt, sizeof *pbs);
    if (!pbs) return NULL;
    for (int t = 0; t < nt; t++) {
        pbs[t].a = aligned_alloc(64, sizeof(float) * MC * KC);
        pbs[t].b = aligned_alloc(64, sizeof(float) * KC * NC);
        if (!pbs[t].a || !pbs[t].b) {
            for (int u = 0; u <= t; u++) {
                free(pbs[u].a);
                free(pbs[u].b);
            }
            free(pbs);
            return NULL;
        }
    }
    return pbs;
}

static void packs_free(pack_buffers *pbs, int nt) {
    for (int t = 0; t < nt; t++) {
        free(pbs[t].a);
        free(pbs[t].b);
    }
    free(pbs);
}

/* Packs op(A)[i0..i0+mc)[k0..k0+kc) into MR-row panels, each stored k-major, zero-padded. */
static void pack_a(int trans_a, const float *A, int lda, int M, int i0, int mc, int k0, int kc,
                   float *dst) {
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
                   float *dst) {
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
                        v = trans_b ? B[(size_t)col * ldb + k0 + p]
                                    : B[(size_t)(k0 + p) * ldb + col];
                    dst[p * NR + j] = v;
                }
            }
        }
        dst += (size_t)kc * NR;
    }
}

/* acc = sum over p of a[p][0..MR) outer b[p][0..NR). */
static void micro_kernel(int kc, const float *restrict a, const float *restrict b,
                         float acc[restrict MR][NR]) {
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
                       const float *B, int ldb, float *C, int ldc, int accumulate, int i0, int j0,
                       pack_buffers *pb) {
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

/* Split-K for products with few output tiles and a long K (weight gradients of convs, where
 * K = batch x positions): the K range is cut into chunks that depend on the shape only, each
 * chunk's partial product is computed by one thread, and the partials are summed in chunk
 * order. The result is therefore the same for any thread count. */
#define SPLIT_MIN_K 4096
#define SPLIT_MAX_CHUNKS 32
#define SPLIT_MAX_TILES 4

static int split_chunk(int tiles, int K) {
    if (tiles > SPLIT_MAX_TILES || K < SPLIT_MIN_K) return 0;
    int chunk = SPLIT_MIN_K / 2;
    while ((K + chunk - 1) / chunk > SPLIT_MAX_CHUNKS)
        chunk *= 2;
    return chunk; /* a multiple of KC, so the K blocking inside a chunk stays aligned */
}

static int gemm_split_k(int trans_a, int trans_b, int M, int N, int K, const float *A, int lda,
                        const float *B, int ldb, float *C, int ldc, int accumulate, int nt,
                        int tiles_n, int tiles, int chunk) {
    int chunks = (K + chunk - 1) / chunk;
    float *part = malloc(sizeof(float) * (size_t)chunks * M * N); /* at most 32 x 4 tiles: 8 MB */
    pack_buffers *pbs = part ? packs_alloc(nt) : NULL;
    if (!pbs) {
        free(part);
        return -1;
    }
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        pack_buffers pb = pbs[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (int t = 0; t < tiles * chunks; t++) {
            int ch = t / tiles, tile = t % tiles;
            int k0 = ch * chunk, kc = K - k0 < chunk ? K - k0 : chunk;
            const float *a = trans_a ? A + (size_t)k0 * lda : A + k0;
            const float *b = trans_b ? B + k0 : B + (size_t)k0 * ldb;
            macro_tile(trans_a, trans_b, M, N, kc, a, lda, b, ldb, part + (size_t)ch * M * N, N, 0,
                       (tile / tiles_n) * MC, (tile % tiles_n) * NC, &pb);
        }
    }
    packs_free(pbs, nt);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1)
    for (int i = 0; i < M; i++) {
        float *c = C + (size_t)i * ldc;
        for (int j = 0; j < N; j++) {
            float sum = accumulate ? c[j] : 0.0f;
            for (int ch = 0; ch < chunks; ch++)
                sum += part[((size_t)ch * M + i) * N + j];
            c[j] = sum;
        }
    }
    free(part);
    return 0;
}

int nn_gemm(int trans_a, int trans_b, int M, int N, int K, const float *A, int lda, const float *B,
            int ldb, float *C, int ldc, int accumulate, int threads) {
    if (M <= 0 || N <= 0) return 0;
    if (K <= 0) {
        if (!accumulate)
            for (int i = 0; i < M; i++)
                memset(C + (size_t)i * ldc, 0, sizeof(float) * N);
        return 0;
    }
    int tiles_m = (M + MC - 1) / MC, tiles_n = (N + NC - 1) / NC;
    int tiles = tiles_m * tiles_n;
    int nt = threads < 1 ? 1 : threads;
    /* Small products are not worth waking the thread team. */
    if ((double)M * N * K < 65536.0) nt = 1;
    int chunk = split_chunk(tiles, K);
    if (chunk)
        return gemm_split_k(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate, nt,
                            tiles_n, tiles, chunk);
    if (nt > tiles) nt = tiles;
    pack_buffers *pbs = packs_alloc(nt);
    if (!pbs) return -1;
        /* Dynamic scheduling keeps both cores busy when one is preempted (shared machines); any
         * thread computes a given tile the same way, so the result does not change. */
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        pack_buffers pb = pbs[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (int t = 0; t < tiles; t++)
            macro_tile(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate,
                       (t / tiles_n) * MC, (t % tiles_n) * NC, &pb);
    }
    packs_free(pbs, nt);
    return 0;
}
