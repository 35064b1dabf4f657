/* Accelerator misuse fuzzing (issue 18, part 2): random programs drive the SystemC model the
 * way buggy firmware would: random register accesses (bad widths, offsets, values), random
 * descriptors (valid layers, mutated fields, garbage), DMA addresses inside, straddling and
 * outside memory, overlapping input/output/weight/descriptor buffers, corrupted weight images
 * and row parameters, temporally decoupled register bursts, and STARTs, PERF_CLEARs, register
 * rewrites and memory writes while the accelerator is busy. Every program must end in done or
 * in a documented error within a simulated-time budget with consistent status registers
 * (misuse_bench.h). Program i is generated from seed_seq{seed, i}: deterministic and
 * replayable alone with --first i --programs 1. */
#include "accel/array_registry.h"
#include "misuse_bench.h"

#include <cinttypes>
#include <cstring>
#include <map>
#include <sys/resource.h>

using namespace hq::accel;
using namespace sc_core;

namespace {

constexpr uint64_t kBase = hqm::MisuseBench::kBase;
constexpr uint32_t kMem = hqm::MisuseBench::kMemBytes;
constexpr uint32_t kDescArea = HQ_ACCEL_MAX_DESC * HQ_ACCEL_DESC_BYTES;

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

struct Options {
    uint64_t programs = 2000, first = 0;
    uint32_t seed = 1;
    std::string arch = "lanegroup";
    bool verbose = false;
};

/* A layer the packer produced, ready to place in memory. */
struct PoolLayer {
    hq_layer L;
    hqt::LayerSpec s;
    std::vector<uint8_t> img, params;
};

std::vector<PoolLayer> make_pool(const AccelConfig &cfg) {
    std::mt19937 rng(18);
    std::vector<PoolLayer> pool;
    const bool uniform = cfg.arch == Arch::Uniform8;
    const hq_layout_kind layouts[] = {HQ_LAYOUT_DENSE, HQ_LAYOUT_COO, HQ_LAYOUT_BLOCK,
                                      HQ_LAYOUT_ROWGROUP, HQ_LAYOUT_ESCAPE};
    for (hq_layout_kind l : layouts)
        for (int shape = 0; shape < 4; shape++) {
            hqt::LayerSpec s;
            s.layout = l;
            s.lo = uniform || l == HQ_LAYOUT_DENSE ? 0 : 2;
            s.hi = shape == 3 ? 4 : 8;
            s.n = 2;
            s.m = 16;
            s.frac = 0.05;
            if (shape == 0) {
                s.in_c = 24 + (int)(rng() % 100);
                s.out_c = 4 + (int)(rng() % 20);
            } else if (shape == 1) { /* classifier: int32 logits */
                s.in_c = 40;
                s.out_c = 10;
                s.relu = false;
            } else {
                s.kind = HQ_LAYER_CONV;
                s.in_h = s.in_w = 6;
                s.in_c = 3;
                s.out_c = 8 + (int)(rng() % 12);
                s.stride = shape == 3 ? 2 : 1;
            }
            PoolLayer p;
            p.s = s;
            hqt::make_layer(s, rng, &p.L);
            p.img = hqt::pack_layer(p.L, s);
            p.params.assign((size_t)p.L.rows * HQ_ACCEL_ROW_PARAM_BYTES, 0);
            for (int r = 0; r < p.L.rows; r++) {
                uint8_t *q = p.params.data() + r * HQ_ACCEL_ROW_PARAM_BYTES;
                uint32_t bias = (uint32_t)p.L.q->bias[r], mult = (uint32_t)p.L.q->rq_mult[r];
                for (int i = 0; i < 4; i++) {
                    q[i] = (uint8_t)(bias >> (8 * i));
                    q[4 + i] = (uint8_t)(mult >> (8 * i));
                }
                q[8] = p.L.q->rq_shift[r];
            }
            pool.push_back(std::move(p));
        }
    return pool;
}

/* Offsets and widths of the descriptor's fields, for mutation. */
struct Field {
    unsigned off, bytes;
};
const Field kFields[] = {{HQ_ACCEL_DESC_OFF_MAGIC, 4},        {HQ_ACCEL_DESC_OFF_OP, 1},
                         {HQ_ACCEL_DESC_OFF_LAYOUT, 1},       {HQ_ACCEL_DESC_OFF_FLAGS, 1},
                         {HQ_ACCEL_DESC_OFF_LO_BITS, 1},      {HQ_ACCEL_DESC_OFF_HI_BITS, 1},
                         {HQ_ACCEL_DESC_OFF_BLOCK_N, 1},      {HQ_ACCEL_DESC_OFF_BLOCK_M, 1},
                         {HQ_ACCEL_DESC_OFF_POOL, 1},         {HQ_ACCEL_DESC_OFF_ROWS, 2},
                         {HQ_ACCEL_DESC_OFF_COLS, 2},         {HQ_ACCEL_DESC_OFF_IN_H, 2},
                         {HQ_ACCEL_DESC_OFF_IN_W, 2},         {HQ_ACCEL_DESC_OFF_IN_C, 2},
                         {HQ_ACCEL_DESC_OFF_OUT_H, 2},        {HQ_ACCEL_DESC_OFF_OUT_W, 2},
                         {HQ_ACCEL_DESC_OFF_OUT_C, 2},        {HQ_ACCEL_DESC_OFF_KERNEL, 1},
                         {HQ_ACCEL_DESC_OFF_STRIDE, 1},       {HQ_ACCEL_DESC_OFF_PAD, 1},
                         {HQ_ACCEL_DESC_OFF_CLAMP_HI, 1},     {HQ_ACCEL_DESC_OFF_IN_ADDR, 4},
                         {HQ_ACCEL_DESC_OFF_OUT_ADDR, 4},     {HQ_ACCEL_DESC_OFF_WEIGHT_ADDR, 4},
                         {HQ_ACCEL_DESC_OFF_WEIGHT_BYTES, 4}, {HQ_ACCEL_DESC_OFF_PARAM_ADDR, 4},
                         {HQ_ACCEL_DESC_OFF_BATCH, 4},        {HQ_ACCEL_DESC_OFF_IN_STRIDE, 4},
                         {HQ_ACCEL_DESC_OFF_OUT_STRIDE, 4}};

/* The register offsets docs/regmap.md maps (everything else in the window is a bus error). */
bool mapped(uint64_t off) {
    return off < 0x30 || (off >= 0x40 && off <= HQ_ACCEL_REG_LAYERS) ||
           (off >= HQ_ACCEL_REG_OUTPUT_LO && off <= HQ_ACCEL_REG_RD_STALL_HI);
}

struct Tally {
    uint64_t programs = 0, done = 0, hangs = 0, violations = 0, bad_programs = 0;
    uint64_t reg_accesses = 0, reg_bus_errors = 0, starts_refused_busy = 0, decoupled = 0;
    uint64_t max_cycles = 0;
    double max_sim_us = 0;
    std::map<unsigned, uint64_t> errors;
};

class Program {
  public:
    Program(hqm::MisuseBench &b, const std::vector<PoolLayer> &pool, uint64_t index, uint32_t seed,
            Tally &t, bool verbose)
        : b_(b), pool_(pool), index_(index), t_(t), verbose_(verbose) {
        std::seed_seq ss{seed, (uint32_t)index, (uint32_t)(index >> 32)};
        rng_.seed(ss);
    }
    /* False when the accelerator hung (the caller stops: the model is stuck). */
    bool run();

