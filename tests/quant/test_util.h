/* Tiny test harness and generators shared by the quant/layout tests. */
#ifndef HQ_TEST_QUANT_UTIL_H
#define HQ_TEST_QUANT_UTIL_H

#include "container.h"
#include "hq_model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failures, t_checks;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        t_checks++;                                                                                \
        if (!(cond)) {                                                                             \
            t_failures++;                                                                          \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

static inline int t_report(const char *name) {
    printf("%s: %d checks, %d failures\n", name, t_checks, t_failures);
    return t_failures ? 1 : 0;
}

/* xorshift64*: deterministic test data independent of the library's generators */
static inline uint64_t t_rand(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}
static inline int t_randint(uint64_t *s, int lo, int hi) /* inclusive */
{
    return lo + (int)(t_rand(s) % (uint64_t)(hi - lo + 1));
}
static inline float t_randn(uint64_t *s) /* approx. normal: sum of 4 uniforms */
{
    float x = 0;
    for (int i = 0; i < 4; i++)
        x += (float)(t_rand(s) >> 11) / 9007199254740992.0f;
    return (x - 2.0f) * 1.732f;
}

static inline hq_qlayer *t_alloc_q(int rows, int cols, int lo, int hi) {
    hq_layer L;
    memset(&L, 0, sizeof L);
    L.kind = HQ_LAYER_DENSE;
    L.rows = rows;
    L.cols = cols;
    return hq_qlayer_alloc(&L, lo, hi);
}

/* A random layer obeying the contract. Each aligned block of m holds a random number of high
 * weights up to n (mode 0), exactly 0 (mode 1) or exactly min(n, block) (mode 2). m = 0
 * gives no high weights at all. */
static inline hq_qlayer *t_random_q(uint64_t *s, int rows, int cols, int lo, int hi, int n, int m,
                                    int mode) {
    hq_qlayer *q = t_alloc_q(rows, cols, lo, hi);
    int qmax = hi == 4 ? 7 : 127;
    int cmax = lo <= 1 ? 1 : (1 << (lo - 1)) - 1, smax = 0;
    while (lo && (cmax << (smax + 1)) <= 127)
        smax++;
    for (int r = 0; r < rows; r++) {
        q->w_scale[r] = 0.01f;
        if (!lo) {
            for (int j = 0; j < cols; j++)
                q->w[(long)r * cols + j] = (int8_t)t_randint(s, -qmax, qmax);
            continue;
        }
        int sh = t_randint(s, 0, smax);
        q->lo_shift[r] = (uint8_t)sh;
        for (int j = 0; j < cols; j++) {
            int c = lo == 1 ? (t_rand(s) & 1 ? 1 : -1) : t_randint(s, -cmax, cmax);
            q->w[(long)r * cols + j] = (int8_t)(c * (1 << sh));
        }
        for (int b0 = 0; m && b0 < cols; b0 += m) {
            int len = cols - b0 < m ? cols - b0 : m;
            int k = mode == 1   ? 0
                    : mode == 2 ? (n < len ? n : len)
                                : t_randint(s, 0, n < len ? n : len);
            for (int t = 0; t < k;) {
                int j = b0 + t_randint(s, 0, len - 1);
                long i = (long)r * cols + j;
                if (q->is_hi[i]) continue;
                int v = 0;
                while (v == 0)
                    v = t_randint(s, -qmax, qmax);
                q->is_hi[i] = 1;
                q->w[i] = (int8_t)v;
                t++;
            }
        }
    }
    return q;
}

#endif
