/* Whole layers through the accelerator (registers -> descriptor -> DMA -> decompressor ->
 * PE array -> output unit -> DMA) against the integer reference, for every array and the
 * layouts it takes; the uniform8 compute cycles against the analytical count with DRAM
 * unconstrained; the cycle breakdown; the decoded-weight cache; and the error paths. */
#include "layer_test.h"

#include <cstring>
#include <sys/resource.h>

using namespace hq::accel;
using hqt::Bench;
using hqt::LayerSpec;
using namespace hqt::layer_map;

namespace {

struct Prepared {
    hq_layer L;
    LayerSpec s;
    std::vector<uint8_t> img;
    hq_accel_desc d;
    std::vector<uint8_t> in;
};

/* Loads layer + inputs into memory and writes the descriptor. */
Prepared setup(Bench &b, const LayerSpec &s, std::mt19937 &rng, unsigned batch, int pool,
               uint32_t in_gap = 0) {
    Prepared p;
    p.s = s;
    hqt::make_layer(s, rng, &p.L);
    p.img = hqt::pack_layer(p.L, s);
    std::memcpy(b.at(WEIGHTS), p.img.data(), p.img.size());
    hqt::put_params(b, PARAMS, p.L);
    p.d = hqt::desc_for(p.L, s, IN, OUT, WEIGHTS, (uint32_t)p.img.size(), PARAMS, batch, pool);
    p.d.in_stride += in_gap; /* strided images: one DMA per image */
    const uint32_t per = (uint32_t)(p.L.in.h * p.L.in.w * p.L.in.c);
    p.in.resize((size_t)batch * per);
    for (auto &v : p.in)
        v = (uint8_t)(rng() % 3 ? rng() % 256 : 0);
    for (unsigned i = 0; i < batch; i++)
        std::memcpy(b.at(IN + i * p.d.in_stride), p.in.data() + (size_t)i * per, per);
    hqt::put_desc(b, DESC, p.d);
    return p;
}

/* Reference outputs of the layer (requantized, pooled) as bytes, as the accelerator writes them. */
std::vector<uint8_t> reference(const Prepared &p, unsigned batch, int pool) {
    const hq_layer &L = p.L;
    const size_t positions = (size_t)L.out.h * L.out.w;
    std::vector<int32_t> acc(batch * positions * L.rows);
    hq_ref_layer_acc(&L, p.in.data(), (int)batch, acc.data());
    if (!L.relu) {
        std::vector<uint8_t> out(acc.size() * 4);
        std::memcpy(out.data(), acc.data(), out.size()); /* little-endian host */
        return out;
    }
    std::vector<uint8_t> act(acc.size());
    hq_ref_requant(L.q, L.rows, acc.data(), batch * positions, act.data());
    if (pool <= 1) return act;
    hq_layer mp{};
    mp.kind = HQ_LAYER_MAXPOOL;
    mp.in = L.out;
    mp.k = pool;
    mp.stride = pool;
    mp.out = {L.out.c, L.out.h / pool, L.out.w / pool};
    std::vector<uint8_t> out((size_t)batch * mp.out.h * mp.out.w * mp.out.c);
    hq_ref_maxpool_u8(&mp, act.data(), (int)batch, out.data());
    return out;
}

bool outputs_match(Bench &b, const Prepared &p, unsigned batch, int pool, size_t *bad) {
    std::vector<uint8_t> want = reference(p, batch, pool);
    const size_t per = want.size() / batch;
    *bad = 0;
    for (unsigned i = 0; i < batch; i++)
        for (size_t j = 0; j < per; j++)
            *bad += b.at(OUT + i * p.d.out_stride)[j] != want[i * per + j];
    return *bad == 0;
}

const char *name_of(const LayerSpec &s) {
    return hq_layout_name(s.lo ? s.layout : HQ_LAYOUT_DENSE);
}

void functional(Bench &b, std::mt19937 &rng) {
    const Arch arch = b.accel.config().arch;
    std::vector<hq_layout_kind> layouts;
    if (arch == Arch::Uniform8)
        layouts = {HQ_LAYOUT_DENSE};
    else
        layouts = {HQ_LAYOUT_COO, HQ_LAYOUT_BLOCK, HQ_LAYOUT_ROWGROUP, HQ_LAYOUT_ESCAPE,
                   HQ_LAYOUT_DENSE};
    for (hq_layout_kind l : layouts)
        for (int variant = 0; variant < 3; variant++) {
            LayerSpec s;
            s.layout = l;
            s.lo = l == HQ_LAYOUT_DENSE ? 0 : 2;
            s.n = 2;
            s.m = 16;
            unsigned batch = 1 + variant;
            int pool = 1;
            if (variant == 0) { /* the classifier: int32 logits */
                s.in_c = 200;
                s.out_c = 10;
                s.relu = false;
            } else if (variant == 1) {
                s.in_c = 300;
                s.out_c = 37;
            } else { /* conv + fused 2x2 max-pool */
                s.kind = HQ_LAYER_CONV;
                s.in_h = s.in_w = 10;
                s.in_c = 3;
                s.out_c = 20;
                pool = 2;
            }
            Prepared p = setup(b, s, rng, batch, pool, variant == 1 ? 24 : 0);
            uint32_t st = b.run(DESC, 1);
            size_t bad = 0;
            CHECK(st == HQ_ACCEL_STATUS_DONE, "%s %s variant %d: STATUS 0x%x (%s)", arch_name(arch),
                  name_of(s), variant, st,
                  b.accel.errors().empty() ? "" : b.accel.errors().back().c_str());
            CHECK(outputs_match(b, p, batch, pool, &bad),
                  "%s %s variant %d: %zu output bytes differ", arch_name(arch), name_of(s), variant,
                  bad);
            const LayerStats &ls = b.accel.layers().back();
            CHECK(ls.cycles == ls.compute + ls.stall_outlier + ls.stall_dram + ls.stall_decoder +
                                   ls.output + ls.control,
                  "cycle breakdown does not add up");
            CHECK(ls.weight_bytes == p.img.size(), "weight bytes %llu vs image %zu",
                  (unsigned long long)ls.weight_bytes, p.img.size());
            CHECK(ls.macs == (uint64_t)p.L.rows * p.L.cols * batch * p.L.out.h * p.L.out.w, "MACs");
            CHECK(ls.energy_pj > 0, "energy");
            hqt::free_layer(&p.L);
        }
    /* A stand-alone max-pool. */
    hq_accel_desc d{};
    d.magic = HQ_ACCEL_DESC_MAGIC;
    d.op = HQ_ACCEL_OP_MAXPOOL;
    d.flags = HQ_ACCEL_FLAG_RELU;
    d.pool = 3;
    d.in_h = 7, d.in_w = 8, d.in_c = 5;
    d.out_h = 2, d.out_w = 2, d.out_c = 5;
    d.batch = 2;
    d.in_stride = 7 * 8 * 5;
    d.out_stride = 2 * 2 * 5;
    d.in_addr = IN;
    d.out_addr = OUT;
    hqt::put_desc(b, DESC, d);
    for (int i = 0; i < 2 * 7 * 8 * 5; i++)
        *b.at(IN + i) = (uint8_t)rng();
    hq_layer mp{};
    mp.kind = HQ_LAYER_MAXPOOL;
    mp.in = {5, 7, 8};
    mp.out = {5, 2, 2};
    mp.k = mp.stride = 3;
    std::vector<uint8_t> want(2 * 20);
    hq_ref_maxpool_u8(&mp, b.at(IN), 2, want.data());
    CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "maxpool");
    CHECK(std::memcmp(b.at(OUT), want.data(), want.size()) == 0, "maxpool output");
}

