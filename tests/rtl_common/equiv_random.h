/* The random source and command line shared by the RTL equivalence tests (tests/rtl_gearbox,
 * tests/rtl_dense, tests/rtl_escape): a xorshift64 generator, so a seed gives the same stream
 * on every machine, and `PROGRAM CYCLES SEED`. */
#ifndef HQ_EQUIV_RANDOM_H
#define HQ_EQUIV_RANDOM_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>

inline uint64_t equiv_rng = 1;

/* uniform in [0, n) */
inline uint32_t rnd(uint32_t n) {
    equiv_rng ^= equiv_rng << 13;
    equiv_rng ^= equiv_rng >> 7;
    equiv_rng ^= equiv_rng << 17;
    return (uint32_t)((equiv_rng >> 11) % n);
}

inline bool chance(unsigned percent) {
    return rnd(100) < percent;
}

/* CYCLES SEED from the command line (seeds the generator); false after a usage message */
inline bool equiv_args(int argc, char **argv, long *cycles) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s CYCLES SEED\n", argv[0]);
        return false;
    }
    *cycles = std::atol(argv[1]);
    equiv_rng = std::strtoull(argv[2], nullptr, 0) | 1;
    return true;
}

#endif
