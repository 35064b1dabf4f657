/* The high flags of a model's heterogeneous layers (hq_qlayer::is_hi, a byte per weight) as
 * bits while `hqsim run` builds its DRAM image: each layer's bytes go once the layer is packed
 * and come back for its own step of the image's build only (a tiled layer's tiles are packed
 * from them), so the whole model's flags never sit beside the packed model and the image
 * (issue 16: BERT layer het, 7 MB of flags at the setup's peak). */
#ifndef HQ_APP_HIGH_FLAGS_H
#define HQ_APP_HIGH_FLAGS_H

extern "C" {
#include "hq_model.h"
}

#include <cstdint>
#include <vector>

namespace hq::accel {

class HighFlagStore {
  public:
    explicit HighFlagStore(hq_model *m) : m_(m), bits_(m->n_layers) {}
    /* Layer li's flags to bits, its bytes freed (kept as they are when out of memory). */
    void stash(int li) noexcept;
    /* Every layer's. */
    void stash_all() noexcept;
    /* Layer li's bytes back from its bits (nothing to do when they are there); false: out of
     * memory. */
    bool restore(int li) noexcept;
    /* Layer li's bytes and bits freed. */
    void drop(int li) noexcept;
    /* Every layer's. */
    void drop_all() noexcept;
    /* Bytes the bits take now (tests). */
    size_t bit_bytes() const;

  private:
    hq_model *m_;
    std::vector<std::vector<uint64_t>> bits_;
};

} // namespace hq::accel

#endif
