// Verilator bench of the whole accelerator (rtl/accel/hq_accel.v, docs/rtl-accel.md). The host
// side does what the firmware does (sw/fw/accel: accel_driver.c, accel_runtime.c) on a DRAM
// image built by the model's builder (sw/app/dram_image.cpp) from a quantized model:
// per batch it points the first descriptor at the batch's images and the last at its logits,
// sets the batch size, runs every layer as one command (DESC_ADDR, DESC_COUNT, CTRL.START,
// wait for the interrupt, acknowledge IRQ_STATUS, read STATUS), and compares every image's
// logits with the C reference (hq_ref_infer). An AXI memory model (tb/accel/axi_mem.h) serves
// the master, an AXI protocol checker (tb/accel/axi_checker.h) watches it. --errors runs the
// error programs instead: each must end in STATUS.ERROR with the model's code and the error
// interrupt, never a hang.
#include ACCEL_VHEADER
#include "axi_checker.h"
#include "axi_mem.h"
#include "pe_vectors.h"

extern "C" {
#include "container.h"
#include "dataset.h"
#include "hq_model.h"
#include "layout/layout.h"
#include "measure.h"
#include "reference.h"
}
#include "accel/descriptor.h"
#include "accel/im2col.h"
#include "accel/output_unit.h"
#include "hq_arith.h"
#include "dram_image.h"
#include "hq_accel_regmap.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <cerrno>
#include <exception>
#include <functional>
#include <memory>
#include <map>
#include <string>
#include <vector>

// The PE tile configuration of rtl/configs.json (its pe_cfg from the generated pe_configs.h),
// with the activation buffer the accelerator's build gives the tile (ACCEL_NB_MAX).
static pe_cfg accel_pe_cfg() {
    pe_cfg c = PE_CFG_INIT(ACCEL_PE_CONFIG_ID);
    c.nb_max = ACCEL_NB_MAX;
    return c;
}
static const pe_cfg kPeCfg = accel_pe_cfg();

// The weight decoders of this build (hq_accel LAYOUTS, bit n: layout code n; block: blocks
// of another format than the tile's). A layout left out is refused with ERR_LAYOUT.
#ifndef ACCEL_LAYOUTS
#define ACCEL_LAYOUTS 31
#endif
static bool layout_built(unsigned layout) {
    return kPeCfg.uniform || ((unsigned)ACCEL_LAYOUTS >> layout & 1u);
}

using hq::accel::DramImage;

static void usage(FILE *f, const char *prog) {
    std::fprintf(
        f,
        "usage: %s --model Q.hqm [options]\n"
        "Runs a quantized model on the Verilated accelerator (" ACCEL_CONFIG_NAME
        ", %d-bit AXI) as the firmware does\nand compares every image's logits with "
        "the C reference.\n\n"
        "  --model FILE     quantized model (.hqm)\n"
        "  --images N       test images (default 20)\n"
        "  --batch B        images per command (default 1)\n"
        "  --latency L      memory latency in cycles, address to first data (default "
        "20)\n"
        "  --interval I     at most one read beat every I cycles (default 1)\n"
        "  --stall P        random ready/valid stalls of the memory, probability "
        "(default 0)\n"
        "  --seed S         stall generator seed (default 1)\n"
        "  --errors         run the error programs instead of inference\n"
        "  --random-layers N  instead of a model: the PE tile bench's 13 directed\n"
        "                   layers and N random ones (K, rows, outliers, requantization\n"
        "                   from model/rtl_bridge), each as one descriptor, outputs vs the\n"
        "                   reference (uint8 and int32 logits alternately)\n"
        "  --layout L       with --random-layers: pack each layer in layout L with the\n"
        "                   library's packer (default: the array's own block/dense)\n"
        "  --max-high H     with --random-layers on the lane-group array: random blocks\n"
        "                   of up to H high weights (more than the tile's N: extra\n"
        "                   cycles of the beat); each layer's COMPUTE is checked against\n"
        "                   the model's lanegroup cycle rule\n"
        "  --lo-bits L      with --random-layers and --layout on the lane-group array:\n"
        "                   low codes of L bits (1..4; default the tile's LO)\n"
        "  --block-mix N    instead of a model (lane-group array): N random layers, each\n"
        "                   packed `block` in a format of its own (M of 2 to 255, also\n"
        "                   widths not dividing the beat; N 0 to min(M, 64); lo 1..4;\n"
        "                   hi 4 or 8), K often at a block boundary (1, M - 1, M, M + 1,\n"
        "                   multiples of M), blocks with no and with N high weights;\n"
        "                   outputs vs the reference, COMPUTE vs the model's rule\n"
        "  --random-dense N instead of a model: N random `dense` layers of every width the\n"
        "                   array runs (lo 0..4, hi 4 or 8), packed by the library, vs\n"
        "                   the reference\n"
        "  --random-conv N  instead of a model: N random conv layers (kernel, stride,\n"
        "                   padding, channels, map size, fused max-pool) and N random\n"
        "                   max-pool layers, outputs vs the model's im2col and max-pool\n"
        "                   (model/accel) and the integer reference\n"
        "  --random-ksplit N  instead of a model: N random conv and dense layers cut into\n"
        "                   K chunks with int32 partial sums (FLAG_PSUM_IN/OUT) and conv\n"
        "                   bands of output rows (FLAG_NO_PAD_TOP/BOTTOM), one command\n"
        "                   each, outputs vs the whole layer computed at once\n"
        "  --random-signed N  instead of a model: N random dense, conv and K-split layers\n"
        "                   with FLAG_SIGNED_IN / FLAG_SIGNED_OUT / CLAMP_HI in every\n"
        "                   format the array takes, outputs vs the bench's own reference\n"
        "  --timing FILE    tile the model's layers to this timing config's buffers with\n"
        "                   the host planner (sw/app/layer_tiling, as `hqsim run --timing`)\n"
        "  --require-flags F  with --timing: fail unless the planned descriptors use every\n"
        "                   FLAG_* bit of F (e.g. 12: K chunks, 48: row bands)\n"
        "  --report FILE    per-layer cycles by phase, counters, speed (text)\n"
        "  --measure FILE   measurement file (docs/measurements.md): every command's\n"
        "                   counters, source rtl-bench\n"
        "  --clock-hz F     clock the measurement file states (default 200e6, the\n"
        "                   model's default; the bench itself counts cycles only)\n"
        "  --dataset DIR    Fashion-MNIST directory (default: HQSIM_DATASET_DIR)\n"
        "  -h, --help       this text\n"
        "--model is not needed with --random-layers, --random-dense, --random-conv,\n"
        "--random-ksplit or --random-signed.\n"
        "Exit status: 0 all checks pass, 1 a mismatch, protocol or error-program "
        "failure, 2 usage or input error.\n",
        prog, ACCEL_DW);
}

/* ---- the simulated accelerator with its memory and checker ---- */
struct Sim {
    std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};
    std::unique_ptr<Vhq_accel> top{new Vhq_accel{ctx.get()}};
    AxiMem mem;
    AxiChecker chk;
    uint64_t cycle = 0;
    uint64_t rd_stall = 0;
    uint64_t act_wait = 0; /* cycles the tile waits for an activation vector (DMA, im2col) */
    uint64_t state_cycles[32] = {};
    bool hung = false;
    uint64_t last_activity = 0;
    unsigned last_state = 0;
    /* no bus handshake and no state change for this long: the accelerator hangs */
    static constexpr uint64_t kQuiet = 200000;

    Sim() {
        mem.bpw = chk.bpw = ACCEL_DW / 8;
        top->s_axil_awvalid = top->s_axil_wvalid = top->s_axil_arvalid = 0;
        top->s_axil_bready = top->s_axil_rready = 0;
        top->rst = 1;
        for (int i = 0; i < 4; i++)
            tick(true);
        top->rst = 0;
    }
    void low(bool in_reset = false) {
        mem.drive(*top, cycle);
        top->clk = 0;
        top->eval();
        chk.sample(*top, cycle, in_reset);
        mem.observe(*top, cycle);
        state_cycles[top->dbg_state & 31]++;
        rd_stall += top->dbg_rd_stall;
        act_wait += top->dbg_act_wait;
        const Vhq_accel &t = *top;
        if ((t.m_axi_arvalid && t.m_axi_arready) || (t.m_axi_rvalid && t.m_axi_rready) ||
            (t.m_axi_awvalid && t.m_axi_awready) || (t.m_axi_wvalid && t.m_axi_wready) ||
            (t.m_axi_bvalid && t.m_axi_bready) || t.dbg_state != last_state)
            last_activity = cycle;
        last_state = t.dbg_state;
    }
    void high() {
        top->clk = 1;
        top->eval();
        cycle++;
    }
    void tick(bool in_reset = false) {
        low(in_reset);
        high();
    }

    /* AXI4-Lite accesses, as the firmware's 32-bit loads and stores. */
    uint32_t reg_write(uint32_t off, uint32_t v, uint32_t strb = 0xF) {
        top->s_axil_awaddr = off;
        top->s_axil_wdata = v;
        top->s_axil_wstrb = strb;
        top->s_axil_awvalid = top->s_axil_wvalid = 1;
        top->s_axil_bready = 1;
        uint32_t resp = 0;
        for (int i = 0;; i++) {
            if (i > 1000) return hang("register write");
            low();
            const bool fa = top->s_axil_awvalid && top->s_axil_awready;
            const bool fb = top->s_axil_bvalid && top->s_axil_bready;
            if (fb) resp = top->s_axil_bresp;
            high();
            if (fa) top->s_axil_awvalid = top->s_axil_wvalid = 0;
            if (fb) break;
        }
        top->s_axil_bready = 0;
        return resp;
    }
    uint32_t reg_read(uint32_t off, uint32_t *resp = nullptr) {
        top->s_axil_araddr = off;
        top->s_axil_arvalid = 1;
        top->s_axil_rready = 1;
        uint32_t v = 0;
        for (int i = 0;; i++) {
            if (i > 1000) return hang("register read");
            low();
            const bool fa = top->s_axil_arvalid && top->s_axil_arready;
            const bool fr = top->s_axil_rvalid && top->s_axil_rready;
            if (fr) {
                v = top->s_axil_rdata;
                if (resp) *resp = top->s_axil_rresp;
            }
            high();
            if (fa) top->s_axil_arvalid = 0;
            if (fr) break;
        }
        top->s_axil_rready = 0;
        return v;
    }
    uint64_t counter(uint32_t lo) {
        uint32_t l = reg_read(lo);
        return (uint64_t)reg_read(lo + 4) << 32 | l;
    }
    uint32_t hang(const char *what) {
        if (!hung)
            std::fprintf(stderr, "HANG: %s did not complete (cycle %llu)\n", what,
                         (unsigned long long)cycle);
        hung = true;
        return 0;
    }

    /* hq_accel_run of sw/fw/accel/accel_driver.c (interrupt mode). Returns the error code. */
    struct Result {
        uint32_t err = 0, err_desc = 0, err_addr = 0, status = 0;
        bool irq_seen = false;
    };
    Result run(uint32_t desc_addr, uint32_t count, uint64_t max_cycles = 2000000000ull) {
        Result r;
        reg_write(HQ_ACCEL_REG_DESC_ADDR, desc_addr);
        reg_write(HQ_ACCEL_REG_DESC_COUNT, count);
        reg_write(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
        const uint64_t t0 = cycle;
        last_activity = cycle;
        while (!top->irq) {
            if (cycle - t0 > max_cycles || cycle - last_activity > kQuiet) {
                hang("command (no interrupt)");
                return r;
            }
            tick();
        }
        r.irq_seen = true;
        const uint32_t pending = reg_read(HQ_ACCEL_REG_IRQ_STATUS);
        reg_write(HQ_ACCEL_REG_IRQ_STATUS, pending);
        r.status = reg_read(HQ_ACCEL_REG_STATUS);
        r.err = (r.status & HQ_ACCEL_STATUS_ERROR)
                    ? (r.status >> HQ_ACCEL_STATUS_ERR_SHIFT) & HQ_ACCEL_STATUS_ERR_MASK
                    : 0;
        r.err_desc = r.err ? reg_read(HQ_ACCEL_REG_ERR_DESC) : 0;
        r.err_addr = r.err ? reg_read(HQ_ACCEL_REG_ERR_ADDR) : 0;
        return r;
    }

    /* memory backdoor (the host/firmware writing DRAM) */
    void put32(uint32_t a, uint32_t v) {
        for (int i = 0; i < 4; i++)
            mem.bytes[a - mem.base + i] = (uint8_t)(v >> (8 * i));
    }
    void put8(uint32_t a, uint8_t v) { mem.bytes[a - mem.base] = v; }
    void put16(uint32_t a, uint16_t v) {
        put8(a, (uint8_t)v);
        put8(a + 1, (uint8_t)(v >> 8));
    }
    uint32_t get32(uint32_t a) const {
        uint32_t v = 0;
        for (int i = 0; i < 4; i++)
            v |= (uint32_t)mem.bytes[a - mem.base + i] << (8 * i);
        return v;
    }
};

struct Options {
    std::string model, report, dataset, measure;
    double clock_hz = 200e6;
    int images = 20, batch = 1;
    unsigned latency = 20, interval = 1;
    double stall = 0;
    unsigned long seed = 1;
    bool errors = false;
    int random_layers = -1, random_dense = -1;
    int layout = -1;  /* --layout for --random-layers: -1 the array's own */
    int max_high = 0; /* --max-high for --random-layers: 0 the array's N */
    int lo_bits = 0;  /* --lo-bits for --random-layers: 0 the tile's LO */
    int random_conv = -1;
    int random_ksplit = -1;
    int random_signed = -1;
    int block_mix = -1;
    std::string timing;
    unsigned require_flags = 0;
};

struct Loaded {
    hq_model m{};
    hq_dataset ds{};
    hq_ref_net *ref = nullptr;
    hq_packed_model pm{};
    bool have_m = false, have_ds = false, have_pm = false;
    ~Loaded() {
        if (ref) hq_ref_free(ref);
        if (have_pm) hq_packed_model_free(&pm);
        if (have_ds) hq_dataset_free(&ds);
        if (have_m) hq_container_free_model(&m);
    }
};

static void load_image(Sim &s, const DramImage &img) {
    const uint32_t size = (img.end - s.mem.base + 0xFFFFu) & ~0xFFFu;
    s.mem.bytes.assign(size, 0);
    for (const hq::accel::DramSegment &seg : img.segments)
        std::memcpy(s.mem.bytes.data() + (seg.addr - s.mem.base), seg.bytes.data(),
                    seg.bytes.size());
}

static uint32_t desc_at(const DramImage &img, size_t l) {
    return img.net.desc_addr + (uint32_t)l * HQ_ACCEL_DESC_BYTES;
}

/* ---- inference: every image through the accelerator, logits vs the reference ---- */
struct LayerReport {
    uint64_t cycles = 0, compute = 0, stall_dram = 0, rd = 0, wr = 0, weight = 0, macs = 0;
    uint64_t phase[32] = {};
    uint64_t act_wait = 0;
};

/* A measurement row's key and geometry columns from a descriptor (counters zero). */
static hq_measure_row measure_row(const hq_accel_desc &d, uint32_t batch, uint32_t layer,
                                  bool uniform) {
    hq_measure_row m{};
    m.batch = batch;
    m.layer = layer;
    m.descs = 1;
    m.images = d.batch;
    m.op = d.op;
    m.layout = d.layout;
    m.arch = uniform ? HQ_ACCEL_ARCH_UNIFORM8 : HQ_ACCEL_ARCH_LANEGROUP;
    m.rows = d.rows, m.cols = d.cols, m.in_h = d.in_h, m.in_w = d.in_w, m.in_c = d.in_c;
    m.out_h = d.out_h, m.out_w = d.out_w, m.out_c = d.out_c, m.kernel = d.kernel;
    m.stride = d.stride, m.pad = d.pad, m.pool = d.pool;
    return m;
}

/* The measurement file of the run (docs/measurements.md). Returns 0, or 2 with a message. */
static int write_measure(const Options &o, const std::vector<hq_measure_row> &rows, int argc,
                         char **argv) {
    char err[512], sha[65];
    if (hq_sha256_file(o.model.c_str(), sha, err, sizeof err)) {
        std::fprintf(stderr, "%s\n", err);
        return 2;
    }
    std::vector<hq_measure_kv> kv;
    auto add = [&](const char *k, const std::string &v) {
        hq_measure_kv e{};
        std::snprintf(e.key, sizeof e.key, "%s", k);
        std::snprintf(e.value, sizeof e.value, "%s", v.c_str());
        kv.push_back(e);
    };
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.0f", o.clock_hz);
    add("source", "rtl-bench");
    add("clock_hz", buf);
    add("arch", kPeCfg.uniform ? "uniform8" : kPeCfg.split ? "split" : "lanegroup");
    add("model", o.model);
    add("model_sha256", sha);
    std::snprintf(buf, sizeof buf, "rtl-bench dw=%d latency=%u interval=%u stall=%.2f seed=%lu",
                  ACCEL_DW, o.latency, o.interval, o.stall, o.seed);
    add("platform", buf);
    add("platform_sha256", "-");
    add("timing", "-");
    add("timing_sha256", "-");
    add("rtl_config", ACCEL_CONFIG_NAME);
    add("images", std::to_string(o.images));
    add("batch", std::to_string(o.batch));
    add("chain", "0");
    add("tools", std::string("verilator ") + Verilated::productVersion());
    std::time_t now = std::time(nullptr);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    add("date", buf);
    std::string cmd;
    for (int i = 0; i < argc; i++)
        cmd += (i ? " " : "") + std::string(argv[i]);
    add("command", cmd);
    add("rows_from", "bench");
    FILE *f = std::fopen(o.measure.c_str(), "w");
    if (!f) {
        std::fprintf(stderr, "%s: cannot write: %s\n", o.measure.c_str(), std::strerror(errno));
        return 2;
    }
    hq_measure_write_header(f, kv.data(), kv.size());
    hq_measure_write_columns(f);
    std::fputc('\n', f);
    for (const hq_measure_row &r : rows) {
        hq_measure_write_row(f, &r);
        std::fputc('\n', f);
    }
    if (std::fclose(f)) {
        std::fprintf(stderr, "%s: write error\n", o.measure.c_str());
        return 2;
    }
    return 0;
}