/* Batch 1 (one vector): the engine multiplies all rows in one call and hands each row tile its
 * slice; batch 2 of the same image twice goes tile by tile. Rows and columns on the tile's and
 * the 64-byte padding's boundaries: outputs equal the reference and the tiled path's, and the
 * cycles those of image 0 of the tiled run (the timing does not see the host's order). */
void batch1_rows(Bench &b, std::mt19937 &rng) {
    const Arch arch = b.accel.config().arch;
    const unsigned tr = b.accel.config().tile_rows();
    for (unsigned rows : {1u, tr - 1, tr, tr + 1, 2 * tr, 2 * tr + 1, 3 * tr})
        for (unsigned cols : {1u, 63u, 64u, 65u, 128u}) {
            if (rows == 0) continue;
            LayerSpec s;
            s.lo = arch == Arch::Uniform8 ? 0 : 2;
            s.layout = arch == Arch::Uniform8 ? HQ_LAYOUT_DENSE : HQ_LAYOUT_BLOCK;
            s.n = 2;
            s.m = 16;
            s.in_c = cols;
            s.out_c = rows;
            s.relu = rows % 2 == 1; /* int32 logits and requantized bytes */
            Prepared p = setup(b, s, rng, 1, 1);
            size_t bad = 0;
            CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "%s batch 1 %ux%u: STATUS",
                  arch_name(arch), rows, cols);
            CHECK(outputs_match(b, p, 1, 1, &bad), "%s batch 1 %ux%u: %zu output bytes differ",
                  arch_name(arch), rows, cols, bad);
            const size_t out = (size_t)rows * (s.relu ? 1 : 4);
            const std::vector<uint8_t> one(b.at(OUT), b.at(OUT) + out);
            /* the same image twice, tile by tile */
            hq_accel_desc d2 = p.d;
            d2.batch = 2;
            std::memcpy(b.at(IN + d2.in_stride), b.at(IN), cols);
            hqt::put_desc(b, DESC, d2);
            std::memset(b.at(OUT), 0, 2 * d2.out_stride);
            CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "%s batch 2 %ux%u: STATUS",
                  arch_name(arch), rows, cols);
            CHECK(std::memcmp(b.at(OUT), one.data(), out) == 0 &&
                      std::memcmp(b.at(OUT + d2.out_stride), one.data(), out) == 0,
                  "%s %ux%u: batch 1 and the tiled batch 2 differ", arch_name(arch), rows, cols);
            hqt::free_layer(&p.L);
        }
}

