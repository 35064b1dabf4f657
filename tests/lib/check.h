/* Minimal assertion helpers for the libhq unit tests: each failed check prints where and why
 * and the test exits non-zero at the end. */
#ifndef HQ_TEST_CHECK_H
#define HQ_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        if (va_ != vb_) {                                                                          \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b,  \
                    va_, vb_);                                                                     \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* The message must contain every needle (the error names the file and the problem). */
#define CHECK_MSG(msg, needle)                                                                     \
    do {                                                                                           \
        if (!strstr((msg), (needle))) {                                                            \
            fprintf(stderr, "%s:%d: message '%s' lacks '%s'\n", __FILE__, __LINE__, (msg),         \
                    (needle));                                                                     \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

static inline int check_report(const char *name) {
    if (check_failures)
        fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    else
        printf("%s: all checks passed\n", name);
    return check_failures ? 1 : 0;
}

/* Deterministic xorshift64* generator for test vectors. */
static unsigned long long test_rng_state = 0x9E3779B97F4A7C15ull;
static inline unsigned long long test_rand(void) {
    unsigned long long x = test_rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    test_rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}
/* Uniform integer in [lo, hi]. */
static inline int test_range(int lo, int hi) {
    return lo + (int)(test_rand() % (unsigned long long)(hi - lo + 1));
}

#endif
