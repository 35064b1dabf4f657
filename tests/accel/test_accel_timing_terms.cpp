/* The timing terms the RTL accelerator has (issue 15, docs/accel.md "Timing model"):
 * row_params.cycles_per_row (the row-parameter phase lasts max(DMA, rows x cycles_per_row),
 * the excess counted as control), row_params.tail_cycles_per_row (and at least DMA + rows x
 * tail_cycles_per_row: the path takes the words as they arrive) and buffers.weight_store_beats (a
 * layer whose rows x beats exceed it streams its weights once per image, each image costing a
 * batch-1 layer's weight stream and compute). The 0 defaults keep the old timing. */
#include "accel_test.h"

#include <cmath>
#include <cstring>

using namespace hq::accel;
using hqt::Bench;
using hqt::LayerSpec;

namespace {

constexpr uint32_t DESC = 0x80000000, PARAMS = 0x80010000, WEIGHTS = 0x80100000, IN = 0x80400000,
                   OUT = 0x80800000;

/* A dense uniform8 layer of `rows` x `cols`, batch images, run once on b: its statistics. */
LayerStats run_layer(Bench &b, unsigned rows, unsigned cols, unsigned batch, size_t *img_bytes,
                     size_t *bad_outputs) {
    std::mt19937 rng(7); /* the same layer and inputs on every bench */
    LayerSpec s;
    s.in_c = (int)cols;
    s.out_c = (int)rows;
    s.lo = 0;
    s.layout = HQ_LAYOUT_DENSE;
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    std::vector<uint8_t> img = hqt::pack_layer(L, s);
    std::memcpy(b.at(WEIGHTS), img.data(), img.size());
    hqt::put_params(b, PARAMS, L);
    hq_accel_desc d = hqt::desc_for(L, s, IN, OUT, WEIGHTS, (uint32_t)img.size(), PARAMS, batch, 1);
    std::vector<uint8_t> in((size_t)batch * cols);
    for (auto &v : in)
        v = (uint8_t)(rng() % 256);
    std::memcpy(b.at(IN), in.data(), in.size());
    hqt::put_desc(b, DESC, d);
    CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "layer %u x %u batch %u", rows, cols, batch);
    /* outputs as the reference computes them */
    std::vector<int32_t> acc((size_t)batch * rows);
    hq_ref_layer_acc(&L, in.data(), (int)batch, acc.data());
    std::vector<uint8_t> want(acc.size());
    hq_ref_requant(L.q, L.rows, acc.data(), batch, want.data());
    *bad_outputs = 0;
    for (size_t i = 0; i < want.size(); i++)
        *bad_outputs += b.at(OUT)[i] != want[i];
    *img_bytes = img.size();
    hqt::free_layer(&L);
    return b.accel.layers().back();
}

AccelConfig config(double cycles_per_row, uint32_t store_beats) {
    AccelConfig c;
    c.arch = Arch::Uniform8;
    c.param_cycles_per_row = cycles_per_row;
    c.weight_store_beats = store_beats;
    return c;
}

} // namespace

