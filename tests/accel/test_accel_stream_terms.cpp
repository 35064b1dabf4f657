/* The RTL-sequence timing terms (issue 15, docs/accel.md "Streaming", stream.*): on a memory
 * without delay every term changes a layer's cycles by exactly what the rule says, so a term
 * the model ignores fails here; the streamed schedule's outputs equal the row-tile
 * schedule's; default.json keeps it off. */
#include "accel_test.h"

#include <cstring>

using namespace hq::accel;
using hqt::Bench;
using hqt::LayerSpec;

namespace {

constexpr uint32_t DESC = 0x80000000, PARAMS = 0x80010000, WEIGHTS = 0x80100000, IN = 0x80400000,
                   OUT = 0x80800000;

struct Case {
    LayerSpec s;
    unsigned batch = 3;
    int pool = 1;
};

struct Result {
    LayerStats st;
    std::vector<uint8_t> out;
    size_t img_bytes = 0;
};

/* The same layer and inputs on every bench (seeded): its statistics and output bytes. */
Result run_case(Bench &b, const Case &c) {
    std::mt19937 rng(11);
    hq_layer L;
    hqt::make_layer(c.s, rng, &L);
    std::vector<uint8_t> img = hqt::pack_layer(L, c.s);
    std::memcpy(b.at(WEIGHTS), img.data(), img.size());
    hqt::put_params(b, PARAMS, L);
    hq_accel_desc d =
        hqt::desc_for(L, c.s, IN, OUT, WEIGHTS, (uint32_t)img.size(), PARAMS, c.batch, c.pool);
    std::vector<uint8_t> in((size_t)c.batch * d.in_stride);
    for (auto &v : in)
        v = (uint8_t)(rng() % 256);
    std::memcpy(b.at(IN), in.data(), in.size());
    std::memset(b.at(OUT), 0xA5, (size_t)c.batch * d.out_stride);
    hqt::put_desc(b, DESC, d);
    Result r;
    const uint32_t status = b.run(DESC, 1);
    CHECK(status == HQ_ACCEL_STATUS_DONE, "%s: STATUS 0x%x (%s)", b.name(), status,
          b.accel.errors().empty() ? "" : b.accel.errors().back().c_str());
    r.out.assign(b.at(OUT), b.at(OUT) + (size_t)c.batch * d.out_stride);
    r.st = b.accel.layers().back();
    r.img_bytes = img.size();
    hqt::free_layer(&L);
    const LayerStats &s = r.st;
    CHECK(s.cycles ==
              s.compute + s.stall_outlier + s.stall_dram + s.stall_decoder + s.output + s.control,
          "%s: the cycle classes do not add up", b.name());
    return r;
}

/* The RTL's shape (one tile, one row per pass) with the stream sequence and every term 0. */
AccelConfig stream_config(Arch arch) {
    AccelConfig c;
    c.arch = arch;
    c.pe_tiles = c.rows_per_tile = 1;
    c.stream = true;
    c.stream_row_cycles = c.stream_int32_row_cycles = c.stream_image_cycles = 0;
    c.stream_position_cycles = 0;
    c.im2col_bytes_per_cycle = 1;
    return c;
}

unsigned long long ull(uint64_t v) {
    return (unsigned long long)v;
}

} // namespace