/* uniform8, DRAM unconstrained: per row tile, N vectors of period nbeats + S + 1 (S = the
 * busiest PE tile's rows x nbeats) plus the pipeline latency - 1 (docs/pe-array.md). */
void analytical(Bench &b, std::mt19937 &rng) {
    const AccelConfig &c = b.accel.config();
    LayerSpec s;
    s.kind = HQ_LAYER_CONV;
    s.in_h = s.in_w = 12;
    s.in_c = 10;  /* K = 90: two beats of 64 lanes */
    s.out_c = 40; /* row tiles of 16, 16, 8 rows on 4 PE tiles */
    s.lo = 0;
    const unsigned batch = 2;
    Prepared p = setup(b, s, rng, batch, 1);
    CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "analytical layer");
    const LayerStats &ls = b.accel.layers().back();
    const uint64_t N = batch * 12 * 12; /* pad 1, stride 1: 12 x 12 outputs per image */
    CHECK(c.lanes == 64 && c.pe_tiles == 4 && c.rows_per_tile == 4,
          "test assumes the default array");
    const uint64_t nb = 2, ov = c.tile_overhead, tail = c.pipeline_latency - c.tile_overhead;
    const uint64_t want = 2 * (N * (nb + 4 * nb + ov) + tail) + (N * (nb + 2 * nb + ov) + tail);
    CHECK(ls.compute == want, "compute %llu, analytical %llu", (unsigned long long)ls.compute,
          (unsigned long long)want);
    CHECK(ls.stall_dram == 0 && ls.stall_outlier == 0, "unconstrained DRAM: dram stall %llu",
          (unsigned long long)ls.stall_dram);
    hqt::free_layer(&p.L);
}

