/* The host planner's conv row bands (sw/app/layer_tiling.cpp, docs/accel.md Tiling) on a conv
 * whose output height is not a multiple of the pool window: every band pools to at least one
 * output row, the bands cover exactly the pooled rows, and halos and paddings are as the
 * descriptor needs them. */
#include "layer_tiling.h"
#include "accel_test.h"

#include <cstring>
#include <vector>

using hq::accel::ConvBand;

/* A 2x2 conv (stride 1, no padding) of an 8 x 8 x 1 map: 7 x 7 x 4 before a 2x2 pool. */
static hq_layer conv7() {
    hq_layer L;
    std::memset(&L, 0, sizeof L);
    L.kind = HQ_LAYER_CONV;
    L.in = {1, 8, 8};
    L.out = {4, 7, 7};
    L.k = 2;
    L.stride = 1;
    L.pad = 0;
    L.rows = 4;
    L.cols = 4;
    return L;
}

static void check_bands(const std::vector<ConvBand> &bands, int pool, int pooled_rows, int in_h) {
    int out = 0, next = 0;
    for (size_t i = 0; i < bands.size(); i++) {
        const ConvBand &b = bands[i];
        CHECK(b.oy0 == next, "band %zu starts at %d, expected %d", i, b.oy0, next);
        CHECK((b.oy1 - b.oy0) / pool >= 1, "band %zu [%d, %d) pools to no output row", i, b.oy0,
              b.oy1);
        /* input rows: the halo of a 2x2 stride-1 conv without padding */
        CHECK(b.y0 == b.oy0 && b.y1 == std::min(in_h, b.oy1 + 1), "band %zu reads [%d, %d)", i,
              b.y0, b.y1);
        CHECK(!b.pad_top, "band %zu: pad_top on a layer without padding", i);
        out += (b.oy1 - b.oy0) / pool;
        next = b.oy1;
    }
    CHECK(out == pooled_rows, "the bands pool to %d rows, the layer to %d", out, pooled_rows);
}

/* The input channel groups a conv asks of its producer (conv_input_group): VGG-16's second
 * conv (224 x 224 x 64, 3x3 pad 1, fused 2x2 pool) on the default buffers keeps all 64
 * channels up to the batch whose shortest band (2 output rows, 4 input rows) of them fits the
 * 256 KiB activation buffer, and takes balanced groups whose band fits beyond it. */
static void check_input_groups() {
    hq_layer L;
    std::memset(&L, 0, sizeof L);
    L.kind = HQ_LAYER_CONV;
    L.in = {64, 224, 224};
    L.out = {64, 224, 224};
    L.k = 3;
    L.stride = 1;
    L.pad = 1;
    L.rows = 64;
    L.cols = 9 * 64;
    hq::accel::AccelConfig cfg;    /* configs/timing/default.json: act_bytes 262144 */
    const int per_image = 224 * 4; /* bytes of one channel of the shortest band, one image */
    /* batch: the groups (the fewest groups of at most the channels that fit, balanced) */
    const int want[][2] = {{1, 64}, {4, 64}, {5, 32}, {8, 32}, {16, 16}, {73, 4}, {74, 3}};
    for (const auto &w : want) {
        const int batch = w[0], g = hq::accel::conv_input_group(cfg, L, 2, batch, 1);
        CHECK(g == w[1], "batch %d: groups of %d, expected %d", batch, g, w[1]);
        CHECK((uint64_t)batch * per_image * g <= cfg.act_buffer || g == 64,
              "batch %d: a band of %d channels (%d bytes) exceeds the buffer", batch, g,
              batch * per_image * g);
    }
    /* aligned to a block M of 8: 73 images take a band of 4 channels, never fewer than M */
    CHECK(hq::accel::conv_band_channels(cfg, L, 2, 73, 8) == 0, "batch 73: no 8 channels fit");
    CHECK(hq::accel::conv_input_group(cfg, L, 2, 73, 8) == 64,
          "batch 73, M 8: no group fits, the layer keeps its channels (the accelerator refuses)");
    /* a K chunk limit still applies first: nb_max 1 x 64 lanes / 9 = 7 channels */
    cfg.nb_max = 1;
    CHECK(hq::accel::conv_input_group(cfg, L, 2, 1, 1) == 7, "nb_max 1: groups of %d",
          hq::accel::conv_input_group(cfg, L, 2, 1, 1));
}

int sc_main(int, char **) {
    const hq_layer L = conv7();
    hq::accel::AccelConfig cfg;
    cfg.out_buffer = 1u << 20;

    cfg.act_buffer = 8 * 8; /* the whole map fits: no bands */
    CHECK(hq::accel::plan_conv_bands(cfg, L, 2, 1).empty(), "a layer that fits has no bands");

    /* three input rows: bands of 2 conv rows; the 7th conv row is never pooled, so no band of
     * one row follows [4, 6) (it would have OUT_H 0, which the accelerator refuses) */
    cfg.act_buffer = 3 * 8;
    std::vector<ConvBand> b = hq::accel::plan_conv_bands(cfg, L, 2, 1);
    CHECK(b.size() == 3, "%zu bands", b.size());
    check_bands(b, 2, 3, 8);
    CHECK(!b.empty() && !b.back().pad_bottom && b.back().oy1 == 6, "the last band ends at 6");

    /* seven input rows: one band [0, 6), which still needs banding (8 rows do not fit) */
    cfg.act_buffer = 7 * 8;
    b = hq::accel::plan_conv_bands(cfg, L, 2, 1);
    CHECK(b.size() == 1, "%zu bands", b.size());
    check_bands(b, 2, 3, 8);

    /* without pooling every conv row is an output row: the last band takes the 7th row */
    cfg.act_buffer = 3 * 8;
    b = hq::accel::plan_conv_bands(cfg, L, 1, 1);
    check_bands(b, 1, 7, 8);
    CHECK(!b.empty() && b.back().pad_bottom && b.back().oy1 == 7, "the last band ends at 7");

    check_input_groups();
    return hqt::finish("test_layer_tiling");
}
