/* bench_gemm: throughput of nn_gemm on the shapes one training step of the default MLP and
 * CNN runs (forward, weight gradient, input gradient), for 1 and 2 threads, per wall-clock
 * second and, for 1 thread, per CPU second (the kernel's speed even on a loaded machine). */
#include "nn_gemm.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *what;
    int ta, tb, M, N, K;
} shape;

static const shape shapes[] = {
    {"mlp fc1 forward   (128x256x784, B^T)", 0, 1, 128, 256, 784},
    {"mlp fc1 dW        (256x784x128, A^T)", 1, 0, 256, 784, 128},
    {"mlp fc2 dX        (128x256x128)", 0, 0, 128, 256, 128},
    {"cnn conv2 forward (12544x32x144, B^T)", 0, 1, 12544, 32, 144},
    {"cnn conv2 dW      (32x144x12544, A^T, split-K)", 1, 0, 32, 144, 12544},
    {"cnn conv2 dcol    (12544x144x32)", 0, 0, 12544, 144, 32},
};

int main(int argc, char **argv) {
    double seconds = 0.5;
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: bench_gemm [SECONDS per shape and thread count, default 0.5]\n"
               "Prints GMAC/s of nn_gemm for the training shapes of the MLP and the CNN.\n");
        return 0;
    }
    if (argc > 1 && (seconds = atof(argv[1])) <= 0) {
        fprintf(stderr, "bench_gemm: SECONDS must be a positive number\n");
        return 2;
    }
    printf("%-48s %10s %10s %10s\n", "shape (M x N x K)", "1T / cpu", "1 thread", "2 threads");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const shape *p = &shapes[s];
        float *A = calloc((size_t)p->M * p->K, sizeof(float));
        float *B = calloc((size_t)p->K * p->N, sizeof(float));
        float *C = calloc((size_t)p->M * p->N, sizeof(float));
        for (long i = 0; i < (long)p->M * p->K; i++)
            A[i] = (float)(i % 13) * 0.01f;
        for (long i = 0; i < (long)p->K * p->N; i++)
            B[i] = (float)(i % 7) * 0.01f;
        printf("%-48s", p->what);
        for (int threads = 1; threads <= 2; threads++) {
            int reps = 0;
            double t0 = omp_get_wtime(), t;
            clock_t c0 = clock();
            do {
                nn_gemm(p->ta, p->tb, p->M, p->N, p->K, A, p->ta ? p->M : p->K, B,
                        p->tb ? p->K : p->N, C, p->N, 0, threads);
                reps++;
            } while ((t = omp_get_wtime() - t0) < seconds);
            double macs = (double)p->M * p->N * p->K * reps;
            if (threads == 1)
                printf(" %10.2f", macs / ((double)(clock() - c0) / CLOCKS_PER_SEC) / 1e9);
            printf(" %10.2f", macs / t / 1e9);
        }
        printf("   GMAC/s\n");
        free(A), free(B), free(C);
    }
    return 0;
}
