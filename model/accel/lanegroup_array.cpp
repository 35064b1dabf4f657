/* lanegroup (rtl/pe_tile.v, rtl/lane_group.v): each beat of `lanes` weights is cut into
 * groups of lane_group low-bit lanes sharing one outlier MAC; a group holding h > 1 high
 * weights in a beat needs h cycles, and the whole tile waits for its slowest group
 * (docs/pe-array.md):
 *     row_cost = sum over beats of max(D, 1 + max over groups of max(0, h_g - 1)),
 * D = 1 for lo 1 or 2 (and uniform), 2 for lo 3, 3 for lo 4: the ternary low lanes take a
 * 3- or 4-bit code as lo - 1 signed binary digits, one tile cycle each (hq_beat_split.v,
 * docs/rtl-accel.md). A uniform int8 layer counts every weight as high. tests/accel checks this
 * against the RTL bench's own implementation of the formula (model/rtl_bridge/pe_vectors.c). */
#include "accel/pe_array.h"
#include "rtl_bridge/rtl_pe_array.h"

#include <algorithm>

namespace hq::accel {

namespace {

class LaneGroupArray : public PeArray {
  public:
    using PeArray::PeArray;
    Arch arch() const override { return Arch::LaneGroup; }
    uint32_t row_cost(const uint8_t *is_hi, unsigned k, unsigned lo_bits) const override {
        const unsigned digits = beat_cycles(lo_bits);
        uint32_t cost = 0;
        for (unsigned b0 = 0; b0 < k; b0 += cfg_.lanes) {
            unsigned worst = 0;
            for (unsigned g0 = b0; g0 < std::min(k, b0 + cfg_.lanes); g0 += cfg_.lane_group) {
                unsigned h = 0;
                for (unsigned i = g0; i < std::min(k, g0 + cfg_.lane_group); i++)
                    h += is_hi[i];
                worst = std::max(worst, h);
            }
            cost += std::max(digits, 1 + (worst > 1 ? worst - 1 : 0));
        }
        return cost;
    }
    unsigned beat_cycles(unsigned lo_bits) const override { return lo_bits >= 3 ? lo_bits - 1 : 1; }
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
