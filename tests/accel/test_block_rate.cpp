/* The model's rule for the RTL block decoder's rate (model/accel/block_rate.cpp, docs/accel.md
 * "Block decoder rule") on blocks counted by hand, and when it applies. */
#include "accel_test.h"

#include "accel/block_rate.h"
#include "accel/prepared_weights.h"
#include "accel/weight_decoder.h"

using namespace hq::accel;

/* rows [row0, row0 + n) of w take `want` cycles on a 64-lane tile */
static void expect_cycles(const BlockRule &rule, const WeightFormat &f, const PreparedWeights &w,
                          unsigned row0, unsigned n, unsigned long long want, const char *what) {
    const unsigned long long got = block_decoder_cycles(rule, 64, f, w, row0, n);
    CHECK(got == want, "%s: %llu cycles, want %llu", what, got, want);
}

int sc_main(int, char **) {
    BlockRule rule;
    rule.take_bits = 64;
    rule.gearbox_n = 1;
    rule.gearbox_m = 32;
    rule.gearbox_lo = 2;
    rule.gearbox_hi = 8;
    WeightFormat f;
    f.layout = HQ_ACCEL_LAYOUT_BLOCK;
    f.rows = 3;
    f.cols = 20;
    f.lo_bits = 2;
    f.hi_bits = 8;
    f.block_n = 1;
    f.block_m = 8;
    CHECK(rule.applies(f), "1:8 lo 2 is not the gearbox's format");
    /* three blocks per row: columns 0-7, 8-15, 16-19 (+4 padding codes past K, a take of
     * their own); every block's slot fits beside its last codes (16 + 8 or 8 + 8 bits) */
    PreparedWeights w;
    w.rows = 3;
    w.cols = 20;
    w.kp = 32;
    std::vector<uint8_t> hi(3 * 20, 0);
    hi[1 * 20 + 3] = 1;  /* row 1: one high weight in block 0's only code take: folded */
    hi[2 * 20 + 17] = 1; /* row 2: in block 2's first take (16-19), not its last: a slot take */
    w.set_high_flags(hi);
    expect_cycles(rule, f, w, 0, 1, 4, "row 0");
    expect_cycles(rule, f, w, 1, 1, 4, "row 1");
    expect_cycles(rule, f, w, 2, 1, 5, "row 2");
    expect_cycles(rule, f, w, 0, 3, 13, "rows 0-2");
    /* 1:40 lo 4 hi 8, K 80 on 64 lanes: block 0 = codes 0-15, 16-31, 32-39 (3 takes; 32 + 8
     * bits fold), block 1 = 40-55, 56-63 (the beat ends), 64-79 (3 takes; 64 + 8 bits do not
     * fold); a high weight at 41 (block 1): 1 used slot take */
    f.block_m = 40;
    f.lo_bits = 4;
    f.cols = 80;
    w.cols = 80;
    w.kp = 80;
    hi.assign(80, 0);
    hi[41] = 1;
    w.set_high_flags(hi);
    expect_cycles(rule, f, w, 0, 1, 7, "1:40 lo 4");
    /* lo 1, 2:8 hi 4: slots of 3 + 4 bits, 9 per take; codes 8 bits: 1 take; two blocks of
     * K 16; block 0 with two high weights: 2 used slot takes, block 1 none: 1 take of both */
    f.block_n = 2;
    f.block_m = 8;
    f.lo_bits = 1;
    f.hi_bits = 4;
    f.cols = 16;
    w.cols = 16;
    w.kp = 16;
    hi.assign(16, 0);
    hi[2] = 1;
    hi[6] = 1;
    w.set_high_flags(hi);
    expect_cycles(rule, f, w, 0, 1, 5, "2:8 lo 1");
    /* the gearbox's own format and take_bits 0: the single `block` rate instead */
    f.block_n = 1;
    f.block_m = 32;
    f.lo_bits = 2;
    f.hi_bits = 8;
    CHECK(!rule.applies(f), "1:32 lo 2 hi 8 is the gearbox's");
    f.block_m = 8;
    rule.take_bits = 0;
    CHECK(!rule.applies(f), "take_bits 0 is off");
    return hqt::finish("test_block_rate");
}