  private:
    uint32_t r(uint32_t n) { return n ? (uint32_t)(rng_() % n) : 0; }
    bool chance(unsigned percent) { return r(100) < percent; }
    void violation(const std::string &m);
    uint32_t rand_addr(uint32_t len);
    uint32_t alloc(uint32_t len);
    void place(const uint8_t *src, uint32_t addr, uint32_t len);
    void make_descriptor(uint8_t *raw);
    void mutate(uint8_t *raw);
    void register_noise(unsigned n);
    void start_command();
    void disrupt();

    hqm::MisuseBench &b_;
    const std::vector<PoolLayer> &pool_;
    uint64_t index_;
    Tally &t_;
    bool verbose_;
    std::mt19937_64 rng_;
    uint32_t bump_ = kDescArea;
    std::vector<uint32_t> buffers_; /* addresses placed so far: overlap targets */
    hqm::Expect e_;
    uint32_t ndesc_ = 1;
    bool had_violation_ = false;
};

void Program::violation(const std::string &m) {
    t_.violations++;
    if (!had_violation_) t_.bad_programs++;
    had_violation_ = true;
    if (t_.violations <= 50) std::fprintf(stderr, "program %" PRIu64 ": %s\n", index_, m.c_str());
}

/* Inside memory (mostly), straddling its start or end, outside, or at the 4 GiB edge. */
uint32_t Program::rand_addr(uint32_t len) {
    len = std::max<uint32_t>(1, std::min(len, kMem));
    switch (r(20)) {
    case 0: return (uint32_t)(kBase + kMem - 1 - r(len)); /* straddles the end */
    case 1: return (uint32_t)(kBase - 1 - r(len));        /* straddles the start */
    case 2: return (uint32_t)rng_();                      /* anywhere */
    case 3: return 0xFFFFFFFFu - r(len);                  /* wraps past 4 GiB */
    case 4: return r(2) ? 0 : (uint32_t)(kBase + kMem);
    case 5: return buffers_.empty() ? (uint32_t)kBase : buffers_[r((uint32_t)buffers_.size())];
    default: return (uint32_t)(kBase + r(kMem - len + 1));
    }
}

/* Mostly fresh space after the descriptors; sometimes anywhere (overlaps). */
uint32_t Program::alloc(uint32_t len) {
    uint32_t a;
    if (chance(90) && bump_ + len + 256 <= kMem) {
        bump_ += r(4) * 64;
        a = (uint32_t)kBase + bump_;
        bump_ += (len + 63) / 64 * 64;
    } else {
        a = (uint32_t)(kBase + r(kMem - len + 1));
    }
    buffers_.push_back(a);
    return a;
}

void Program::place(const uint8_t *src, uint32_t addr, uint32_t len) {
    if (addr >= kBase && addr - kBase + (uint64_t)len <= kMem) std::memcpy(b_.at(addr), src, len);
}

void Program::make_descriptor(uint8_t *raw) {
    hq_accel_desc d{};
    const unsigned kind = r(100);
    if (kind < 10) { /* garbage */
        for (unsigned i = 0; i < HQ_ACCEL_DESC_BYTES; i++)
            raw[i] = (uint8_t)rng_();
        if (chance(50)) /* garbage behind a valid magic */
            for (unsigned i = 0; i < 4; i++)
                raw[i] = (uint8_t)(HQ_ACCEL_DESC_MAGIC >> (8 * i));
        if (chance(50)) raw[HQ_ACCEL_DESC_OFF_OP] = (uint8_t)(HQ_ACCEL_OP_DENSE + r(3));
        return;
    }
    const unsigned batch = chance(70) ? 1 : 1 + r(4);
    if (kind < 25) { /* stand-alone max-pool */
        d.magic = HQ_ACCEL_DESC_MAGIC;
        d.op = HQ_ACCEL_OP_MAXPOOL;
        d.flags = HQ_ACCEL_FLAG_RELU;
        d.pool = (uint8_t)(2 + r(3));
        d.in_h = (uint16_t)(d.pool + r(30));
        d.in_w = (uint16_t)(d.pool + r(30));
        d.in_c = (uint16_t)(1 + r(32));
        d.out_h = (uint16_t)(d.in_h / d.pool);
        d.out_w = (uint16_t)(d.in_w / d.pool);
        d.out_c = d.in_c;
        d.batch = batch;
        d.in_stride = (uint32_t)d.in_h * d.in_w * d.in_c;
        d.out_stride = (uint32_t)d.out_h * d.out_w * d.out_c;
    } else {
        const PoolLayer &p = pool_[r((uint32_t)pool_.size())];
        const int pool = p.L.kind == HQ_LAYER_CONV && chance(30) ? 2 : 1;
        d = hqt::desc_for(p.L, p.s, 0, 0, 0, (uint32_t)p.img.size(), 0, batch, pool);
        d.weight_addr = alloc((uint32_t)p.img.size());
        std::vector<uint8_t> img = p.img;
        if (chance(8)) /* corrupted weight stream */
            for (unsigned n = 1 + r(4); n--;)
                img[r((uint32_t)img.size())] ^= (uint8_t)(1 + r(255));
        place(img.data(), d.weight_addr, (uint32_t)img.size());
        d.param_addr = alloc((uint32_t)p.params.size());
        std::vector<uint8_t> prm = p.params;
        if (chance(5)) prm[r((uint32_t)prm.size())] = (uint8_t)rng_();
        place(prm.data(), d.param_addr, (uint32_t)prm.size());
    }
    if (batch > 1 && chance(40)) { /* strided images */
        d.in_stride += r(3) * 64 + r(2);
        d.out_stride += r(3) * 64;
    }
    const uint32_t in_len = d.in_stride * (batch - 1) + (uint32_t)d.in_h * d.in_w * d.in_c;
    const uint32_t out_len = d.out_stride * batch;
    d.in_addr = alloc(in_len);
    for (uint32_t i = 0; i < in_len; i += 1 + r(64))
        if (d.in_addr - kBase + (uint64_t)i < kMem && d.in_addr >= kBase)
            *b_.at(d.in_addr + i) = (uint8_t)rng_();
    d.out_addr = alloc(out_len);
    if (chance(10)) /* the output overlaps another buffer or the descriptors */
        d.out_addr = chance(30) ? (uint32_t)(kBase + r(ndesc_) * HQ_ACCEL_DESC_BYTES)
                                : buffers_[r((uint32_t)buffers_.size())];
    if (chance(8)) d.in_addr = rand_addr(in_len);
    if (chance(8)) d.out_addr = rand_addr(out_len);
    if (chance(5) && d.weight_bytes) d.weight_addr = rand_addr(d.weight_bytes);
    if (chance(5)) d.param_addr = rand_addr((uint32_t)d.rows * HQ_ACCEL_ROW_PARAM_BYTES);
    desc_to_bytes(d, raw);
    if (chance(25)) mutate(raw);
}

/* 1..3 fields set to boundary, neighbouring or random values (addresses: rand_addr). */
void Program::mutate(uint8_t *raw) {
    for (unsigned n = 1 + r(3); n--;) {
        const Field &f = kFields[r(sizeof kFields / sizeof kFields[0])];
        uint32_t v = 0;
        for (unsigned i = 0; i < f.bytes; i++)
            v |= (uint32_t)raw[f.off + i] << (8 * i);
        const uint32_t max = f.bytes == 4 ? 0xFFFFFFFFu : (1u << (8 * f.bytes)) - 1;
        const bool size = f.off == HQ_ACCEL_DESC_OFF_WEIGHT_BYTES ||
                          f.off == HQ_ACCEL_DESC_OFF_IN_STRIDE ||
                          f.off == HQ_ACCEL_DESC_OFF_OUT_STRIDE;
        switch (r(size ? 7 : 6)) {
        case 0: v = 0; break;
        case 1: v = max; break;
        case 2: v = v + 1; break;
        case 3: v = v - 1; break;
        case 4:
            v = f.off >= HQ_ACCEL_DESC_OFF_IN_ADDR && f.off != HQ_ACCEL_DESC_OFF_BATCH
                    ? rand_addr(4096)
                    : (uint32_t)rng_();
            break;
        case 5: v = r(2) ? 1u << r(8 * f.bytes) : r(300); break;
        default: /* sizes and strides: multiples of 16 up to 4 GiB, or negative */
            v = r(2) ? (uint32_t)(rng_() >> r(32)) & ~15u : 0u - 16 * (1 + r(64));
        }
        for (unsigned i = 0; i < f.bytes; i++)
            raw[f.off + i] = (uint8_t)(v >> (8 * i));
    }
}

/* Random accesses anywhere in (and past) the window, any width; the response must be OK for
 * an aligned word of a mapped register and an error for everything else. */
void Program::register_noise(unsigned n) {
    static const unsigned widths[] = {1, 2, 3, 4, 4, 4, 4, 8};
    while (n--) {
        uint64_t off = chance(90) ? r(0x120) : (chance(50) ? (uint64_t)(uint32_t)rng_() : rng_());
        if (chance(60)) off &= ~3ull;
        const unsigned len = widths[r(8)];
        const bool write = chance(50);
        uint8_t data[8];
        for (auto &x : data)
            x = (uint8_t)rng_();
        if (write && off == HQ_ACCEL_REG_CTRL && chance(70))
            data[0] &= ~HQ_ACCEL_CTRL_START; /* starts are mostly the program's own */
        const tlm::tlm_response_status st = b_.access(write, off, data, len);
        t_.reg_accesses++;
        const bool good = len == 4 && off % 4 == 0 && off < HQ_ACCEL_WINDOW_BYTES && mapped(off);
        if (good && write && off == HQ_ACCEL_REG_CTRL) { /* noise while busy: what to expect */
            e_.perf_cleared_later |= (data[0] & HQ_ACCEL_CTRL_PERF_CLEAR) != 0;
            e_.start_while_busy |= (data[0] & HQ_ACCEL_CTRL_START) != 0;
        }
        if (good && write && off == HQ_ACCEL_REG_IRQ_STATUS) e_.w1c_since_start = true;
        if (st != tlm::TLM_OK_RESPONSE) t_.reg_bus_errors++;
        if (good != (st == tlm::TLM_OK_RESPONSE))
            violation("register access at " + hex(off) + " width " + std::to_string(len) +
                      ": response " + std::to_string(st));
        if (good && !write && (off == HQ_ACCEL_REG_ID || off == HQ_ACCEL_REG_VERSION)) {
            uint32_t v;
            std::memcpy(&v, data, 4);
            if (v != (off == HQ_ACCEL_REG_ID ? HQ_ACCEL_ID_VALUE : HQ_ACCEL_VERSION_VALUE))
                violation("ID/VERSION changed");
        }
    }
}

/* Programs DESC_ADDR/DESC_COUNT and writes START, sometimes as a decoupled burst that goes on
 * writing registers (and START again) before the accelerator's thread has run. */
void Program::start_command() {
    uint32_t addr = (uint32_t)kBase, count = ndesc_;
    if (chance(10)) addr = chance(50) ? (uint32_t)(kBase + 1 + r(63)) : rand_addr(count * 64);
    if (chance(10)) {
        const uint32_t odd[] = {0, HQ_ACCEL_MAX_DESC + 1, 0xFFFFFFFFu, HQ_ACCEL_MAX_DESC,
                                ndesc_ + 1 + r(3)};
        count = odd[r(5)];
    }
    b_.wr(HQ_ACCEL_REG_IRQ_STATUS, 3);
    b_.wr(HQ_ACCEL_REG_IRQ_ENABLE, chance(75) ? 3 : (uint32_t)rng_());
    b_.wr(HQ_ACCEL_REG_DESC_ADDR, addr);
    b_.wr(HQ_ACCEL_REG_DESC_COUNT, count);
    e_ = hqm::Expect{};
    e_.count = count;
    e_.perf_cleared_at_start = chance(85);
    b_.decoupled = chance(30);
    t_.decoupled += b_.decoupled;
    b_.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START |
                                 (e_.perf_cleared_at_start ? HQ_ACCEL_CTRL_PERF_CLEAR : 0) |
                                 (chance(10) ? (uint32_t)rng_() & ~3u : 0));
    /* The START is taken at once: the command is running, or refused with BAD_CMD. A CPU
     * that waited the access's delay may see a command that failed at once (a descriptor
     * outside memory costs no time), never the previous command's DONE. */
    const uint32_t st = b_.rd(HQ_ACCEL_REG_STATUS);
    const bool bad_cmd = count == 0 || count > HQ_ACCEL_MAX_DESC || addr % HQ_ACCEL_DESC_BYTES;
    const bool running = b_.decoupled ? st == HQ_ACCEL_STATUS_BUSY
                                      : (st & (HQ_ACCEL_STATUS_BUSY | HQ_ACCEL_STATUS_ERROR)) &&
                                            !(st & HQ_ACCEL_STATUS_DONE);
    if (bad_cmd ? (st >> 8 & 0xFF) != HQ_ACCEL_ERR_BAD_CMD || !(st & HQ_ACCEL_STATUS_ERROR)
                : !running)
        violation("STATUS " + hex(st) + " right after START (count " + std::to_string(count) +
                  ", addr " + hex(addr) + ")");
    if (b_.decoupled) {
        for (unsigned n = r(4); n--;) {
            switch (r(3)) {
            case 0: b_.wr(HQ_ACCEL_REG_DESC_COUNT, r(2) ? 0 : (uint32_t)rng_()); break;
            case 1: b_.wr(HQ_ACCEL_REG_DESC_ADDR, (uint32_t)rng_()); break;
            default:
                if (!bad_cmd) {
                    b_.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
                    e_.start_while_busy = true;
                    const uint32_t s2 = b_.rd(HQ_ACCEL_REG_STATUS);
                    if ((s2 >> 8 & 0xFF) != HQ_ACCEL_ERR_BUSY || !(s2 & HQ_ACCEL_STATUS_BUSY))
                        violation("a second START before the first was taken was not refused "
                                  "with ERR_BUSY (STATUS " +
                                  hex(s2) + ")");
                    t_.starts_refused_busy++;
                }
            }
        }
        b_.decoupled = false;
        b_.sync();
    }
}

