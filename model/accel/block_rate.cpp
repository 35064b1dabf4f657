#include "accel/block_rate.h"

#include "accel/prepared_weights.h"
#include "accel/weight_decoder.h"
#include "hq_accel_regmap.h"

#include <algorithm>
#include <vector>

namespace hq::accel {

bool BlockRule::applies(const WeightFormat &f) const {
    return take_bits && f.layout == HQ_ACCEL_LAYOUT_BLOCK &&
           (f.block_n != gearbox_n || f.block_m != gearbox_m || f.lo_bits != gearbox_lo ||
            f.hi_bits != gearbox_hi);
}

static unsigned position_bits(unsigned m) {
    unsigned p = 0;
    while ((1u << p) < m)
        p++;
    return p;
}

static uint64_t ceil_div(uint64_t a, uint64_t b) {
    return (a + b - 1) / b;
}

uint64_t block_decoder_cycles(const BlockRule &rule, unsigned lanes, const WeightFormat &f,
                              const PreparedWeights &w, unsigned r0, unsigned nr) {
    const unsigned M = f.block_m, N = f.block_n, K = f.cols, lo = f.lo_bits;
    if (M < 2 || !lo || !lanes) return 0; /* refused by the decoder's checks */
    const unsigned codes_per_take = std::max(1u, rule.take_bits / lo);
    const unsigned slot_bits = f.hi_bits + (lo == 1 ? position_bits(M) : 0);
    const unsigned slots_per_take = std::max(1u, rule.take_bits / slot_bits);
    /* the code takes depend on the block's place in the row only: the same for every row;
     * lo >= 2: a block with no high weight, or one in its last code take, takes its slots with
     * its last codes when they fit */
    const unsigned nblk = (K + M - 1) / M;
    std::vector<uint8_t> folds(nblk, 0);
    std::vector<unsigned> last_take(nblk, 0); /* the first column of its last code take */
    uint64_t code_takes = 0;
    for (unsigned b = 0; b < nblk; b++) {
        unsigned c = b * M, left = M, n = 0;
        while (left) {
            last_take[b] = c;
            n = std::min(left, codes_per_take);
            if (c < K) n = std::min({n, lanes - c % lanes, K - c});
            c += n;
            left -= n;
            code_takes++;
        }
        folds[b] = lo >= 2 && n * lo + N * f.hi_bits <= rule.take_bits;
    }
    uint64_t cycles = code_takes * nr;
    if (!N || !w.has_high_flags()) return cycles;
    const std::vector<unsigned> key{rule.take_bits, lanes, M, N, K, lo, f.hi_bits};
    std::vector<uint64_t> &memo = w.block_row_cycles;
    if (w.block_high_key != key) {
        memo.clear();
        w.block_high_key = key;
    }
    if (memo.size() < (size_t)r0 + nr) memo.resize((size_t)r0 + nr, w.kRowNotCounted);
    std::vector<uint8_t> row;
    for (unsigned r = r0; r < r0 + nr; r++) {
        if (memo[r] == w.kRowNotCounted) {
            row.resize(w.cols);
            const uint8_t *hi = row.data();
            w.high_row(r, row.data());
            uint64_t extra = 0;
            for (unsigned b = 0; b < nblk; b++) {
                const unsigned b0 = b * M, end = std::min(K, b0 + M);
                unsigned used = 0, early = 0;
                for (unsigned c = b0; c < end; c++) {
                    used += hi[c] != 0;
                    early += hi[c] != 0 && c < last_take[b];
                }
                used = std::min(used, N);
                if (folds[b] && used <= 1 && !early) continue;
                extra += used + ceil_div(N - used, slots_per_take);
            }
            memo[r] = extra;
        }
        cycles += memo[r];
    }
    return cycles;
}

} // namespace hq::accel
