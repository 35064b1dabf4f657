/* The DRAM image of a network run (docs/accel.md): network table, layer descriptors, row
 * parameters, weight layer images (exactly as sw/lib/layout packs them), test images,
 * activation scratch, logits and predictions. Built on the host by `hqsim run Q.hqm` and
 * written into the platform's DRAM before the firmware starts. */
#ifndef HQ_ACCEL_DRAM_IMAGE_H
#define HQ_ACCEL_DRAM_IMAGE_H

extern "C" {
#include "hq_model.h"
#include "layout/layout.h"
}
#include "accel/accel_config.h"
#include "cpu_fallback.h"
#include "hq_accel_net.h"
#include "hq_accel_regmap.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hq::accel {

struct DramSegment {
    uint32_t addr;
    std::vector<uint8_t> bytes;
};

/* One descriptor: a network layer as the accelerator runs it (a conv with its max-pool fused),
 * or one tile of a layer that the planner split (name "dense4[k 0:1024 r 0:512]"). */
struct NetLayer {
    std::string name;   /* "conv1+pool", "dense3", ... */
    int model_layer;    /* index into hq_model.layers of the (first) layer */
    hq_accel_desc desc; /* for batch 0 */
    uint32_t weight_image_bytes = 0;
};

struct DramImage {
    std::vector<DramSegment> segments;
    std::vector<NetLayer> layers;
    std::vector<CpuOp> cpu_ops; /* the CPU fallback's ops, in the order they run */
    hq_accel_net net{};
    uint32_t end = 0; /* first address past the image */
    /* The share of the image that grows with the image count (test images, logits,
     * predictions, with their alignment), and what one more image adds: the rest is the
     * model's (weights, descriptors, activations), which fewer images do not shrink. */
    uint64_t images_bytes = 0, per_image_bytes = 0;
};

struct ImageParams {
    uint32_t accel_base = 0, plic_base = 0, irq_source = 0, mode = 0;
    int batch = 1;
    int n_images = 0;
    const uint8_t *images = nullptr; /* n_images x input bytes */
    /* The accelerator's buffers: dense layers that do not fit are tiled (layer_tiling.h);
     * NULL: one descriptor per layer, whatever its size. */
    const AccelConfig *cfg = nullptr;
    /* With cfg: depthwise convs on the array as block-diagonal convs over channel groups
     * (docs/accel.md, Depthwise convs); false: on the CPU fallback. */
    bool depthwise_on_array = true;
    /* The packed model passed to build_dram_image, when its layer images may go as soon as
     * their descriptors and weights are laid out (hqsim run: the image holds a copy of each,
     * or of its tiles, and the layer's whole image would be a second copy until the end;
     * issue 16). nullptr: pm stays whole. */
    hq_packed_model *release = nullptr;
    /* Called with a weighted layer's index before its step reads the layer's quantized
     * weights (the caller may hold its high flags in another form until then: high_flags.h);
     * false: out of memory. */
    std::function<bool(int)> layer_begin;
    /* With release: called with a weighted layer's index once its step is laid out (nothing
     * in the build reads its quantized weights or high flags again), so the caller can free
     * them a layer at a time instead of all at the end (issue 16). */
    std::function<void(int)> layer_done;
};

/* Builds the image. Returns "" or a message (model not executable on the accelerator). */
std::string build_dram_image(const hq_model &m, const hq_packed_model &pm, const ImageParams &p,
                             DramImage *out);

/* "" if the image fits the DRAM [dram_base, dram_base + dram_size), else what it needs and
 * the cure: a platform config with more DRAM (bigger_config, e.g. dram-512m.json, of
 * bigger_size bytes) when the model alone does not fit, else also how many images fit
 * (image_option: "--images" or "--synthetic-inputs"). platform names the config in use. */
std::string dram_fit_error(const DramImage &img, int n_images, uint64_t dram_base,
                           uint64_t dram_size, const std::string &platform,
                           const std::string &bigger_config, uint64_t bigger_size,
                           const char *image_option);

} // namespace hq::accel

#endif