/* One access while the command runs (checked busy in the same decoupled instant). */
void Program::disrupt() {
    const double ns = (double)(1u << r(15)) * (1 + r(8)) / 8;
    wait(sc_time(ns, SC_NS));
    b_.decoupled = true;
    if (!(b_.rd(HQ_ACCEL_REG_STATUS) & HQ_ACCEL_STATUS_BUSY)) {
        b_.decoupled = false;
        b_.sync();
        return;
    }
    switch (r(8)) {
    case 0: {
        const bool clear = chance(30);
        b_.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START | (clear ? HQ_ACCEL_CTRL_PERF_CLEAR : 0));
        e_.start_while_busy = true;
        e_.perf_cleared_later |= clear;
        const uint32_t st = b_.rd(HQ_ACCEL_REG_STATUS);
        if ((st >> 8 & 0xFF) != HQ_ACCEL_ERR_BUSY || !(st & HQ_ACCEL_STATUS_BUSY) ||
            !(st & HQ_ACCEL_STATUS_ERROR))
            violation("START while busy: STATUS " + hex(st));
        t_.starts_refused_busy++;
        break;
    }
    case 1:
        b_.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_PERF_CLEAR);
        e_.perf_cleared_later = true;
        break;
    case 2: b_.wr(HQ_ACCEL_REG_DESC_ADDR, rand_addr(64)); break;
    case 3: b_.wr(HQ_ACCEL_REG_DESC_COUNT, (uint32_t)rng_() % 300); break;
    case 4:
        b_.wr(HQ_ACCEL_REG_IRQ_STATUS, (uint32_t)rng_());
        e_.w1c_since_start = true;
        break;
    case 5: b_.wr(HQ_ACCEL_REG_IRQ_ENABLE, (uint32_t)rng_()); break;
    case 6: { /* the CPU rewrites memory the accelerator is using */
        const uint32_t a = chance(50) ? r(kDescArea) : r(kMem);
        for (unsigned n = 1 + r(64); n-- && a + n < kMem;)
            b_.mem.data[a + n] = (uint8_t)rng_();
        break;
    }
    default: register_noise(1);
    }
    b_.decoupled = false;
    b_.sync();
}

