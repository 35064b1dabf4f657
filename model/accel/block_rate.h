/* The rate of the RTL's `block` decoder per format (rtl/accel/hq_block_decoder.v; the rule in
 * docs/rtl-accel.md, "The block decoder's rate", and docs/accel.md): the cycles it takes for a
 * layer's rows, block by block, from the format and each block's high weights. */
#ifndef HQ_ACCEL_BLOCK_RATE_H
#define HQ_ACCEL_BLOCK_RATE_H

#include <cstdint>

namespace hq::accel {

struct PreparedWeights;
struct WeightFormat;

/* decompressor.block_rule of the timing config. take_bits 0: every format at decompressor.block
 * (the design point's assumption). Else a `block` layer of another format than the gearbox's
 * N:M, lo, hi (the tile's own, which passes byte for byte) takes block_decoder_cycles(). */
struct BlockRule {
    unsigned take_bits = 0;
    unsigned gearbox_n = 0, gearbox_m = 0, gearbox_lo = 0, gearbox_hi = 0;
    bool applies(const WeightFormat &f) const;
};

/* Cycles of rows [r0, r0 + nr): per block, its codes in takes of at most take_bits / lo codes
 * that also end at each `lanes`-weight beat boundary and at K (padding codes past K: takes of
 * take_bits / lo); then, N > 0, each used slot in a take of its own and the unused slots in
 * takes of take_bits / (slot bits) (slot bits: hi, lo = 1: position bits + hi); lo >= 2: a
 * block with no high weight, or one among the codes of its last code take, whose slots fit
 * in that take (codes x lo + N x hi <= take_bits) takes them with its codes. */
uint64_t block_decoder_cycles(const BlockRule &rule, unsigned lanes, const WeightFormat &f,
                              const PreparedWeights &w, unsigned r0, unsigned nr);

} // namespace hq::accel

#endif
