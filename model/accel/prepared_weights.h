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
    unsigned rows = 0, cols = 0, kp = 0;  /* kp: cols rounded up to 16 */
    bool uniform = true;                  /* every weight in `hi` (dense int8 layer) */
    std::vector<int16_t> lo, hi;          /* [rows][kp]; lo empty for a uniform layer */
    unsigned tile_rows = 0, tile_cols = 0, row_tiles = 0, k_tiles = 0;
    std::vector<TileStats> tiles;         /* [row_tiles][k_tiles] */
    std::vector<uint64_t> tile_hi, tile_symbols; /* [row_tiles]: high weights, decoder symbols */
    uint64_t n_hi() const;
    uint64_t symbols() const;
    const TileStats &tile(unsigned rt, unsigned kt) const { return tiles[(size_t)rt * k_tiles + kt]; }
};

/* Sizes p for a rows x cols layer on an array of tile_rows x tile_cols (zeroed). */
void init_prepared(unsigned rows, unsigned cols, bool uniform, unsigned tile_rows,
                   unsigned tile_cols, PreparedWeights *p);
/* Fills row tile rt of p from d, which holds exactly that tile's rows, and recomputes the
 * tile statistics with lane groups of lane_group columns. */
void prepare_row_tile(const DecodedWeights &d, unsigned rt, unsigned lane_group, PreparedWeights *p);
/* Both, for a whole decoded matrix. */
void prepare_weights(const DecodedWeights &d, bool uniform, unsigned tile_rows,
                     unsigned tile_cols, unsigned lane_group, PreparedWeights *p);

} // namespace hq::accel

#endif