bool Program::run() {
    const sc_time budget(2, SC_SEC); /* >> the largest command the generator can build */
    std::fill(b_.mem.data.begin(), b_.mem.data.end(), 0);
    const unsigned shape = r(100);
    ndesc_ = shape < 45 ? 1 : shape < 85 ? 2 + r(3) : shape < 97 ? 5 + r(12) : 17 + r(240);
    for (unsigned i = 0; i < ndesc_; i++)
        make_descriptor(b_.at(kBase + i * HQ_ACCEL_DESC_BYTES));

    register_noise(r(5));
    if (!b_.wait_idle(budget)) { /* a START from the noise */
        t_.hangs++;
        violation("still busy after the budget (command started by register noise)");
        return false;
    }
    start_command();
    const sc_time t0 = sc_time_stamp();
    for (unsigned n = chance(40) ? 1 + r(4) : 0; n--;)
        disrupt();
    if (!b_.wait_idle(budget)) {
        t_.hangs++;
        violation("still busy after the budget");
        return false;
    }
    const double sim_us = (sc_time_stamp() - t0).to_seconds() * 1e6;
    const hqm::EndState s = hqm::read_end_state(b_);
    for (const std::string &m : hqm::check_end_state(s, e_))
        violation(m + " (STATUS " + hex(s.status) + ")");
    t_.programs++;
    if (s.done())
        t_.done++;
    else
        t_.errors[s.code()]++;
    if (e_.perf_cleared_at_start && !e_.perf_cleared_later)
        t_.max_cycles = std::max(t_.max_cycles, s.cycles);
    t_.max_sim_us = std::max(t_.max_sim_us, sim_us);
    if (verbose_)
        std::printf("program %" PRIu64 ": %u descriptors, STATUS 0x%04x, cycles %" PRIu64 "\n",
                    index_, ndesc_, s.status, s.cycles);
    return true;
}

