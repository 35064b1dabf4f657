#include "accel/prepared_weights.h"

#include <algorithm>

namespace hq::accel {

void prepare_weights(const DecodedWeights &d, unsigned tile_rows, unsigned tile_cols,
                     unsigned lane_group, PreparedWeights *p)
{
    p->rows = d.rows;
    p->cols = d.cols;
    p->kp = (d.cols + 15) & ~15u;
    p->lo_bits = d.lo_bits;
    p->hi_bits = d.hi_bits;
    p->lo_shift = d.lo_shift;
    p->hi.assign((size_t)d.rows * p->kp, 0);
    p->lo.assign(p->uniform() ? 0 : (size_t)d.rows * p->kp, 0);
    p->tile_rows = tile_rows;
    p->tile_cols = tile_cols;
    p->row_tiles = (d.rows + tile_rows - 1) / tile_rows;
    p->k_tiles = (d.cols + tile_cols - 1) / tile_cols;
    p->tiles.assign((size_t)p->row_tiles * p->k_tiles, TileStats{});
    for (unsigned r = 0; r < d.rows; r++) {
        const size_t s = (size_t)r * d.cols, t = (size_t)r * p->kp;
        for (unsigned c = 0; c < d.cols; c++) {
            p->hi[t + c] = d.hi[s + c];
            if (!p->uniform())
                p->lo[t + c] = d.lo[s + c];
        }
        const unsigned rt = r / tile_rows;
        for (unsigned g0 = 0; g0 < d.cols; g0 += lane_group) {
            unsigned cnt = 0, g1 = std::min(d.cols, g0 + lane_group);
            for (unsigned c = g0; c < g1; c++)
                cnt += d.is_hi[s + c];
            TileStats &ts = p->tiles[(size_t)rt * p->k_tiles + g0 / tile_cols];
            ts.n_hi += cnt;
            ts.max_group = std::max(ts.max_group, cnt);
        }
    }
    p->n_hi = d.n_hi;
    p->symbols = d.symbols;
}

} // namespace hq::accel