int sc_main(int, char **) {
    const AccelConfig defaults;
    CHECK(defaults.param_cycles_per_row == 0 && defaults.weight_store_beats == 0 &&
              defaults.param_tail_cycles_per_row == 0,
          "default.json keeps the old timing: cycles_per_row %g, tail %g, weight_store_beats %u",
          defaults.param_cycles_per_row, defaults.param_tail_cycles_per_row,
          defaults.weight_store_beats);
    /* 40 rows of K = 128 (2 beats of 64 lanes): 80 weight beats */
    const unsigned rows = 40, cols = 128, beats = rows * 2;
    Bench p0("p0", config(0, 0)), p3("p3", config(3, 0)), p25("p25", config(2.5, 0));
    Bench slow0("slow0", config(0, 0)), slow1("slow1", config(1, 0));
    AccelConfig tail = config(1, 0);
    tail.param_tail_cycles_per_row = 1.5;
    Bench slow_tail("slow_tail", tail);
    Bench s0("s0", config(0, 0)), fit("fit", config(0, beats)), over("over", config(0, beats - 1));
    Bench over1("over1", config(0, beats - 1));
    Bench slow_fit("slow_fit", config(0, beats)), slow_over("slow_over", config(0, beats - 1));
    for (Bench *b : {&slow0, &slow1, &slow_tail, &slow_fit, &slow_over}) {
        b->mem.bytes_per_ns = 1.0; /* 5 bytes per 5 ns cycle: 2.4 cycles per 12-byte row */
        b->mem.fixed_ns = 20;
    }
    sc_core::sc_spawn([&] {
        size_t img = 0, bad = 0;
        /* row parameters, memory without delay: rows x cycles_per_row more control cycles */
        const LayerStats a = run_layer(p0, rows, cols, 1, &img, &bad);
        const LayerStats b3 = run_layer(p3, rows, cols, 1, &img, &bad);
        CHECK(bad == 0, "outputs with cycles_per_row 3: %zu bytes differ", bad);
        const LayerStats b25 = run_layer(p25, rows, cols, 1, &img, &bad);
        CHECK(b3.control == a.control + rows * 3, "control %llu, want %llu + 40 x 3",
              (unsigned long long)b3.control, (unsigned long long)a.control);
        CHECK(b3.cycles == a.cycles + rows * 3, "cycles %llu, want %llu + 120",
              (unsigned long long)b3.cycles, (unsigned long long)a.cycles);
        CHECK(b3.stall_dram == a.stall_dram, "dram stall %llu vs %llu",
              (unsigned long long)b3.stall_dram, (unsigned long long)a.stall_dram);
        CHECK(b25.control == a.control + (uint64_t)std::ceil(rows * 2.5), "control %llu (2.5/row)",
              (unsigned long long)b25.control);
        /* a DMA slower than the path (2.4 cycles per row against 1) hides it */
        const LayerStats s_0 = run_layer(slow0, rows, cols, 1, &img, &bad);
        const LayerStats s_1 = run_layer(slow1, rows, cols, 1, &img, &bad);
        CHECK(s_1.cycles == s_0.cycles && s_1.control == s_0.control,
              "slow DMA: cycles %llu vs %llu, control %llu vs %llu", (unsigned long long)s_1.cycles,
              (unsigned long long)s_0.cycles, (unsigned long long)s_1.control,
              (unsigned long long)s_0.control);
        /* ... but not its tail: 40 rows x 1.5 cycles after the DMA's last byte, as control */
        const LayerStats s_t = run_layer(slow_tail, rows, cols, 1, &img, &bad);
        CHECK(bad == 0, "outputs with tail_cycles_per_row 1.5: %zu bytes differ", bad);
        CHECK(s_t.cycles == s_0.cycles + 60 && s_t.control == s_0.control + 60 &&
                  s_t.stall_dram == s_0.stall_dram,
              "tail 1.5: cycles %llu (want %llu + 60), control %llu (want %llu + 60), dram stall "
              "%llu vs %llu",
              (unsigned long long)s_t.cycles, (unsigned long long)s_0.cycles,
              (unsigned long long)s_t.control, (unsigned long long)s_0.control,
              (unsigned long long)s_t.stall_dram, (unsigned long long)s_0.stall_dram);

        /* weight store: 80 beats fit a store of 80, not one of 79 */
        const unsigned batch = 3;
        const LayerStats w0 = run_layer(s0, rows, cols, batch, &img, &bad);
        const LayerStats wf = run_layer(fit, rows, cols, batch, &img, &bad);
        const LayerStats wo = run_layer(over, rows, cols, batch, &img, &bad);
        CHECK(bad == 0, "outputs past the weight store: %zu bytes differ", bad);
        const LayerStats wo1 = run_layer(over1, rows, cols, 1, &img, &bad);
        CHECK(w0.weight_bytes == img && wf.weight_bytes == img,
              "weights once per batch: %llu, %llu bytes, image %zu",
              (unsigned long long)w0.weight_bytes, (unsigned long long)wf.weight_bytes, img);
        CHECK(wf.cycles == w0.cycles, "a layer that fits: %llu cycles vs %llu",
              (unsigned long long)wf.cycles, (unsigned long long)w0.cycles);
        CHECK(wo.weight_bytes == batch * img, "past the store: %llu weight bytes, want 3 x %zu",
              (unsigned long long)wo.weight_bytes, img);
        CHECK(wo.dram_read == w0.dram_read + (batch - 1) * img, "dram read %llu vs %llu",
              (unsigned long long)wo.dram_read, (unsigned long long)w0.dram_read);
        CHECK(wo.compute == batch * wo1.compute && wo.stall_outlier == batch * wo1.stall_outlier,
              "past the store: compute %llu, want 3 x the batch-1 layer's %llu",
              (unsigned long long)wo.compute, (unsigned long long)wo1.compute);
        CHECK(wo.compute > w0.compute, "per-image passes cost more compute: %llu vs %llu",
              (unsigned long long)wo.compute, (unsigned long long)w0.compute);
        /* on a slow memory each image waits for its own weight stream */
        const LayerStats sf = run_layer(slow_fit, rows, cols, batch, &img, &bad);
        const LayerStats so = run_layer(slow_over, rows, cols, batch, &img, &bad);
        const uint64_t stream_cycles = (uint64_t)(img / 5); /* 5 bytes per cycle */
        CHECK(so.cycles >= sf.cycles + (batch - 1) * stream_cycles,
              "slow memory: %llu cycles past the store, %llu fitting, stream %llu",
              (unsigned long long)so.cycles, (unsigned long long)sf.cycles,
              (unsigned long long)stream_cycles);
        sc_core::sc_stop();
    });
    sc_core::sc_start();
    return hqt::finish("test_accel_timing_terms");
}
