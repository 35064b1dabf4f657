/* The PE-array microarchitectures. The array is `pe_tiles` copies of the RTL tile
 * (rtl/pe_tile.v): each loads one activation vector (nbeats beats of `lanes` bytes) and then
 * streams its weight rows, one beat of `lanes` weights per cycle plus stall cycles, the timing
 * of docs/pe-array.md:
 *     per vector: period = nbeats + S + tile_overhead,  S = sum over its rows of row_cost(row),
 *     after the last vector: pipeline_latency - tile_overhead more cycles until its last
 *     output (so one vector takes nbeats + S + pipeline_latency, the RTL's latency).
 * row_cost is where the microarchitectures differ (uniform8_array.cpp, split_array.cpp,
 * lanegroup_array.cpp). Compute is functional per row tile, through the int8 kernel of
 * pe_gemm.h: no SystemC event per MAC. */
#ifndef HQ_ACCEL_PE_ARRAY_H
#define HQ_ACCEL_PE_ARRAY_H

#include "accel/accel_config.h"
#include "accel/accel_stats.h"
#include "accel/array_registry.h"
#include "accel/prepared_weights.h"

#include <cstdint>
#include <memory>
#include <utility>

namespace hq::accel {

/* Cycles of a row tile over n_vec activation vectors. */
struct TileCycles {
    uint64_t compute = 0;       /* cycles the array would need without outlier stalls */
    uint64_t outlier_stall = 0; /* extra cycles caused by high-precision weights */
};

class PeArray {
  public:
    explicit PeArray(const AccelConfig &cfg) : cfg_(cfg) {}
    virtual ~PeArray() = default;
    virtual Arch arch() const = 0;
    /* Busy cycles of one row (is_hi[0..k)) of a layer of lo_bits low codes (0: uniform) per
     * activation vector. */
    virtual uint32_t row_cost(const uint8_t *is_hi, unsigned k, unsigned lo_bits) const = 0;
    /* Cycles of a beat without high weights on a layer of lo_bits codes: row_cost's floor, the
     * `compute` part of a row (the rest is outlier stall). */
    virtual unsigned beat_cycles(unsigned /*lo_bits*/) const { return 1; }
    /* acc[v][i] (v < n_vec, i < nr) = weights of rows [r0, r0+nr) . acts[v], without bias:
     * acts is [n_vec][w.kp] uint8 (zero-padded). */
    virtual void compute(const PreparedWeights &w, const uint8_t *acts, unsigned n_vec, unsigned r0,
                         unsigned nr, int32_t *acc) const;
    /* acc[i] (i < rows) for one vector over all rows in one call: compute(w, acts, 1, 0, rows,
     * acc), the weights streamed once. False (acc untouched): the array computes by row tiles
     * only, and the engine calls compute per tile. */
    virtual bool compute_vector(const PreparedWeights &w, const uint8_t *acts, unsigned rows,
                                int32_t *acc) const {
        compute(w, acts, 1, 0, rows, acc);
        return true;
    }

    /* Utilization and energy hooks (the layer engine asks; no per-kind case there). MACs
     * the array's lanes do (the heterogeneous arrays: the low ones; the high ones go to
     * high_units() high-precision MACs, 0 when there are none). */
    virtual uint64_t array_macs(const LayerStats &st) const { return st.macs_lo; }
    virtual double high_units() const { return 0; }
    /* MAC energy of a layer of lo_bits/hi_bits weights with st's MAC counts. */
    virtual double mac_energy_pj(const LayerStats &st, unsigned lo_bits, unsigned hi_bits,
                                 const EnergyTable &e) const {
        return st.macs_lo * e.mac_pj[lo_bits ? lo_bits : 8] + st.macs_hi * e.mac_pj[hi_bits];
    }
    /* Sets st.util_array and st.util_hi from the MAC counts and the busy cycles. */
    void utilization(LayerStats &st) const;

    unsigned beats(unsigned k) const { return (k + cfg_.lanes - 1) / cfg_.lanes; }
    /* Rows [r0, r0+nr) are dealt to the PE tiles in turn (row r0+i to tile i % pe_tiles);
     * the tiles work in lockstep on the same vector, so the slowest sets the pace. */
    TileCycles row_tile_cycles(const PreparedWeights &w, unsigned r0, unsigned nr,
                               uint64_t n_vec) const;
    uint64_t peak_macs_per_cycle() const { return (uint64_t)cfg_.pe_tiles * cfg_.lanes; }

  protected:
    const AccelConfig &cfg_;

  private:
    std::pair<uint64_t, uint64_t> tile_sums(const PreparedWeights &w, unsigned r0,
                                            unsigned nr) const;
};

} // namespace hq::accel

#endif
