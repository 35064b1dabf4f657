/* `hqsim run --pe-impl rtl`: the lanegroup array whose functional compute runs on a
 * Verilated RTL tile (rtl/pe_tile.v, one of the configurations built into the RTL bridge:
 * rtl_pe_configs()) instead of the reference GEMM kernel; rtl_pe_select() picks the
 * configuration that fits the timing config and the model. Timing stays the model's formula; every
 * RTL tile's measured cycle count (first activation beat to last output) is compared with the
 * model's own count for the same tile, nbeats + sum of row_cost + pipeline_latency, and the totals
 * are kept in rtl_pe_counters(). Only built with the RTL when CMake found Verilator
 * (HQSIM_HAVE_RTL_PE); otherwise rtl_pe_available() is false and selecting rtl is an error. */
#ifndef HQ_ACCEL_RTL_PE_ARRAY_H
#define HQ_ACCEL_RTL_PE_ARRAY_H

#include "accel/pe_array.h"

extern "C" {
#include "layout/layout.h"
}

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hq::accel {

/* make_pe_array makes the RTL lanegroup array for an AccelConfig whose pe_impl is
 * PeImpl::Rtl; its tile is made at the first compute(), from the configuration
 * rtl_pe_select() picked. */
bool rtl_pe_available();

/* The RTL tile configurations built into this hqsim ("name (lanes 64, lane groups of 32,
 * N:M <= 1:32, lo 2, hi 8, K <= 1024)" each); empty without the RTL library. */
std::vector<std::string> rtl_pe_configs();

/* What no configuration can change: "" if every heterogeneous weighted layer of the packed
 * model has the block layout (the only one the RTL tile reads) and there is at least one;
 * uniform layers (dense layout, e.g. a policy's last=uniform8) run on the model's uniform
 * path. Else the reason naming the layer; also the reason when the RTL library is not built
 * in. Checked before the platform is built. */
std::string rtl_pe_check_model(const hq_packed_model &pm);

/* Picks the RTL configuration for the accelerator config and the packed model: the array
 * must be lanegroup with the RTL's tile_overhead and pipeline_latency (PE_TILE_OVERHEAD,
 * PE_PIPE_LATENCY of pe_vectors.h); a configuration fits when its lanes and lane
 * group size equal the config's lanes / lane_group, and every weighted layer has its M, at
 * most its N high weights per block (packed again with the tile's N), its lo and hi, and K
 * within its activation buffer. The first fitting configuration (rtl_pe_configs() order) is
 * used by the arrays' compute(); *name gets its name. Returns "" or the reason, listing every
 * configuration and why it does not fit. */
std::string rtl_pe_select(const AccelConfig &cfg, const hq_packed_model &pm, std::string *name);

struct RtlPeCounters {
    uint64_t tiles = 0, rows = 0; /* RTL tile runs (one per vector x row tile) */
    uint64_t uniform_rows = 0;    /* vector x rows of uniform layers, computed
                                     by the model's uniform path */
    uint64_t cycles_measured = 0, cycles_formula = 0;
    uint64_t cycle_mismatches = 0; /* tiles whose measured != formula */
    long first_mismatch_measured = 0, first_mismatch_formula = 0;
};
const RtlPeCounters &rtl_pe_counters();

std::unique_ptr<PeArray> make_rtl_lanegroup_array(const AccelConfig &cfg);
std::unique_ptr<PeArray> make_lanegroup_array(const AccelConfig &cfg); /* the model one */

} // namespace hq::accel

#endif
