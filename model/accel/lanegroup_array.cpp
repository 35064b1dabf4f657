/* lanegroup: each row of the array is cut into groups of G low-bit lanes that share one
 * outlier MAC. A group whose G weights hold m > 1 high-precision weights needs m cycles per
 * vector, and the whole array advances in lockstep:
 *     cycles(tile) = n_vec + pipeline_depth + merge_depth,
 *     outlier_stall(tile) = n_vec * (max(1, max_group(tile)) - 1). */
#include "accel/pe_array.h"

namespace hq::accel {

class LaneGroupArray : public PeArray {
  public:
    using PeArray::PeArray;
    Arch arch() const override { return Arch::LaneGroup; }
    void compute(const PreparedWeights &w, const int16_t *acts, unsigned n_vec, unsigned r0,
                 unsigned nr, int32_t *acc) const override
    {
        compute_split_partials(w, acts, n_vec, r0, nr, acc);
    }
    TileCycles tile_cycles(const TileStats &t, uint64_t n_vec) const override
    {
        uint64_t per_vec = t.max_group > 1 ? t.max_group : 1;
        return {n_vec + cfg_.pipeline_depth + cfg_.merge_depth, n_vec * (per_vec - 1)};
    }
};

std::unique_ptr<PeArray> make_lanegroup_array(const AccelConfig &cfg)
{
    return std::make_unique<LaneGroupArray>(cfg);
}

std::unique_ptr<PeArray> make_uniform8_array(const AccelConfig &cfg);
std::unique_ptr<PeArray> make_split_array(const AccelConfig &cfg);

std::unique_ptr<PeArray> make_pe_array(const AccelConfig &cfg)
{
    switch (cfg.arch) {
    case Arch::Uniform8: return make_uniform8_array(cfg);
    case Arch::Split: return make_split_array(cfg);
    case Arch::LaneGroup: return make_lanegroup_array(cfg);
    }
    return nullptr;
}

} // namespace hq::accel