static int run_inference(Sim &s, const Options &o, const Loaded &L, const DramImage &img,
                         const std::vector<int32_t> &ref_logits, const std::vector<int> &ref_preds,
                         FILE *rep, std::vector<hq_measure_row> *rows) {
    long counter_errors = 0;
    const hq_accel_net &net = img.net;
    const uint32_t nl = net.n_layers, C = net.n_classes, B = net.batch;
    s.reg_write(HQ_ACCEL_REG_IRQ_STATUS, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    s.reg_write(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    s.reg_write(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_PERF_CLEAR);
    std::vector<LayerReport> layers(nl);
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t c0 = s.cycle;
    long mismatches = 0, correct = 0;
    for (uint32_t i = 0; i < (uint32_t)o.images; i += B) {
        const uint32_t nb = std::min<uint32_t>(B, (uint32_t)o.images - i);
        /* as sw/fw/accel/accel_runtime_tiled.c: every descriptor that reads the first batch's
         * images or writes its logits (a tiled layer has several) moves to this batch */
        for (uint32_t l = 0; l < nl; l++) {
            const hq_accel_desc &d = img.layers[l].desc;
            const uint32_t in_off = d.in_addr - net.in_addr, out_off = d.out_addr - net.logits_addr;
            if (in_off < net.in_stride)
                s.put32(desc_at(img, l) + HQ_ACCEL_DESC_OFF_IN_ADDR,
                        net.in_addr + i * net.in_stride + in_off);
            if (out_off < C * 4)
                s.put32(desc_at(img, l) + HQ_ACCEL_DESC_OFF_OUT_ADDR,
                        net.logits_addr + i * C * 4 + out_off);
            s.put32(desc_at(img, l) + HQ_ACCEL_DESC_OFF_BATCH, nb);
        }
        for (uint32_t l = 0; l < nl; l++) {
            uint64_t before[7] = {
                s.counter(HQ_ACCEL_REG_CYCLES_LO),     s.counter(HQ_ACCEL_REG_COMPUTE_LO),
                s.counter(HQ_ACCEL_REG_STALL_DRAM_LO), s.counter(HQ_ACCEL_REG_DRAM_RD_LO),
                s.counter(HQ_ACCEL_REG_DRAM_WR_LO),    s.counter(HQ_ACCEL_REG_WEIGHT_RD_LO),
                s.counter(HQ_ACCEL_REG_MACS_LO)};
            uint64_t ph[32];
            std::memcpy(ph, s.state_cycles, sizeof ph);
            const uint64_t aw = s.act_wait;
            hq_measure_row m0;
#define TB_TAKE_(f, name, reg) m0.f = s.counter(reg);
            HQ_MEASURE_COUNTERS(TB_TAKE_)
            const uint64_t rd_stall0 = s.rd_stall;
            Sim::Result r = s.run(desc_at(img, l), 1);
            if (s.hung) return 1;
            if (r.err) {
                std::fprintf(stderr,
                             "accelerator error %u in layer %u, images %u..%u, address "
                             "0x%08x\n",
                             r.err, l, i, i + nb - 1, r.err_addr);
                return 1;
            }
            /* The row of the measurement file: every counter register across the command; the
             * classes must sum to CYCLES and RD_STALL must count what the bench saw on
             * dbg_rd_stall. */
            hq_measure_row m = measure_row(img.layers[l].desc, i / B, l, kPeCfg.uniform);
#undef TB_TAKE_
#define TB_DIFF_(f, name, reg) m.f = s.counter(reg) - m0.f;
            HQ_MEASURE_COUNTERS(TB_DIFF_)
#undef TB_DIFF_
            const uint64_t classes =
                m.compute + m.stall_dram + m.stall_decoder + m.stall_outlier + m.output + m.control;
            if (classes != m.cycles || m.rd_stall != s.rd_stall - rd_stall0 || !m.control) {
                std::fprintf(stderr,
                             "COUNTER MISMATCH layer %u images %u: CYCLES %llu, classes sum "
                             "%llu (CONTROL %llu, OUTPUT %llu); RD_STALL %llu, dbg_rd_stall "
                             "%llu\n",
                             l, i, (unsigned long long)m.cycles, (unsigned long long)classes,
                             (unsigned long long)m.control, (unsigned long long)m.output,
                             (unsigned long long)m.rd_stall,
                             (unsigned long long)(s.rd_stall - rd_stall0));
                counter_errors++;
            }
            rows->push_back(m);
            LayerReport &lr = layers[l];
            lr.cycles += s.counter(HQ_ACCEL_REG_CYCLES_LO) - before[0];
            lr.compute += s.counter(HQ_ACCEL_REG_COMPUTE_LO) - before[1];
            lr.stall_dram += s.counter(HQ_ACCEL_REG_STALL_DRAM_LO) - before[2];
            lr.rd += s.counter(HQ_ACCEL_REG_DRAM_RD_LO) - before[3];
            lr.wr += s.counter(HQ_ACCEL_REG_DRAM_WR_LO) - before[4];
            lr.weight += s.counter(HQ_ACCEL_REG_WEIGHT_RD_LO) - before[5];
            lr.macs += s.counter(HQ_ACCEL_REG_MACS_LO) - before[6];
            for (int k = 0; k < 32; k++)
                lr.phase[k] += s.state_cycles[k] - ph[k];
            lr.act_wait += s.act_wait - aw;
        }
        for (uint32_t k = 0; k < nb; k++) {
            const uint32_t im = i + k;
            bool bad = false;
            for (uint32_t c = 0; c < C; c++) {
                const int32_t v = (int32_t)s.get32(net.logits_addr + (im * C + c) * 4);
                if (v != ref_logits[(size_t)im * C + c]) bad = true;
            }
            int pred = 0;
            for (uint32_t c = 1; c < C; c++)
                if ((int32_t)s.get32(net.logits_addr + (im * C + c) * 4) >
                    (int32_t)s.get32(net.logits_addr + (im * C + pred) * 4))
                    pred = (int)c;
            if (bad || pred != ref_preds[im]) {
                if (mismatches < 5)
                    std::fprintf(stderr, "MISMATCH image %u: logits differ from the reference\n",
                                 im);
                mismatches++;
            }
            correct += pred == L.ds.labels[im];
        }
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const uint64_t cycles = s.cycle - c0;
    std::printf("%s: %d images, batch %d, %u layers: %ld mismatches, accuracy %.2f %%, "
                "%llu cycles (%.0f per image), %.0f cycles/s host, AXI violations %ld, "
                "max reads in flight %ld\n",
                ACCEL_CONFIG_NAME, o.images, o.batch, nl, mismatches, 100.0 * correct / o.images,
                (unsigned long long)cycles, (double)cycles / o.images, cycles / secs,
                s.chk.violations, s.chk.max_reads_in_flight);
    if (rep) {
        std::fprintf(rep, "config %s dw %d latency %u interval %u stall %.2f images %d batch %d\n",
                     ACCEL_CONFIG_NAME, ACCEL_DW, o.latency, o.interval, o.stall, o.images,
                     o.batch);
        std::fprintf(rep, "sim_cycles %llu host_seconds %.3f cycles_per_second %.0f\n",
                     (unsigned long long)cycles, secs, cycles / secs);
        std::fprintf(rep, "rd_stall_cycles %llu max_reads_in_flight %ld\n",
                     (unsigned long long)s.rd_stall, s.chk.max_reads_in_flight);
        std::fprintf(rep, "layer rows cols cycles compute stall_dram dram_rd dram_wr weight_rd "
                          "macs | desc hdr+shift params input weights+compute output end | "
                          "maxpool act_wait psum_in\n");
        for (uint32_t l = 0; l < nl; l++) {
            const LayerReport &r = layers[l];
            const hq_accel_desc &d = img.layers[l].desc;
            auto sum = [&](int a, int b) {
                uint64_t t = 0;
                for (int k = a; k <= b; k++)
                    t += r.phase[k];
                return (unsigned long long)t;
            };
            std::fprintf(rep,
                         "%u %u %u %llu %llu %llu %llu %llu %llu %llu | %llu %llu %llu %llu "
                         "%llu %llu %llu | %llu %llu %llu\n",
                         l, d.rows, d.cols, (unsigned long long)r.cycles,
                         (unsigned long long)r.compute, (unsigned long long)r.stall_dram,
                         (unsigned long long)r.rd, (unsigned long long)r.wr,
                         (unsigned long long)r.weight, (unsigned long long)r.macs, sum(1, 3),
                         sum(4, 8) + sum(20, 21), sum(9, 10), sum(11, 12), sum(13, 14), sum(15, 16),
                         sum(17, 19), sum(22, 22), (unsigned long long)r.act_wait, sum(23, 24));
        }
    }
    return mismatches || s.chk.violations || counter_errors ? 1 : 0;
}

/* ---- error programs ---- */
struct ErrCase {
    const char *name;
    unsigned expect; /* ERR_* */
    std::function<void(Sim &, const DramImage &)> setup;
    uint32_t desc_count = 1;
    int layer = 0;            /* descriptor the command starts at */
    int64_t expect_addr = -1; /* ERR_ADDR, -1: not checked */
    uint32_t expect_desc = 0;
};

/* Bits of DRAM (little-endian bit order of docs/layouts.md). */
static void put_bits(Sim &x, uint32_t addr, uint32_t bit, unsigned width, uint32_t v) {
    for (unsigned k = 0; k < width; k++) {
        const uint32_t a = addr + (bit + k) / 8, b = (bit + k) % 8;
        uint8_t byte = x.mem.bytes[a - x.mem.base];
        byte = (uint8_t)((byte & ~(1u << b)) | (((v >> k) & 1u) << b));
        x.put8(a, byte);
    }
}

static uint32_t get_bits(const Sim &x, uint32_t addr, uint32_t bit, unsigned width) {
    uint32_t v = 0;
    for (unsigned k = 0; k < width; k++)
        v |= (uint32_t)((x.mem.bytes[addr + (bit + k) / 8 - x.mem.base] >> ((bit + k) % 8)) & 1u)
             << k;
    return v;
}

/* `escape` layer 0: the plane, then the high values (hi bits each) up to the image end. */
static void add_escape_cases(std::vector<ErrCase> &cases, const hq_accel_desc &d0) {
    const pe_cfg c = kPeCfg;
    const unsigned lo = d0.lo_bits, hi = d0.hi_bits, marker = 1u << (lo - 1);
    const uint32_t plane = d0.weight_addr + (16 + d0.rows + 15) / 16 * 16;
    const uint32_t vals = plane + ((d0.rows * d0.cols * lo + 7) / 8 + 15) / 16 * 16;
    cases.push_back({"escape: high value 0", HQ_ACCEL_ERR_WEIGHTS,
                     [=](Sim &x, const DramImage &) { put_bits(x, vals, 0, hi, 0); }});
    cases.push_back({"escape: high value -2^(hi-1)", HQ_ACCEL_ERR_WEIGHTS,
                     [=](Sim &x, const DramImage &) { put_bits(x, vals, 0, hi, 1u << (hi - 1)); }});
    /* a marker in every block of the plane that has none: more markers than values */
    cases.push_back(
        {"escape: more markers than values", HQ_ACCEL_ERR_WEIGHTS, [=](Sim &x, const DramImage &) {
             for (uint32_t r = 0; r < d0.rows; r++)
                 for (uint32_t b0 = 0; b0 < d0.cols; b0 += c.m) {
                     const uint32_t n = std::min<uint32_t>(c.m, d0.cols - b0);
                     bool has = false;
                     for (uint32_t j = 0; j < n; j++)
                         has |= get_bits(x, plane, (r * d0.cols + b0 + j) * lo, lo) == marker;
                     if (!has) put_bits(x, plane, (r * d0.cols + b0) * lo, lo, marker);
                 }
         }});
    /* more high weights in a block than the tile's N slots: the model runs it, so does the
     * RTL (extra cycles of the beat, hq_beat_split.v). A valid image: the first block of row 0
     * without a marker gets N + 1, and their values are inserted in the value section (the
     * burst padding at the image end takes the longer section). */
    if (hi == 8)
        cases.push_back({"escape: more markers in a block than N (accepted)", 0,
                         [=](Sim &x, const DramImage &) {
                             uint32_t before = 0, b0 = 0;
                             for (;; b0 += c.m) {
                                 unsigned mk = 0;
                                 for (uint32_t j = 0; j < (uint32_t)c.m; j++)
                                     mk += get_bits(x, plane, (b0 + j) * lo, lo) == marker;
                                 if (!mk) break;
                                 before += mk;
                             }
                             const unsigned add = (unsigned)c.n + 1;
                             const uint32_t end = d0.weight_addr + d0.weight_bytes;
                             uint8_t *v = &x.mem.bytes[vals - x.mem.base];
                             std::memmove(v + before + add, v + before, end - vals - before - add);
                             for (unsigned j = 0; j < add; j++) {
                                 put_bits(x, plane, (b0 + j) * lo, lo, marker);
                                 v[before + j] = (uint8_t)(5 + j);
                             }
                         }});
    cases.push_back({"escape: value section above the RTL buffer", HQ_ACCEL_ERR_BUF_OVERFLOW,
                     [=](Sim &x, const DramImage &i) {
                         const uint32_t more = d0.weight_bytes + 16384;
                         x.put32(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_WEIGHT_BYTES, more);
                         x.put32(d0.weight_addr + 12, more);
                     },
                     1, 0, (int64_t)d0.weight_addr});
}

/* `coo` layer 0: the plane, the u16 counts, the (8-bit delta, hi-bit value) entries. */
static void add_coo_cases(std::vector<ErrCase> &cases, const hq_accel_desc &d0) {
    const unsigned lo = d0.lo_bits, hi = d0.hi_bits, ew = 8 + hi;
    const uint32_t plane = d0.weight_addr + (16 + d0.rows + 15) / 16 * 16;
    const uint32_t cnt = plane + ((d0.rows * d0.cols * lo + 7) / 8 + 15) / 16 * 16;
    const uint32_t ent = cnt + (2 * d0.rows + 15) / 16 * 16;
    if (lo >= 2)
        cases.push_back(
            {"coo: marker in the plane", HQ_ACCEL_ERR_WEIGHTS, [=](Sim &x, const DramImage &) {
                 put_bits(x, plane, (3 * d0.cols + 9) * lo, lo, 1u << (lo - 1));
             }});
    cases.push_back({"coo: high value -2^(hi-1)", HQ_ACCEL_ERR_WEIGHTS,
                     [=](Sim &x, const DramImage &) { put_bits(x, ent, 8, hi, 1u << (hi - 1)); }});
    /* the last row's entries followed by 4 more of delta 255: past K or past the section */
    cases.push_back(
        {"coo: high weight past K", HQ_ACCEL_ERR_WEIGHTS, [=](Sim &x, const DramImage &) {
             uint32_t total = 0;
             for (uint32_t r = 0; r < d0.rows; r++)
                 total += get_bits(x, cnt, 16 * r, 16);
             const uint32_t last = get_bits(x, cnt, 16 * (d0.rows - 1), 16);
             put_bits(x, cnt, 16 * (d0.rows - 1), 16, last + 4);
             for (uint32_t k = 0; k < 4; k++) {
                 put_bits(x, ent, (total + k) * ew, 8, 255);
                 put_bits(x, ent, (total + k) * ew + 8, hi, 1);
             }
         }});
    cases.push_back({"coo: count past the entries", HQ_ACCEL_ERR_WEIGHTS,
                     [=](Sim &x, const DramImage &) { put_bits(x, cnt, 0, 16, 65535); }});
    /* more high weights in a block than the tile's N slots: run, as the model does. A valid
     * image: N + 1 entries (delta 0) inserted before row 0's, at columns 0..N (the burst
     * padding at the image end takes the longer section; row 0's own high weights move N + 1
     * columns on) */
    if (hi == 8)
        cases.push_back({"coo: more high weights in a block than N (accepted)", 0,
                         [=](Sim &x, const DramImage &) {
                             const unsigned add = (unsigned)kPeCfg.n + 1;
                             const uint32_t end = d0.weight_addr + d0.weight_bytes;
                             uint8_t *e = &x.mem.bytes[ent - x.mem.base];
                             std::memmove(e + 2 * add, e, end - ent - 2 * add);
                             put_bits(x, cnt, 0, 16, get_bits(x, cnt, 0, 16) + add);
                             for (unsigned k = 0; k < add; k++) {
                                 e[2 * k] = 0;
                                 e[2 * k + 1] = (uint8_t)(5 + k);
                             }
                         }});
}

/* Weight contents of layer 0 that the model's decoders refuse (block_decoder.cpp,
 * dense_decoder.cpp), and one it accepts (a marker in a block's padding past K). */
static void add_content_cases(std::vector<ErrCase> &cases, const hq_accel_desc &d0) {
    const pe_cfg c = kPeCfg;
    if (d0.layout == HQ_ACCEL_LAYOUT_ESCAPE) {
        add_escape_cases(cases, d0);
        return;
    }
    if (d0.layout == HQ_ACCEL_LAYOUT_COO) {
        add_coo_cases(cases, d0);
        return;
    }
    if (d0.layout == HQ_ACCEL_LAYOUT_ROWGROUP) {
        /* the row bitmap, the high rows (hi bits per weight), the low rows (lo bits) */
        const unsigned lo = d0.lo_bits, hi = d0.hi_bits;
        const uint32_t map = d0.weight_addr + (16 + d0.rows + 15) / 16 * 16;
        const uint32_t offh = map + ((d0.rows + 7) / 8 + 15) / 16 * 16;
        cases.push_back(
            {"rowgroup: high value -2^(hi-1) in the first high row", HQ_ACCEL_ERR_WEIGHTS,
             [=](Sim &x, const DramImage &) { put_bits(x, offh, 3 * hi, hi, 1u << (hi - 1)); }});
        if (lo >= 2)
            cases.push_back({"rowgroup: marker in the last low row", HQ_ACCEL_ERR_WEIGHTS,
                             [=](Sim &x, const DramImage &) {
                                 uint32_t nh = 0;
                                 for (uint32_t r = 0; r < d0.rows; r++)
                                     nh += get_bits(x, map, r, 1);
                                 const uint32_t offl =
                                     offh + ((nh * d0.cols * hi + 7) / 8 + 15) / 16 * 16;
                                 const uint32_t last = (d0.rows - nh) * d0.cols - 1;
                                 put_bits(x, offl, last * lo, lo, 1u << (lo - 1));
                             }});
        cases.push_back({"rowgroup: every row high (rows past the image end)", HQ_ACCEL_ERR_WEIGHTS,
                         [=](Sim &x, const DramImage &) {
                             for (uint32_t r = 0; r < d0.rows; r++)
                                 put_bits(x, map, r, 1, 1);
                         }});
        return;
    }
    if (d0.layout == HQ_ACCEL_LAYOUT_DENSE) {
        /* one bit stream of lo (or, uniform, hi) bits per weight: row 5, column 7 (the last
         * row / column of a smaller layer, as a CNN's first conv) */
        const unsigned b = d0.lo_bits ? d0.lo_bits : d0.hi_bits;
        const uint32_t sec = d0.weight_addr + (d0.lo_bits ? (16 + d0.rows + 15) / 16 * 16 : 16);
        const uint32_t wr = d0.rows > 5 ? 5u : d0.rows - 1u, wc = d0.cols > 7 ? 7u : d0.cols - 1u;
        const uint32_t bit = (wr * d0.cols + wc) * b;
        if (d0.lo_bits == 0)
            cases.push_back(
                {"dense: weight -2^(hi-1)", HQ_ACCEL_ERR_WEIGHTS, [=](Sim &x, const DramImage &) {
                     put_bits(x, sec, bit, b, 1u << (d0.hi_bits - 1));
                 }});
        else if (d0.lo_bits >= 2)
            cases.push_back(
                {"dense: marker code", HQ_ACCEL_ERR_WEIGHTS, [=](Sim &x, const DramImage &) {
                     put_bits(x, sec, bit, b, 1u << (d0.lo_bits - 1));
                 }});
        if (!c.uniform) /* 3-bit codes run (before: ERR_LAYOUT); the header's lo must match */
            cases.push_back({"dense: descriptor lo 3, image lo 2", HQ_ACCEL_ERR_WEIGHTS,
                             [](Sim &x, const DramImage &i) {
                                 x.put8(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_LO_BITS, 3);
                             }});
        return;
    }
    /* the layer's own block format (the tile's, or any other: hq_block_decoder.v) */
    const unsigned lo = d0.lo_bits, hi = d0.hi_bits, N = d0.block_n, M = d0.block_m;
    if (lo == 0 || M < 2) return;
    unsigned P = 0;
    while ((1u << P) < M)
        P++;
    const uint32_t hmin = 1u << (hi - 1);
    const uint32_t bits = lo == 1 ? M + N * (P + hi) : M * lo + N * hi;
    const uint32_t bb = (bits + 7) / 8, nblk = (d0.cols + M - 1) / M;
    const uint32_t sec = d0.weight_addr + (16 + d0.rows + 15) / 16 * 16;
    const uint32_t last_valid = d0.cols - (nblk - 1) * M; /* columns of the last block */
    if (lo == 1) {
        /* block b of row r: slots (position, value) given, the others unused (0) */
        using Slots = std::vector<std::pair<uint32_t, uint32_t>>;
        auto block1 = [=](uint32_t r, uint32_t b, Slots slots) {
            return [=](Sim &x, const DramImage &) {
                const uint32_t a = sec + (r * nblk + b) * bb;
                for (unsigned k = 0; k < N; k++) {
                    const uint32_t at = M + k * (P + hi);
                    put_bits(x, a, at, P, k < slots.size() ? slots[k].first : 0);
                    put_bits(x, a, at + P, hi, k < slots.size() ? slots[k].second : 0);
                }
            };
        };
        if (N == 0) return;
        cases.push_back(
            {"block lo 1: high value -2^(hi-1)", HQ_ACCEL_ERR_WEIGHTS, block1(0, 0, {{0, hmin}})});
        if (last_valid < (1u << P))
            cases.push_back({"block lo 1: position past the block's columns", HQ_ACCEL_ERR_WEIGHTS,
                             block1(d0.rows - 1u, nblk - 1, {{last_valid, 1}})});
        if (N >= 2 && M >= 8) {
            cases.push_back({"block lo 1: a position twice", HQ_ACCEL_ERR_WEIGHTS,
                             block1(1, 0, {{5, 1}, {5, 2}})});
            cases.push_back({"block lo 1: slots out of position order (accepted)", 0,
                             block1(1, 0, {{7, 3}, {2, 5}})});
            cases.push_back({"block lo 1: an unused slot before a used one (accepted)", 0,
                             block1(0, 0, {{4, 0}, {6, 9}})});
        }
        return;
    }
    const uint32_t marker = 1u << (lo - 1);
    /* block b of row r: codes all 0 but `marks` markers from lane j0, slots given */
    auto block = [=](uint32_t r, uint32_t b, unsigned j0, unsigned marks,
                     std::vector<uint32_t> slots) {
        return [=](Sim &x, const DramImage &) {
            const uint32_t a = sec + (r * nblk + b) * bb;
            for (unsigned j = 0; j < M; j++)
                put_bits(x, a, j * lo, lo, j >= j0 && j < j0 + marks ? marker : 0);
            for (unsigned k = 0; k < N; k++)
                put_bits(x, a, M * lo + k * hi, hi, k < slots.size() ? slots[k] : 0);
        };
    };
    std::vector<uint32_t> ones((size_t)N, 1);
    cases.push_back(
        {"block: more markers than N", HQ_ACCEL_ERR_WEIGHTS, block(0, 0, 0, N + 1, ones)});
    if (N + 1 <= last_valid)
        cases.push_back({"block: more markers than N, last row", HQ_ACCEL_ERR_WEIGHTS,
                         block(d0.rows - 1u, nblk - 1, 0, N + 1, ones)});
    if (N >= 1 && nblk >= 2 && M >= 4)
        cases.push_back({"block: high value 0", HQ_ACCEL_ERR_WEIGHTS, block(1, 1, 3, 1, {0})});
    if (N >= 1)
        cases.push_back(
            {"block: high value -2^(hi-1)", HQ_ACCEL_ERR_WEIGHTS, block(2, 0, 0, 1, {hmin})});
    if (N >= 1 && nblk >= 3)
        cases.push_back({"block: unused slot not 0", HQ_ACCEL_ERR_WEIGHTS, block(0, 2, 0, 0, {5})});
    if (last_valid < M) /* K is not a multiple of M: the last block has padding */
        cases.push_back(
            {"block: marker past K (accepted)", 0, block(0, nblk - 1, last_valid, 1, {})});
}

static int run_errors(Sim &s, const DramImage &img, const Options &o) {
    const std::vector<uint8_t> clean = s.mem.bytes;
    const uint32_t end = s.mem.base + (uint32_t)s.mem.bytes.size();
    const hq_accel_desc &d0 = img.layers[0].desc;
    const uint32_t D0 = desc_at(img, 0);
    auto f8 = [](uint32_t off, uint8_t v) {
        return [=](Sim &x, const DramImage &i) { x.put8(desc_at(i, 0) + off, v); };
    };
    auto f16 = [](uint32_t off, uint16_t v) {
        return [=](Sim &x, const DramImage &i) { x.put16(desc_at(i, 0) + off, v); };
    };
    auto f32 = [](uint32_t off, uint32_t v) {
        return [=](Sim &x, const DramImage &i) { x.put32(desc_at(i, 0) + off, v); };
    };
    const uint8_t other_layout = kPeCfg.uniform                          ? HQ_ACCEL_LAYOUT_BLOCK
                                 : d0.layout == HQ_ACCEL_LAYOUT_ROWGROUP ? HQ_ACCEL_LAYOUT_ESCAPE
                                                                         : HQ_ACCEL_LAYOUT_ROWGROUP;
    std::vector<ErrCase> cases = {
        {"bad magic", HQ_ACCEL_ERR_BAD_DESC, f32(HQ_ACCEL_DESC_OFF_MAGIC, 0x12345678)},
        {"unknown op", HQ_ACCEL_ERR_BAD_DESC, f8(HQ_ACCEL_DESC_OFF_OP, 9)},
        /* (every FLAGS bit is defined since the signed modes: 0x81 is SIGNED_OUT | RELU) */
        {"flags 0x81 (SIGNED_OUT with RELU)", HQ_ACCEL_ERR_BAD_DESC,
         f8(HQ_ACCEL_DESC_OFF_FLAGS, 0x81)},
        /* K-split (docs/regmap.md): a chunk before the last keeps int32 partial sums */
        {"PSUM_OUT with RELU", HQ_ACCEL_ERR_BAD_DESC,
         f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_PSUM_OUT | HQ_ACCEL_FLAG_RELU)},
        {"PSUM_OUT with LAST", HQ_ACCEL_ERR_BAD_DESC,
         f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_PSUM_OUT | HQ_ACCEL_FLAG_LAST)},
        {"batch 0", HQ_ACCEL_ERR_BAD_DESC, f32(HQ_ACCEL_DESC_OFF_BATCH, 0)},
        {"in_h 0", HQ_ACCEL_ERR_BAD_SHAPE, f16(HQ_ACCEL_DESC_OFF_IN_H, 0)},
        {"rows != out_c", HQ_ACCEL_ERR_BAD_SHAPE, f16(HQ_ACCEL_DESC_OFF_ROWS, d0.rows + 1)},
        {"cols != in size", HQ_ACCEL_ERR_BAD_SHAPE, f16(HQ_ACCEL_DESC_OFF_COLS, d0.cols - 1)},
        {"unknown layout", HQ_ACCEL_ERR_BAD_DESC, f8(HQ_ACCEL_DESC_OFF_LAYOUT, 7)},
        /* (the lane-group array runs every layout: rowgroup instead, refused by the header) */
        {kPeCfg.uniform ? "layout not on this array" : "layout other than the header's",
         kPeCfg.uniform || !layout_built(other_layout) ? HQ_ACCEL_ERR_LAYOUT : HQ_ACCEL_ERR_WEIGHTS,
         f8(HQ_ACCEL_DESC_OFF_LAYOUT, other_layout)},
        {"hi bits 5", HQ_ACCEL_ERR_BAD_DESC, f8(HQ_ACCEL_DESC_OFF_HI_BITS, 5)},
        {"weight bytes not a multiple of 16", HQ_ACCEL_ERR_WEIGHTS,
         f32(HQ_ACCEL_DESC_OFF_WEIGHT_BYTES, d0.weight_bytes - 8)},
        {"strides below one image", HQ_ACCEL_ERR_BAD_DESC,
         [](Sim &x, const DramImage &i) {
             x.put32(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_BATCH, 2);
             x.put32(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_IN_STRIDE, 1);
         }},
        {"weight header version", HQ_ACCEL_ERR_WEIGHTS,
         [](Sim &x, const DramImage &i) { x.put8(i.layers[0].desc.weight_addr + 10, 2); }},
        {"weight header rows", HQ_ACCEL_ERR_WEIGHTS,
         [](Sim &x, const DramImage &i) {
             x.put16(i.layers[0].desc.weight_addr + 6, i.layers[0].desc.rows + 1);
         }},
        {"weight header size", HQ_ACCEL_ERR_WEIGHTS,
         [](Sim &x, const DramImage &i) {
             x.put32(i.layers[0].desc.weight_addr + 12, i.layers[0].desc.weight_bytes + 16);
         }},
        {"rq_shift 63", HQ_ACCEL_ERR_BAD_DESC,
         [](Sim &x, const DramImage &i) { x.put8(i.layers[0].desc.param_addr + 8, 63); }},
        {"rq_mult >= 2^31", HQ_ACCEL_ERR_BAD_DESC,
         [](Sim &x, const DramImage &i) {
             x.put32(i.layers[0].desc.param_addr + 12 + 4, 0x80000000u);
         }},
        {"descriptor outside memory", HQ_ACCEL_ERR_BAD_ADDR, nullptr, 1, -1, 0x1000},
        {"input outside memory", HQ_ACCEL_ERR_BAD_ADDR, f32(HQ_ACCEL_DESC_OFF_IN_ADDR, 0x10), 1, 0,
         0x10},
        {"weights outside memory", HQ_ACCEL_ERR_BAD_ADDR,
         f32(HQ_ACCEL_DESC_OFF_WEIGHT_ADDR, 0x2000), 1, 0, 0x2000},
        {"params outside memory", HQ_ACCEL_ERR_BAD_ADDR, f32(HQ_ACCEL_DESC_OFF_PARAM_ADDR, 0x3004),
         1, 0, 0x3004},
        {"output outside memory", HQ_ACCEL_ERR_BAD_ADDR, f32(HQ_ACCEL_DESC_OFF_OUT_ADDR, 0x4000), 1,
         0, 0x4000},
        {"second image past 4 GiB", HQ_ACCEL_ERR_BAD_ADDR,
         [](Sim &x, const DramImage &i) {
             x.put32(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_BATCH, 2);
             x.put32(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_IN_STRIDE, 0x80000000u);
         },
         1, 0, (int64_t)(uint32_t)(d0.in_addr + 0x80000000u)},
        {"weight image past the end of memory", HQ_ACCEL_ERR_BAD_ADDR, nullptr, 1, 0, -1},
        {"error in the second descriptor", HQ_ACCEL_ERR_BAD_DESC,
         [](Sim &x, const DramImage &i) { x.put32(desc_at(i, 1) + HQ_ACCEL_DESC_OFF_MAGIC, 0); }, 2,
         0, 0, 1},
        {"K above the RTL activation buffer", HQ_ACCEL_ERR_BUF_OVERFLOW,
         [](Sim &x, const DramImage &i) {
             x.put16(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_IN_C, 5000);
             x.put16(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_IN_H, 1);
             x.put16(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_IN_W, 1);
             x.put16(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_COLS, 5000);
         }},
    };
    /* lo_shift validity (layer_image.cpp): a shift above 7, or a low code scaled past int8
     * (shift 7: 2^7 > 127 for any LO_BITS), refuses the weights; the table's padding past the
     * last row is not checked */
    if (d0.lo_bits != 0) {
        auto lsh = [](uint32_t r, uint8_t v) {
            return [=](Sim &x, const DramImage &i) {
                x.put8(i.layers[0].desc.weight_addr + 16 + r, v);
            };
        };
        cases.push_back({"lo_shift 8", HQ_ACCEL_ERR_WEIGHTS, lsh(0, 8)});
        cases.push_back({"lo_shift 7, last row", HQ_ACCEL_ERR_WEIGHTS, lsh(d0.rows - 1u, 7)});
        if (d0.rows % 4 != 0)
            cases.push_back({"lo_shift padding 9 (accepted)", 0, lsh(d0.rows, 9)});
    }
    /* K-split on a dense layer 0: the partial-sum area (after the row parameters, rounded up
     * to 64 bytes) read, written, and outside memory (the row parameters moved to the end) */
    if (d0.op == HQ_ACCEL_OP_DENSE) {
        const uint32_t pbytes = (uint32_t)d0.rows * HQ_ACCEL_ROW_PARAM_BYTES;
        const uint32_t at = end - (pbytes + 63) / 64 * 64; /* psum area = end */
        auto params_at_end = [=](uint8_t flags) {
            return [=](Sim &x, const DramImage &i) {
                const hq_accel_desc &d = i.layers[0].desc;
                std::memmove(&x.mem.bytes[at - x.mem.base], &x.mem.bytes[d.param_addr - x.mem.base],
                             pbytes);
                x.put32(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_PARAM_ADDR, at);
                x.put8(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_FLAGS, flags);
            };
        };
        std::vector<ErrCase> ks = {
            {"NO_PAD_TOP on a dense layer", HQ_ACCEL_ERR_BAD_DESC,
             f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_NO_PAD_TOP)},
            {"partial sums read outside memory", HQ_ACCEL_ERR_BAD_ADDR,
             params_at_end(HQ_ACCEL_FLAG_PSUM_IN | HQ_ACCEL_FLAG_RELU), 1, 0, end},
            {"partial sums written outside memory", HQ_ACCEL_ERR_BAD_ADDR,
             params_at_end(HQ_ACCEL_FLAG_PSUM_OUT), 1, 0, end},
            {"middle K chunk runs (no error)", HQ_ACCEL_ERR_NONE,
             f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_PSUM_IN | HQ_ACCEL_FLAG_PSUM_OUT)},
        };
        cases.insert(cases.end(), ks.begin(), ks.end());
    }
    /* signed modes (docs/regmap.md): each refused combination is descriptor 1 of a command
     * whose descriptor 0 uses a signed mode and runs (ERR_DESC 1; the RTL before the modes
     * refused descriptor 0), and a descriptor 0 of each mode that runs */
    {
        using Setup = std::function<void(Sim &, const DramImage &)>;
        auto at8 = [](size_t l, uint32_t off, uint8_t v) -> Setup {
            return [=](Sim &x, const DramImage &i) { x.put8(desc_at(i, l) + off, v); };
        };
        auto seq = [](std::vector<Setup> v) -> Setup {
            return [=](Sim &x, const DramImage &i) {
                for (const Setup &f : v)
                    f(x, i);
            };
        };
        const uint8_t F = HQ_ACCEL_DESC_OFF_FLAGS, CH = HQ_ACCEL_DESC_OFF_CLAMP_HI;
        const Setup sin0 = at8(0, F, (uint8_t)(d0.flags | HQ_ACCEL_FLAG_SIGNED_IN));
        /* descriptor l as a 2x2 max-pool of its input map */
        auto pool_at = [](size_t l, uint8_t flags) -> Setup {
            return [=](Sim &x, const DramImage &i) {
                const hq_accel_desc &d = i.layers[l].desc;
                const uint32_t a = desc_at(i, l);
                x.put8(a + HQ_ACCEL_DESC_OFF_OP, HQ_ACCEL_OP_MAXPOOL);
                x.put8(a + HQ_ACCEL_DESC_OFF_POOL, 2);
                x.put8(a + HQ_ACCEL_DESC_OFF_FLAGS, flags);
                x.put16(a + HQ_ACCEL_DESC_OFF_OUT_C, d.in_c);
                x.put16(a + HQ_ACCEL_DESC_OFF_OUT_H, (uint16_t)(d.in_h / 2));
                x.put16(a + HQ_ACCEL_DESC_OFF_OUT_W, (uint16_t)(d.in_w / 2));
            };
        };
        std::vector<ErrCase> sg = {
            {"SIGNED_IN runs (no error)", HQ_ACCEL_ERR_NONE, sin0},
            {"CLAMP_HI with RELU runs (no error)", HQ_ACCEL_ERR_NONE, at8(0, CH, 6)},
            {"desc 1: SIGNED_OUT with RELU", HQ_ACCEL_ERR_BAD_DESC,
             seq({sin0, at8(1, F, HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_SIGNED_OUT)}), 2, 0, 0, 1},
            {"desc 1: SIGNED_OUT with PSUM_OUT", HQ_ACCEL_ERR_BAD_DESC,
             seq({sin0, at8(1, F, HQ_ACCEL_FLAG_PSUM_OUT | HQ_ACCEL_FLAG_SIGNED_OUT)}), 2, 0, 0, 1},
            {"desc 1: CLAMP_HI without RELU", HQ_ACCEL_ERR_BAD_DESC,
             seq({sin0, at8(0, CH, 6), at8(1, F, 0), at8(1, CH, 6)}), 2, 0, 0, 1},
        };
        if (d0.op == HQ_ACCEL_OP_DENSE)
            sg.push_back({"SIGNED_OUT without RELU runs (no error)", HQ_ACCEL_ERR_NONE,
                          at8(0, F, HQ_ACCEL_FLAG_SIGNED_OUT)});
        if (d0.op == HQ_ACCEL_OP_CONV && img.layers.size() > 1) {
            const hq_accel_desc &d1 = img.layers[1].desc;
            sg.push_back({"desc 1: SIGNED_IN on a max-pool", HQ_ACCEL_ERR_BAD_DESC,
                          seq({sin0, pool_at(1, HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_SIGNED_IN)}), 2,
                          0, 0, 1});
            sg.push_back({"desc 1: SIGNED_OUT on a max-pool", HQ_ACCEL_ERR_BAD_DESC,
                          seq({sin0, pool_at(1, HQ_ACCEL_FLAG_SIGNED_OUT)}), 2, 0, 0, 1});
            if (d1.op == HQ_ACCEL_OP_CONV && d1.pool > 1)
                sg.push_back({"desc 1: SIGNED_OUT with POOL > 1", HQ_ACCEL_ERR_BAD_DESC,
                              seq({sin0, at8(1, F, HQ_ACCEL_FLAG_SIGNED_OUT)}), 2, 0, 0, 1});
            /* a max-pool does not requantize: CLAMP_HI is accepted and ignored (the model) */
            sg.push_back({"CLAMP_HI on a max-pool runs (no error)", HQ_ACCEL_ERR_NONE,
                          seq({pool_at(0, HQ_ACCEL_FLAG_RELU), at8(0, CH, 6)})});
            /* the conv without its pool: int8 outputs of every position */
            const unsigned ch = (d0.in_h + 2u * d0.pad - d0.kernel) / d0.stride + 1,
                           cw = (d0.in_w + 2u * d0.pad - d0.kernel) / d0.stride + 1;
            if (ch * cw * d0.out_c <= 4096u) /* OBUF_BYTES */
                sg.push_back({"SIGNED_OUT conv, POOL 1, runs (no error)", HQ_ACCEL_ERR_NONE,
                              [=](Sim &x, const DramImage &i) {
                                  const uint32_t a = desc_at(i, 0);
                                  x.put8(a + HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_SIGNED_OUT);
                                  x.put8(a + HQ_ACCEL_DESC_OFF_POOL, 1);
                                  x.put16(a + HQ_ACCEL_DESC_OFF_OUT_H, (uint16_t)ch);
                                  x.put16(a + HQ_ACCEL_DESC_OFF_OUT_W, (uint16_t)cw);
                              }});
        }
        cases.insert(cases.end(), sg.begin(), sg.end());
    }
    /* the layouts whose decoders this build leaves out (LAYOUTS): refused before the header */
    static const char *const kLeftOut[] = {
        "dense left out of this build", "coo left out of this build", "",
        "rowgroup left out of this build", "escape left out of this build"};
    for (unsigned l = 0; l < 5 && !kPeCfg.uniform; l++)
        if (l != HQ_ACCEL_LAYOUT_BLOCK && l != d0.layout && !layout_built(l))
            cases.push_back(
                {kLeftOut[l], HQ_ACCEL_ERR_LAYOUT, f8(HQ_ACCEL_DESC_OFF_LAYOUT, (uint8_t)l)});
    if (!kPeCfg.uniform && d0.layout == HQ_ACCEL_LAYOUT_BLOCK &&
        !layout_built(HQ_ACCEL_LAYOUT_BLOCK) && d0.block_m == kPeCfg.m && d0.block_n == kPeCfg.n &&
        kPeCfg.n < kPeCfg.m)
        cases.push_back({"block of another N left out of this build", HQ_ACCEL_ERR_LAYOUT,
                         f8(HQ_ACCEL_DESC_OFF_BLOCK_N, (uint8_t)(kPeCfg.n + 1))});
    /* weight contents the model's decoders refuse (ERR_WEIGHTS, ERR_ADDR = WEIGHT_ADDR) */
    add_content_cases(cases, d0);
    for (ErrCase &c : cases)
        if (c.expect == HQ_ACCEL_ERR_WEIGHTS && c.expect_addr < 0 &&
            std::strcmp(c.name, "weight bytes not a multiple of 16"))
            c.expect_addr = d0.weight_addr;
    /* conv models: the K case as a conv (K = KERNEL^2 * IN_C), and the conv and max-pool checks
     * of descriptor.cpp, the im2col buffer limit, the max-pool unit's input and output */
    if (d0.op == HQ_ACCEL_OP_CONV) {
        for (ErrCase &c : cases)
            if (!std::strcmp(c.name, "K above the RTL activation buffer"))
                c.setup = [](Sim &x, const DramImage &i) {
                    const hq_accel_desc &d = i.layers[0].desc;
                    x.put16(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_IN_C, 500);
                    x.put16(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_COLS,
                            (uint16_t)(d.kernel * d.kernel * 500));
                };
        const uint8_t kk = d0.kernel;
        auto fpool =
            [](Sim &x,
               const DramImage &i) { /* descriptor 0 as a 2x2 max-pool */
                                     const hq_accel_desc &d = i.layers[0].desc;
                                     const uint32_t a = desc_at(i, 0);
                                     x.put8(a + HQ_ACCEL_DESC_OFF_OP, HQ_ACCEL_OP_MAXPOOL);
                                     x.put8(a + HQ_ACCEL_DESC_OFF_POOL, 2);
                                     x.put8(a + HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_RELU);
                                     x.put16(a + HQ_ACCEL_DESC_OFF_OUT_C, d.in_c);
                                     x.put16(a + HQ_ACCEL_DESC_OFF_OUT_H, (uint16_t)(d.in_h / 2));
                                     x.put16(a + HQ_ACCEL_DESC_OFF_OUT_W, (uint16_t)(d.in_w / 2));
            };
        auto then = [](std::function<void(Sim &, const DramImage &)> a,
                       std::function<void(Sim &, const DramImage &)> b) {
            return [=](Sim &x, const DramImage &i) {
                a(x, i);
                b(x, i);
            };
        };
        std::vector<ErrCase> conv = {
            {"conv kernel 0", HQ_ACCEL_ERR_BAD_SHAPE, f8(HQ_ACCEL_DESC_OFF_KERNEL, 0)},
            {"conv stride 0", HQ_ACCEL_ERR_BAD_SHAPE, f8(HQ_ACCEL_DESC_OFF_STRIDE, 0)},
            {"conv pad >= kernel", HQ_ACCEL_ERR_BAD_SHAPE, f8(HQ_ACCEL_DESC_OFF_PAD, kk)},
            {"conv kernel above the padded input", HQ_ACCEL_ERR_BAD_SHAPE,
             [](Sim &x, const DramImage &i) {
                 const hq_accel_desc &d = i.layers[0].desc;
                 const uint8_t k = (uint8_t)(d.in_h + 2 * d.pad + 1);
                 x.put8(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_KERNEL, k);
                 x.put16(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_COLS, (uint16_t)(k * k * d.in_c));
             }},
            {"conv OUT_H not conv / POOL", HQ_ACCEL_ERR_BAD_SHAPE,
             f16(HQ_ACCEL_DESC_OFF_OUT_H, (uint16_t)(d0.out_h + 1))},
            {"conv POOL not the output's", HQ_ACCEL_ERR_BAD_SHAPE,
             f8(HQ_ACCEL_DESC_OFF_POOL, (uint8_t)(d0.pool > 1 ? 1 : 2))},
            {"conv without FLAG_RELU", HQ_ACCEL_ERR_BAD_DESC,
             f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_LAST)},
            {"conv map above the im2col buffer", HQ_ACCEL_ERR_BUF_OVERFLOW,
             [](Sim &x, const DramImage &i) {
                 /* a 5x larger map pooled 5x more: the output stays as large */
                 const hq_accel_desc &d = i.layers[0].desc;
                 const unsigned p = d.pool > 1 ? d.pool : 1;
                 const uint32_t a = desc_at(i, 0);
                 x.put16(a + HQ_ACCEL_DESC_OFF_IN_H, (uint16_t)(d.in_h * 5));
                 x.put16(a + HQ_ACCEL_DESC_OFF_IN_W, (uint16_t)(d.in_w * 5));
                 x.put8(a + HQ_ACCEL_DESC_OFF_POOL, (uint8_t)(p * 5));
             }},
            {"maxpool POOL 1", HQ_ACCEL_ERR_BAD_DESC, then(fpool, f8(HQ_ACCEL_DESC_OFF_POOL, 1))},
            {"maxpool OUT_C != IN_C", HQ_ACCEL_ERR_BAD_SHAPE,
             then(fpool, f16(HQ_ACCEL_DESC_OFF_OUT_C, (uint16_t)(d0.in_c + 1)))},
            {"maxpool OUT_W not IN_W / POOL", HQ_ACCEL_ERR_BAD_SHAPE,
             then(fpool, f16(HQ_ACCEL_DESC_OFF_OUT_W, (uint16_t)(d0.in_w / 2 + 1)))},
            {"maxpool without FLAG_RELU", HQ_ACCEL_ERR_BAD_DESC,
             then(fpool, f8(HQ_ACCEL_DESC_OFF_FLAGS, 0))},
            {"maxpool map above the im2col buffer", HQ_ACCEL_ERR_BUF_OVERFLOW,
             then(fpool,
                  [](Sim &x, const DramImage &i) {
                      const hq_accel_desc &d = i.layers[0].desc;
                      const uint32_t a = desc_at(i, 0);
                      x.put16(a + HQ_ACCEL_DESC_OFF_IN_H, (uint16_t)(d.in_h * 6));
                      x.put16(a + HQ_ACCEL_DESC_OFF_IN_W, (uint16_t)(d.in_w * 6));
                      x.put8(a + HQ_ACCEL_DESC_OFF_POOL, 12);
                      x.put16(a + HQ_ACCEL_DESC_OFF_OUT_H, (uint16_t)(d.in_h / 2));
                      x.put16(a + HQ_ACCEL_DESC_OFF_OUT_W, (uint16_t)(d.in_w / 2));
                  })},
            {"maxpool input outside memory", HQ_ACCEL_ERR_BAD_ADDR,
             then(fpool, f32(HQ_ACCEL_DESC_OFF_IN_ADDR, 0x10)), 1, 0, 0x10},
            {"maxpool output outside memory", HQ_ACCEL_ERR_BAD_ADDR,
             then(fpool, f32(HQ_ACCEL_DESC_OFF_OUT_ADDR, 0x4000)), 1, 0, 0x4000},
            {"maxpool runs (no error)", HQ_ACCEL_ERR_NONE, fpool},
            /* K-split and row bands (docs/regmap.md) */
            {"PSUM_IN on a max-pool", HQ_ACCEL_ERR_BAD_DESC,
             then(fpool, f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_PSUM_IN))},
            {"NO_PAD_BOTTOM on a max-pool", HQ_ACCEL_ERR_BAD_DESC,
             then(fpool,
                  f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_NO_PAD_BOTTOM))},
            {"conv partial sums above the RTL buffer", HQ_ACCEL_ERR_BUF_OVERFLOW,
             f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_PSUM_IN)},
        };
        if (d0.pool > 1)
            conv.push_back({"PSUM_OUT with POOL", HQ_ACCEL_ERR_BAD_DESC,
                            f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_PSUM_OUT)});
        if (d0.pad > 0) /* no padding above: one input row less, so OUT_H is wrong */
            conv.push_back(
                {"conv NO_PAD_TOP, OUT_H of the padded map", HQ_ACCEL_ERR_BAD_SHAPE,
                 f8(HQ_ACCEL_DESC_OFF_FLAGS, HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_NO_PAD_TOP)});
        cases.insert(cases.end(), conv.begin(), conv.end());
    }
    /* a weight image whose sections run past the end of memory: the header says it is there */
    for (ErrCase &c : cases)
        if (!std::strcmp(c.name, "weight image past the end of memory"))
            c.setup = [end](Sim &x, const DramImage &i) {
                const hq_accel_desc &d = i.layers[0].desc;
                /* (a conv layer's image may be smaller than 64 bytes: then only the header) */
                const uint32_t at = end - (d.weight_bytes > 64 ? 64 : 16);
                for (int k = 0; k < 16; k++)
                    x.put8(at + k, x.mem.bytes[d.weight_addr - x.mem.base + k]);
                for (uint32_t k = 16; at + k < end; k++)
                    x.put8(at + k, 0);
                x.put32(desc_at(i, 0) + HQ_ACCEL_DESC_OFF_WEIGHT_ADDR, at);
            };
    (void)D0;
    s.reg_write(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    int failures = 0;
    auto check = [&](const char *name, bool ok, const std::string &why) {
        if (!ok) {
            failures++;
            std::fprintf(stderr, "FAIL %s: %s\n", name, why.c_str());
        }
    };
    for (ErrCase &c : cases) {
        s.mem.bytes = clean;
        if (c.setup) c.setup(s, img);
        const uint32_t addr = c.layer < 0 ? 0x1000 : desc_at(img, (size_t)c.layer);
        Sim::Result r = s.run(addr, c.desc_count, 5000000);
        if (s.hung) {
            check(c.name, false, "hang");
            return 1;
        }
        char why[256];
        std::snprintf(why, sizeof why,
                      "STATUS 0x%08x (error %u), ERR_DESC %u, ERR_ADDR 0x%08x; expected error "
                      "%u, desc %u, addr 0x%llx",
                      r.status, r.err, r.err_desc, r.err_addr, c.expect, c.expect_desc,
                      (unsigned long long)c.expect_addr);
        const bool ok = r.irq_seen && r.err == c.expect && !(r.status & HQ_ACCEL_STATUS_BUSY) &&
                        r.err_desc == c.expect_desc &&
                        (c.expect_addr < 0 || r.err_addr == (uint32_t)c.expect_addr);
        check(c.name, ok, why);
        std::printf("%-40s -> error %u (%s)\n", c.name, r.err, ok ? "ok" : "WRONG");
    }
    /* the command checks of the register block */
    s.mem.bytes = clean;
    struct CmdCase {
        const char *name;
        uint32_t addr, count;
    } cmds[] = {
        {"DESC_COUNT 0", D0, 0}, {"DESC_COUNT 257", D0, 257}, {"misaligned DESC_ADDR", D0 + 4, 1}};
    for (const CmdCase &c : cmds) {
        Sim::Result r = s.run(c.addr, c.count, 1000);
        check(c.name, r.irq_seen && r.err == HQ_ACCEL_ERR_BAD_CMD && r.err_addr == c.addr,
              "expected ERR_BAD_CMD");
        std::printf("%-40s -> error %u\n", c.name, r.err);
    }
    /* START while busy: refused with ERR_BUSY beside BUSY; the running command ends DONE */
    {
        s.reg_write(HQ_ACCEL_REG_DESC_ADDR, D0);
        s.reg_write(HQ_ACCEL_REG_DESC_COUNT, 1);
        s.reg_write(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
        s.reg_write(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
        const uint32_t st = s.reg_read(HQ_ACCEL_REG_STATUS);
        check("START while busy",
              (st & HQ_ACCEL_STATUS_BUSY) && (st & HQ_ACCEL_STATUS_ERROR) &&
                  ((st >> 8) & 0xFF) == HQ_ACCEL_ERR_BUSY,
              "STATUS " + std::to_string(st));
        for (uint64_t t0 = s.cycle; s.reg_read(HQ_ACCEL_REG_STATUS) & HQ_ACCEL_STATUS_BUSY;)
            if (s.cycle - t0 > 50000000) {
                check("START while busy", false, "hang");
                return 1;
            }
        const uint32_t end_st = s.reg_read(HQ_ACCEL_REG_STATUS);
        const uint32_t pend = s.reg_read(HQ_ACCEL_REG_IRQ_STATUS);
        check("START while busy", end_st == HQ_ACCEL_STATUS_DONE && pend == 3,
              "end STATUS " + std::to_string(end_st) + " IRQ_STATUS " + std::to_string(pend));
        s.reg_write(HQ_ACCEL_REG_IRQ_STATUS, 3);
        std::printf("%-40s -> status 0x%x at the end\n", "START while busy", end_st);
    }
    /* register access errors: SLVERR, registers unchanged */
    {
        uint32_t resp = 0;
        s.reg_read(0x42, &resp);
        check("misaligned register read", resp == 2, "expected SLVERR");
        s.reg_read(0xF0, &resp);
        check("read outside the map", resp == 2, "expected SLVERR");
        check("partial register write", s.reg_write(HQ_ACCEL_REG_DESC_ADDR, 5, 0x1) == 2,
              "expected SLVERR");
        check("write outside the map", s.reg_write(0xF0, 5) == 2, "expected SLVERR");
        check("ID", s.reg_read(HQ_ACCEL_REG_ID) == HQ_ACCEL_ID_VALUE, "wrong ID");
        std::printf("%-40s -> checked\n", "register access errors");
    }
    /* still works afterwards: one clean layer */
    s.mem.bytes = clean;
    Sim::Result r = s.run(D0, 1);
    check("clean layer after the errors", r.irq_seen && r.err == 0,
          "error " + std::to_string(r.err));
    std::printf("%s: %zu error programs + command/register checks: %d failures, AXI violations "
                "%ld\n",
                ACCEL_CONFIG_NAME, cases.size(), failures, s.chk.violations);
    (void)o;
    return failures || s.chk.violations ? 1 : 0;
}

/* ---- random and directed fully connected layers (the tile bench's generator) ---- */
static void put_le(std::vector<uint8_t> &m, uint32_t off, uint32_t v, int n) {
    for (int i = 0; i < n; i++)
        m[off + i] = (uint8_t)(v >> (8 * i));
}

/* The tile cycles of a layer by the model's array rule (model/accel/lanegroup_array.cpp,
 * uniform8_array.cpp, through pe_vectors.c): is_hi [rows][k] the weights the model counts as
 * high (every weight of a uniform layer). On the lane-group array low codes of lo = 3 or 4
 * bits go through the ternary lanes as lo - 1 digits, one tile cycle each
 * (hq_beat_split.v): a beat takes max(lo - 1, the rule's cycles). */
static long model_compute_cycles(const pe_tile &t, const uint8_t *is_hi, unsigned lo = 0) {
    pe_tile h = t;
    h.is_hi = const_cast<uint8_t *>(is_hi);
    const long digits = kPeCfg.uniform || kPeCfg.split || lo < 3 ? 1 : (long)lo - 1;
    if (digits == 1) return pe_tile_busy_cycles(&kPeCfg, &h); /* split: its own rule */
    long s = 0; /* per beat, as pe_tile_busy_cycles, with the digits' floor */
    for (int r = 0; r < t.rows; r++)
        for (int b = 0; b < t.nbeats; b++) {
            int worst = 0;
            for (int g0 = b * kPeCfg.lanes; g0 < (b + 1) * kPeCfg.lanes && g0 < t.k;
                 g0 += kPeCfg.g) {
                int n = 0;
                for (int i = g0; i < g0 + kPeCfg.g && i < t.k; i++)
                    n += is_hi[(size_t)r * t.k + i];
                worst = std::max(worst, n);
            }
            s += std::max(digits, 1L + (worst > 1 ? worst - 1 : 0));
        }
    return s;
}

static long g_compute_mismatches = 0; /* layers whose COMPUTE differs from the model's rule */

/* One fully connected layer of a random tile t, its weights in the layer image `image`
 * (header, lo_shift table, sections) at WGT, outputs against exp_acc / exp_y. Returns true
 * when it ran without error and every output matches. exp_compute >= 0: the layer's COMPUTE
 * counter (tile cycles) must equal it (else counted in g_compute_mismatches). */
static bool run_tile_layer(Sim &s, const pe_tile &t, const uint8_t *image, uint32_t size,
                           const int32_t *exp_acc, const uint8_t *exp_y, bool relu, uint32_t *err,
                           long exp_compute = -1) {
    const uint32_t B = s.mem.base, DESC = 0, IN = 0x1000, OUT = 0x10000, PRM = 0x20000,
                   WGT = 0x40000;
    std::vector<uint8_t> &m = s.mem.bytes;
    std::fill(m.begin(), m.end(), 0);
    std::memcpy(&m[WGT], image, size);
    for (int r = 0; r < t.rows; r++) {
        put_le(m, PRM + 12 * r, (uint32_t)t.bias[r], 4);
        put_le(m, PRM + 12 * r + 4, (uint32_t)t.mult[r], 4);
        m[PRM + 12 * r + 8] = t.shift[r];
    }
    std::memcpy(&m[IN], t.act, (size_t)t.k);
    hq_accel_desc d{};
    d.magic = HQ_ACCEL_DESC_MAGIC;
    d.op = HQ_ACCEL_OP_DENSE;
    d.layout = image[0];
    d.flags = relu ? HQ_ACCEL_FLAG_RELU : HQ_ACCEL_FLAG_LAST;
    d.lo_bits = image[1];
    d.hi_bits = image[2];
    d.block_n = image[3];
    d.block_m = image[4];
    d.rows = d.out_c = (uint16_t)t.rows;
    d.cols = d.in_c = (uint16_t)t.k;
    d.in_h = d.in_w = d.out_h = d.out_w = 1;
    d.in_addr = B + IN;
    d.out_addr = B + OUT;
    d.weight_addr = B + WGT;
    d.weight_bytes = size;
    d.param_addr = B + PRM;
    d.batch = 1;
    d.in_stride = (uint32_t)t.k;
    d.out_stride = (uint32_t)t.rows * (relu ? 1 : 4);
    hq::accel::desc_to_bytes(d, &m[DESC]);
    /* the tile's cycles: COMPUTE (split: plus STALL_OUT, its further high-unit passes) */
    auto tile_cycles = [&s] {
        return s.counter(HQ_ACCEL_REG_COMPUTE_LO) +
               (kPeCfg.split ? s.counter(HQ_ACCEL_REG_STALL_OUT_LO) : 0);
    };
    const uint64_t compute0 = tile_cycles();
    Sim::Result r = s.run(B + DESC, 1, 20000000);
    *err = r.err;
    if (!s.hung && r.err == 0 && exp_compute >= 0) {
        const uint64_t got = tile_cycles() - compute0;
        if (got != (uint64_t)exp_compute && g_compute_mismatches++ < 5)
            std::fprintf(stderr,
                         "COMPUTE MISMATCH layout %u (K %d, rows %d): %llu tile cycles, "
                         "the model's rule %ld\n",
                         image[0], t.k, t.rows, (unsigned long long)got, exp_compute);
    }
    bool bad = s.hung || r.err != 0;
    for (int row = 0; !bad && row < t.rows; row++)
        bad =
            relu ? m[OUT + row] != exp_y[row] : (int32_t)s.get32(B + OUT + 4 * row) != exp_acc[row];
    return !bad;
}

/* Weights w of the tile's shape as the library's quantized dense layer (what its packer and the
 * C reference take), with unit weight scales and the tile's bias and requantization; lo 0 is a
 * uniform layer (no is_hi or lo_shift). Not copyable: L points at q. */
struct TileLayer {
    std::vector<float> scale;
    hq_qlayer q{};
    hq_layer L{};
    TileLayer(const pe_tile &t, int lo, int hi, int8_t *w, uint8_t *is_hi, uint8_t *lo_shift)
        : scale((size_t)t.rows, 1.0f) {
        q.lo_bits = lo;
        q.hi_bits = hi;
        q.w = w;
        q.is_hi = lo ? is_hi : nullptr;
        q.lo_shift = lo ? lo_shift : nullptr;
        q.w_scale = scale.data();
        q.bias = t.bias;
        q.rq_mult = t.mult;
        q.rq_shift = t.shift;
        L.kind = HQ_LAYER_DENSE;
        L.in = hq_shape{t.k, 1, 1};
        L.out = hq_shape{t.rows, 1, 1};
        L.rows = t.rows;
        L.cols = t.k;
        L.relu = 1;
        L.q = &q;
    }
    TileLayer(const TileLayer &) = delete;
    TileLayer &operator=(const TileLayer &) = delete;
    /* The C reference on the tile's activations: int32 accumulators and uint8 ReLU outputs. */
    void reference(const pe_tile &t, int32_t *acc, uint8_t *y) const {
        hq_ref_layer_acc(&L, t.act, 1, acc);
        hq_ref_requant(&q, t.rows, acc, 1, y);
    }
};

/* q (rows x k) packed in `layout` by the library's packer into *out (the layer image bytes);
 * block_n/block_m: the N:M of a block layout (-1/0: the packer's default; only block reads
 * them). The one pack tail of the random, block-mix, K-split, signed and dense tests. */
static int pack_layer(const hq_qlayer &q, int rows, int k, hq_layout_kind layout, int block_n,
                      int block_m, std::vector<uint8_t> *out, char *err, size_t errlen) {
    hq_layout_opts o;
    hq_layout_opts_default(&o, layout);
    o.block_n = block_n;
    o.block_m = block_m;
    hq_layer_image img;
    if (hq_layout_pack(&q, rows, k, &o, &img, err, errlen)) return -1;
    out->assign(img.data, img.data + img.size);
    hq_layer_image_free(&img);
    return 0;
}

/* The tile's weights packed in `layout` by the library's packer (the layer image bytes). */
static int pack_tile(const pe_cfg &c, const pe_tile &t, hq_layout_kind layout,
                     std::vector<uint8_t> *out, char *err, size_t errlen) {
    const TileLayer tl(t, c.uniform ? 0 : c.lo, c.hi, t.w, t.is_hi, t.lo_shift);
    return pack_layer(tl.q, t.rows, t.k, layout, -1, 0, out, err, errlen);
}

static constexpr uint32_t kVbufBytes = 16384; /* hq_accel's default VBUF_BYTES */

/* `rowgroup` needs whole high rows: each row of t becomes a high row (int8 values, about a
 * fifth 0, which are low code 0) with probability 1/4, else a low row (the tile's low codes);
 * the expected outputs are computed again by the C reference. */
static void make_rowgroup_tile(const pe_cfg &c, pe_rng &rng, pe_tile &t) {
    const int qmax = (1 << (c.hi - 1)) - 1, cmax = c.lo == 1 ? 1 : (1 << (c.lo - 1)) - 1;
    for (int r = 0; r < t.rows; r++) {
        const bool high = pe_rng_range(&rng, 0, 3) == 0;
        for (int j = 0; j < t.k; j++) {
            const size_t i = (size_t)r * t.k + j;
            int v;
            if (high)
                v = pe_rng_range(&rng, 0, 4) == 0 ? 0 : pe_rng_range(&rng, -qmax, qmax);
            else if (c.lo == 1)
                v = (pe_rng_range(&rng, 0, 1) ? 1 : -1) * (1 << t.lo_shift[r]);
            else
                v = pe_rng_range(&rng, -cmax, cmax) * (1 << t.lo_shift[r]);
            t.w[i] = (int8_t)v;
            t.is_hi[i] = (uint8_t)(high && v != 0);
        }
    }
    TileLayer(t, c.lo, c.hi, t.w, t.is_hi, t.lo_shift).reference(t, t.exp_acc, t.exp_y);
}

static int run_random_layers(Sim &s, int n, unsigned long seed, int layout, int max_high,
                             int lo_bits) {
    pe_cfg c = kPeCfg;
    if (lo_bits > 0 && !c.uniform) { /* --lo-bits: the layers' low codes, packed by --layout */
        if (layout < 0) {
            std::fprintf(stderr, "--lo-bits needs --layout (the tile's own blocks are lo %d)\n",
                         c.lo);
            return 2;
        }
        c.lo = lo_bits;
    }
    s.mem.bytes.assign(4u << 20, 0);
    s.reg_write(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    pe_rng rng{seed};
    /* random layers keep K <= 16 beats (the time of the test); the directed full-K layer
     * fills the accelerator's whole activation buffer */
    pe_cfg rc = c;
    rc.nb_max = std::min(c.nb_max, 16);
    long bad_layers = 0, rows_total = 0, over_buffer = 0;
    const int total = PE_DIRECTED_COUNT + n;
    for (int li = 0; li < total; li++) {
        pe_tile t{};
        char err[256];
        const bool directed = li < PE_DIRECTED_COUNT;
        /* --max-high H: blocks of up to H high weights (random per layer), more than the
         * tile's N slots: the decoders' layouts run them in extra cycles of the beat */
        pe_cfg rl = rc;
        if (max_high > 0 && !c.uniform) rl.n = pe_rng_range(&rng, 1, std::min(max_high, c.m));
        if ((directed ? pe_tile_directed(&c, li, &rng, &t, err, sizeof err)
                      : pe_tile_random(&rl, &rng, 64, &t, err, sizeof err))) {
            std::fprintf(stderr, "layer %d: %s\n", li, err);
            return 2;
        }
        const bool relu = li % 2 == 0;
        /* the layer image of docs/layouts.md: header, lo_shift table, one section */
        const uint32_t beat = (uint32_t)pe_beat_bytes(&c);
        const uint32_t row_bytes =
            c.uniform ? (uint32_t)t.k
                      : (uint32_t)((t.k + c.m - 1) / c.m) * (uint32_t)pe_block_bytes(&c);
        const uint32_t payload = c.uniform ? 16 : (16 + (uint32_t)t.rows + 15) / 16 * 16;
        const uint32_t size = (payload + (uint32_t)t.rows * row_bytes + 63) / 64 * 64;
        std::vector<uint8_t> m(size, 0);
        if (layout == HQ_LAYOUT_ROWGROUP && !c.uniform) make_rowgroup_tile(c, rng, t);
        if (layout >= 0) { /* --layout: the library's packer */
            if (pack_tile(c, t, (hq_layout_kind)layout, &m, err, sizeof err)) {
                std::fprintf(stderr, "layer %d: pack: %s\n", li, err);
                pe_tile_free(&t);
                return 2;
            }
            uint32_t e = 0;
            const bool ok = run_tile_layer(s, t, m.data(), (uint32_t)m.size(), t.exp_acc, t.exp_y,
                                           relu, &e, model_compute_cycles(t, t.is_hi, c.lo));
            /* escape / coo: the sections after the plane above VBUF_BYTES are the RTL's
             * documented buffer limit (ERR_BUF_OVERFLOW), not a mismatch */
            const uint32_t plane_end =
                ((16 + (uint32_t)t.rows + 15) / 16 * 16 +
                 ((uint32_t)t.rows * (uint32_t)t.k * (uint32_t)c.lo + 7) / 8 + 15) /
                16 * 16;
            if (!ok && !s.hung && e == HQ_ACCEL_ERR_BUF_OVERFLOW &&
                (layout == HQ_LAYOUT_ESCAPE || layout == HQ_LAYOUT_COO) &&
                m.size() - plane_end > kVbufBytes) {
                over_buffer++;
                pe_tile_free(&t);
                continue;
            }
            if (!ok && bad_layers++ < 5)
                std::fprintf(stderr, "MISMATCH %s layer %d (%s, K %d, rows %d, %s): error %u\n",
                             hq_layout_name((hq_layout_kind)layout), li,
                             directed ? pe_directed_name(li) : "random", t.k, t.rows,
                             relu ? "uint8" : "int32", e);
            rows_total += t.rows;
            pe_tile_free(&t);
            if (s.hung) break;
            continue;
        }
        m[0] = c.uniform ? HQ_ACCEL_LAYOUT_DENSE : HQ_ACCEL_LAYOUT_BLOCK;
        m[1] = (uint8_t)(c.uniform ? 0 : c.lo);
        m[2] = (uint8_t)c.hi;
        m[3] = (uint8_t)(c.uniform ? 0 : c.n);
        put_le(m, 4, c.uniform ? 0 : (uint32_t)c.m, 2);
        put_le(m, 6, (uint32_t)t.rows, 2);
        put_le(m, 8, (uint32_t)t.k, 2);
        m[10] = 1;
        put_le(m, 12, size, 4);
        for (int r = 0; r < t.rows; r++) {
            if (!c.uniform) m[16 + r] = t.lo_shift[r];
            std::memcpy(&m[payload + (uint32_t)r * row_bytes],
                        t.wbeats + (size_t)r * t.nbeats * beat, row_bytes);
        }
        uint32_t e = 0;
        const bool ok = run_tile_layer(s, t, m.data(), size, t.exp_acc, t.exp_y, relu, &e,
                                       model_compute_cycles(t, t.is_hi));
        if (!ok && bad_layers++ < 5)
            std::fprintf(stderr, "MISMATCH layer %d (%s, K %d, rows %d, %s): error %u\n", li,
                         directed ? pe_directed_name(li) : "random", t.k, t.rows,
                         relu ? "uint8" : "int32", e);
        rows_total += t.rows;
        pe_tile_free(&t);
        if (s.hung) break;
    }
    std::printf("%s: %d layers (%d directed, %d random), %ld rows: %ld mismatching layers, %ld "
                "layers off the model's cycle rule, %ld refused for VBUF_BYTES, AXI violations "
                "%ld\n",
                ACCEL_CONFIG_NAME, total, (int)PE_DIRECTED_COUNT, n, rows_total, bad_layers,
                g_compute_mismatches, over_buffer, s.chk.violations);
    return bad_layers || g_compute_mismatches || s.chk.violations || s.hung ? 1 : 0;
}

/* ---- --block-mix: `block` layers of every format (hq_block_decoder.v) ---- */
struct BlockFmt {
    int m, n, lo, hi;
};

/* A random layer (K, rows, codes, high weights) for `fmt`, drawn with its format; K at a block
 * boundary on even layers. Each block holds 0 to N high weights (a quarter of them none, a
 * quarter exactly min(N, its columns)); the expected outputs come from the C reference. */
static bool make_block_mix_tile(pe_rng &rng, int li, BlockFmt *f, pe_tile *t) {
    static const int ms[] = {2, 3, 8, 16, 24, 32, 48, 64, 100, 128, 200, 255};
    f->m = ms[pe_rng_range(&rng, 0, (int)(sizeof ms / sizeof ms[0]) - 1)];
    f->lo = pe_rng_range(&rng, 1, 4);
    f->hi = f->lo == 4 || pe_rng_range(&rng, 0, 1) ? 8 : 4;
    const int nmax = std::min(f->m, 64);
    const int pick = pe_rng_range(&rng, 0, 7);
    f->n = pick == 0 ? 0 : pick == 1 ? nmax : pe_rng_range(&rng, 1, std::min(nmax, 8));
    int k;
    if (li % 2 == 0) {
        const int m = f->m, ks[] = {1, m - 1, m, m + 1, 2 * m, 3 * m, 2 * m - 1, 64, 65, 5 * m};
        k = ks[pe_rng_range(&rng, 0, 9)];
    } else
        k = pe_rng_range(&rng, 1, 1024);
    k = std::max(1, std::min(k, 1024));
    const int rows = pe_rng_range(&rng, 1, 16);
    std::memset(t, 0, sizeof *t);
    t->k = k;
    t->rows = rows;
    t->nbeats = (k + kPeCfg.lanes - 1) / kPeCfg.lanes;
    const size_t nw = (size_t)rows * (size_t)k;
    t->act = (uint8_t *)std::calloc((size_t)t->nbeats * (size_t)kPeCfg.lanes, 1);
    t->w = (int8_t *)std::calloc(nw, 1);
    t->is_hi = (uint8_t *)std::calloc(nw, 1);
    t->lo_shift = (uint8_t *)std::calloc((size_t)rows, 1);
    t->bias = (int32_t *)std::calloc((size_t)rows, sizeof *t->bias);
    t->mult = (int32_t *)std::calloc((size_t)rows, sizeof *t->mult);
    t->shift = (uint8_t *)std::calloc((size_t)rows, 1);
    t->exp_acc = (int32_t *)std::calloc((size_t)rows, sizeof *t->exp_acc);
    t->exp_y = (uint8_t *)std::calloc((size_t)rows, 1);
    if (!t->act || !t->w || !t->is_hi || !t->lo_shift || !t->bias || !t->mult || !t->shift ||
        !t->exp_acc || !t->exp_y)
        return false;
    const int zero_pct = pe_rng_range(&rng, 0, 2) * 40;
    for (int i = 0; i < k; i++)
        t->act[i] =
            (uint8_t)(pe_rng_range(&rng, 0, 99) < zero_pct ? 0 : pe_rng_range(&rng, 1, 255));
    const int qmax = (1 << (f->hi - 1)) - 1, cmax = f->lo == 1 ? 1 : (1 << (f->lo - 1)) - 1;
    int smax = 0;
    while ((cmax << (smax + 1)) <= qmax)
        smax++;
    for (int r = 0; r < rows; r++) {
        t->lo_shift[r] = (uint8_t)pe_rng_range(&rng, 0, smax);
        t->bias[r] = pe_rng_range(&rng, -(1 << 16), 1 << 16);
        t->mult[r] = pe_rng_range(&rng, 1 << 20, 0x7fffffff);
        t->shift[r] = (uint8_t)pe_rng_range(&rng, 20, 40);
        int8_t *w = t->w + (size_t)r * k;
        uint8_t *h = t->is_hi + (size_t)r * k;
        for (int j = 0; j < k; j++) {
            const int c =
                f->lo == 1 ? (pe_rng_range(&rng, 0, 1) ? 1 : -1) : pe_rng_range(&rng, -cmax, cmax);
            w[j] = (int8_t)(c * (1 << t->lo_shift[r]));
        }
        for (int b0 = 0; b0 < k; b0 += f->m) {
            const int valid = std::min(f->m, k - b0), most = std::min(f->n, valid);
            const int sel = pe_rng_range(&rng, 0, 3);
            const int want = sel == 0 ? 0 : sel == 1 ? most : pe_rng_range(&rng, 0, most);
            for (int placed = 0; placed < want;) {
                const int j = b0 + pe_rng_range(&rng, 0, valid - 1);
                if (h[j]) continue;
                int v = pe_rng_range(&rng, 1, qmax);
                w[j] = (int8_t)(pe_rng_range(&rng, 0, 1) ? v : -v);
                h[j] = 1;
                placed++;
            }
        }
    }
    TileLayer(*t, f->lo, f->hi, t->w, t->is_hi, t->lo_shift).reference(*t, t->exp_acc, t->exp_y);
    return true;
}

/* lo = 1 blocks: slots 0 and 1 swapped in every block of the image. The model takes slots in
 * any order (a used slot names its position; block_decoder.cpp), the packer writes them in
 * position order: this puts them out of order, and unused slots before used ones. */
static void swap_first_slots(uint8_t *img, int rows, int k, const BlockFmt &f) {
    unsigned P = 0;
    while ((1u << P) < (unsigned)f.m)
        P++;
    const unsigned sw = P + (unsigned)f.hi, bits = (unsigned)f.m + (unsigned)f.n * sw;
    const uint32_t bb = (bits + 7) / 8, nblk = (uint32_t)((k + f.m - 1) / f.m);
    const uint32_t sec = (16 + (uint32_t)rows + 15) / 16 * 16;
    auto get = [&](uint32_t a, uint32_t bit) { return (img[a + bit / 8] >> (bit % 8)) & 1u; };
    auto put = [&](uint32_t a, uint32_t bit, unsigned v) {
        img[a + bit / 8] = (uint8_t)((img[a + bit / 8] & ~(1u << (bit % 8))) | (v << (bit % 8)));
    };
    for (uint32_t b = 0; b < (uint32_t)rows * nblk; b++) {
        const uint32_t a = sec + b * bb, s0 = (uint32_t)f.m, s1 = s0 + sw;
        for (unsigned i = 0; i < sw; i++) {
            const unsigned x = get(a, s0 + i), y = get(a, s1 + i);
            put(a, s0 + i, y);
            put(a, s1 + i, x);
        }
    }
}

static int run_block_mix(Sim &s, int n, unsigned long seed) {
    if (kPeCfg.uniform) {
        std::fprintf(stderr, "--block-mix: the uniform8 array has no `block` layout\n");
        return 2;
    }
    s.mem.bytes.assign(4u << 20, 0);
    s.reg_write(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    pe_rng rng{seed};
    long bad_layers = 0, refused = 0, rows_total = 0, off_beat = 0;
    std::map<int, int> by_m;
    for (int li = 0; li < n; li++) {
        pe_tile t{};
        BlockFmt f{};
        char err[256];
        if (!make_block_mix_tile(rng, li, &f, &t)) {
            std::fprintf(stderr, "layer %d: out of memory\n", li);
            pe_tile_free(&t);
            return 2;
        }
        const TileLayer tl(t, f.lo, f.hi, t.w, t.is_hi, t.lo_shift);
        std::vector<uint8_t> img;
        if (pack_layer(tl.q, t.rows, t.k, HQ_LAYOUT_BLOCK, f.n, f.m, &img, err, sizeof err)) {
            std::fprintf(stderr, "layer %d: pack %d:%d lo %d hi %d: %s\n", li, f.n, f.m, f.lo, f.hi,
                         err);
            pe_tile_free(&t);
            return 2;
        }
        if (f.lo == 1 && f.n >= 2 && li % 4 == 1) swap_first_slots(img.data(), t.rows, t.k, f);
        const bool relu = li % 2 == 0;
        uint32_t e = 0;
        const bool ok = run_tile_layer(s, t, img.data(), (uint32_t)img.size(), t.exp_acc, t.exp_y,
                                       relu, &e, model_compute_cycles(t, t.is_hi, (unsigned)f.lo));
        by_m[f.m]++;
        off_beat += kPeCfg.lanes % f.m != 0;
        if (!ok && e != 0) refused++;
        if (getenv("HQ_BLOCK_MIX_ALL") ? (bad_layers += !ok, true) : (!ok && bad_layers++ < 5))
            std::fprintf(stderr,
                         "%s block layer %d (%d:%d, lo %d, hi %d, K %d, rows %d, %s): "
                         "error %u\n",
                         ok ? "ok" : "MISMATCH", li, f.n, f.m, f.lo, f.hi, t.k, t.rows,
                         relu ? "uint8" : "int32", e);
        rows_total += t.rows;
        pe_tile_free(&t);
        if (s.hung) break;
    }
    std::printf("%s: %d block layers (%ld of an M not dividing the beat), %ld rows, M:",
                ACCEL_CONFIG_NAME, n, off_beat, rows_total);
    for (const auto &kv : by_m)
        std::printf(" %d x%d", kv.first, kv.second);
    std::printf("; %ld mismatching layers, %ld refused, %ld off the model's cycle rule, AXI "
                "violations %ld\n",
                bad_layers, refused, g_compute_mismatches, s.chk.violations);
    return bad_layers || g_compute_mismatches || s.chk.violations || s.hung ? 1 : 0;
}

/* ---- random conv and max-pool layers: the model's im2col and max-pool as the reference ---- */
static constexpr uint32_t kImgBytes = 4096, kObufBytes = 4096, kWbufBeats = 256; /* hq_accel's
                                                                                 defaults */

/* A conv layer's geometry around a random tile of K = kernel^2 * in_c; false: it does not fit
 * the RTL's buffers (the caller draws again). */
static bool conv_geometry(pe_rng &rng, int k, int rows, hq_accel_desc *d) {
    const int kernel = pe_rng_range(&rng, 1, 5);
    if (k % (kernel * kernel) || k > 2048) return false; /* (K <= 2,048 keeps the test short) */
    const int c = k / (kernel * kernel);
    const int pad = pe_rng_range(&rng, 0, kernel - 1), stride = pe_rng_range(&rng, 1, 3);
    const int lo = std::max(1, kernel - 2 * pad);
    const int h = pe_rng_range(&rng, lo, lo + 11), w = pe_rng_range(&rng, lo, lo + 11);
    const int conv_h = (h + 2 * pad - kernel) / stride + 1,
              conv_w = (w + 2 * pad - kernel) / stride + 1;
    const int pool = pe_rng_range(&rng, 0, 3);
    const int p1 = pool > 1 ? pool : 1;
    if (conv_h / p1 < 1 || conv_w / p1 < 1 || (uint32_t)(h * w * c) > kImgBytes ||
        (uint32_t)(conv_h / p1 * (conv_w / p1) * rows) > kObufBytes || conv_h * conv_w > 150)
        return false;
    d->op = HQ_ACCEL_OP_CONV;
    d->kernel = (uint8_t)kernel;
    d->stride = (uint8_t)stride;
    d->pad = (uint8_t)pad;
    d->pool = (uint8_t)pool;
    d->in_h = (uint16_t)h;
    d->in_w = (uint16_t)w;
    d->in_c = (uint16_t)c;
    d->out_h = (uint16_t)(conv_h / p1);
    d->out_w = (uint16_t)(conv_w / p1);
    return true;
}

static int run_random_conv(Sim &s, int n, unsigned long seed) {
    const pe_cfg c = kPeCfg;
    const uint32_t B = s.mem.base, DESC = 0, IN = 0x1000, OUT = 0x10000, PRM = 0x20000,
                   WGT = 0x40000;
    s.mem.bytes.assign(4u << 20, 0);
    s.reg_write(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    pe_rng rng{seed};
    long bad_layers = 0, positions = 0;
    for (int li = 0; li < 2 * n && !s.hung; li++) {
        const bool pool_only = li % 2 == 1;
        std::vector<uint8_t> &m = s.mem.bytes;
        std::fill(m.begin(), m.end(), 0);
        hq_accel_desc d{};
        pe_tile t{};
        char err[256];
        uint64_t weight_rd = 0, weight_rd_once = 0; /* weight bytes the layer reads */
        bool section_per_image = false;
        if (pool_only) {
            const int p = pe_rng_range(&rng, 2, 4), ch = pe_rng_range(&rng, 1, 20);
            d.op = HQ_ACCEL_OP_MAXPOOL;
            d.pool = (uint8_t)p;
            d.in_c = d.out_c = (uint16_t)ch;
            d.in_h = (uint16_t)pe_rng_range(&rng, p, std::min(40, (int)(kImgBytes / ch / p)));
            d.in_w = (uint16_t)pe_rng_range(&rng, p, (int)(kImgBytes / ch / d.in_h));
            d.out_h = (uint16_t)(d.in_h / p);
            d.out_w = (uint16_t)(d.in_w / p);
        } else {
            bool ok = false;
            for (int tries = 0; tries < 5000 && !ok; tries++) {
                if (tries) pe_tile_free(&t);
                t = pe_tile{};
                if (pe_tile_random(&c, &rng, 16, &t, err, sizeof err)) {
                    std::fprintf(stderr, "layer %d: %s\n", li, err);
                    return 2;
                }
                ok = conv_geometry(rng, t.k, t.rows, &d);
            }
            if (!ok) {
                std::fprintf(stderr, "layer %d: no conv geometry fits\n", li);
                return 2;
            }
            /* the layer image of docs/layouts.md: header, lo_shift table, one section */
            const uint32_t beat = (uint32_t)pe_beat_bytes(&c);
            const uint32_t row_bytes =
                c.uniform ? (uint32_t)t.k
                          : (uint32_t)((t.k + c.m - 1) / c.m) * (uint32_t)pe_block_bytes(&c);
            const uint32_t payload = c.uniform ? 16 : (16 + (uint32_t)t.rows + 15) / 16 * 16;
            const uint32_t size = (payload + (uint32_t)t.rows * row_bytes + 63) / 64 * 64;
            m[WGT + 0] = c.uniform ? HQ_ACCEL_LAYOUT_DENSE : HQ_ACCEL_LAYOUT_BLOCK;
            m[WGT + 1] = (uint8_t)(c.uniform ? 0 : c.lo);
            m[WGT + 2] = (uint8_t)c.hi;
            m[WGT + 3] = (uint8_t)(c.uniform ? 0 : c.n);
            put_le(m, WGT + 4, c.uniform ? 0 : (uint32_t)c.m, 2);
            put_le(m, WGT + 6, (uint32_t)t.rows, 2);
            put_le(m, WGT + 8, (uint32_t)t.k, 2);
            m[WGT + 10] = 1;
            put_le(m, WGT + 12, size, 4);
            for (int r = 0; r < t.rows; r++) {
                if (!c.uniform) m[WGT + 16 + r] = t.lo_shift[r];
                std::memcpy(&m[WGT + payload + (uint32_t)r * row_bytes],
                            t.wbeats + (size_t)r * t.nbeats * beat, row_bytes);
                put_le(m, PRM + 12 * r, (uint32_t)t.bias[r], 4);
                put_le(m, PRM + 12 * r + 4, (uint32_t)t.mult[r], 4);
                m[PRM + 12 * r + 8] = t.shift[r];
            }
            d.layout = m[WGT];
            d.lo_bits = m[WGT + 1];
            d.hi_bits = (uint8_t)c.hi;
            d.block_n = m[WGT + 3];
            d.block_m = (uint8_t)(c.uniform ? 0 : c.m);
            d.rows = d.out_c = (uint16_t)t.rows;
            d.cols = (uint16_t)t.k;
            d.weight_addr = B + WGT;
            d.weight_bytes = size;
            d.param_addr = B + PRM;
            /* header, lo_shift table, then the section: once if its beats fit the weight
             * store, else once per position and image (times the batch, below) */
            const bool fits = (uint64_t)t.rows * ((row_bytes + beat - 1) / beat) <= kWbufBeats;
            weight_rd = (uint64_t)t.rows * row_bytes *
                        (fits ? 1
                              : ((d.in_h + 2u * d.pad - d.kernel) / d.stride + 1) *
                                    ((d.in_w + 2u * d.pad - d.kernel) / d.stride + 1));
            section_per_image = !fits;
            weight_rd_once = 16 + (c.uniform ? 0 : ((uint32_t)t.rows + 3) / 4 * 4);
        }
        d.magic = HQ_ACCEL_DESC_MAGIC;
        d.flags = HQ_ACCEL_FLAG_RELU;
        d.in_addr = B + IN;
        d.out_addr = B + OUT;
        d.batch = (uint32_t)pe_rng_range(&rng, 1, 3);
        weight_rd = weight_rd_once + weight_rd * (section_per_image ? d.batch : 1);
        /* random input maps, some zeros, a random gap between images */
        hq::accel::LayerDesc ld;
        ld.raw = d;
        ld.in_bytes = (uint32_t)d.in_h * d.in_w * d.in_c;
        ld.out_bytes = (uint32_t)d.out_h * d.out_w * d.out_c;
        d.in_stride = ld.in_bytes + (uint32_t)pe_rng_range(&rng, 0, 9);
        d.out_stride = ld.out_bytes + (uint32_t)pe_rng_range(&rng, 0, 9);
        for (uint32_t i = 0; i < d.in_stride * d.batch; i++)
            m[IN + i] = pe_rng_range(&rng, 0, 3) ? (uint8_t)pe_rng_range(&rng, 0, 255) : 0;
        /* the expected outputs: the model's im2col, the tile's arithmetic, the model's pool */
        std::vector<uint8_t> expect((size_t)ld.out_bytes * d.batch);
        for (uint32_t b = 0; b < d.batch; b++) {
            const uint8_t *in = &m[IN + b * d.in_stride];
            uint8_t *ex = expect.data() + (size_t)b * ld.out_bytes;
            if (pool_only) {
                hq::accel::maxpool_u8(in, d.in_h, d.in_w, d.in_c, d.pool, ex);
                continue;
            }
            ld.conv_h = (d.in_h + 2u * d.pad - d.kernel) / d.stride + 1;
            ld.conv_w = (d.in_w + 2u * d.pad - d.kernel) / d.stride + 1;
            std::vector<uint8_t> cols;
            hq::accel::im2col_operands(ld, in, (unsigned)t.k, &cols);
            const size_t np = (size_t)ld.conv_h * ld.conv_w;
            std::vector<uint8_t> y(np * t.rows);
            for (size_t p = 0; p < np; p++)
                for (int r = 0; r < t.rows; r++) {
                    uint32_t acc = (uint32_t)t.bias[r]; /* int32 wraps as in the tile */
                    for (int k = 0; k < t.k; k++)
                        acc += (uint32_t)((int32_t)t.w[(size_t)r * t.k + k] * cols[p * t.k + k]);
                    y[p * t.rows + r] = hq_requant_relu((int32_t)acc, t.mult[r], t.shift[r]);
                }
            if (ld.pool() > 1)
                hq::accel::maxpool_u8(y.data(), ld.conv_h, ld.conv_w, d.rows, ld.pool(), ex);
            else
                std::copy(y.begin(), y.end(), ex);
            positions += (long)np;
        }
        hq::accel::desc_to_bytes(d, &m[DESC]);
        const uint64_t w0 = s.counter(HQ_ACCEL_REG_WEIGHT_RD_LO);
        Sim::Result r = s.run(B + DESC, 1, 50000000);
        const uint64_t w_read = s.counter(HQ_ACCEL_REG_WEIGHT_RD_LO) - w0;
        bool bad = s.hung || r.err != 0;
        for (uint32_t b = 0; !bad && b < d.batch; b++)
            for (uint32_t i = 0; !bad && i < ld.out_bytes; i++)
                bad = m[OUT + b * d.out_stride + i] != expect[(size_t)b * ld.out_bytes + i];
        if (!bad && w_read != weight_rd) {
            bad = true;
            std::fprintf(stderr, "layer %d: %llu weight bytes read, expected %llu\n", li,
                         (unsigned long long)w_read, (unsigned long long)weight_rd);
        }
        if (bad && bad_layers++ < 5)
            std::fprintf(stderr,
                         "MISMATCH layer %d (%s, %ux%ux%u, kernel %u stride %u pad %u pool %u, "
                         "rows %u, batch %u): error %u\n",
                         li, pool_only ? "maxpool" : "conv", d.in_h, d.in_w, d.in_c, d.kernel,
                         d.stride, d.pad, d.pool, d.out_c, d.batch, r.err);
        if (!pool_only) pe_tile_free(&t);
    }
    std::printf("%s: %d conv layers (%ld positions) and %d max-pool layers: %ld mismatching "
                "layers, AXI violations %ld\n",
                ACCEL_CONFIG_NAME, n, positions, n, bad_layers, s.chk.violations);
    return bad_layers || s.chk.violations || s.hung ? 1 : 0;
}

/* ---- K-split (FLAG_PSUM_IN/OUT) and row bands (FLAG_NO_PAD_TOP/BOTTOM), docs/regmap.md ---- */

/* Random weights of one K chunk, rows x kc, in the array's own format: int8 (uniform8) or
 * low codes -1, 0, +1 shifted by the row's lo_shift with at most N high weights in each block
 * of M columns (the lane-group tile). */
static void ksplit_weights(pe_rng &rng, int rows, int kc, const std::vector<uint8_t> &shift,
                           std::vector<int8_t> *w, std::vector<uint8_t> *is_hi) {
    const pe_cfg c = kPeCfg;
    w->assign((size_t)rows * kc, 0);
    is_hi->assign((size_t)rows * kc, 0);
    for (int r = 0; r < rows; r++) {
        const int zero_pct = pe_rng_range(&rng, 0, 80);
        for (int j = 0; j < kc; j++) {
            int8_t &v = (*w)[(size_t)r * kc + j];
            if (pe_rng_range(&rng, 0, 99) < zero_pct) continue;
            v = c.uniform ? (int8_t)pe_rng_range(&rng, -127, 127)
                          : (int8_t)((pe_rng_range(&rng, 0, 1) ? 1 : -1) * (1 << shift[r]));
        }
        if (c.uniform) continue;
        for (int b0 = 0; b0 < kc; b0 += c.m) {
            const int n = std::min(c.m, kc - b0);
            for (int k = 0; k < c.n; k++) {
                if (pe_rng_range(&rng, 0, 2)) continue;
                const int j = b0 + pe_rng_range(&rng, 0, n - 1);
                if ((*is_hi)[(size_t)r * kc + j]) continue;
                int v = pe_rng_range(&rng, -127, 126);
                (*w)[(size_t)r * kc + j] = (int8_t)(v >= 0 ? v + 1 : v); /* never 0 */
                (*is_hi)[(size_t)r * kc + j] = 1;
            }
        }
    }
}

/* A chunk's effective weights (rows x kc; lo 0: uniform) packed by the library in `layout`
 * (block: the array's own N:M), with unit weight scales, zero biases and unit requantization:
 * the K-split and signed tests' layer image. */
static int chunk_pack(hq_layout_kind layout, int lo, int hi, int rows, int kc,
                      std::vector<int8_t> &w, std::vector<uint8_t> &is_hi,
                      std::vector<uint8_t> &shift, std::vector<uint8_t> *out, char *err,
                      size_t errlen) {
    std::vector<float> scale((size_t)rows, 1.0f);
    std::vector<int32_t> zero((size_t)rows, 0), one((size_t)rows, 1);
    std::vector<uint8_t> zshift((size_t)rows, 0);
    hq_qlayer q{};
    q.lo_bits = lo;
    q.hi_bits = hi;
    q.w = w.data();
    q.is_hi = lo ? is_hi.data() : nullptr;
    q.lo_shift = lo ? shift.data() : nullptr;
    q.w_scale = scale.data();
    q.bias = zero.data();
    q.rq_mult = one.data();
    q.rq_shift = zshift.data();
    return pack_layer(q, rows, kc, layout, kPeCfg.n, kPeCfg.m, out, err, errlen);
}

/* N random layers (conv and dense alternately), each cut into 2..3 K chunks (conv: groups of
 * input channels, each chunk's input map in a buffer of its own; dense: column ranges of one
 * input vector, read in place) and, for a conv, into 1..3 bands of output rows with their
 * halos, as sw/app/layer_tiling.cpp plans them. All descriptors run as one command; the
 * outputs are compared with the whole layer computed at once (bias, requantization, ReLU,
 * max-pool of docs/arith.md). Every descriptor is first checked by the model's
 * check_descriptor, which must accept it. */
static int run_random_ksplit(Sim &s, int n, unsigned long seed) {
    const pe_cfg c = kPeCfg;
    const uint32_t B = s.mem.base, DESC = 0, IN = 0x1000, OUT = 0x40000, PRM = 0x50000,
                   WGT = 0x60000;
    s.mem.bytes.assign(4u << 20, 0);
    s.reg_write(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    hq::accel::AccelConfig mcfg;
    mcfg.arch = c.uniform ? hq::accel::Arch::Uniform8
                : c.split ? hq::accel::Arch::Split
                          : hq::accel::Arch::LaneGroup;
    pe_rng rng{seed};
    long bad_layers = 0, descs_total = 0, bands_total = 0, redraws = 0;
    for (int li = 0; li < n && !s.hung; li++) {
        std::vector<uint8_t> &m = s.mem.bytes;
        std::fill(m.begin(), m.end(), 0);
        const bool conv = li % 2 == 0;
        const bool relu = conv || pe_rng_range(&rng, 0, 1);
        const int rows = pe_rng_range(&rng, 1, conv ? 12 : 40);
        const uint32_t batch = (uint32_t)pe_rng_range(&rng, 1, 3);
        int kernel = 1, stride = 1, pad = 0, pool = 1, H = 1, W = 1, C = 0;
        int conv_h = 1, conv_w = 1;
        std::vector<int> cut; /* chunk boundaries: channels (conv) or columns (dense) */
        if (conv) {
            for (int tries = 0;; tries++) {
                kernel = pe_rng_range(&rng, 1, 3);
                pad = pe_rng_range(&rng, 0, kernel - 1);
                stride = pe_rng_range(&rng, 1, 2);
                C = pe_rng_range(&rng, 2, 10);
                const int lo = std::max(1, kernel - 2 * pad);
                H = pe_rng_range(&rng, lo + 2, lo + 12);
                W = pe_rng_range(&rng, lo, lo + 8);
                pool = pe_rng_range(&rng, 1, 2);
                conv_h = (H + 2 * pad - kernel) / stride + 1;
                conv_w = (W + 2 * pad - kernel) / stride + 1;
                if (conv_h / pool >= 2 && conv_w / pool >= 1 && H * W * C <= 4096) break;
                if (tries > 1000) return 2;
            }
            const int nk = pe_rng_range(&rng, 2, std::min(3, C));
            cut.push_back(0);
            for (int j = 1; j < nk; j++)
                cut.push_back(pe_rng_range(&rng, cut.back() + 1, C - (nk - j)));
            cut.push_back(C);
        } else {
            const int nk = pe_rng_range(&rng, 2, 3);
            C = pe_rng_range(&rng, 64 * (nk - 1) + 1, 64 * nk + 100);
            cut.push_back(0);
            for (int j = 1; j < nk; j++)
                cut.push_back(64 *
                              pe_rng_range(&rng, cut.back() / 64 + 1, (C - 1) / 64 - (nk - 1 - j)));
            cut.push_back(C);
        }
        const int nk = (int)cut.size() - 1;
        const int K = kernel * kernel * C;
        /* each chunk's weights; the whole layer's matrix W[r][(ky*k + kx)*C + c] from them */
        std::vector<uint8_t> shift((size_t)rows);
        for (int r = 0; r < rows; r++)
            /* (the split tile's 4-bit codes, |c| <= 7, take lo_shift <= 4 in int8) */
            shift[r] = (uint8_t)pe_rng_range(&rng, 0, c.lo >= 4 ? 4 : 6);
        std::vector<int8_t> Wfull((size_t)rows * K);
        std::vector<uint32_t> wimg_addr(nk), wimg_size(nk);
        uint32_t wnext = B + WGT;
        char err[256];
        for (int j = 0; j < nk; j++) {
            const int cj = cut[j + 1] - cut[j], kc = kernel * kernel * cj;
            std::vector<int8_t> w;
            std::vector<uint8_t> hi, img;
            ksplit_weights(rng, rows, kc, shift, &w, &hi);
            for (int r = 0; r < rows; r++)
                for (int kk = 0; kk < kernel * kernel; kk++)
                    for (int ch = 0; ch < cj; ch++)
                        Wfull[(size_t)r * K + kk * C + cut[j] + ch] =
                            w[(size_t)r * kc + kk * cj + ch];
            if (chunk_pack(c.uniform ? HQ_LAYOUT_DENSE : HQ_LAYOUT_BLOCK, c.uniform ? 0 : c.lo,
                           c.hi, rows, kc, w, hi, shift, &img, err, sizeof err)) {
                std::fprintf(stderr, "layer %d chunk %d: pack: %s\n", li, j, err);
                return 2;
            }
            wimg_addr[j] = wnext;
            wimg_size[j] = (uint32_t)img.size();
            std::memcpy(&m[wnext - B], img.data(), img.size());
            wnext += ((uint32_t)img.size() + 63) / 64 * 64;
        }
        /* inputs: the whole map per image (strided), and each conv chunk's channels apart */
        const uint32_t in_bytes = (uint32_t)(H * W * C);
        const uint32_t in_stride = in_bytes + (uint32_t)pe_rng_range(&rng, 0, 9);
        std::vector<uint8_t> x((size_t)batch * in_bytes);
        for (uint8_t &v : x)
            v = pe_rng_range(&rng, 0, 3) ? (uint8_t)pe_rng_range(&rng, 0, 255) : 0;
        std::vector<uint32_t> in_addr(nk), in_str(nk);
        for (int j = 0; j < nk; j++) {
            const int cj = cut[j + 1] - cut[j];
            in_addr[j] = B + IN + (conv ? (uint32_t)j * 0x10000 : 0);
            in_str[j] = conv ? (uint32_t)(H * W * cj) + 3 : in_stride;
            for (uint32_t b = 0; b < batch; b++)
                for (int p = 0; p < H * W; p++)
                    for (int ch = 0; ch < (conv ? cj : C); ch++)
                        m[in_addr[j] - B + b * in_str[j] + p * (conv ? cj : C) + ch] =
                            x[(size_t)b * in_bytes + (size_t)p * C + (conv ? cut[j] : 0) + ch];
            if (!conv) break;
        }
        /* the whole layer at once: accumulators, then a requantization that spreads them */
        const size_t np = (size_t)conv_h * conv_w;
        std::vector<int32_t> acc((size_t)batch * np * rows);
        for (uint32_t b = 0; b < batch; b++)
            for (int oy = 0; oy < conv_h; oy++)
                for (int ox = 0; ox < conv_w; ox++)
                    for (int r = 0; r < rows; r++) {
                        uint32_t a = 0;
                        for (int ky = 0; ky < kernel; ky++)
                            for (int kx = 0; kx < kernel; kx++) {
                                const int y = oy * stride + ky - pad, xx = ox * stride + kx - pad;
                                if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
                                for (int ch = 0; ch < C; ch++)
                                    a += (uint32_t)(Wfull[(size_t)r * K + (ky * kernel + kx) * C +
                                                          ch] *
                                                    x[(size_t)b * in_bytes +
                                                      ((size_t)y * W + xx) * C + ch]);
                            }
                        acc[((size_t)b * np + (size_t)oy * conv_w + ox) * rows + r] = (int32_t)a;
                    }
        std::vector<int32_t> bias((size_t)rows), mult((size_t)rows);
        std::vector<uint8_t> rshift((size_t)rows);
        for (int r = 0; r < rows; r++) {
            int64_t mx = 1;
            for (size_t v = 0; v < (size_t)batch * np; v++)
                mx = std::max<int64_t>(mx, std::llabs((int64_t)acc[v * rows + r]));
            int bits = 0;
            while ((mx >> bits) > 255)
                bits++;
            bias[r] = pe_rng_range(&rng, -(int)std::min<int64_t>(mx, 30000),
                                   (int)std::min<int64_t>(mx, 30000));
            mult[r] = pe_rng_range(&rng, 1 << 29, (1 << 30) - 1);
            rshift[r] = (uint8_t)(30 + bits - pe_rng_range(&rng, 0, 1));
            put_le(m, PRM + 12 * r, (uint32_t)bias[r], 4);
            put_le(m, PRM + 12 * r + 4, (uint32_t)mult[r], 4);
            m[PRM + 12 * r + 8] = rshift[r];
        }
        const int p1 = pool;
        const int out_h = conv_h / p1, out_w = conv_w / p1;
        const uint32_t out_bytes = relu ? (uint32_t)(out_h * out_w * rows) : (uint32_t)rows * 4;
        const uint32_t out_stride = out_bytes + (uint32_t)pe_rng_range(&rng, 0, 9);
        std::vector<uint8_t> expect((size_t)batch * out_bytes);
        for (uint32_t b = 0; b < batch; b++) {
            std::vector<uint8_t> y(np * rows);
            for (size_t v = 0; v < np; v++)
                for (int r = 0; r < rows; r++) {
                    const int32_t a = (int32_t)((uint32_t)acc[((size_t)b * np + v) * rows + r] +
                                                (uint32_t)bias[r]);
                    if (relu)
                        y[v * rows + r] = hq_requant_relu(a, mult[r], rshift[r]);
                    else
                        for (int k = 0; k < 4; k++)
                            expect[(size_t)b * out_bytes + 4 * r + k] =
                                (uint8_t)((uint32_t)a >> (8 * k));
                }
            if (!relu) continue;
            if (p1 > 1)
                hq::accel::maxpool_u8(y.data(), (unsigned)conv_h, (unsigned)conv_w, (unsigned)rows,
                                      (unsigned)p1, expect.data() + (size_t)b * out_bytes);
            else
                std::copy(y.begin(), y.end(), expect.begin() + (size_t)b * out_bytes);
        }
        /* row bands (conv): output rows [oy0, oy1), multiples of the pool, input rows with
         * their halo; the band below the first starts under the top padding */
        struct Band {
            int oy0, oy1, y0, y1;
            bool top, bottom;
        };
        std::vector<Band> bands;
        if (conv) {
            int hb = conv_h / p1 * p1;
            if (pe_rng_range(&rng, 0, 3)) hb = p1 * pe_rng_range(&rng, 1, conv_h / p1);
            while (hb * stride < pad && hb < conv_h)
                hb += p1;
            for (int oy0 = 0; oy0 < conv_h;) {
                int oy1 = oy0 + hb;
                /* (rows past the last whole pool window go with the last band) */
                const bool last = oy1 + p1 > conv_h || (oy1 - 1) * stride - pad + kernel > H;
                if (last) oy1 = conv_h;
                bands.push_back({oy0, oy1, std::max(0, oy0 * stride - pad),
                                 last ? H : (oy1 - 1) * stride - pad + kernel,
                                 oy0 * stride - pad < 0, last});
                oy0 = oy1;
            }
        } else
            bands.push_back({0, 1, 0, 1, true, true});
        /* the descriptors: per band, per K chunk; the band's partial sums follow the row
         * parameters (every band reuses them: its last chunk has consumed them) */
        std::vector<hq_accel_desc> descs;
        bool fits = true;
        for (const Band &bd : bands)
            for (int j = 0; j < nk; j++) {
                const int cj = cut[j + 1] - cut[j];
                hq_accel_desc d{};
                d.magic = HQ_ACCEL_DESC_MAGIC;
                d.op = conv ? HQ_ACCEL_OP_CONV : HQ_ACCEL_OP_DENSE;
                d.layout = m[wimg_addr[j] - B];
                d.lo_bits = m[wimg_addr[j] - B + 1];
                d.hi_bits = m[wimg_addr[j] - B + 2];
                d.block_n = c.uniform ? 0 : (uint8_t)c.n;
                d.block_m = c.uniform ? 0 : (uint8_t)c.m;
                d.rows = d.out_c = (uint16_t)rows;
                d.cols = (uint16_t)(kernel * kernel * cj);
                if (j > 0) d.flags |= HQ_ACCEL_FLAG_PSUM_IN;
                if (j + 1 < nk)
                    d.flags |= HQ_ACCEL_FLAG_PSUM_OUT;
                else
                    d.flags |= relu ? HQ_ACCEL_FLAG_RELU : HQ_ACCEL_FLAG_LAST;
                if (conv) {
                    if (!bd.top) d.flags |= HQ_ACCEL_FLAG_NO_PAD_TOP;
                    if (!bd.bottom) d.flags |= HQ_ACCEL_FLAG_NO_PAD_BOTTOM;
                    d.kernel = (uint8_t)kernel;
                    d.stride = (uint8_t)stride;
                    d.pad = (uint8_t)pad;
                    d.pool = j + 1 < nk ? 0 : (uint8_t)p1;
                    d.in_h = (uint16_t)(bd.y1 - bd.y0);
                    d.in_w = (uint16_t)W;
                    d.in_c = (uint16_t)cj;
                    d.in_addr = in_addr[j] + (uint32_t)(bd.y0 * W * cj);
                    d.in_stride = in_str[j];
                    const int ph = j + 1 < nk ? 1 : p1;
                    d.out_h = (uint16_t)((bd.oy1 - bd.oy0) / ph);
                    d.out_w = (uint16_t)(conv_w / ph);
                    d.out_addr = B + OUT + (uint32_t)(bd.oy0 / p1 * out_w * rows);
                } else {
                    d.in_h = d.in_w = d.out_h = d.out_w = 1;
                    d.in_c = (uint16_t)cj;
                    d.in_addr = in_addr[0] + (uint32_t)cut[j];
                    d.in_stride = in_stride;
                    d.out_addr = B + OUT;
                }
                d.out_stride = out_stride;
                if (j + 1 < nk) { /* partial sums only: OUT_ADDR and OUT_STRIDE are unused */
                    d.out_addr = 0xFFFFFFF0u;
                    d.out_stride = 0;
                }
                d.weight_addr = wimg_addr[j];
                d.weight_bytes = wimg_size[j];
                d.param_addr = B + PRM;
                d.batch = batch;
                hq::accel::LayerDesc ld;
                const hq::accel::DescCheck ck = hq::accel::check_descriptor(d, mcfg, &ld);
                if (ck.code) {
                    std::fprintf(stderr, "layer %d: the model refuses descriptor %zu: %s\n", li,
                                 descs.size(), ck.message.c_str());
                    return 2;
                }
                /* the RTL's buffers: one band's map, one image's partial sums and outputs */
                if (ld.in_bytes > kImgBytes ||
                    (uint64_t)ld.conv_h * ld.conv_w * rows * 4 > kObufBytes)
                    fits = false;
                descs.push_back(d);
            }
        if (!fits) { /* draw again (the generator's sequence continues) */
            if (++redraws > 10000) return 2;
            li--;
            continue;
        }
        for (size_t i = 0; i < descs.size(); i++)
            hq::accel::desc_to_bytes(descs[i], &m[DESC + i * HQ_ACCEL_DESC_BYTES]);
        Sim::Result r = s.run(B + DESC, (uint32_t)descs.size(), 50000000);
        bool bad = s.hung || r.err != 0;
        uint32_t first_bad = 0;
        for (uint32_t b = 0; !bad && b < batch; b++)
            for (uint32_t i = 0; !bad && i < out_bytes; i++)
                if (m[OUT + b * out_stride + i] != expect[(size_t)b * out_bytes + i]) {
                    bad = true;
                    first_bad = b * out_bytes + i;
                }
        if (bad && bad_layers++ < 5)
            std::fprintf(stderr,
                         "MISMATCH layer %d (%s %dx%dx%d, kernel %d stride %d pad %d pool %d, rows "
                         "%d, batch %u, %d K chunks, %zu bands, %s): error %u (descriptor %u), "
                         "first wrong output byte %u\n",
                         li, conv ? "conv" : "dense", H, W, C, kernel, stride, pad, p1, rows, batch,
                         nk, bands.size(), relu ? "uint8" : "int32", r.err, r.err_desc, first_bad);
        descs_total += (long)descs.size();
        bands_total += (long)bands.size();
    }
    std::printf("%s: %d K-split layers (%ld descriptors, %ld conv row bands): %ld mismatching "
                "layers, AXI violations %ld\n",
                ACCEL_CONFIG_NAME, n, descs_total, bands_total, bad_layers, s.chk.violations);
    return bad_layers || s.chk.violations || s.hung ? 1 : 0;
}

/* ---- signed modes (FLAG_SIGNED_IN, FLAG_SIGNED_OUT, CLAMP_HI; docs/regmap.md) ----
 * The reference below is written from the regmap text alone (not the model's code): int8
 * inputs x (zero padding is the code 0), the effective weights W, the layer's bias b;
 * acc = b + W.x (int32, mod 2^32); p = (acc x mult + 2^(shift-1)) >> shift (no rounding
 * term for shift 0); FLAG_RELU: clamp(p, 0, CLAMP_HI or 255); FLAG_SIGNED_OUT:
 * clamp(p, -128, 127) as a two's complement byte; neither: the int32 acc. The accelerator
 * is given b - 128 x sum(W[r]) as the row's bias when the inputs are int8 (the host's fold). */
struct SignedFormat {
    hq_layout_kind layout;
    int lo, hi;
};

static int64_t signed_rq(int32_t acc, int32_t mult, int shift) {
    int64_t p = (int64_t)acc * (int64_t)mult;
    if (shift > 0) p = (p + ((int64_t)1 << (shift - 1))) >> shift;
    return p;
}

/* Effective weights of one K chunk (rows x kc) in format f, as its layout holds them. */
static void signed_weights(pe_rng &rng, const SignedFormat &f, int rows, int kc,
                           std::vector<int8_t> *w, std::vector<uint8_t> *is_hi,
                           std::vector<uint8_t> *shift) {
    const pe_cfg c = kPeCfg;
    const int qmax = (1 << (f.hi - 1)) - 1;
    const int cmax = f.lo == 0 ? qmax : f.lo == 1 ? 1 : (1 << (f.lo - 1)) - 1;
    int smax = 0;
    while (f.lo && smax < 7 && (cmax << (smax + 1)) <= 127)
        smax++;
    w->assign((size_t)rows * kc, 0);
    is_hi->assign((size_t)rows * kc, 0);
    shift->assign((size_t)rows, 0);
    const int hi_pct = f.layout == HQ_LAYOUT_ESCAPE || f.layout == HQ_LAYOUT_COO
                           ? pe_rng_range(&rng, 0, 3) * 3
                           : 0;
    for (int r = 0; r < rows; r++) {
        (*shift)[r] = (uint8_t)(f.lo ? pe_rng_range(&rng, 0, smax) : 0);
        const int zero_pct = pe_rng_range(&rng, 0, 80);
        const bool high_row = f.layout == HQ_LAYOUT_ROWGROUP && pe_rng_range(&rng, 0, 3) == 0;
        for (int j = 0; j < kc; j++) {
            const size_t i = (size_t)r * kc + j;
            int v;
            if (high_row || f.lo == 0) { /* (lo 1 has no code 0: a high row's 0 is not low) */
                v = pe_rng_range(&rng, 0, 99) < zero_pct && f.lo != 1
                        ? 0
                        : pe_rng_range(&rng, 1, qmax) * (pe_rng_range(&rng, 0, 1) ? 1 : -1);
                (*is_hi)[i] = (uint8_t)(high_row && v != 0);
            } else if (f.lo == 1)
                v = (pe_rng_range(&rng, 0, 1) ? 1 : -1) * (1 << (*shift)[r]);
            else
                v = (pe_rng_range(&rng, 0, 99) < zero_pct ? 0 : pe_rng_range(&rng, -cmax, cmax)) *
                    (1 << (*shift)[r]);
            if (!high_row && f.lo && pe_rng_range(&rng, 0, 99) < hi_pct) {
                const int h = pe_rng_range(&rng, 1, qmax);
                v = pe_rng_range(&rng, 0, 1) ? h : -h;
                (*is_hi)[i] = 1;
            }
            (*w)[i] = (int8_t)v;
        }
        if (f.layout != HQ_LAYOUT_BLOCK) continue;
        for (int b0 = 0; b0 < kc; b0 += c.m) /* at most N high weights per block of M */
            for (int k = 0; k < c.n; k++) {
                if (pe_rng_range(&rng, 0, 2)) continue;
                const size_t i =
                    (size_t)r * kc + b0 + pe_rng_range(&rng, 0, std::min(c.m, kc - b0) - 1);
                if ((*is_hi)[i]) continue;
                const int h = pe_rng_range(&rng, 1, qmax);
                (*w)[i] = (int8_t)(pe_rng_range(&rng, 0, 1) ? h : -h);
                (*is_hi)[i] = 1;
            }
    }
}

/* N random layers with the signed modes: dense, conv with padding and K-split (int32 partial
 * sums; FLAG_SIGNED_IN on every chunk, the output flags on the last) in turn, each in the next
 * format the array takes (lane-group: its own blocks, dense lo 0 to 4, escape, coo, rowgroup;
 * uniform8: dense of every width); int8 or uint8 inputs, uint8 outputs with or without
 * CLAMP_HI, int8 outputs or (dense) int32; one command per layer, outputs vs the reference. */
static int run_random_signed(Sim &s, int n, unsigned long seed) {
    const pe_cfg c = kPeCfg;
    static const SignedFormat kLaneGroup[] = {
        {HQ_LAYOUT_BLOCK, 0, 0},    {HQ_LAYOUT_DENSE, 1, 8},    {HQ_LAYOUT_DENSE, 2, 8},
        {HQ_LAYOUT_DENSE, 3, 8},    {HQ_LAYOUT_DENSE, 4, 8},    {HQ_LAYOUT_DENSE, 0, 8},
        {HQ_LAYOUT_DENSE, 2, 4},    {HQ_LAYOUT_DENSE, 0, 4},    {HQ_LAYOUT_ESCAPE, 2, 8},
        {HQ_LAYOUT_ESCAPE, 3, 8},   {HQ_LAYOUT_ESCAPE, 4, 8},   {HQ_LAYOUT_ESCAPE, 2, 4},
        {HQ_LAYOUT_COO, 1, 8},      {HQ_LAYOUT_COO, 2, 8},      {HQ_LAYOUT_COO, 3, 8},
        {HQ_LAYOUT_COO, 4, 8},      {HQ_LAYOUT_COO, 2, 4},      {HQ_LAYOUT_ROWGROUP, 1, 8},
        {HQ_LAYOUT_ROWGROUP, 2, 8}, {HQ_LAYOUT_ROWGROUP, 3, 8}, {HQ_LAYOUT_ROWGROUP, 4, 8}};
    static const SignedFormat kUniform[] = {
        {HQ_LAYOUT_DENSE, 0, 8}, {HQ_LAYOUT_DENSE, 0, 4}, {HQ_LAYOUT_DENSE, 1, 8},
        {HQ_LAYOUT_DENSE, 2, 8}, {HQ_LAYOUT_DENSE, 3, 8}, {HQ_LAYOUT_DENSE, 4, 8},
        {HQ_LAYOUT_DENSE, 1, 4}, {HQ_LAYOUT_DENSE, 2, 4}, {HQ_LAYOUT_DENSE, 3, 4}};
    const SignedFormat *fmts = c.uniform ? kUniform : kLaneGroup;
    const int nf = c.uniform ? (int)(sizeof kUniform / sizeof kUniform[0])
                             : (int)(sizeof kLaneGroup / sizeof kLaneGroup[0]);
    const uint32_t B = s.mem.base, DESC = 0, IN = 0x1000, OUT = 0x40000, PRM = 0x50000,
                   WGT = 0x60000;
    s.mem.bytes.assign(4u << 20, 0);
    s.reg_write(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    pe_rng rng{seed};
    long bad_layers = 0, redraws = 0, outputs = 0;
    long by_mode[4] = {}, signed_in_layers = 0, pads = 0;
    static const char *kModes[4] = {"uint8", "uint8 CLAMP_HI", "int8", "int32"};
    static const char *kKinds[3] = {"dense", "conv", "K-split"};
    for (int li = 0; li < n && !s.hung; li++) {
        std::vector<uint8_t> &m = s.mem.bytes;
        std::fill(m.begin(), m.end(), 0);
        SignedFormat f = fmts[li % nf];
        if (f.layout == HQ_LAYOUT_BLOCK) f = {HQ_LAYOUT_BLOCK, c.lo, c.hi};
        const int kind = (li / nf + li) % 3; /* every format meets every kind */
        const bool split = kind == 2;
        const bool conv = kind == 1 || (split && pe_rng_range(&rng, 0, 1));
        const bool sgn_in = pe_rng_range(&rng, 0, 3) != 0;
        /* output: 0 uint8, 1 uint8 with CLAMP_HI, 2 int8, 3 int32 (dense only) */
        const int mode = pe_rng_range(&rng, 0, conv ? 2 : 3);
        const bool relu = mode < 2;
        const uint8_t clamp_hi = mode == 1 ? (uint8_t)pe_rng_range(&rng, 1, 254) : 0;
        const bool uniform_lg = !c.uniform && f.lo == 0; /* every weight high: slow, small K */
        const int rows = pe_rng_range(&rng, 1, conv ? 16 : 40);
        const uint32_t batch = (uint32_t)pe_rng_range(&rng, 1, 2);
        int kernel = 1, stride = 1, pad = 0, pool = 1, H = 1, W = 1, C = 0;
        if (conv) {
            kernel = pe_rng_range(&rng, 1, 4);
            pad = kernel > 1 ? pe_rng_range(&rng, 1, kernel - 1) : 0; /* pads where possible */
            stride = pe_rng_range(&rng, 1, 2);
            C = pe_rng_range(&rng, split ? 2 : 1, uniform_lg ? 4 : 12);
            const int lo = std::max(1, kernel - 2 * pad);
            H = pe_rng_range(&rng, lo, lo + 7);
            W = pe_rng_range(&rng, lo, lo + 7);
            pool = relu ? pe_rng_range(&rng, 1, 2) : 1;
        } else
            C = pe_rng_range(&rng, split ? 2 : 1, uniform_lg ? 100 : 700);
        const int conv_h = (H + 2 * pad - kernel) / stride + 1,
                  conv_w = (W + 2 * pad - kernel) / stride + 1;
        const int out_h = conv_h / pool, out_w = conv_w / pool;
        const size_t np = (size_t)conv_h * conv_w;
        const uint32_t in_bytes = (uint32_t)(H * W * C);
        const uint32_t out_bytes =
            mode == 3 ? (uint32_t)rows * 4 : (uint32_t)(out_h * out_w * rows);
        if (out_h < 1 || out_w < 1 || in_bytes > kImgBytes || out_bytes > kObufBytes ||
            (split && np * rows * 4 > kObufBytes) || np > 120) {
            if (++redraws > 100000) return 2;
            li--;
            continue;
        }
        /* K chunks: channel groups (conv) or column ranges (dense) */
        std::vector<int> cut{0};
        const int nk = split ? pe_rng_range(&rng, 2, std::min(3, C)) : 1;
        for (int j = 1; j < nk; j++)
            cut.push_back(pe_rng_range(&rng, cut.back() + 1, C - (nk - j)));
        cut.push_back(C);
        const int K = kernel * kernel * C;
        std::vector<int8_t> Wf((size_t)rows * K);
        std::vector<uint32_t> wimg_addr(nk), wimg_size(nk);
        uint32_t wnext = B + WGT;
        char err[256];
        bool too_big = false;
        for (int j = 0; j < nk; j++) {
            const int cj = cut[j + 1] - cut[j], kc = kernel * kernel * cj;
            std::vector<int8_t> w;
            std::vector<uint8_t> hi, sh, img;
            signed_weights(rng, f, rows, kc, &w, &hi, &sh);
            for (int r = 0; r < rows; r++)
                for (int kk = 0; kk < kernel * kernel; kk++)
                    for (int ch = 0; ch < cj; ch++)
                        Wf[(size_t)r * K + kk * C + cut[j] + ch] = w[(size_t)r * kc + kk * cj + ch];
            if (chunk_pack(f.layout, f.lo, f.hi, rows, kc, w, hi, sh, &img, err, sizeof err)) {
                std::fprintf(stderr, "layer %d chunk %d: pack: %s\n", li, j, err);
                return 2;
            }
            /* escape / coo: the sections after the plane must fit VBUF_BYTES (the whole
             * image within it is enough) */
            if ((f.layout == HQ_LAYOUT_ESCAPE || f.layout == HQ_LAYOUT_COO) &&
                img.size() > kVbufBytes)
                too_big = true;
            wimg_addr[j] = wnext;
            wimg_size[j] = (uint32_t)img.size();
            std::memcpy(&m[wnext - B], img.data(), img.size());
            wnext += ((uint32_t)img.size() + 63) / 64 * 64;
        }
        if (too_big) {
            if (++redraws > 100000) return 2;
            li--;
            continue;
        }
        /* inputs: int8 or uint8 codes, some zeros; conv chunks each in a map of their own */
        const uint32_t in_stride = in_bytes + (uint32_t)pe_rng_range(&rng, 0, 9);
        std::vector<uint8_t> x((size_t)batch * in_bytes);
        for (uint8_t &v : x)
            v = pe_rng_range(&rng, 0, 3) ? (uint8_t)pe_rng_range(&rng, 0, 255) : 0;
        std::vector<uint32_t> in_addr(nk), in_str(nk);
        for (int j = 0; j < nk; j++) {
            const int cj = conv ? cut[j + 1] - cut[j] : C;
            in_addr[j] = B + IN + (conv ? (uint32_t)j * 0x10000 : 0);
            in_str[j] = conv ? (uint32_t)(H * W * cj) + 5 : in_stride;
            for (uint32_t b = 0; b < batch; b++)
                for (int p = 0; p < H * W; p++)
                    for (int ch = 0; ch < cj; ch++)
                        m[in_addr[j] - B + b * in_str[j] + (uint32_t)(p * cj + ch)] =
                            x[(size_t)b * in_bytes + (size_t)p * C + (conv ? cut[j] : 0) + ch];
            if (!conv) break;
        }
        auto xval = [&](uint32_t b, size_t i) -> int32_t {
            const uint8_t v = x[(size_t)b * in_bytes + i];
            return sgn_in ? (int32_t)(int8_t)v : (int32_t)v;
        };
        /* acc = W.x (mod 2^32), padding the code 0 */
        std::vector<uint32_t> acc((size_t)batch * np * rows, 0);
        for (uint32_t b = 0; b < batch; b++)
            for (int oy = 0; oy < conv_h; oy++)
                for (int ox = 0; ox < conv_w; ox++)
                    for (int r = 0; r < rows; r++) {
                        uint32_t a = 0;
                        for (int ky = 0; ky < kernel; ky++)
                            for (int kx = 0; kx < kernel; kx++) {
                                const int y = oy * stride + ky - pad, xx = ox * stride + kx - pad;
                                if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
                                for (int ch = 0; ch < C; ch++)
                                    a +=
                                        (uint32_t)(Wf[(size_t)r * K + (ky * kernel + kx) * C + ch] *
                                                   xval(b, ((size_t)y * W + xx) * C + ch));
                            }
                        acc[((size_t)b * np + (size_t)oy * conv_w + ox) * rows + r] = a;
                    }
        /* bias and requantization spread over the outputs' range (a fifth fully random) */
        std::vector<int32_t> bias((size_t)rows), mult((size_t)rows);
        std::vector<uint8_t> rsh((size_t)rows);
        for (int r = 0; r < rows; r++) {
            int64_t mx = 1;
            for (size_t v = 0; v < batch * np; v++)
                mx = std::max<int64_t>(mx, std::llabs((int64_t)(int32_t)acc[v * rows + r]));
            int bits = 0;
            while ((mx >> bits) > 255)
                bits++;
            bias[r] = pe_rng_range(&rng, -(int)std::min<int64_t>(mx, 30000),
                                   (int)std::min<int64_t>(mx, 30000));
            if (pe_rng_range(&rng, 0, 4) == 0) {
                mult[r] = (int32_t)(pe_rng_next(&rng) >> (33 + pe_rng_range(&rng, 0, 30)));
                rsh[r] = (uint8_t)pe_rng_range(&rng, 0, HQ_RQ_MAX_SHIFT);
            } else {
                mult[r] = pe_rng_range(&rng, 1 << 29, (1 << 30) - 1);
                rsh[r] = (uint8_t)(30 + bits - pe_rng_range(&rng, 0, 2));
            }
            /* the accelerator's bias: with int8 inputs the host's fold -128 x sum(W[r]) */
            uint32_t fold = 0;
            for (int k = 0; k < K; k++)
                fold += (uint32_t)(128 * (int32_t)Wf[(size_t)r * K + k]);
            put_le(m, PRM + 12 * r, (uint32_t)bias[r] - (sgn_in ? fold : 0u), 4);
            put_le(m, PRM + 12 * r + 4, (uint32_t)mult[r], 4);
            m[PRM + 12 * r + 8] = rsh[r];
        }
        /* the expected outputs */
        const uint32_t out_stride = out_bytes + (uint32_t)pe_rng_range(&rng, 0, 9);
        std::vector<uint8_t> expect((size_t)batch * out_bytes);
        for (uint32_t b = 0; b < batch; b++) {
            std::vector<uint8_t> y(np * rows);
            for (size_t v = 0; v < np; v++)
                for (int r = 0; r < rows; r++) {
                    const int32_t a =
                        (int32_t)(acc[((size_t)b * np + v) * rows + r] + (uint32_t)bias[r]);
                    const int64_t p = signed_rq(a, mult[r], rsh[r]);
                    const int64_t top = clamp_hi ? clamp_hi : 255;
                    if (mode == 3)
                        for (int k = 0; k < 4; k++)
                            expect[(size_t)b * out_bytes + 4 * r + k] =
                                (uint8_t)((uint32_t)a >> (8 * k));
                    else
                        y[v * rows + r] = relu ? (uint8_t)std::min(std::max(p, (int64_t)0), top)
                                               : (uint8_t)(int8_t)std::min<int64_t>(
                                                     std::max<int64_t>(p, -128), 127);
                }
            if (mode == 3) continue;
            uint8_t *ex = expect.data() + (size_t)b * out_bytes;
            for (int py = 0; py < out_h; py++) /* max over each pool x pool window */
                for (int px = 0; px < out_w; px++)
                    for (int r = 0; r < rows; r++) {
                        uint8_t best = 0;
                        for (int dy = 0; dy < pool; dy++)
                            for (int dx = 0; dx < pool; dx++)
                                best = std::max(
                                    best,
                                    y[((size_t)(py * pool + dy) * conv_w + px * pool + dx) * rows +
                                      r]);
                        ex[((size_t)py * out_w + px) * rows + r] = best;
                    }
        }
        /* the descriptors, one per K chunk */
        std::vector<hq_accel_desc> descs;
        for (int j = 0; j < nk; j++) {
            const int cj = cut[j + 1] - cut[j];
            hq_accel_desc d{};
            d.magic = HQ_ACCEL_DESC_MAGIC;
            d.op = conv ? HQ_ACCEL_OP_CONV : HQ_ACCEL_OP_DENSE;
            d.layout = m[wimg_addr[j] - B];
            d.lo_bits = m[wimg_addr[j] - B + 1];
            d.hi_bits = m[wimg_addr[j] - B + 2];
            d.block_n = m[wimg_addr[j] - B + 3];
            d.block_m = m[wimg_addr[j] - B + 4];
            d.rows = d.out_c = (uint16_t)rows;
            d.cols = (uint16_t)(kernel * kernel * cj);
            if (sgn_in) d.flags |= HQ_ACCEL_FLAG_SIGNED_IN;
            if (j > 0) d.flags |= HQ_ACCEL_FLAG_PSUM_IN;
            if (j + 1 < nk)
                d.flags |= HQ_ACCEL_FLAG_PSUM_OUT;
            else {
                d.flags |= relu        ? HQ_ACCEL_FLAG_RELU
                           : mode == 2 ? HQ_ACCEL_FLAG_SIGNED_OUT
                                       : HQ_ACCEL_FLAG_LAST;
                d.clamp_hi = clamp_hi;
            }
            if (conv) {
                d.kernel = (uint8_t)kernel;
                d.stride = (uint8_t)stride;
                d.pad = (uint8_t)pad;
                d.pool = j + 1 < nk ? 0 : (uint8_t)pool;
                d.in_h = (uint16_t)H;
                d.in_w = (uint16_t)W;
                d.in_c = (uint16_t)cj;
                d.out_h = (uint16_t)(j + 1 < nk ? conv_h : out_h);
                d.out_w = (uint16_t)(j + 1 < nk ? conv_w : out_w);
            } else {
                d.in_h = d.in_w = d.out_h = d.out_w = 1;
                d.in_c = (uint16_t)cj;
            }
            d.in_addr = in_addr[conv ? j : 0] + (conv ? 0u : (uint32_t)cut[j]);
            d.in_stride = in_str[conv ? j : 0];
            d.out_addr = j + 1 < nk ? 0xFFFFFFF0u : B + OUT;
            d.out_stride = j + 1 < nk ? 0 : out_stride;
            d.weight_addr = wimg_addr[j];
            d.weight_bytes = wimg_size[j];
            d.param_addr = B + PRM;
            d.batch = batch;
            descs.push_back(d);
        }
        for (size_t i = 0; i < descs.size(); i++)
            hq::accel::desc_to_bytes(descs[i], &m[DESC + i * HQ_ACCEL_DESC_BYTES]);
        Sim::Result r = s.run(B + DESC, (uint32_t)descs.size(), 50000000);
        bool bad = s.hung || r.err != 0;
        uint32_t first_bad = 0;
        for (uint32_t b = 0; !bad && b < batch; b++)
            for (uint32_t i = 0; !bad && i < out_bytes; i++)
                if (m[OUT + b * out_stride + i] != expect[(size_t)b * out_bytes + i]) {
                    bad = true;
                    first_bad = b * out_bytes + i;
                }
        if (bad && bad_layers++ < 5)
            std::fprintf(stderr,
                         "MISMATCH layer %d (%s, %s lo %d hi %d, %s in, %s out%s, %dx%dx%d kernel "
                         "%d stride %d pad %d pool %d, rows %d, batch %u, %d K chunks): error %u "
                         "(descriptor %u), first wrong output byte %u\n",
                         li, kKinds[kind], hq_layout_name(f.layout), f.lo, f.hi,
                         sgn_in ? "int8" : "uint8", kModes[mode], conv ? "" : " (dense)", H, W, C,
                         kernel, stride, pad, pool, rows, batch, nk, r.err, r.err_desc, first_bad);
        by_mode[mode]++;
        signed_in_layers += sgn_in;
        pads += conv && pad > 0;
        outputs += (long)batch * (mode == 3 ? rows : (long)out_bytes);
    }
    std::printf("%s: %d signed-mode layers (%d formats x dense/conv/K-split; %ld with int8 "
                "inputs, %ld padded convs; outputs %s %ld, %s %ld, %s %ld, %s %ld; %ld output "
                "values, %llu cycles): %ld mismatching layers, AXI violations %ld\n",
                ACCEL_CONFIG_NAME, n, nf, signed_in_layers, pads, kModes[0], by_mode[0], kModes[1],
                by_mode[1], kModes[2], by_mode[2], kModes[3], by_mode[3], outputs,
                (unsigned long long)s.cycle, bad_layers, s.chk.violations);
    return bad_layers || s.chk.violations || s.hung ? 1 : 0;
}

/* ---- random `dense` layers of every width the array runs (the library's dense packer) ---- */
struct DenseFormat {
    int lo, hi;
};

static int run_random_dense(Sim &s, int n, unsigned long seed) {
    const pe_cfg c = kPeCfg;
    /* uniform8: every width (the decoder makes int8 weights); lane-group: every low width
     * (3- and 4-bit codes as ternary digits, one tile cycle each) and uniform layers (every
     * weight high: one tile cycle per weight of a beat's busiest group, the model's lanegroup
     * rule) */
    static const DenseFormat kUniform[] = {{0, 8}, {0, 4}, {1, 8}, {2, 8}, {3, 8},
                                           {4, 8}, {1, 4}, {2, 4}, {3, 4}};
    static const DenseFormat kLaneGroup[] = {{1, 8}, {2, 8}, {0, 8}, {3, 8}, {4, 8},
                                             {1, 4}, {2, 4}, {0, 4}, {3, 4}};
    const DenseFormat *fmts = c.uniform ? kUniform : kLaneGroup;
    const int nf = c.uniform ? (int)(sizeof kUniform / sizeof kUniform[0])
                             : (int)(sizeof kLaneGroup / sizeof kLaneGroup[0]);
    s.mem.bytes.assign(4u << 20, 0);
    s.reg_write(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    pe_rng rng{seed};
    long bad_layers = 0, rows_total = 0;
    for (int li = 0; li < n; li++) {
        pe_tile t{};
        char err[256];
        if (pe_tile_random(&c, &rng, 64, &t, err, sizeof err)) {
            std::fprintf(stderr, "layer %d: %s\n", li, err);
            return 2;
        }
        const DenseFormat f = fmts[li % nf];
        const size_t cnt = (size_t)t.rows * t.k;
        std::vector<int8_t> w(cnt);
        std::vector<uint8_t> is_hi(cnt, 0), shift((size_t)t.rows, 0);
        const int cmax = f.lo == 0 ? (1 << (f.hi - 1)) - 1 : f.lo == 1 ? 1 : (1 << (f.lo - 1)) - 1;
        for (int r = 0; r < t.rows; r++) {
            int smax = 0;
            while (f.lo && smax < 7 && (cmax << (smax + 1)) <= 127)
                smax++;
            shift[r] = (uint8_t)(f.lo ? pe_rng_range(&rng, 0, smax) : 0);
            const int zero_pct = pe_rng_range(&rng, 0, 90);
            for (int j = 0; j < t.k; j++) {
                int v = f.lo == 1 ? (pe_rng_range(&rng, 0, 1) ? 1 : -1)
                                  : (pe_rng_range(&rng, 0, 99) < zero_pct
                                         ? 0
                                         : pe_rng_range(&rng, -cmax, cmax));
                w[(size_t)r * t.k + j] = (int8_t)(v * (1 << shift[r]));
            }
        }
        const TileLayer tl(t, f.lo, f.hi, w.data(), is_hi.data(), shift.data());
        std::vector<int32_t> acc((size_t)t.rows);
        std::vector<uint8_t> y((size_t)t.rows);
        tl.reference(t, acc.data(), y.data());
        std::vector<uint8_t> img;
        if (pack_layer(tl.q, t.rows, t.k, HQ_LAYOUT_DENSE, -1, 0, &img, err, sizeof err)) {
            std::fprintf(stderr, "layer %d: dense pack: %s\n", li, err);
            pe_tile_free(&t);
            return 2;
        }
        const bool relu = li % 2 == 0;
        uint32_t e = 0;
        /* the model counts every weight of a uniform layer as high */
        std::fill(is_hi.begin(), is_hi.end(), (uint8_t)(f.lo == 0));
        const bool ok = run_tile_layer(s, t, img.data(), (uint32_t)img.size(), acc.data(), y.data(),
                                       relu, &e, model_compute_cycles(t, is_hi.data(), f.lo));
        if (!ok && bad_layers++ < 5)
            std::fprintf(stderr,
                         "MISMATCH dense layer %d (lo %d hi %d, K %d, rows %d, %s): error %u\n", li,
                         f.lo, f.hi, t.k, t.rows, relu ? "uint8" : "int32", e);
        rows_total += t.rows;
        pe_tile_free(&t);
        if (s.hung) break;
    }
    std::printf("%s: %d random dense layers (%d widths), %ld rows: %ld mismatching layers, %ld "
                "layers off the model's cycle rule, AXI violations %ld\n",
                ACCEL_CONFIG_NAME, n, nf, rows_total, bad_layers, g_compute_mismatches,
                s.chk.violations);
    return bad_layers || g_compute_mismatches || s.chk.violations || s.hung ? 1 : 0;
}

int main(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        auto need = [&](const char *what) -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s: %s needs %s\n", argv[0], a.c_str(), what);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            usage(stdout, argv[0]);
            return 0;
        } else if (a == "--model")
            o.model = need("a file");
        else if (a == "--images")
            o.images = std::atoi(need("a count"));
        else if (a == "--batch")
            o.batch = std::atoi(need("a count"));
        else if (a == "--latency")
            o.latency = (unsigned)std::atoi(need("cycles"));
        else if (a == "--interval")
            o.interval = (unsigned)std::atoi(need("cycles"));
        else if (a == "--stall")
            o.stall = std::atof(need("a probability"));
        else if (a == "--seed")
            o.seed = std::strtoul(need("a number"), nullptr, 10);
        else if (a == "--errors")
            o.errors = true;
        else if (a == "--random-layers")
            o.random_layers = std::atoi(need("a count"));
        else if (a == "--random-conv")
            o.random_conv = std::atoi(need("a count"));
        else if (a == "--random-dense")
            o.random_dense = std::atoi(need("a count"));
        else if (a == "--max-high")
            o.max_high = std::atoi(need("a count"));
        else if (a == "--lo-bits") {
            o.lo_bits = std::atoi(need("a width"));
            if (o.lo_bits < 1 || o.lo_bits > 4) {
                std::fprintf(stderr, "%s: --lo-bits takes 1 to 4\n", argv[0]);
                return 2;
            }
        } else if (a == "--block-mix")
            o.block_mix = std::atoi(need("a count"));
        else if (a == "--random-ksplit")
            o.random_ksplit = std::atoi(need("a count"));
        else if (a == "--random-signed")
            o.random_signed = std::atoi(need("a count"));
        else if (a == "--timing")
            o.timing = need("a file");
        else if (a == "--require-flags")
            o.require_flags = (unsigned)std::strtoul(need("a flag mask"), nullptr, 0);
        else if (a == "--layout") {
            hq_layout_kind k;
            char e[256];
            if (hq_layout_parse(need("a layout"), &k, e, sizeof e)) {
                std::fprintf(stderr, "%s: %s\n", argv[0], e);
                return 2;
            }
            o.layout = (int)k;
        } else if (a == "--report")
            o.report = need("a file");
        else if (a == "--measure")
            o.measure = need("a file");
        else if (a == "--clock-hz")
            o.clock_hz = std::atof(need("a frequency"));
        else if (a == "--dataset")
            o.dataset = need("a directory");
        else {
            std::fprintf(stderr, "%s: unknown option '%s'\n", argv[0], a.c_str());
            usage(stderr, argv[0]);
            return 2;
        }
    }
    if (o.random_layers >= 0 || o.random_dense >= 0 || o.random_conv >= 0 || o.random_ksplit >= 0 ||
        o.random_signed >= 0 || o.block_mix >= 0) {
        Sim s;
        s.mem.latency = o.latency;
        s.mem.interval = o.interval;
        s.mem.stall = o.stall;
        s.mem.rng.seed(o.seed);
        int rc = o.random_layers >= 0   ? run_random_layers(s, o.random_layers, o.seed, o.layout,
                                                            o.max_high, o.lo_bits)
                 : o.random_dense >= 0  ? run_random_dense(s, o.random_dense, o.seed)
                 : o.random_ksplit >= 0 ? run_random_ksplit(s, o.random_ksplit, o.seed)
                 : o.random_signed >= 0 ? run_random_signed(s, o.random_signed, o.seed)
                 : o.block_mix >= 0     ? run_block_mix(s, o.block_mix, o.seed)
                                        : run_random_conv(s, o.random_conv, o.seed);
        for (const std::string &v : s.chk.first)
            std::fprintf(stderr, "AXI VIOLATION %s\n", v.c_str());
        return rc;
    }
    if (o.model.empty() || o.images < 1 || o.batch < 1 || o.interval < 1 || o.stall < 0 ||
        o.stall >= 1 || !(o.clock_hz > 0)) {
        usage(stderr, argv[0]);
        return 2;
    }
    char err[512];
    Loaded L;
    if (hq_model_load(&L.m, o.model.c_str(), err, sizeof err)) {
        std::fprintf(stderr, "%s\n", err);
        return 2;
    }
    L.have_m = true;
    if (!(L.ref = hq_ref_prepare(&L.m, err, sizeof err))) {
        std::fprintf(stderr, "%s: %s\n", o.model.c_str(), err);
        return 2;
    }
    if (hq_dataset_load(&L.ds, o.dataset.empty() ? nullptr : o.dataset.c_str(), HQ_SPLIT_TEST, err,
                        sizeof err)) {
        std::fprintf(stderr, "%s\n", err);
        return 2;
    }
    L.have_ds = true;
    if (o.images > L.ds.n) {
        std::fprintf(stderr, "--images %d: the test set has %d images\n", o.images, L.ds.n);
        return 2;
    }
    std::vector<int32_t> ref_logits((size_t)o.images * L.m.n_classes);
    std::vector<int> ref_preds(o.images);
    hq_ref_infer(L.ref, L.ds.images, o.images, ref_logits.data(), ref_preds.data(), 0);
    hq_layout_opts lo;
    hq_layout_opts_default(&lo, hq_layout_of_model(&L.m));
    if (hq_layout_pack_model(&L.m, &lo, &L.pm, err, sizeof err)) {
        std::fprintf(stderr, "%s: %s\n", o.model.c_str(), err);
        return 2;
    }
    L.have_pm = true;
    hq::accel::ImageParams ip;
    ip.accel_base = 0x40000000u;
    ip.batch = o.batch;
    ip.n_images = o.images;
    ip.images = L.ds.images;
    hq::accel::AccelConfig tcfg;
    if (!o.timing.empty()) { /* the host planner tiles to these buffers */
        try {
            hq::accel::load_timing_config(o.timing, &tcfg);
        } catch (const std::exception &ex) {
            std::fprintf(stderr, "%s\n", ex.what());
            return 2;
        }
        ip.cfg = &tcfg;
    }
    DramImage img;
    const std::string e = hq::accel::build_dram_image(L.m, L.pm, ip, &img);
    if (!e.empty()) {
        std::fprintf(stderr, "%s: %s\n", o.model.c_str(), e.c_str());
        return 2;
    }
    if (!img.cpu_ops.empty()) { /* the bench has no CPU: refuse rather than skip the layers */
        std::fprintf(stderr,
                     "%s: %zu layer(s) need the CPU fallback (first: %s); the bench "
                     "runs accelerator descriptors only\n",
                     o.model.c_str(), img.cpu_ops.size(), img.cpu_ops[0].name.c_str());
        return 2;
    }
    unsigned used_flags = 0;
    for (const hq::accel::NetLayer &nl : img.layers)
        used_flags |= nl.desc.flags;
    if (!o.timing.empty())
        std::printf("%s: %zu descriptors for %d layers (flags used 0x%02x)\n", o.timing.c_str(),
                    img.layers.size(), L.m.n_layers, used_flags);
    if ((used_flags & o.require_flags) != o.require_flags) {
        std::fprintf(stderr, "--require-flags 0x%02x: the planned descriptors use 0x%02x only\n",
                     o.require_flags, used_flags);
        return 1;
    }
    Sim s;
    s.mem.latency = o.latency;
    s.mem.interval = o.interval;
    s.mem.stall = o.stall;
    s.mem.rng.seed(o.seed);
    load_image(s, img);
    FILE *rep = nullptr;
    if (!o.report.empty() && !(rep = std::fopen(o.report.c_str(), "w"))) {
        std::fprintf(stderr, "%s: cannot write\n", o.report.c_str());
        return 2;
    }
    std::vector<hq_measure_row> rows;
    int rc = o.errors ? run_errors(s, img, o)
                      : run_inference(s, o, L, img, ref_logits, ref_preds, rep, &rows);
    if (rep) std::fclose(rep);
    if (!o.errors && !o.measure.empty() && !rows.empty()) {
        const int mrc = write_measure(o, rows, argc, argv);
        if (mrc && !rc) rc = mrc;
    }
    for (const std::string &v : s.chk.first)
        std::fprintf(stderr, "AXI VIOLATION %s\n", v.c_str());
    if (s.hung) rc = 1;
    return rc;
}
