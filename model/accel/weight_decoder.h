/* Weight decompressors: one per layout of docs/layouts.md. Each turns a layer's weight stream
 * (the bytes the streamer fetched from DRAM) into the planes the PE arrays consume, validates
 * it (a malformed stream is an error, never a wrong result) and counts the symbols it decoded
 * (the unit of its throughput and energy models). */
#ifndef HQ_ACCEL_WEIGHT_DECODER_H
#define HQ_ACCEL_WEIGHT_DECODER_H

#include <cstdint>
#include <string>
#include <vector>

namespace hq::accel {

/* What the decoder needs to know about the layer (from the descriptor). */
struct WeightFormat {
    unsigned layout = 0;   /* LAYOUT_* */
    unsigned rows = 0, cols = 0;
    unsigned lo_bits = 0;  /* 0 = uniform (every weight on the high grid) */
    unsigned hi_bits = 8;
    unsigned block_n = 0, block_m = 0;
};

/* Decoded weights, row-major [rows][cols]:
 *  lo: low code c (the weight is worth c << lo_shift[row]); 0 where the weight is high;
 *  hi: high value on the row's high grid; 0 where the weight is low;
 * a uniform (dense int8) layer has every weight in `hi` and n_lo = 0. */
struct DecodedWeights {
    unsigned rows = 0, cols = 0;
    std::vector<int8_t> lo, hi;
    std::vector<uint8_t> is_hi;
    uint64_t n_hi = 0, n_lo = 0;
    uint64_t symbols = 0; /* decoder steps: weights (dense), blocks (block), ... */
};

/* Decodes `bytes` of format f into *out. Returns "" or an error message (the accelerator
 * reports ERR_WEIGHTS). */
std::string decode_weights(const WeightFormat &f, const uint8_t *bytes, size_t n,
                           DecodedWeights *out);

/* Expected stream size of a layout, or 0 when the layout has a variable size. */
size_t expected_weight_bytes(const WeightFormat &f);
/* Bytes per row for layouts whose rows are independent, fixed-size byte ranges (dense, block):
 * rows [r0, r1) are then bytes [r0 * stride, r1 * stride) and decode on their own. 0 otherwise. */
size_t row_stride_bytes(const WeightFormat &f);

/* Per-layout decoders (one file each). */
std::string decode_dense(const WeightFormat &f, const uint8_t *bytes, size_t n, DecodedWeights *out);
std::string decode_block(const WeightFormat &f, const uint8_t *bytes, size_t n, DecodedWeights *out);

/* Bytes of one N:M block (docs/layouts.md). */
size_t block_bytes(unsigned lo_bits, unsigned hi_bits, unsigned n, unsigned m);

} // namespace hq::accel

#endif
