/* Each PE array against the integer reference (sw/lib/reference.h) on random layers and
 * tiles: uniform8 on dense int8/int4 and low-only layers, split and lanegroup on every
 * heterogeneous layout; plus the per-tile outlier statistics and the timing formulas of
 * docs/accel.md on hand-built tiles. */
#include "accel_test.h"

#include "accel/im2col.h"
#include "accel/pe_array.h"
#include "accel/prepared_weights.h"

#include "pe_vectors.h"

#include <algorithm>

using namespace hq::accel;
using hqt::LayerSpec;

static void run_case(Arch arch, const LayerSpec &s, std::mt19937 &rng, int batch) {
    AccelConfig cfg;
    cfg.arch = arch;
    cfg.pe_tiles = 1 + rng() % 4;
    cfg.rows_per_tile = 1 + rng() % 5;
    cfg.lanes = 8 * (1 + rng() % 8);
    cfg.lane_group = 8;
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    std::vector<uint8_t> img = hqt::pack_layer(L, s);
    hq_accel_desc raw = hqt::desc_for(L, s, 0, 0, 0, (uint32_t)img.size(), 0, (unsigned)batch, 1);
    LayerDesc d;
    DescCheck chk = check_descriptor(raw, cfg, &d);
    CHECK(chk.code == 0, "descriptor: %s", chk.message.c_str());
    WeightFormat f{raw.layout,  raw.rows,    raw.cols,   raw.lo_bits,
                   raw.hi_bits, raw.block_n, raw.block_m};
    DecodedWeights dw;
    std::string err = decode_weights(f, img.data(), img.size(), &dw);
    CHECK(err.empty(), "decode: %s", err.c_str());
    auto pe = make_pe_array(cfg);
    PreparedWeights w;
    prepare_weights(dw, *pe, &w);

    std::vector<uint8_t> in((size_t)batch * d.in_bytes);
    for (auto &v : in)
        v = (uint8_t)(rng() % 4 ? rng() % 256 : 0);
    std::vector<uint8_t> ops;
    im2col_operands(d, in.data(), w.kp, &ops);
    const size_t n_vec = (size_t)batch * d.conv_h * d.conv_w;
    std::vector<int32_t> ref(n_vec * L.rows), split(n_vec * L.rows);
    hq_ref_layer_acc(&L, in.data(), batch, ref.data());
    hq_ref_layer_acc_split(&L, in.data(), batch, split.data());
    size_t bad = 0;
    for (unsigned r0 = 0; r0 < (unsigned)L.rows; r0 += cfg.tile_rows()) {
        unsigned nr = std::min<unsigned>(cfg.tile_rows(), L.rows - r0);
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
          cfg.tile_rows(), cfg.lanes, bad, n_vec * L.rows);
    hqt::free_layer(&L);
}

static void timing_formulas() {
    AccelConfig cfg;
    cfg.pe_tiles = 2;
    cfg.rows_per_tile = 2;
    cfg.lanes = 16;
    cfg.lane_group = 4;
    cfg.hi_macs = 2;
    cfg.tile_overhead = 2;
    cfg.pipeline_latency = 8;
    /* A 4 x 40 layer (3 beats of 16): row 1 has three outliers in columns 4..7 (one lane
     * group of beat 0), row 3 one outlier in column 33; everything else low. */
    DecodedWeights d;
    d.rows = 4;
    d.cols = 40;
    d.lo_bits = 2;
    d.stride = 40;
    d.w.assign(160, 1 << 2); /* low code 1 << lo_shift 2 */
    d.high_words.assign((160 + 63) / 64, 0);
    d.lo_shift.assign(4, 2);
    for (unsigned c : {4u, 5u, 7u})
        d.set_high(1, c, 50);
    d.set_high(3, 33, 0);
    d.n_hi = 4;
    const uint64_t n = 100;
    struct Want {
        Arch arch;
        uint32_t cost[4];
    };
    /* uniform8: 3 beats per row; lanegroup: +2 for row 1 (a group of 3); split: row 1's
     * beat 0 holds 3 outliers on 2 high MACs: 2 cycles. */
    for (Want want : {Want{Arch::Uniform8, {3, 3, 3, 3}}, Want{Arch::LaneGroup, {3, 5, 3, 3}},
                      Want{Arch::Split, {3, 4, 3, 3}}}) {
        cfg.arch = want.arch;
        auto pe = make_pe_array(cfg);
        PreparedWeights w;
        prepare_weights(d, *pe, &w);
        CHECK(w.nbeats == 3, "beats %u", w.nbeats);
        for (int r = 0; r < 4; r++)
            CHECK(w.row_cost[r] == want.cost[r], "%s row %d cost %u, want %u", arch_name(want.arch),
                  r, w.row_cost[r], want.cost[r]);
        /* Rows 0,2 on PE tile 0 and 1,3 on tile 1: period = 3 + max(S_0, S_1) + 2, and
         * 8 - 2 more cycles after the last vector. */
        TileCycles tc = pe->row_tile_cycles(w, 0, 4, n);
        uint64_t s1 = want.cost[1] + want.cost[3];
        CHECK(tc.compute == n * (3 + 6 + 2) + 6 && tc.outlier_stall == n * (s1 - 6),
              "%s: compute %llu stall %llu", arch_name(want.arch), (unsigned long long)tc.compute,
              (unsigned long long)tc.outlier_stall);
    }
}