/* Slow memory: DRAM stalls appear and grow; single buffering is never faster. */
void dram_bound(Bench &b, std::mt19937 &rng, uint64_t *cycles_out) {
    LayerSpec s;
    s.in_c = 784;
    s.out_c = 128;
    s.lo = b.accel.config().arch == Arch::Uniform8 ? 0 : 2;
    s.layout = HQ_LAYOUT_BLOCK;
    s.n = 1;
    s.m = 16;
    b.mem.bytes_per_ns = 1.0; /* 1 GB/s */
    b.mem.fixed_ns = 50;
    Prepared p = setup(b, s, rng, 1, 1);
    CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "dram-bound layer");
    const LayerStats &ls = b.accel.layers().back();
    CHECK(ls.stall_dram > ls.compute,
          "batch-1 dense layer on 1 GB/s should be DRAM-bound: "
          "stall %llu compute %llu",
          (unsigned long long)ls.stall_dram, (unsigned long long)ls.compute);
    /* The weight stream alone takes bytes / (1 B/ns) = that many ns. */
    const double ns = ls.cycles * 1e9 / b.accel.config().clock_hz;
    CHECK(ns >= p.img.size(), "layer %.0f ns shorter than its weight transfer %zu ns", ns,
          p.img.size());
    *cycles_out = ls.cycles;
    size_t bad = 0;
    CHECK(outputs_match(b, p, 1, 1, &bad), "dram-bound outputs");
    /* DRAM energy: the per-byte table while the memory reports none; the memory's own command
     * energy of each transfer plus its background power over the layer when it does (as the
     * DRAM model does through DramEnergyExtension) */
    const uint64_t bytes = ls.dram_read + ls.dram_written;
    const EnergyTable e; /* the bench's default table */
    CHECK(std::fabs(ls.energy_dram_pj -
                    (bytes * e.dram_byte_pj +
                     std::ceil((double)bytes / e.dram_row_bytes) * e.dram_activate_pj)) < 1e-6,
          "per-byte DRAM energy %.3f pJ", ls.energy_dram_pj);
    b.mem.energy_per_transaction_nj = 2.5;
    b.mem.background_mw = 100;
    const uint64_t tx0 = b.mem.transactions;
    CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "dram-bound layer, DRAM energy");
    const LayerStats &le = b.accel.layers().back();
    const double expect = (double)(b.mem.transactions - tx0) * 2.5e3 +
                          100 * (double)le.cycles * b.accel.config().cycle_ps() * 1e-3;
    CHECK(std::fabs(le.energy_dram_pj - expect) < 1e-6 * expect,
          "DRAM model energy %.3f pJ, expected %.3f", le.energy_dram_pj, expect);
    b.mem.energy_per_transaction_nj = 0;
    b.mem.background_mw = 0;
    b.mem.bytes_per_ns = 0;
    b.mem.fixed_ns = 0;
    hqt::free_layer(&p.L);
}

void cache(Bench &b, std::mt19937 &rng) {
    LayerSpec s;
    s.in_c = 100;
    s.out_c = 20;
    s.lo = b.accel.config().arch == Arch::Uniform8 ? 0 : 2;
    s.layout = HQ_LAYOUT_ESCAPE;
    Prepared p = setup(b, s, rng, 1, 1);
    b.run(DESC, 1);
    b.run(DESC, 1);
    CHECK(b.accel.layers().back().cache_hit, "unchanged weights must hit the cache");
    /* New weights of the same shape at the same address: must be decoded again. */
    hqt::free_layer(&p.L);
    Prepared q = setup(b, s, rng, 1, 1);
    b.run(DESC, 1);
    size_t bad = 0;
    CHECK(!b.accel.layers().back().cache_hit, "changed weights must not hit the cache");
    CHECK(outputs_match(b, q, 1, 1, &bad), "outputs after a weight change: %zu bytes differ", bad);
    hqt::free_layer(&q.L);
}

/* hqsim run's report rows (issue 16): with sum_layers_into the accelerator keeps no
 * LayerStats per invocation but sums them per descriptor of the table, as accumulate() over
 * the invocations would; a descriptor outside the table is counted in layers_run only. */
