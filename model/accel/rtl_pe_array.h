/* `hqsim run --pe-impl rtl`: the lanegroup array whose functional compute runs on the
 * Verilated RTL tile (rtl/pe_tile.v 'default' configuration, tb/rtl_loop) instead of the
 * reference GEMM kernel. Timing stays the model's formula; every RTL tile's measured cycle
 * count (first activation beat to last output) is compared with the model's own count for
 * the same tile, nbeats + sum of row_cost + pipeline_latency, and the totals are kept in
 * rtl_pe_counters().
 * Only built with the RTL when CMake found Verilator (HQSIM_HAVE_RTL_PE); otherwise
 * rtl_pe_available() is false and selecting rtl is an error. */
#ifndef HQ_ACCEL_RTL_PE_ARRAY_H
#define HQ_ACCEL_RTL_PE_ARRAY_H

#include "accel/pe_array.h"

extern "C" {
#include "layout/layout.h"
}

#include <cstdint>
#include <memory>
#include <string>

namespace hq::accel {

bool rtl_pe_available();
/* Arrays made after this call (make_pe_array, lanegroup only) use the RTL tile. */
void set_pe_impl_rtl(bool on);
bool pe_impl_rtl();

/* "" if the accelerator config suits the RTL tile (lanegroup, the tile's lanes and lane
 * group, its tile_overhead and pipeline_latency, PE_TILE_OVERHEAD and PE_PIPE_LATENCY of
 * tb/vecgen/pe_vectors.h), else the reason. */
std::string rtl_pe_check_config(const AccelConfig &cfg);
/* "" if every weighted layer of the packed model can run on the RTL tile (block layout with
 * the tile's M and at most its N high weights per block, the tile's lo and hi, K within its
 * activation buffer), else the reason naming the layer. */
std::string rtl_pe_check_model(const hq_packed_model &pm);

struct RtlPeCounters {
    uint64_t tiles = 0, rows = 0;               /* RTL tile runs (one per vector x row tile) */
    uint64_t cycles_measured = 0, cycles_formula = 0;
    uint64_t cycle_mismatches = 0;              /* tiles whose measured != formula */
    long first_mismatch_measured = 0, first_mismatch_formula = 0;
};
const RtlPeCounters &rtl_pe_counters();

std::unique_ptr<PeArray> make_rtl_lanegroup_array(const AccelConfig &cfg);
std::unique_ptr<PeArray> make_lanegroup_array(const AccelConfig &cfg); /* the model one */

} // namespace hq::accel

#endif
