/* Out of memory is an error the caller sees, never an abort (issue 12, item 5): every
 * allocation of the integer reference, the float GEMM, float inference and training is made
 * to fail in turn (malloc, calloc and aligned_alloc are wrapped at link time, so libhq's own
 * calls are counted), and each call must return its error and leave no crash; once no
 * allocation fails, the result equals the one of an undisturbed run. */
#include "check.h"
#include "hq_error.h"
#include "nn/nn_gemm.h"
#include "reference.h"
#include "test_models.h"
#include "train.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static atomic_long n_allocs;
static long fail_at = -1; /* index of the allocation that returns NULL; -1: none */
static int armed;         /* count (and fail) only the allocations of the call under test */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_aligned_alloc(size_t align, size_t n);

static int inject(void) {
    return armed && atomic_fetch_add(&n_allocs, 1) == fail_at;
}
void *__wrap_malloc(size_t n) {
    return inject() ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size) {
    return inject() ? NULL : __real_calloc(n, size);
}
void *__wrap_aligned_alloc(size_t align, size_t n) {
    return inject() ? NULL : __real_aligned_alloc(align, n);
}

/* Runs call() with allocation k failing, for k = 0, 1, ... until a run makes fewer than k + 1
 * allocations (then nothing failed and it must succeed). Returns the number of failures
 * injected; each injected failure must make call() return non-zero. */
#define EVERY_ALLOCATION_FAILS(what, call)                                                         \
    do {                                                                                           \
        long k_;                                                                                   \
        for (k_ = 0;; k_++) {                                                                      \
            atomic_store(&n_allocs, 0);                                                            \
            fail_at = k_;                                                                          \
            armed = 1;                                                                             \
            int rc_ = (call);                                                                      \
            armed = 0;                                                                             \
            fail_at = -1;                                                                          \
            if (atomic_load(&n_allocs) <= k_) {                                                    \
                CHECK(rc_ == 0);                                                                   \
                break;                                                                             \
            }                                                                                      \
            if (rc_ == 0) fprintf(stderr, "%s: allocation %ld failed unnoticed\n", what, k_);      \
            CHECK(rc_ != 0);                                                                       \
        }                                                                                          \
        printf("%s: %ld allocation failure(s) reported\n", what, k_);                              \
        CHECK(k_ > 0);                                                                             \
    } while (0)

static int gemm_case(int M, int N, int K, float *C) {
    float *A = __real_malloc(sizeof(float) * (size_t)M * K);
    float *B = __real_malloc(sizeof(float) * (size_t)K * N);
    for (long i = 0; i < (long)M * K; i++)
        A[i] = (float)(i % 7) - 3.0f;
    for (long i = 0; i < (long)K * N; i++)
        B[i] = (float)(i % 5) - 2.0f;
    int rc = nn_gemm(0, 0, M, N, K, A, K, B, N, C, N, 0, 2);
    free(A);
    free(B);
    return rc;
}

static void check_gemm(const char *what, int M, int N, int K) {
    float *want = __real_calloc((size_t)M * N, sizeof(float));
    float *got = __real_calloc((size_t)M * N, sizeof(float));
    CHECK(gemm_case(M, N, K, want) == 0);
    EVERY_ALLOCATION_FAILS(what, gemm_case(M, N, K, got));
    CHECK(!memcmp(want, got, sizeof(float) * (size_t)M * N));
    free(want);
    free(got);
}

