/* The PE-array microarchitectures. Each computes a row tile functionally (all K, all vectors,
 * through the reference GEMM kernel: no SystemC event per MAC) and turns a tile into cycles
 * with its own timing model (configs/timing/<name>.json; docs/accel.md gives the formulas). */
#ifndef HQ_ACCEL_PE_ARRAY_H
#define HQ_ACCEL_PE_ARRAY_H

#include "accel/accel_config.h"
#include "accel/prepared_weights.h"

#include <cstdint>
#include <memory>

namespace hq::accel {

/* Cycles of one pass of `n_vec` activation vectors over one (row tile, K tile). */
struct TileCycles {
    uint64_t compute = 0;       /* issue cycles incl. pipeline fill/drain */
    uint64_t outlier_stall = 0; /* extra cycles because of high-precision weights */
};

class PeArray {
  public:
    explicit PeArray(const AccelConfig &cfg) : cfg_(cfg) {}
    virtual ~PeArray() = default;
    virtual Arch arch() const = 0;
    /* acc[v][i] (v < n_vec, i < nr) = weights of rows [r0, r0+nr) . acts[v], without bias:
     * acts is [n_vec][w.kp] int16 (zero-padded). */
    virtual void compute(const PreparedWeights &w, const int16_t *acts, unsigned n_vec,
                         unsigned r0, unsigned nr, int32_t *acc) const = 0;
    virtual TileCycles tile_cycles(const TileStats &t, uint64_t n_vec) const = 0;
    /* MACs the array can issue per cycle (for utilization). */
    uint64_t peak_macs_per_cycle() const { return (uint64_t)cfg_.tile_rows * cfg_.tile_cols; }

  protected:
    const AccelConfig &cfg_;
};

std::unique_ptr<PeArray> make_pe_array(const AccelConfig &cfg);

/* Shared by split and lanegroup: low partial sums over the low codes, high partial sums over
 * the high values, merged with hq_merge_partials (docs/arith.md). */
void compute_split_partials(const PreparedWeights &w, const int16_t *acts, unsigned n_vec,
                            unsigned r0, unsigned nr, int32_t *acc);

} // namespace hq::accel

#endif
