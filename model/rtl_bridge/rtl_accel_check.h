/* What a Verilated accelerator configuration runs, asked of the RTL itself: before the
 * simulation starts, `hqsim run --accel-impl rtl` runs the network's first batch, one command
 * per descriptor, on a private instance of the Verilated hq_accel against a private copy of
 * the DRAM image (no platform, no timing). Whatever the RTL refuses (its descriptor checks in
 * hq_accel_ctrl.v, its buffer limits, a block with more high weights than the tile's slots)
 * ends that command with an ERR_* code; the run is then refused (exit 2) with the layer, the
 * code and what it means for this configuration. There is no second copy of the RTL's rules
 * to keep in step with rtl/accel. */
#ifndef HQ_RTL_ACCEL_CHECK_H
#define HQ_RTL_ACCEL_CHECK_H

#include "rtl_accel_core.h"

#include "hq_accel_regmap.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hq::accel {

/* A piece of the DRAM image (descriptors' inputs, weights, row parameters). */
struct RtlCheckSegment {
    uint32_t addr;
    const uint8_t *data;
    size_t size;
};

/* "" when the configuration runs every descriptor, else the reason naming the first layer it
 * refuses. descs[i] is the descriptor of layer names[i] for the first batch. */
std::string rtl_accel_check(const rtl::AccelCoreConfig &c, const std::vector<hq_accel_desc> &descs,
                            const std::vector<std::string> &names,
                            const std::vector<RtlCheckSegment> &dram);

/* What an ERR_* code of the RTL means for configuration c (its limits named). */
std::string rtl_accel_error_meaning(const rtl::AccelCoreConfig &c, unsigned code);

} // namespace hq::accel

#endif