static void check_reference(int kind) {
    hq_model m;
    tm_build(&m, kind, 2);
    char err[256];
    hq_ref_net *net = hq_ref_prepare(&m, err, sizeof err);
    CHECK(net != NULL);
    if (!net) return;
    enum { N = 40 };
    const size_t in = (size_t)m.input.c * m.input.h * m.input.w;
    uint8_t *images = __real_malloc(N * in);
    for (size_t i = 0; i < N * in; i++)
        images[i] = (uint8_t)test_rand();
    int32_t want[N * 10], got[N * 10];
    int preds[N];
    CHECK(hq_ref_infer(net, images, N, want, preds, 1) == 0);
    EVERY_ALLOCATION_FAILS(kind ? "hq_ref_infer (cnn)" : "hq_ref_infer (mlp)",
                           hq_ref_infer(net, images, N, got, preds, 1));
    CHECK(!memcmp(want, got, sizeof want));

    const hq_layer *L = &m.layers[0];
    const size_t acc_n = (size_t)N * L->out.c * L->out.h * L->out.w;
    int32_t *acc = __real_malloc(acc_n * sizeof *acc), *acc2 = __real_malloc(acc_n * sizeof *acc);
    CHECK(hq_ref_layer_acc(L, images, N, acc) == 0);
    EVERY_ALLOCATION_FAILS("hq_ref_layer_acc", hq_ref_layer_acc(L, images, N, acc2));
    CHECK(!memcmp(acc, acc2, acc_n * sizeof *acc));
    memset(acc2, 0, acc_n * sizeof *acc);
    EVERY_ALLOCATION_FAILS("hq_ref_layer_acc_split", hq_ref_layer_acc_split(L, images, N, acc2));
    CHECK(!memcmp(acc, acc2, acc_n * sizeof *acc));
    uint8_t *out = __real_malloc(acc_n);
    EVERY_ALLOCATION_FAILS("hq_ref_run_layer", hq_ref_run_layer(net, 0, images, N, out, NULL));

    hq_dataset d = {N, m.input.h, m.input.w, images, __real_calloc(N, 1)};
    if (kind == 0) { /* hq_ref_eval: the reference on a dataset (1-channel input) */
        int correct = hq_ref_eval(&m, &d, N, NULL, 1, err, sizeof err);
        CHECK(correct >= 0);
        EVERY_ALLOCATION_FAILS(
            "hq_ref_eval", hq_ref_eval(&m, &d, N, NULL, 1, err, sizeof err) == correct ? 0 : -1);
    }
    free(d.labels);
    free(out);
    free(acc);
    free(acc2);
    free(images);
    hq_ref_free(net);
    hq_container_free_model(&m);
}

static int train_once(const hq_dataset *d, float *w0, char *err, size_t errlen) {
    hq_model m;
    const int was_armed = armed;
    armed = 0; /* the test's own model, the same each time */
    test_rng_state = 0x5EED;
    tm_build(&m, 0, 0);
    armed = was_armed;
    hq_train_opts o;
    hq_train_opts_default(&o, "mlp");
    o.epochs = 1;
    o.batch = 8;
    o.threads = 1;
    err[0] = 0;
    int rc = hq_train(&m, d, &o, err, errlen);
    if (!rc) memcpy(w0, m.layers[0].w, sizeof(float) * 20 * 36);
    if (rc && !strstr(err, "memory")) {
        fprintf(stderr, "hq_train failed with '%s'\n", err);
        rc = 0; /* counted as an unnoticed failure */
    }
    hq_container_free_model(&m);
    return rc;
}

static void check_float(void) {
    enum { N = 32 };
    hq_dataset d = {N, 6, 6, __real_malloc(N * 36), __real_malloc(N)};
    for (int i = 0; i < N * 36; i++)
        d.images[i] = (uint8_t)test_rand();
    for (int i = 0; i < N; i++)
        d.labels[i] = (uint8_t)(i % 10);
    hq_model m;
    tm_build(&m, 0, 0);
    int correct = hq_eval_float(&m, &d, N, NULL);
    CHECK(correct >= 0);
    EVERY_ALLOCATION_FAILS("hq_eval_float", hq_eval_float(&m, &d, N, NULL) == correct ? 0 : -1);
    hq_container_free_model(&m);

    char err[256];
    float want[20 * 36], got[20 * 36];
    CHECK(train_once(&d, want, err, sizeof err) == 0);
    EVERY_ALLOCATION_FAILS("hq_train", train_once(&d, got, err, sizeof err));
    CHECK(!memcmp(want, got, sizeof want));
    free(d.images);
    free(d.labels);
}

int main(void) {
    check_gemm("nn_gemm", 70, 300, 40);         /* two tiles, two threads */
    check_gemm("nn_gemm split-K", 8, 16, 5000); /* one tile, long K: the split-K path */
    check_reference(0);
    check_reference(1);
    check_float();
    return check_report("test_lib_oom");
}