/* lanegroup on a layer of lo-bit codes: a beat takes max(D, 1 + max(0, h - 1)) tile cycles, h
 * the high weights of its busiest group, D = 1 for lo 1, 2 and lo - 1 for lo 3, 4 (the digits of
 * hq_beat_split.v, docs/accel.md). One row of two beats: beat 0 holds h high weights in one
 * group, beat 1 none. */
static void lanegroup_digits() {
    AccelConfig cfg;
    cfg.arch = Arch::LaneGroup;
    cfg.pe_tiles = 1;
    cfg.lanes = 16;
    cfg.lane_group = 8;
    auto pe = make_pe_array(cfg);
    for (unsigned lo = 1; lo <= 4; lo++) {
        const unsigned D = lo >= 3 ? lo - 1 : 1;
        for (unsigned h : {0u, 1u, 2u, D, D + 1}) {
            DecodedWeights d;
            d.rows = 1;
            d.cols = 32;
            d.lo_bits = lo;
            d.stride = 32;
            d.w.assign(32, 1);
            d.high_words.assign(1, 0);
            d.lo_shift.assign(1, 0);
            for (unsigned i = 0; i < h; i++)
                d.set_high(0, i, 50);
            d.n_hi = h;
            PreparedWeights w;
            prepare_weights(d, *pe, &w);
            const uint32_t want = std::max(D, 1 + (h > 1 ? h - 1 : 0)) + D;
            CHECK(w.row_cost[0] == want,
                  "lanegroup lo %u, %u high weights in a group: row cost %u, want %u", lo, h,
                  w.row_cost[0], want);
            /* the digit cycles are compute (low weights), only the high weights' are stall */
            TileCycles tc = pe->row_tile_cycles(w, 0, 1, 1);
            CHECK(tc.outlier_stall == want - 2 * D,
                  "lanegroup lo %u, h %u: outlier stall %llu, want %u", lo, h,
                  (unsigned long long)tc.outlier_stall, want - 2 * D);
        }
    }
}

/* The lanegroup and uniform8 row costs against the RTL bench's implementation of the
 * docs/pe-array.md formula (model/rtl_bridge/pe_vectors.c) on its own random tiles. */
