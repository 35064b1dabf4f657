/* uniform8: a tile_rows x tile_cols array of int8 x uint8 MACs, weight-stationary. A tile
 * pass streams one activation vector per cycle after `pipeline_depth` fill cycles:
 *     cycles(tile) = n_vec + pipeline_depth. */
#include "accel/pe_array.h"

extern "C" {
#include "reference.h"
}

namespace hq::accel {

class Uniform8Array : public PeArray {
  public:
    using PeArray::PeArray;
    Arch arch() const override { return Arch::Uniform8; }
    void compute(const PreparedWeights &w, const uint8_t *, const int16_t *acts, unsigned n_vec,
                 unsigned r0, unsigned nr, int32_t *acc) const override
    {
        /* A uniform layer has every weight in `hi`. */
        hq_ref_gemm_i16(acts, (int)n_vec, w.hi.data() + (size_t)r0 * w.kp, (int)nr, (int)w.kp, acc);
    }
    TileCycles tile_cycles(const TileStats &, uint64_t n_vec) const override
    {
        return {n_vec + cfg_.pipeline_depth, 0};
    }
};

std::unique_ptr<PeArray> make_uniform8_array(const AccelConfig &cfg)
{
    return std::make_unique<Uniform8Array>(cfg);
}

} // namespace hq::accel
