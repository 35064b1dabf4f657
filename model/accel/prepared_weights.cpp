#include "accel/prepared_weights.h"

#include <algorithm>
#include <numeric>

namespace hq::accel {

uint64_t PreparedWeights::n_hi() const
{
    return std::accumulate(tile_hi.begin(), tile_hi.end(), uint64_t(0));
}

uint64_t PreparedWeights::symbols() const
{
    return std::accumulate(tile_symbols.begin(), tile_symbols.end(), uint64_t(0));
}

void init_prepared(unsigned rows, unsigned cols, bool uniform, unsigned tile_rows,
                   unsigned tile_cols, PreparedWeights *p)
{
    p->rows = rows;
    p->cols = cols;
    p->kp = (cols + 15) & ~15u;
    p->uniform = uniform;
    p->hi.assign((size_t)rows * p->kp, 0);
    p->lo.assign(uniform ? 0 : (size_t)rows * p->kp, 0);
    p->tile_rows = tile_rows;
    p->tile_cols = tile_cols;
    p->row_tiles = (rows + tile_rows - 1) / tile_rows;
    p->k_tiles = (cols + tile_cols - 1) / tile_cols;
    p->tiles.assign((size_t)p->row_tiles * p->k_tiles, TileStats{});
    p->tile_hi.assign(p->row_tiles, 0);
    p->tile_symbols.assign(p->row_tiles, 0);
}

void prepare_row_tile(const DecodedWeights &d, unsigned rt, unsigned lane_group, PreparedWeights *p)
{
    const unsigned r0 = rt * p->tile_rows;
    for (unsigned k = 0; k < p->k_tiles; k++)
        p->tiles[(size_t)rt * p->k_tiles + k] = TileStats{};
    for (unsigned i = 0; i < d.rows; i++) {
        int16_t *hi = p->hi.data() + (size_t)(r0 + i) * p->kp;
        int16_t *lo = p->uniform ? nullptr : p->lo.data() + (size_t)(r0 + i) * p->kp;
        const size_t s = (size_t)i * d.cols;
        for (unsigned c = 0; c < d.cols; c++) {
            hi[c] = d.hi[s + c];
            if (lo)
                lo[c] = d.lo[s + c];
        }
        if (p->uniform)
            continue;
        /* Lane groups never straddle a K tile: lane_group divides tile_cols. */
        for (unsigned g0 = 0; g0 < d.cols; g0 += lane_group) {
            unsigned cnt = 0, g1 = std::min(d.cols, g0 + lane_group);
            for (unsigned c = g0; c < g1; c++)
                cnt += d.is_hi[s + c];
            TileStats &ts = p->tiles[(size_t)rt * p->k_tiles + g0 / p->tile_cols];
            ts.n_hi += cnt;
            ts.max_group = std::max(ts.max_group, cnt);
        }
    }
    p->tile_hi[rt] = d.n_hi;
    p->tile_symbols[rt] = d.symbols;
}

void prepare_weights(const DecodedWeights &d, bool uniform, unsigned tile_rows,
                     unsigned tile_cols, unsigned lane_group, PreparedWeights *p)
{
    init_prepared(d.rows, d.cols, uniform, tile_rows, tile_cols, p);
    for (unsigned rt = 0; rt < p->row_tiles; rt++) {
        unsigned r0 = rt * tile_rows, nr = std::min(tile_rows, d.rows - r0);
        DecodedWeights part;
        part.rows = nr;
        part.cols = d.cols;
        size_t a = (size_t)r0 * d.cols, b = a + (size_t)nr * d.cols;
        part.lo.assign(d.lo.begin() + a, d.lo.begin() + b);
        part.hi.assign(d.hi.begin() + a, d.hi.begin() + b);
        part.is_hi.assign(d.is_hi.begin() + a, d.is_hi.begin() + b);
        for (size_t i = a; i < b; i++)
            part.n_hi += d.is_hi[i];
        part.symbols = d.symbols * nr / d.rows;
        prepare_row_tile(part, rt, lane_group, p);
    }
}

} // namespace hq::accel