void totals(Bench &b, std::mt19937 &rng) {
    LayerSpec s;
    s.in_c = 40;
    s.out_c = 12;
    s.lo = b.accel.config().arch == Arch::Uniform8 ? 0 : 2;
    s.layout = s.lo ? HQ_LAYOUT_BLOCK : HQ_LAYOUT_DENSE;
    Prepared p = setup(b, s, rng, 1, 1);
    std::vector<LayerStats> kept;
    for (int i = 0; i < 3; i++) {
        b.run(DESC, 1);
        kept.push_back(b.accel.layers().back());
    }
    LayerStats want = kept[0];
    want.index = 0;
    for (int i = 1; i < 3; i++)
        accumulate(want, kept[i]);
    const size_t n_kept = b.accel.layers().size();
    const uint64_t n_run = b.accel.layers_run();
    LayerTotals t(DESC, 1, HQ_ACCEL_DESC_BYTES);
    b.accel.sum_layers_into(&t);
    for (int i = 0; i < 3; i++)
        b.run(DESC, 1);
    LayerTotals other(DESC + HQ_ACCEL_DESC_BYTES, 1, HQ_ACCEL_DESC_BYTES); /* DESC outside */
    b.accel.sum_layers_into(&other);
    b.run(DESC, 1);
    b.accel.sum_layers_into(nullptr);
    CHECK(b.accel.layers().size() == n_kept, "%zu LayerStats kept while summing",
          b.accel.layers().size() - n_kept);
    CHECK(b.accel.layers_run() == n_run + 4, "layers_run %llu, want %llu",
          (unsigned long long)b.accel.layers_run(), (unsigned long long)(n_run + 4));
    const LayerTotals::Row &r = t.rows()[0];
    /* the same layer three times: the same counters (the cache hits; timing is unaffected) */
    CHECK(r.invocations == 3 && r.sum.index == 0 && r.sum.cycles == want.cycles &&
              r.sum.macs == want.macs && r.sum.dram_read == want.dram_read &&
              r.sum.energy_pj == want.energy_pj && r.sum.util_array == want.util_array,
          "summed row: %llu invocations, %llu cycles (want %llu), %.3f pJ (want %.3f)",
          (unsigned long long)r.invocations, (unsigned long long)r.sum.cycles,
          (unsigned long long)want.cycles, r.sum.energy_pj, want.energy_pj);
    CHECK(t.cycles == want.cycles && t.energy_pj == want.energy_pj &&
              t.dram_bytes == want.dram_read + want.dram_written &&
              t.weight_bytes == want.weight_bytes,
          "table totals: %llu cycles (want %llu)", (unsigned long long)t.cycles,
          (unsigned long long)want.cycles);
    CHECK(other.rows()[0].invocations == 0 && other.cycles == 0,
          "a descriptor outside the table was summed");
    hqt::free_layer(&p.L);
}

