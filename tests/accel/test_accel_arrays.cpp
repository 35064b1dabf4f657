/* Each PE array against the integer reference (sw/lib/reference.h) on random layers and
 * tiles: uniform8 on dense int8/int4 and low-only layers, split and lanegroup on every
 * heterogeneous layout; plus the per-tile outlier statistics and the timing formulas of
 * docs/accel.md on hand-built tiles. */
#include "accel_test.h"

#include "accel/im2col.h"
#include "accel/pe_array.h"
#include "accel/prepared_weights.h"

using namespace hq::accel;
using hqt::LayerSpec;

static void run_case(Arch arch, const LayerSpec &s, std::mt19937 &rng, int batch)
{
    AccelConfig cfg;
    cfg.arch = arch;
    cfg.tile_rows = 4 + rng() % 13;
    cfg.tile_cols = 8 * (1 + rng() % 8);
    cfg.lane_group = cfg.tile_cols % 8 == 0 ? 8 : 4;
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    std::vector<uint8_t> img = hqt::pack_layer(L, s);
    hq_accel_desc raw = hqt::desc_for(L, s, 0, 0, 0, (uint32_t)img.size(), 0, (unsigned)batch, 1);
    LayerDesc d;
    DescCheck chk = check_descriptor(raw, cfg, &d);
    CHECK(chk.code == 0, "descriptor: %s", chk.message.c_str());
    WeightFormat f{raw.layout, raw.rows, raw.cols, raw.lo_bits, raw.hi_bits, raw.block_n, raw.block_m};
    DecodedWeights dw;
    std::string err = decode_weights(f, img.data(), img.size(), &dw);
    CHECK(err.empty(), "decode: %s", err.c_str());
    PreparedWeights w;
    prepare_weights(dw, cfg.tile_rows, cfg.tile_cols, cfg.lane_group, &w);

    std::vector<uint8_t> in((size_t)batch * d.in_bytes);
    for (auto &v : in)
        v = (uint8_t)(rng() % 4 ? rng() % 256 : 0);
    std::vector<int16_t> ops;
    im2col_operands(d, in.data(), w.kp, &ops);
    const size_t n_vec = (size_t)batch * d.conv_h * d.conv_w;
    std::vector<int32_t> ref(n_vec * L.rows), split(n_vec * L.rows);
    hq_ref_layer_acc(&L, in.data(), batch, ref.data());
    hq_ref_layer_acc_split(&L, in.data(), batch, split.data());
    auto pe = make_pe_array(cfg);
    size_t bad = 0;
    for (unsigned r0 = 0; r0 < (unsigned)L.rows; r0 += cfg.tile_rows) {
        unsigned nr = std::min<unsigned>(cfg.tile_rows, L.rows - r0);
        std::vector<int32_t> acc(n_vec * nr);
        pe->compute(w, ops.data(), (unsigned)n_vec, r0, nr, acc.data());
        for (size_t v = 0; v < n_vec; v++)
            for (unsigned i = 0; i < nr; i++) {
                int32_t got = acc[v * nr + i] + L.q->bias[r0 + i];
                bad += got != ref[v * L.rows + r0 + i] || got != split[v * L.rows + r0 + i];
            }
    }
    CHECK(bad == 0, "%s on %s %s lo=%d hi=%d (%dx%d, tile %ux%u): %zu of %zu accumulators differ",
          arch_name(arch), s.kind == HQ_LAYER_CONV ? "conv" : "dense",
          hq_layout_name(s.lo ? s.layout : HQ_LAYOUT_DENSE), s.lo, s.hi, L.rows, L.cols,
          cfg.tile_rows, cfg.tile_cols, bad, n_vec * L.rows);
    hqt::free_layer(&L);
}