static void rtl_formula() {
    pe_rng rng{2024};
    int tiles = 0;
    for (int uniform : {0, 1})
        for (int cfgi = 0; cfgi < 3; cfgi++) {
            pe_cfg pc{
                uniform, 64, cfgi == 0 ? 16 : 32, 32, cfgi == 2 ? 4 : 2, cfgi == 1 ? 1 : 2, 8, 16,
                0,       0};
            if (cfgi == 1) pc.lanes = 32, pc.g = 16, pc.nb_max = 8;
            AccelConfig cfg;
            cfg.arch = uniform ? Arch::Uniform8 : Arch::LaneGroup;
            cfg.pe_tiles = 1;
            cfg.lanes = (unsigned)pc.lanes;
            cfg.lane_group = (unsigned)pc.g;
            auto pe = make_pe_array(cfg);
            for (int i = 0; i < 40; i++) {
                pe_tile t;
                char err[200];
                if (pe_tile_random(&pc, &rng, 12, &t, err, sizeof err)) {
                    CHECK(false, "pe_tile_random: %s", err);
                    return;
                }
                /* lo 0 (the tile's own codes) and, on lanegroup, every code width behind the
                 * accelerator's weight path (pe_accel_busy_cycles) */
                for (int lo = 0; lo <= (uniform ? 0 : 4); lo++) {
                    long model = 0;
                    for (int r = 0; r < t.rows; r++) {
                        std::vector<uint8_t> hi(t.k, 0);
                        if (!uniform)
                            std::copy(t.is_hi + (size_t)r * t.k, t.is_hi + (size_t)(r + 1) * t.k,
                                      hi.begin());
                        model += pe->row_cost(hi.data(), (unsigned)t.k,
                                              lo        ? (unsigned)lo
                                              : uniform ? 0
                                                        : (unsigned)pc.lo);
                    }
                    long rtl =
                        lo ? pe_accel_busy_cycles(&pc, &t, lo) : pe_tile_busy_cycles(&pc, &t);
                    CHECK(model == rtl && pe->beats((unsigned)t.k) == (unsigned)t.nbeats,
                          "%s tile %d (k %d, rows %d, lo %d): model S %ld, RTL formula %ld",
                          uniform ? "uniform8" : "lanegroup", i, t.k, t.rows, lo, model, rtl);
                }
                /* Whole-tile timing with every row on one PE tile: one vector takes the RTL's
                 * latency, each further vector its period. */
                DecodedWeights dw;
                dw.rows = (unsigned)t.rows;
                dw.cols = (unsigned)t.k;
                dw.lo_bits = uniform ? 0 : (unsigned)pc.lo;
                dw.stride = (unsigned)t.k;
                dw.w.assign((size_t)t.rows * t.k, 0);
                if (!uniform) {
                    dw.high_words.assign(((size_t)t.rows * t.k + 63) / 64, 0);
                    for (int r = 0; r < t.rows; r++)
                        for (int c = 0; c < t.k; c++)
                            dw.set_high((unsigned)r, (unsigned)c, 0,
                                        t.is_hi[(size_t)r * t.k + c] != 0);
                }
                dw.lo_shift.assign((size_t)t.rows, 0);
                PreparedWeights pw;
                prepare_weights(dw, *pe, &pw);
                TileCycles one = pe->row_tile_cycles(pw, 0, (unsigned)t.rows, 1);
                TileCycles two = pe->row_tile_cycles(pw, 0, (unsigned)t.rows, 2);
                long lat = pe_tile_latency_cycles(&pc, &t), per = pe_tile_period_cycles(&pc, &t);
                CHECK((long)(one.compute + one.outlier_stall) == lat &&
                          (long)(two.compute + two.outlier_stall) == lat + per,
                      "tile %d: model %llu / %llu cycles for 1 / 2 vectors, RTL latency %ld period "
                      "%ld",
                      i, (unsigned long long)(one.compute + one.outlier_stall),
                      (unsigned long long)(two.compute + two.outlier_stall), lat, per);
                pe_tile_free(&t);
                tiles++;
            }
        }
    std::printf("%d RTL bench tiles: busy cycles equal the model's\n", tiles);
}

int sc_main(int, char **) {
    std::mt19937 rng(777);
    const hq_layout_kind het[] = {HQ_LAYOUT_COO, HQ_LAYOUT_BLOCK, HQ_LAYOUT_ROWGROUP,
                                  HQ_LAYOUT_ESCAPE};
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
                        if (l == HQ_LAYOUT_ESCAPE && lo < 2) continue;
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
    lanegroup_digits();
    rtl_formula();
    std::printf("%d random layers checked against hq_ref_layer_acc and hq_ref_layer_acc_split\n",
                cases);
    return hqt::finish("test_accel_arrays");
}