const char *err_name(unsigned c) {
    static const char *names[] = {"NONE",      "BAD_DESC", "BAD_ADDR", "LAYOUT", "BUF_OVERFLOW",
                                  "BAD_SHAPE", "WEIGHTS",  "BUSY",     "BAD_CMD"};
    return c < 9 ? names[c] : "UNDOCUMENTED";
}

void usage(FILE *f) {
    std::fprintf(f,
                 "usage: accel_misuse [--programs N] [--seed S] [--first I] [--arch "
                 "%s] [--verbose]\n"
                 "Runs N random misuse programs (I .. I+N-1 of seed S) on the accelerator "
                 "model; exit 0 when every\nprogram ended in done or a documented error with "
                 "consistent registers, 1 otherwise, 2 on usage errors.\n",
                 array_kind_names("|", "|").c_str());
}

bool parse(int argc, char **argv, Options *o) {
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto num = [&](uint64_t *v) {
            if (i + 1 >= argc) return false;
            char *end;
            *v = std::strtoull(argv[++i], &end, 10);
            return *end == 0 && argv[i][0] != '-';
        };
        uint64_t v;
        if (a == "--programs" && num(&o->programs)) continue;
        if (a == "--first" && num(&o->first)) continue;
        if (a == "--seed" && num(&v) && v <= 0xFFFFFFFFu) {
            o->seed = (uint32_t)v;
            continue;
        }
        if (a == "--arch" && i + 1 < argc) {
            o->arch = argv[++i];
            continue;
        }
        if (a == "--verbose") {
            o->verbose = true;
            continue;
        }
        if (a == "-h" || a == "--help") {
            usage(stdout);
            std::exit(0);
        }
        std::fprintf(stderr, "accel_misuse: bad argument '%s'\n", a.c_str());
        return false;
    }
    return true;
}

} // namespace

