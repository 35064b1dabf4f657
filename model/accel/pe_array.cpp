#include "accel/pe_array.h"

#include "hq_arith.h"

extern "C" {
#include "reference.h"
}

#include <algorithm>
#include <vector>

namespace hq::accel {

void PeArray::compute(const PreparedWeights &w, const int16_t *acts, unsigned n_vec, unsigned r0,
                      unsigned nr, int32_t *acc) const {
    /* Low partial sums over the low codes, high partial sums over the high values, merged
     * with hq_merge_partials (docs/arith.md); a uniform layer has only the high plane. */
    hq_ref_gemm_i16(acts, (int)n_vec, w.hi.data() + (size_t)r0 * w.kp, (int)nr, (int)w.kp, acc);
    if (w.uniform()) return;
    std::vector<int32_t> lo((size_t)n_vec * nr);
    hq_ref_gemm_i16(acts, (int)n_vec, w.lo.data() + (size_t)r0 * w.kp, (int)nr, (int)w.kp,
                    lo.data());
    for (unsigned v = 0; v < n_vec; v++)
        for (unsigned i = 0; i < nr; i++) {
            size_t k = (size_t)v * nr + i;
            acc[k] = hq_merge_partials(lo[k], acc[k], w.lo_shift[r0 + i]);
        }
}

TileCycles PeArray::row_tile_cycles(const PreparedWeights &w, unsigned r0, unsigned nr,
                                    uint64_t n_vec) const {
    uint64_t worst = 0, worst_ideal = 0;
    for (unsigned t = 0; t < cfg_.pe_tiles && t < nr; t++) {
        uint64_t s = 0, ideal = 0;
        for (unsigned i = t; i < nr; i += cfg_.pe_tiles) {
            s += w.row_cost[r0 + i];
            ideal += (uint64_t)w.nbeats * beat_cycles(w.lo_bits);
        }
        worst = std::max(worst, s);
        worst_ideal = std::max(worst_ideal, ideal);
    }
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
