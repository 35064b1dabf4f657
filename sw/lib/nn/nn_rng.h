/* Deterministic pseudo-random numbers for initialisation and shuffling: xoshiro256** seeded
 * through splitmix64. Pure integer arithmetic, so the stream is identical on every machine. */
#ifndef HQ_NN_RNG_H
#define HQ_NN_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t s[4];
} nn_rng;

void nn_rng_seed(nn_rng *r, uint64_t seed);
uint64_t nn_rng_next(nn_rng *r);
/* Uniform float in [0, 1) with 24 random bits (exact, no rounding). */
float nn_rng_uniform(nn_rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint32_t nn_rng_below(nn_rng *r, uint32_t n);
/* Fisher-Yates shuffle of idx[0..n). */
void nn_rng_shuffle(nn_rng *r, int *idx, int n);

#ifdef __cplusplus
}
#endif

#endif
