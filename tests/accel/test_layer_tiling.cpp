/* The host planner's conv row bands (sw/app/layer_tiling.cpp, docs/accel.md Tiling) on a conv
 * whose output height is not a multiple of the pool window: every band pools to at least one
 * output row, the bands cover exactly the pooled rows, and halos and paddings are as the
 * descriptor needs them. And the depthwise convs' channel groups and block-diagonal weights
 * (docs/accel.md, Depthwise convs). */
#include "layer_tiling.h"
#include "accel_test.h"

extern "C" {
#include "container.h"
#include "layer_ops.h"
}

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

/* A 3 x 3 depthwise conv (pad 1) of an h x w x c map. */
static hq_layer depthwise(int c, int h, int w) {
    hq_layer L;
    std::memset(&L, 0, sizeof L);
    L.kind = HQ_LAYER_CONV;
    L.in = {c, h, w};
    L.out = {c, h, w};
    L.k = 3;
    L.stride = 1;
    L.pad = 1;
    L.rows = c;
    L.cols = 9;
    L.groups = c;
    return L;
}

/* depthwise_group at the edges of the lanes (64), the block M, a cap, the K chunk and the band:
 * groups of lanes, fewer balanced ones when the channels are not a multiple, none when not
 * even `align` channels fit. */
static void check_depthwise_groups() {
    hq::accel::AccelConfig cfg; /* 64 lanes, nb_max 64, 256 KiB activations */
    /* {channels, align, cap, group} */
    const int want[][4] = {{1, 1, 1 << 20, 1},      {2, 1, 1 << 20, 2},    {63, 1, 1 << 20, 63},
                           {64, 1, 1 << 20, 64},    {65, 1, 1 << 20, 33},  {127, 1, 1 << 20, 64},
                           {128, 1, 1 << 20, 64},   {129, 1, 1 << 20, 43}, {130, 1, 1 << 20, 44},
                           {960, 1, 1 << 20, 64},   {65, 32, 1 << 20, 64}, {96, 32, 1 << 20, 64},
                           {960, 32, 1 << 20, 64},  {960, 1, 16, 16},      {960, 32, 40, 32},
                           {960, 48, 1 << 20, 192}, {2, 32, 2, 2},         {33, 32, 1 << 20, 33},
                           {40, 32, 33, 32}};
    for (const auto &w : want) {
        const hq_layer L = depthwise(w[0], 8, 8);
        CHECK(!hq_layer_is_depthwise(&L) == (w[0] == 1),
              "C %d: depthwise %d (C 1: an ordinary conv)", w[0], hq_layer_is_depthwise(&L));
        const int g = hq::accel::depthwise_group(cfg, L, 1, 1, w[1], w[2]);
        CHECK(g == w[3], "C %d, align %d, cap %d: groups of %d, expected %d", w[0], w[1], w[2], g,
              w[3]);
    }
    /* the K chunk: nb_max 1 takes 64 / 9 = 7 channels; with align 8 none */
    hq::accel::AccelConfig small = cfg;
    small.nb_max = 1;
    const hq_layer L = depthwise(960, 8, 8);
    CHECK(hq::accel::depthwise_group(small, L, 1, 1, 1, 1 << 20) == 7, "nb_max 1: %d",
          hq::accel::depthwise_group(small, L, 1, 1, 1, 1 << 20));
    CHECK(hq::accel::depthwise_group(small, L, 1, 1, 8, 1 << 20) == 0, "nb_max 1, align 8");
    /* the band: 3 rows of 1000 pixels of 100 images of one channel exceed 256 KiB */
    const hq_layer wide = depthwise(64, 8, 1000);
    CHECK(hq::accel::depthwise_group(cfg, wide, 1, 100, 1, 1 << 20) == 0, "no band fits");
    CHECK(hq::accel::depthwise_group(cfg, wide, 1, 1, 1, 1 << 20) == 64, "batch 1 fits");
    /* not depthwise: grouped with 2 channels per group, a channel multiplier of 2 */
    hq_layer grouped = depthwise(8, 4, 4);
    grouped.groups = 4;
    grouped.cols = 18;
    CHECK(!hq_layer_is_depthwise(&grouped), "groups 4 of 8 channels is not depthwise");
    hq_layer mult = depthwise(8, 4, 4);
    mult.rows = mult.out.c = 16;
    CHECK(!hq_layer_is_depthwise(&mult), "a channel multiplier of 2 is not depthwise");
}