int sc_main(int, char **) {
    const AccelConfig defaults;
    CHECK(!defaults.stream, "default.json keeps the row-tile schedule (stream.enabled false)");

    /* dense uniform8, 40 rows of K = 128 (2 beats), batch 3; logits 10 x 128; a conv of 36
     * positions, K = 27 (one beat), 8 rows */
    Case dense, logits, conv;
    dense.s.in_c = 128, dense.s.out_c = 40, dense.s.lo = 0, dense.s.layout = HQ_LAYOUT_DENSE;
    logits = dense;
    logits.s.out_c = 10, logits.s.relu = false;
    conv = dense;
    conv.s.kind = HQ_LAYER_CONV, conv.s.in_h = conv.s.in_w = 6, conv.s.in_c = 3, conv.s.out_c = 8;
    const uint64_t B = 3, R = 40, NB = 2, RL = 10, P = 36, RC = 8, K = 27;

    auto cfg = [](void (*set)(AccelConfig &)) {
        AccelConfig c = stream_config(Arch::Uniform8);
        if (set) set(c);
        return c;
    };
    Bench base("base", cfg(nullptr));
    Bench rowc("rowc", cfg([](AccelConfig &c) { c.stream_row_cycles = 2; }));
    Bench imgc("imgc", cfg([](AccelConfig &c) { c.stream_image_cycles = 7; }));
    Bench fetch("fetch", cfg([](AccelConfig &c) { c.desc_fetch_cycles += 22; }));
    Bench i32("i32", cfg([](AccelConfig &c) { c.stream_int32_row_cycles = 5; }));
    Bench posc("posc", cfg([](AccelConfig &c) { c.stream_position_cycles = 30; }));
    Bench fast("fast", cfg([](AccelConfig &c) { c.im2col_bytes_per_cycle = 27; }));
    Bench xfer("xfer", cfg([](AccelConfig &c) { c.stream_transfer_cycles = 5; }));
    Bench tail("tail", cfg([](AccelConfig &c) { c.stream_transfer_tail_cycles = 4; }));
    Bench words("words", cfg([](AccelConfig &c) { c.stream_word_tail_cycles_per_byte = 0.5; }));
    Bench vecc("vecc", cfg([](AccelConfig &c) { c.stream_vector_cycles = 2.5; }));
    Bench wbyte("wbyte", cfg([](AccelConfig &c) { c.stream_write_byte_cycles = 0.5; }));
    Bench over("over", cfg([](AccelConfig &c) { c.weight_store_beats = 40 * 2 - 1; }));
    AccelConfig tiles;
    tiles.arch = Arch::Uniform8;
    Bench rowtile("rowtile", tiles);
    AccelConfig lg_cfg = stream_config(Arch::LaneGroup);
    lg_cfg.stream_row_cycles = 1;
    lg_cfg.stream_position_cycles = 3;
    Bench lg("lg", lg_cfg), lg_tiles("lg_tiles", AccelConfig{});

    sc_core::sc_spawn([&] {
        const AccelConfig &c0 = base.accel.config();
        const uint64_t lat = c0.pipeline_latency, f = c0.desc_fetch_cycles;
        /* the rule: descriptor + per image (rows x beats + the pipeline), nothing else */
        const Result a = run_case(base, dense);
        CHECK(a.st.cycles == f + B * (R * NB + lat),
              "dense: %llu cycles, want %llu + 3 x (80 + %llu)", ull(a.st.cycles), ull(f),
              ull(lat));
        CHECK(a.st.compute == B * R * NB, "dense: compute %llu, want 240", ull(a.st.compute));
        const Result r2 = run_case(rowc, dense);
        CHECK(r2.st.cycles == a.st.cycles + B * R * 2 && r2.st.control == a.st.control + B * R * 2,
              "row_cycles 2: %llu cycles (control %llu), want %llu + 3 x 40 x 2", ull(r2.st.cycles),
              ull(r2.st.control), ull(a.st.cycles));
        const Result i7 = run_case(imgc, dense);
        CHECK(i7.st.cycles == a.st.cycles + B * 7, "image_cycles 7: %llu cycles, want %llu + 21",
              ull(i7.st.cycles), ull(a.st.cycles));
        const Result f22 = run_case(fetch, dense);
        CHECK(f22.st.cycles == a.st.cycles + 22, "fetch_cycles + 22: %llu cycles, want %llu + 22",
              ull(f22.st.cycles), ull(a.st.cycles));
        /* transfers in the way: descriptor, header, row parameters, per image input and
         * output (lo 0: no lo_shift table; the weight stream's start hides behind its rows) */
        const Result x5 = run_case(xfer, dense);
        CHECK(x5.st.cycles == a.st.cycles + 5 * (3 + 2 * B) &&
                  x5.st.stall_dram == a.st.stall_dram + 5 * (3 + 2 * B),
              "transfer_cycles 5: %llu cycles, want %llu + 5 x 9 transfers", ull(x5.st.cycles),
              ull(a.st.cycles));
        /* and after each of them (the weight stream's end hides behind its rows) */
        const Result x4 = run_case(tail, dense);
        CHECK(x4.st.cycles == a.st.cycles + 4 * (3 + 2 * B) &&
                  x4.st.stall_dram == a.st.stall_dram + 4 * (3 + 2 * B),
              "transfer_tail_cycles 4: %llu cycles, want %llu + 4 x 9 transfers", ull(x4.st.cycles),
              ull(a.st.cycles));
        CHECK(x4.out == a.out, "transfer_tail_cycles changes the outputs");
        /* the control words after their reads: the 64-byte descriptor and the 16-byte weight
         * header (lo 0: no lo_shift table; no partial sums) at 0.5 cycles a byte */
        const Result wt = run_case(words, dense);
        CHECK(wt.st.cycles == a.st.cycles + (64 + 16) / 2 &&
                  wt.st.stall_dram == a.st.stall_dram + (64 + 16) / 2,
              "word_tail_cycles_per_byte 0.5: %llu cycles, want %llu + 40", ull(wt.st.cycles),
              ull(a.st.cycles));
        /* each image's 40 output bytes written at 0.5 cycles a byte: 20 cycles of DRAM stall */
        const Result w5 = run_case(wbyte, dense);
        CHECK(w5.st.cycles == a.st.cycles + B * 20 && w5.st.stall_dram == a.st.stall_dram + B * 20,
              "write_byte_cycles 0.5: %llu cycles (dram stall %llu), want %llu + 3 x 20",
              ull(w5.st.cycles), ull(w5.st.stall_dram), ull(a.st.cycles));
        CHECK(w5.out == a.out, "write_byte_cycles changes the outputs");
        CHECK(a.st.weight_bytes == a.img_bytes, "weights once: %llu bytes, image %zu",
              ull(a.st.weight_bytes), a.img_bytes);
        const Result o = run_case(over, dense);
        CHECK(o.st.weight_bytes == a.img_bytes + (B - 1) * (a.img_bytes - 16),
              "past the weight store: %llu weight bytes, want the image + 2 x its section",
              ull(o.st.weight_bytes));
        const Result t = run_case(rowtile, dense);
        CHECK(t.out == a.out, "dense: streamed outputs differ from the row-tile schedule's");
        CHECK(t.st.cycles != a.st.cycles, "the row-tile schedule is another timing");

        /* int32 rows: each at least int32_row_cycles (5 against 2 beats: 3 more per row) */
        const Result l0 = run_case(base, logits);
        CHECK(l0.st.cycles == f + B * (RL * NB + lat), "logits: %llu cycles", ull(l0.st.cycles));
        const Result l5 = run_case(i32, logits);
        CHECK(l5.st.cycles == l0.st.cycles + B * RL * 3,
              "int32_row_cycles 5: %llu cycles, want %llu + 3 x 10 x 3", ull(l5.st.cycles),
              ull(l0.st.cycles));
        const Result d5 = run_case(i32, dense);
        CHECK(d5.st.cycles == a.st.cycles, "int32_row_cycles leaves uint8 rows alone");
        CHECK(run_case(rowtile, logits).out == l0.out, "logits: streamed outputs differ");

        /* conv: per position max(rows + position_cycles, K / im2col rate), + the first vector */
        const Result c0r = run_case(base, conv);
        CHECK(c0r.st.cycles == f + B * (P * K + K + lat),
              "conv: %llu cycles, want %llu + 3 x (36 x 27 + 27 + %llu)", ull(c0r.st.cycles),
              ull(f), ull(lat));
        const Result c30 = run_case(posc, conv);
        CHECK(c30.st.cycles == f + B * (P * (RC + 30) + K + lat),
              "position_cycles 30: %llu cycles, want %llu + 3 x (36 x 38 + 27 + %llu)",
              ull(c30.st.cycles), ull(f), ull(lat));
        /* 29.5 cycles per vector, the fractions carried: floor(37 x 29.5) = 1091 per image */
        const Result cv = run_case(vecc, conv);
        CHECK(cv.st.cycles == f + B * (1091 + lat),
              "vector_cycles 2.5: %llu cycles, want %llu + 3 x (1091 + %llu)", ull(cv.st.cycles),
              ull(f), ull(lat));
        const Result cf = run_case(fast, conv);
        CHECK(cf.st.cycles == f + B * (P * RC + 1 + lat),
              "im2col 27 bytes per cycle: %llu cycles, want %llu + 3 x (36 x 8 + 1 + %llu)",
              ull(cf.st.cycles), ull(f), ull(lat));
        CHECK(run_case(rowtile, conv).out == c0r.out, "conv: streamed outputs differ");

        /* the lane-group array with block weights and a fused pool: the same outputs */
        Case bconv = conv;
        bconv.s.lo = 2, bconv.s.layout = HQ_LAYOUT_BLOCK, bconv.s.n = 1, bconv.s.m = 16;
        bconv.pool = 2;
        Case blogits = logits;
        blogits.s.lo = 2, blogits.s.layout = HQ_LAYOUT_BLOCK, blogits.s.n = 1, blogits.s.m = 16;
        for (const Case *k : {&bconv, &blogits}) {
            const Result s = run_case(lg, *k), m = run_case(lg_tiles, *k);
            CHECK(s.out == m.out, "lanegroup block: streamed outputs differ");
            /* header, lo_shift table (rows rounded to 4) and the section: not the table's
             * padding to 16 bytes, which the RTL does not read */
            const uint64_t rows = (uint64_t)k->s.out_c, table = (rows + 3) & ~3ull;
            const uint64_t gap = ((rows + 16 + 15) & ~15ull) - 16 - table;
            CHECK(s.st.weight_bytes == s.img_bytes - gap,
                  "lanegroup block: weight bytes %llu, image %zu - padding %llu",
                  ull(s.st.weight_bytes), s.img_bytes, ull(gap));
        }
        sc_core::sc_stop();
    });
    sc_core::sc_start();
    return hqt::finish("test_accel_stream_terms");
}
