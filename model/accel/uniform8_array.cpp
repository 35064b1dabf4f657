/* uniform8: the int8 baseline (rtl/pe_tile.v with UNIFORM = 1): `lanes` int8 x uint8 MACs
 * per PE tile, one beat of int8 weights per cycle, never a stall:
 *     row_cost = nbeats. */
#include "accel/pe_array.h"

namespace hq::accel {

namespace {

class Uniform8Array : public PeArray {
  public:
    using PeArray::PeArray;
    Arch arch() const override { return Arch::Uniform8; }
    uint32_t row_cost(const uint8_t *, unsigned k, unsigned) const override { return beats(k); }
    /* every MAC is an int8 MAC of the array */
    uint64_t array_macs(const LayerStats &st) const override { return st.macs; }
    double mac_energy_pj(const LayerStats &st, unsigned, unsigned,
                         const EnergyTable &e) const override {
        return st.macs * e.mac_pj[8];
    }
};

std::unique_ptr<PeArray> make_uniform8_array(const AccelConfig &cfg) {
    return std::make_unique<Uniform8Array>(cfg);
}

} // namespace

const ArrayKind kArrayKind_UNIFORM8{Arch::Uniform8, "uniform8", false, make_uniform8_array,
                                    nullptr};

} // namespace hq::accel
