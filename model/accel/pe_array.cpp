#include "accel/pe_array.h"

#include "accel/pe_gemm.h"

#include <algorithm>

namespace hq::accel {

void PeArray::compute(const PreparedWeights &w, const uint8_t *acts, unsigned n_vec, unsigned r0,
                      unsigned nr, int32_t *acc) const {
    /* The low and high partial sums merged with hq_merge_partials equal one product over the
     * effective weights (pe_gemm.h); tests/accel checks both against the reference. */
    if (w.w.is_sparse()) /* the same sums without the zero blocks */
        w.w.sparse().gemm(acts, n_vec, r0, nr, acc);
    else
        pe_gemm_u8s8(acts, n_vec, w.w.data() + (size_t)r0 * w.kp, nr, w.kp, acc);
}

/* The slowest PE tile's row costs over rows [r0, r0 + nr) and the most ideal cycles of a tile. */
std::pair<uint64_t, uint64_t> PeArray::tile_sums(const PreparedWeights &w, unsigned r0,
                                                 unsigned nr) const {
    uint64_t worst = 0, worst_ideal = 0;
    const uint64_t row_ideal = (uint64_t)w.nbeats * beat_cycles(w.lo_bits); /* once per tile */
    for (unsigned t = 0; t < cfg_.pe_tiles && t < nr; t++) {
        uint64_t s = 0, ideal = 0;
        for (unsigned i = t; i < nr; i += cfg_.pe_tiles) {
            s += w.row_cost[r0 + i];
            ideal += row_ideal;
        }
        worst = std::max(worst, s);
        worst_ideal = std::max(worst_ideal, ideal);
    }
    return {worst, worst_ideal};
}

TileCycles PeArray::row_tile_cycles(const PreparedWeights &w, unsigned r0, unsigned nr,
                                    uint64_t n_vec) const {
    /* the layer engine's row tiles (tile_rows rows from a multiple of tile_rows) come from the
     * weights' memo, filled for all of them on the first ask; other ranges are summed */
    const unsigned tr = cfg_.tile_rows();
    std::pair<uint64_t, uint64_t> sums;
    if (tr && r0 % tr == 0 && r0 < w.rows && nr == std::min(tr, w.rows - r0) &&
        w.row_cost.size() == w.rows) {
        const PreparedWeights::TileSumsKey key{this, w.row_cost.data(), tr, cfg_.pe_tiles,
                                               (uint64_t)w.nbeats * beat_cycles(w.lo_bits)};
        if (!(w.tile_sums_key == key)) {
            w.tile_sums.clear();
            for (unsigned a = 0; a < w.rows; a += tr)
                w.tile_sums.push_back(tile_sums(w, a, std::min(tr, w.rows - a)));
            w.tile_sums_key = key;
        }
        sums = w.tile_sums[r0 / tr];
    } else {
        sums = tile_sums(w, r0, nr);
    }
    const uint64_t worst = sums.first, worst_ideal = sums.second;
    TileCycles c;
    c.compute = n_vec * (w.nbeats + worst_ideal + cfg_.tile_overhead) +
                (cfg_.pipeline_latency - cfg_.tile_overhead);
    c.outlier_stall = n_vec * (worst - worst_ideal);
    return c;
}

void PeArray::utilization(LayerStats &st) const {
    const double busy = (double)(st.compute + st.stall_outlier);
    const double peak = (double)peak_macs_per_cycle();
    if (busy > 0) {
        st.util_array = (double)array_macs(st) / (busy * peak);
        const double hi_units = high_units();
        st.util_hi = hi_units > 0 ? (double)st.macs_hi / (busy * hi_units) : 0;
    }
}

} // namespace hq::accel
