/* uniform8: a tile_rows x tile_cols array of int8 x uint8 MACs, weight-stationary. A tile
 * pass streams one activation vector per cycle after `pipeline_depth` fill cycles:
 *     cycles(tile) = n_vec + pipeline_depth. */
#include "accel/pe_array.h"

namespace hq::accel {

class Uniform8Array : public PeArray {
  public:
    using PeArray::PeArray;
    Arch arch() const override { return Arch::Uniform8; }
    void compute(const PreparedWeights &w, const int16_t *acts, unsigned n_vec, unsigned r0,
                 unsigned nr, int32_t *acc) const override
    {
        /* int8 weights (every weight in `hi`); a low-only dense layer (uniform2/uniform1)
         * has its codes shifted onto the int8 grid by the same merge. */
        compute_split_partials(w, acts, n_vec, r0, nr, acc);
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