int sc_main(int argc, char **argv) {
    Options o;
    AccelConfig cfg;
    if (!parse(argc, argv, &o) || !parse_arch(o.arch, &cfg.arch)) {
        usage(stderr);
        return 2;
    }
#ifndef __SANITIZE_ADDRESS__
    /* A program must not cost the host more than its 2 MiB memory and small buffers: an
     * allocation sized by a descriptor field fails here (a crash) instead of only being slow.
     * ASan reserves terabytes of address space, so its build relies on ASan's own limits. */
    const rlimit lim{1ul << 30, 1ul << 30};
    setrlimit(RLIMIT_AS, &lim);
#endif
    sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
    hqm::MisuseBench b("bench", cfg);
    const std::vector<PoolLayer> pool = make_pool(cfg);
    Tally t;
    sc_spawn([&] {
        for (uint64_t i = o.first; i < o.first + o.programs; i++) {
            Program p(b, pool, i, o.seed, t, o.verbose);
            if (!p.run()) break;
        }
        sc_stop();
    });
    sc_start();
    std::printf("accel_misuse: arch %s, seed %u, programs %" PRIu64 " (from %" PRIu64 ")\n",
                o.arch.c_str(), o.seed, t.programs, o.first);
    std::printf("  done %" PRIu64 "\n", t.done);
    for (auto &[code, n] : t.errors)
        std::printf("  ERR_%s (%u) %" PRIu64 "\n", err_name(code), code, n);
    std::printf("  register accesses %" PRIu64 " (bus errors %" PRIu64 "), STARTs refused busy "
                "%" PRIu64 ", decoupled starts %" PRIu64 "\n",
                t.reg_accesses, t.reg_bus_errors, t.starts_refused_busy, t.decoupled);
    std::printf("  max cycles %" PRIu64 ", max simulated time %.1f us\n", t.max_cycles,
                t.max_sim_us);
    std::printf("  hangs %" PRIu64 ", programs with violations %" PRIu64 " (%" PRIu64
                " violations)\n",
                t.hangs, t.bad_programs, t.violations);
    for (auto &p : pool)
        hqt::free_layer(const_cast<hq_layer *>(&p.L));
    const bool ok = !t.hangs && !t.violations && t.programs == o.programs;
    std::printf("%s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
