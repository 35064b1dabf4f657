/* split: a tile_rows x tile_cols low-bit array plus a high-precision unit of hi_macs MACs fed
 * by the outlier stream; their partial sums merge in the accumulator (OLAccel style). Per
 * vector the high unit needs ceil(n_hi(tile) / hi_macs) cycles; when that exceeds one cycle
 * the low array waits:
 *     cycles(tile) = n_vec + pipeline_depth + merge_depth,
 *     outlier_stall(tile) = n_vec * (max(1, ceil(n_hi / hi_macs)) - 1). */
#include "accel/pe_array.h"

#include "hq_arith.h"

extern "C" {
#include "reference.h"
}

#include <vector>

namespace hq::accel {

void compute_split_partials(const PreparedWeights &w, const int16_t *acts, unsigned n_vec,
                            unsigned r0, unsigned nr, int32_t *acc)
{
    if (w.uniform()) { /* no low plane: the high path carries every weight */
        hq_ref_gemm_i16(acts, (int)n_vec, w.hi.data() + (size_t)r0 * w.kp, (int)nr, (int)w.kp, acc);
        return;
    }
    std::vector<int32_t> hi((size_t)n_vec * nr);
    hq_ref_gemm_i16(acts, (int)n_vec, w.lo.data() + (size_t)r0 * w.kp, (int)nr, (int)w.kp, acc);
    hq_ref_gemm_i16(acts, (int)n_vec, w.hi.data() + (size_t)r0 * w.kp, (int)nr, (int)w.kp,
                    hi.data());
    for (unsigned v = 0; v < n_vec; v++)
        for (unsigned i = 0; i < nr; i++) {
            size_t k = (size_t)v * nr + i;
            acc[k] = hq_merge_partials(acc[k], hi[k], w.lo_shift[r0 + i]);
        }
}

class SplitArray : public PeArray {
  public:
    using PeArray::PeArray;
    Arch arch() const override { return Arch::Split; }
    void compute(const PreparedWeights &w, const int16_t *acts, unsigned n_vec, unsigned r0,
                 unsigned nr, int32_t *acc) const override
    {
        compute_split_partials(w, acts, n_vec, r0, nr, acc);
    }
    TileCycles tile_cycles(const TileStats &t, uint64_t n_vec) const override
    {
        uint64_t per_vec = (t.n_hi + cfg_.hi_macs - 1) / cfg_.hi_macs;
        if (per_vec < 1)
            per_vec = 1;
        return {n_vec + cfg_.pipeline_depth + cfg_.merge_depth, n_vec * (per_vec - 1)};
    }
};

std::unique_ptr<PeArray> make_split_array(const AccelConfig &cfg)
{
    return std::make_unique<SplitArray>(cfg);
}

} // namespace hq::accel
