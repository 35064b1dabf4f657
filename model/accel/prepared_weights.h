/* Decoded weights as the PE arrays hold them: int16 planes padded to a multiple of 16 columns
 * (the operand format of the reference GEMM kernel, hq_ref_gemm_i16) plus the per-tile outlier
 * statistics the timing models need. Built once per decode and kept in the weight cache. */
#ifndef HQ_ACCEL_PREPARED_WEIGHTS_H
#define HQ_ACCEL_PREPARED_WEIGHTS_H

#include "accel/weight_decoder.h"

#include <cstdint>
#include <vector>

namespace hq::accel {

struct TileStats {
    uint32_t n_hi = 0;      /* high-precision weights in the tile */
    uint32_t max_group = 0; /* most high weights any lane group (one row, G columns) holds */
};

struct PreparedWeights {
    unsigned rows = 0, cols = 0, kp = 0; /* kp: cols rounded up to 16 */
    unsigned lo_bits = 0, hi_bits = 8;
    bool uniform() const { return lo_bits == 0; }
    std::vector<int16_t> lo, hi;         /* [rows][kp]; lo empty for a uniform layer */
    std::vector<uint8_t> lo_shift;       /* [rows] */
    unsigned tile_rows = 0, tile_cols = 0, row_tiles = 0, k_tiles = 0;
    std::vector<TileStats> tiles;        /* [row_tiles][k_tiles] */
    uint64_t n_hi = 0, symbols = 0;
    const TileStats &tile(unsigned rt, unsigned kt) const { return tiles[(size_t)rt * k_tiles + kt]; }
};

/* Widens d into p for an array of tile_rows x tile_cols with lane groups of lane_group
 * columns (lane_group divides tile_cols, so a group never straddles two K tiles). A uniform
 * layer counts every weight as high (that is how split/lanegroup arrays must run it). */
void prepare_weights(const DecodedWeights &d, unsigned tile_rows, unsigned tile_cols,
                     unsigned lane_group, PreparedWeights *p);

} // namespace hq::accel

#endif