void errors(Bench &b, std::mt19937 &rng) {
    const Arch arch = b.accel.config().arch;
    LayerSpec s;
    s.in_c = 64;
    s.out_c = 16;
    s.lo = arch == Arch::Uniform8 ? 0 : 2;
    Prepared p = setup(b, s, rng, 1, 1);
    CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "baseline");
    hq_accel_desc d = p.d;
    auto expect = [&](const hq_accel_desc &bad, unsigned want, const char *what) {
        hqt::put_desc(b, DESC, bad);
        uint32_t st = b.run(DESC, 1);
        CHECK((st & HQ_ACCEL_STATUS_ERROR) && hqt::err_code(st) == want && b.irq.read(),
              "%s: STATUS 0x%x, want error %u", what, st, want);
    };
    hq_accel_desc e = d;
    e.weight_addr = 0x70000000;
    expect(e, HQ_ACCEL_ERR_BAD_ADDR, "weights outside memory");
    e = d;
    e.in_addr = 0x90000000;
    expect(e, HQ_ACCEL_ERR_BAD_ADDR, "inputs outside memory");
    e = d;
    e.out_addr = 0x80FFFFF8;
    expect(e, HQ_ACCEL_ERR_BAD_ADDR, "outputs past the end of memory");
    e = d;
    e.layout = arch == Arch::Uniform8 ? HQ_ACCEL_LAYOUT_BLOCK : 9;
    expect(e, arch == Arch::Uniform8 ? HQ_ACCEL_ERR_LAYOUT : HQ_ACCEL_ERR_BAD_DESC, "layout");
    e = d;
    e.batch = 5000;
    e.in_stride = 64, e.out_stride = 16;
    expect(e, HQ_ACCEL_ERR_BUF_OVERFLOW, "batch larger than the activation buffer");
    e = d;
    e.cols = 65;
    expect(e, HQ_ACCEL_ERR_BAD_SHAPE, "COLS != input size");
    e = d;
    e.weight_bytes += 16;
    expect(e, HQ_ACCEL_ERR_WEIGHTS, "WEIGHT_BYTES disagrees with the image");
    e = d;
    e.magic ^= 1;
    expect(e, HQ_ACCEL_ERR_BAD_DESC, "magic");
    /* Issue 20: firmware writes WEIGHT_BYTES; a claim of almost 4 GiB past the end of memory is
     * a bad address, found without the model allocating the claimed size first. */
    e = d;
    e.weight_bytes = 0xFFFFFFF0u;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const long peak_before = ru.ru_maxrss;
    expect(e, HQ_ACCEL_ERR_BAD_ADDR, "WEIGHT_BYTES of almost 4 GiB");
    getrusage(RUSAGE_SELF, &ru);
    CHECK(ru.ru_maxrss - peak_before < 256 * 1024, "peak RSS grew by %ld KiB",
          ru.ru_maxrss - peak_before);
    /* Corrupt the image: header version byte. */
    uint8_t saved = *b.at(WEIGHTS + 10);
    *b.at(WEIGHTS + 10) = 99;
    expect(d, HQ_ACCEL_ERR_WEIGHTS, "corrupted image header");
    *b.at(WEIGHTS + 10) = saved;
    /* rq_shift out of range in the row parameters. */
    *b.at(PARAMS + 8) = 63;
    expect(d, HQ_ACCEL_ERR_BAD_DESC, "rq_shift 63");
    hqt::put_params(b, PARAMS, p.L);
    /* The second descriptor of a command fails: ERR_DESC names it, the first completed. */
    hqt::put_desc(b, DESC, d);
    e = d;
    e.op = 9;
    hqt::put_desc(b, DESC + 64, e);
    uint32_t st = b.run(DESC, 2);
    CHECK(hqt::err_code(st) == HQ_ACCEL_ERR_BAD_DESC && b.rd(HQ_ACCEL_REG_ERR_DESC) == 1,
          "second descriptor: STATUS 0x%x ERR_DESC %u", st, b.rd(HQ_ACCEL_REG_ERR_DESC));
    hqt::put_desc(b, DESC, d);
    CHECK(b.run(DESC, 1) == HQ_ACCEL_STATUS_DONE, "recovers after errors");
    hqt::free_layer(&p.L);
}

} // namespace

int sc_main(int argc, char **argv) {
    Arch arch;
    if (!hqt::arch_arg(argc, argv, &arch)) return 2;
    AccelConfig cfg;
    cfg.arch = arch;
    cfg.dec_weights_per_cycle.fill(1e3);
    Bench b("bench", cfg);
    AccelConfig single = cfg;
    single.double_buffer = false;
    Bench b1("bench_single", single);
    uint64_t cyc_double = 0, cyc_single = 0;
    sc_core::sc_spawn([&] {
        std::mt19937 rng(4242);
        functional(b, rng);
        batch1_rows(b, rng);
        if (arch == Arch::Uniform8) analytical(b, rng);
        std::mt19937 r1(99), r2(99);
        dram_bound(b, r1, &cyc_double);
        dram_bound(b1, r2, &cyc_single);
        CHECK(cyc_single >= cyc_double, "single buffering %llu faster than double %llu",
              (unsigned long long)cyc_single, (unsigned long long)cyc_double);
        cache(b, rng);
        totals(b, rng);
        errors(b, rng);
        sc_core::sc_stop();
    });
    sc_core::sc_start();
    std::printf("%s: %zu layers run, double/single-buffered DRAM-bound layer %llu/%llu cycles\n",
                arch_name(arch), b.accel.layers().size(), (unsigned long long)cyc_double,
                (unsigned long long)cyc_single);
    return hqt::finish("test_accel_layers");
}