static void timing_formulas()
{
    AccelConfig cfg;
    cfg.tile_rows = 4;
    cfg.tile_cols = 16;
    cfg.lane_group = 4;
    cfg.hi_macs = 2;
    cfg.pipeline_depth = 5;
    cfg.merge_depth = 3;
    /* A 6 x 40 layer: row 1 has three outliers in columns 4..7 (one lane group), row 5 one
     * outlier in column 33; everything else low. Tiles: 2 row tiles x 3 K tiles. */
    DecodedWeights d;
    d.rows = 6;
    d.cols = 40;
    d.lo_bits = 2;
    d.lo.assign(240, 1);
    d.hi.assign(240, 0);
    d.is_hi.assign(240, 0);
    d.lo_shift.assign(6, 2);
    for (int c : {4, 5, 7}) {
        d.is_hi[1 * 40 + c] = 1;
        d.hi[1 * 40 + c] = 50;
        d.lo[1 * 40 + c] = 0;
    }
    d.is_hi[5 * 40 + 33] = 1;
    d.n_hi = 4;
    PreparedWeights w;
    prepare_weights(d, cfg.tile_rows, cfg.tile_cols, cfg.lane_group, &w);
    CHECK(w.row_tiles == 2 && w.k_tiles == 3, "tiles %u x %u", w.row_tiles, w.k_tiles);
    CHECK(w.tile(0, 0).n_hi == 3 && w.tile(0, 0).max_group == 3, "tile(0,0) %u/%u",
          w.tile(0, 0).n_hi, w.tile(0, 0).max_group);
    CHECK(w.tile(1, 2).n_hi == 1 && w.tile(1, 2).max_group == 1, "tile(1,2) %u/%u",
          w.tile(1, 2).n_hi, w.tile(1, 2).max_group);
    CHECK(w.tile(0, 1).n_hi == 0 && w.tile(1, 0).n_hi == 0, "empty tiles not empty");
    const uint64_t n = 100;
    cfg.arch = Arch::Uniform8;
    TileCycles u = make_pe_array(cfg)->tile_cycles(w.tile(0, 0), n);
    CHECK(u.compute == 105 && u.outlier_stall == 0, "uniform8 %llu/%llu", (unsigned long long)u.compute,
          (unsigned long long)u.outlier_stall);
    cfg.arch = Arch::LaneGroup; /* 3 outliers in one group: 3 cycles per vector */
    TileCycles g = make_pe_array(cfg)->tile_cycles(w.tile(0, 0), n);
    CHECK(g.compute == 108 && g.outlier_stall == 200, "lanegroup %llu/%llu",
          (unsigned long long)g.compute, (unsigned long long)g.outlier_stall);
    g = make_pe_array(cfg)->tile_cycles(w.tile(1, 2), n);
    CHECK(g.outlier_stall == 0, "one outlier per group must not stall");
    cfg.arch = Arch::Split; /* 3 outliers on 2 high MACs: 2 cycles per vector */
    TileCycles sp = make_pe_array(cfg)->tile_cycles(w.tile(0, 0), n);
    CHECK(sp.compute == 108 && sp.outlier_stall == 100, "split %llu/%llu",
          (unsigned long long)sp.compute, (unsigned long long)sp.outlier_stall);
}

int sc_main(int, char **)
{
    std::mt19937 rng(777);
    const hq_layout_kind het[] = {HQ_LAYOUT_COO, HQ_LAYOUT_BLOCK, HQ_LAYOUT_ROWGROUP, HQ_LAYOUT_ESCAPE};
    int cases = 0;
    for (int rep = 0; rep < 4; rep++)
        for (hq_layer_kind kind : {HQ_LAYER_DENSE, HQ_LAYER_CONV}) {
            LayerSpec s;
            s.kind = kind;
            if (kind == HQ_LAYER_CONV) {
                s.in_h = 5 + rng() % 6;
                s.in_w = 5 + rng() % 6;
                s.in_c = 1 + rng() % 9;
                s.k = rep % 2 ? 3 : 5;
                s.pad = rng() % s.k < 2 ? 0 : s.k / 2;
                s.stride = 1 + rng() % 2;
            } else {
                s.in_c = 1 + rng() % 400;
            }
            s.out_c = 1 + rng() % 40;
            const int batch = 1 + rng() % 3;
            for (int hi : {8, 4}) { /* uniform int8 / int4 and a low-only layer on uniform8 */
                s.lo = 0;
                s.hi = hi;
                run_case(Arch::Uniform8, s, rng, batch);
                cases++;
            }
            s.lo = 2;
            s.hi = 8;
            s.layout = HQ_LAYOUT_DENSE;
            s.frac = 0;
            run_case(Arch::Uniform8, s, rng, batch);
            cases++;
            s.frac = 0.05;
            for (Arch a : {Arch::Split, Arch::LaneGroup}) {
                for (hq_layout_kind l : het)
                    for (int lo : {1, 2, 3}) {
                        if (l == HQ_LAYOUT_ESCAPE && lo < 2)
                            continue;
                        s.layout = l;
                        s.lo = lo;
                        s.hi = lo == 3 ? 4 : 8;
                        s.n = 2;
                        s.m = 16;
                        run_case(a, s, rng, batch);
                        cases++;
                    }
                s.lo = 0; /* a uniform int8 layer on a heterogeneous array */
                s.hi = 8;
                run_case(a, s, rng, batch);
                cases++;
            }
        }
    timing_formulas();
    std::printf("%d random layers checked against hq_ref_layer_acc and hq_ref_layer_acc_split\n", cases);
    return hqt::finish("test_accel_arrays");
}
