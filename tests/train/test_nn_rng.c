/* The training PRNG: the same seed gives the same stream, different seeds differ, uniform
 * floats stay in [0, 1), bounded integers are in range and unbiased (chi-square), and the
 * shuffle is a permutation. */
#include "nn_rng.h"

#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond, msg)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL line %d: %s\n", __LINE__, msg);                                           \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

int main(void) {
    nn_rng a, b, c;
    nn_rng_seed(&a, 123);
    nn_rng_seed(&b, 123);
    nn_rng_seed(&c, 124);
    int same = 1, differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = nn_rng_next(&a), y = nn_rng_next(&b), z = nn_rng_next(&c);
        same &= x == y;
        differ += x != z;
    }
    CHECK(same, "same seed, different streams");
    CHECK(differ > 990, "neighbouring seeds give correlated streams");

    int in_range = 1;
    double sum = 0.0;
    for (int i = 0; i < 100000; i++) {
        float u = nn_rng_uniform(&a);
        in_range &= u >= 0.0f && u < 1.0f;
        sum += u;
    }
    CHECK(in_range, "uniform float outside [0, 1)");
    CHECK(sum / 100000 > 0.495 && sum / 100000 < 0.505, "uniform mean far from 0.5");

    /* Chi-square over 10 bins: 99.9 % quantile for 9 degrees of freedom is 27.9. */
    enum { BINS = 10, DRAWS = 200000 };
    long count[BINS] = {0};
    int bounded = 1;
    for (int i = 0; i < DRAWS; i++) {
        uint32_t v = nn_rng_below(&a, BINS);
        bounded &= v < BINS;
        if (v < BINS) count[v]++;
    }
    double chi2 = 0.0, expect = (double)DRAWS / BINS;
    for (int i = 0; i < BINS; i++)
        chi2 += (count[i] - expect) * (count[i] - expect) / expect;
    CHECK(bounded, "nn_rng_below out of range");
    CHECK(chi2 < 27.9, "nn_rng_below not uniform (chi-square)");
    printf("chi-square over %d bins: %.2f\n", BINS, chi2);

    enum { N = 1000 };
    int idx[N], seen[N];
    for (int i = 0; i < N; i++)
        idx[i] = i;
    nn_rng_shuffle(&a, idx, N);
    memset(seen, 0, sizeof seen);
    int moved = 0, perm = 1;
    for (int i = 0; i < N; i++) {
        perm &= idx[i] >= 0 && idx[i] < N && !seen[idx[i]];
        if (idx[i] >= 0 && idx[i] < N) seen[idx[i]] = 1;
        moved += idx[i] != i;
    }
    CHECK(perm, "shuffle is not a permutation");
    CHECK(moved > N * 9 / 10, "shuffle left most elements in place");
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
