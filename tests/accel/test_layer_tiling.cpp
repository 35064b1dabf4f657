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
    return hqt::finish("test_layer_tiling");
}
