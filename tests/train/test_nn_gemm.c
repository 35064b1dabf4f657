/* nn_gemm against a plain double-precision triple loop, for every transpose combination and
 * shapes that cross the micro- and macro-tile edges and take the split-K path; and bit-identical
 * results for 1, 2 and 3 threads. */
#include "nn_gemm.h"
#include "nn_rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void fill(nn_rng *r, float *v, long n) {
    for (long i = 0; i < n; i++)
        v[i] = 2.0f * nn_rng_uniform(r) - 1.0f;
}

static void check_case(nn_rng *r, int ta, int tb, int M, int N, int K, int accumulate) {
    /* Leading dimensions larger than needed, to catch stride mix-ups. */
    int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 1, ldc = N + 2;
    long na = (long)(ta ? K : M) * lda, nb = (long)(tb ? N : K) * ldb, nc = (long)M * ldc;
    float *A = malloc(sizeof(float) * na), *B = malloc(sizeof(float) * nb);
    float *C = malloc(sizeof(float) * nc), *C0 = malloc(sizeof(float) * nc);
    fill(r, A, na);
    fill(r, B, nb);
    fill(r, C0, nc);
    double worst = 0.0;
    int threads[] = {1, 2, 3};
    float *first = malloc(sizeof(float) * nc);
    for (int t = 0; t < 3; t++) {
        memcpy(C, C0, sizeof(float) * nc);
        nn_gemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, accumulate, threads[t]);
        if (t == 0) {
            memcpy(first, C, sizeof(float) * nc);
        } else if (memcmp(first, C, sizeof(float) * nc)) {
            printf("FAIL %dx%dx%d ta=%d tb=%d: %d threads differ from 1 thread\n", M, N, K, ta, tb,
                   threads[t]);
            failures++;
        }
    }
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) {
            double ref = accumulate ? C0[(long)i * ldc + j] : 0.0, mag = fabs(ref);
            for (int k = 0; k < K; k++) {
                double a = ta ? A[(long)k * lda + i] : A[(long)i * lda + k];
                double b = tb ? B[(long)j * ldb + k] : B[(long)k * ldb + j];
                ref += a * b;
                mag += fabs(a * b);
            }
            double err = fabs(first[(long)i * ldc + j] - ref) / (mag + 1e-30);
            if (err > worst) worst = err;
        }
        /* The padding columns of C must be untouched. */
        for (int j = N; j < ldc; j++)
            if (first[(long)i * ldc + j] != C0[(long)i * ldc + j]) {
                printf("FAIL %dx%dx%d: wrote outside C\n", M, N, K);
                failures++;
            }
    }
    /* float accumulation of K terms: relative error bounded by ~K * 2^-24 of sum |a b|. */
    double bound = (K + 2) * 6e-8;
    if (worst > bound) {
        printf("FAIL %dx%dx%d ta=%d tb=%d acc=%d: relative error %.3g > %.3g\n", M, N, K, ta, tb,
               accumulate, worst, bound);
        failures++;
    }
    free(A), free(B), free(C), free(C0), free(first);
}

int main(void) {
    nn_rng r;
    nn_rng_seed(&r, 42);
    const int shapes[][3] = {{1, 1, 1},
                             {3, 5, 7},
                             {4, 8, 16},
                             {5, 9, 17},
                             {67, 259, 300},
                             {130, 10, 513},
                             {10, 784, 64},
                             {200, 33, 1},
                             /* split-K: few output tiles, long K */
                             {16, 9, 9000},
                             {40, 150, 5000}};
    int cases = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int acc = 0; acc < 2; acc++, cases++)
                    check_case(&r, ta, tb, shapes[s][0], shapes[s][1], shapes[s][2], acc);

    /* K = 0: C = 0 (or unchanged when accumulating). */
    float c[6] = {1, 2, 3, 4, 5, 6};
    nn_gemm(0, 0, 2, 3, 0, NULL, 1, NULL, 1, c, 3, 1, 1);
    if (c[5] != 6.0f) printf("FAIL K=0 accumulate changed C\n"), failures++;
    nn_gemm(0, 0, 2, 3, 0, NULL, 1, NULL, 1, c, 3, 0, 1);
    for (int i = 0; i < 6; i++)
        if (c[i] != 0.0f) printf("FAIL K=0 did not clear C\n"), failures++, i = 6;

    printf("%d GEMM cases, %d failures\n", cases, failures);
    return failures ? 1 : 0;
}