/* pack_depthwise: channels [c0, c1) of a 5-channel depthwise conv decode to the block-diagonal
 * conv (row r: channel c0 + r's nine taps in column t (c1 - c0) + r, zeros elsewhere), in the
 * dense layout (uniform) and the block layout (2-bit low codes, one high weight per row). */
static void check_pack_depthwise() {
    hq_layer L = depthwise(5, 4, 4);
    for (int het = 0; het <= 1; het++) {
        L.q = hq_qlayer_alloc(&L, het ? 2 : 0, 8);
        for (int c = 0; c < 5; c++) {
            if (het) L.q->lo_shift[c] = (uint8_t)(c % 4);
            for (int t = 0; t < 9; t++) {
                const size_t i = (size_t)c * 9 + t;
                if (!het) {
                    L.q->w[i] = (int8_t)(c * 31 - t * 17 + (t == 4 ? -128 : 0));
                } else if (t == (c * 2) % 9) {
                    L.q->is_hi[i] = 1;
                    L.q->w[i] = (int8_t)(c % 2 ? -127 : 127);
                } else {
                    L.q->w[i] = (int8_t)(((t + c) % 3 - 1) * (1 << (c % 4))); /* codes -1, 0, 1 */
                }
            }
            L.q->w_scale[c] = 0.01f * (c + 1);
            L.q->bias[c] = c - 2;
            L.q->rq_mult[c] = 1 << 30;
            L.q->rq_shift[c] = (uint8_t)(32 + c);
        }
        hq_layout_stats like{};
        like.kind = het ? HQ_LAYOUT_BLOCK : HQ_LAYOUT_DENSE;
        like.block_n = 1;
        like.block_m = 32;
        const int spans[][2] = {{0, 5}, {0, 1}, {4, 5}, {1, 4}};
        for (const auto &sp : spans) {
            const int c0 = sp[0], c1 = sp[1], g = c1 - c0;
            hq_layer_image img{};
            const std::string e = hq::accel::pack_depthwise(L, c0, c1, like, &img);
            CHECK(e.empty(), "het %d [%d, %d): %s", het, c0, c1, e.c_str());
            if (!e.empty()) continue;
            hq_layer G = hq::accel::depthwise_group_layer(L, g);
            CHECK(G.rows == g && G.cols == 9 * g && G.in.c == g && hq_layer_groups(&G) == 1,
                  "group layer %d x %d", G.rows, G.cols);
            hq_qlayer *want = hq_qlayer_alloc(&G, het ? 2 : 0, 8);
            for (int r = 0; r < g; r++) {
                for (int t = 0; t < 9; t++) {
                    want->w[(size_t)r * G.cols + t * g + r] = L.q->w[(size_t)(c0 + r) * 9 + t];
                    if (het)
                        want->is_hi[(size_t)r * G.cols + t * g + r] =
                            L.q->is_hi[(size_t)(c0 + r) * 9 + t];
                }
                if (het) want->lo_shift[r] = L.q->lo_shift[c0 + r];
            }
            hq_decoded_layer d{};
            char err[256];
            const int rc = hq_layout_decode(img.data, img.size, &d, err, sizeof err);
            CHECK(rc == 0, "het %d [%d, %d): decode: %s", het, c0, c1, err);
            CHECK(rc == 0 && img.st.kind == like.kind && hq_decoded_equals(&d, want, g, 9 * g),
                  "het %d [%d, %d): the decoded weights are not the block-diagonal conv", het, c0,
                  c1);
            if (rc == 0) hq_decoded_layer_free(&d);
            hq_qlayer_free(want);
            hq_layer_image_free(&img);
        }
        hq_qlayer_free(L.q);
        L.q = nullptr;
    }
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
    check_depthwise_groups();
    check_pack_depthwise();
    return hqt::finish("test_layer_tiling");
}
