/* split (OLAccel style): per PE tile, `lanes` low-bit lanes plus a high-precision unit of
 * hi_macs MACs fed by the outlier stream; partial sums merge in the accumulator. A beat whose
 * h high weights need more than one pass of the high unit holds the low lanes:
 *     row_cost = sum over beats of max(1, ceil(h_beat / hi_macs)).
 * The RTL does the same (rtl/pe_array_split.v, docs/pe-array.md). A uniform int8 layer runs
 * entirely on the high unit. */
#include "accel/pe_array.h"

#include <algorithm>

namespace hq::accel {

namespace {

class SplitArray : public PeArray {
  public:
    using PeArray::PeArray;
    Arch arch() const override { return Arch::Split; }
    uint32_t row_cost(const uint8_t *is_hi, unsigned k, unsigned) const override {
        uint32_t cost = 0;
        for (unsigned b0 = 0; b0 < k; b0 += cfg_.lanes) {
            unsigned h = 0;
            for (unsigned i = b0; i < std::min(k, b0 + cfg_.lanes); i++)
                h += is_hi[i];
            cost += std::max(1u, (h + cfg_.hi_macs - 1) / cfg_.hi_macs);
        }
        return cost;
    }
    double high_units() const override { return (double)cfg_.hi_macs * cfg_.pe_tiles; }
};

std::unique_ptr<PeArray> make_split_array(const AccelConfig &cfg) {
    return std::make_unique<SplitArray>(cfg);
}

} // namespace

const ArrayKind kArrayKind_SPLIT{Arch::Split, "split", true, make_split_array, nullptr};

} // namespace hq::accel
