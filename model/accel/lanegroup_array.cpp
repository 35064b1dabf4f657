/* lanegroup (rtl/pe_tile.v, rtl/lane_group.v): each beat of `lanes` weights is cut into
 * groups of lane_group low-bit lanes sharing one outlier MAC; a group holding h > 1 high
 * weights in a beat needs h cycles, and the whole tile waits for its slowest group
 * (docs/pe-array.md):
 *     row_cost = sum over beats of (1 + max over groups of max(0, h_g - 1)).
 * A uniform int8 layer counts every weight as high. tests/accel checks this against the RTL
 * bench's own implementation of the formula (model/rtl_bridge/pe_vectors.c). */
#include "accel/pe_array.h"
#include "rtl_bridge/rtl_pe_array.h"

#include <algorithm>

namespace hq::accel {

namespace {

class LaneGroupArray : public PeArray {
  public:
    using PeArray::PeArray;
    Arch arch() const override { return Arch::LaneGroup; }
    uint32_t row_cost(const uint8_t *is_hi, unsigned k) const override {
        uint32_t cost = 0;
        for (unsigned b0 = 0; b0 < k; b0 += cfg_.lanes) {
            unsigned worst = 0;
            for (unsigned g0 = b0; g0 < std::min(k, b0 + cfg_.lanes); g0 += cfg_.lane_group) {
                unsigned h = 0;
                for (unsigned i = g0; i < std::min(k, g0 + cfg_.lane_group); i++)
                    h += is_hi[i];
                worst = std::max(worst, h);
            }
            cost += 1 + (worst > 1 ? worst - 1 : 0);
        }
        return cost;
    }
    /* one outlier MAC per lane group */
    double high_units() const override { return (double)peak_macs_per_cycle() / cfg_.lane_group; }
};

} // namespace

std::unique_ptr<PeArray> make_lanegroup_array(const AccelConfig &cfg) {
    return std::make_unique<LaneGroupArray>(cfg);
}

/* --pe-impl rtl: the variant on the Verilated tile (rtl_pe_array.cpp) */
const ArrayKind kArrayKind_LANEGROUP{Arch::LaneGroup, "lanegroup", true, make_lanegroup_array,
                                     make_rtl_lanegroup_array};

} // namespace hq::accel
