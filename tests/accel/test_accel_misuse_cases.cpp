/* Directed reproducers of the accelerator misuse fuzzing (issue 18): each case is a program
 * accel_misuse found (reduced by hand) that broke a documented property, kept as a
 * regression test of its fix in model/accel. */
#include "misuse_bench.h"

#include <cstring>
#include <sys/resource.h>

using namespace hq::accel;
using namespace sc_core;

namespace {

constexpr uint32_t DESC = 0x80000000, IN = 0x80010000, OUT = 0x80080000;

/* A 16x16x8 max-pool by 2: valid, a few microseconds of work. */
hq_accel_desc maxpool_desc() {
    hq_accel_desc d{};
    d.magic = HQ_ACCEL_DESC_MAGIC;
    d.op = HQ_ACCEL_OP_MAXPOOL;
    d.flags = HQ_ACCEL_FLAG_RELU;
    d.pool = 2;
    d.in_h = d.in_w = 16;
    d.in_c = 8;
    d.out_h = d.out_w = 8;
    d.out_c = 8;
    d.batch = 1;
    d.in_stride = 16 * 16 * 8;
    d.out_stride = 8 * 8 * 8;
    d.in_addr = IN;
    d.out_addr = OUT;
    return d;
}

void put_desc(hqm::MisuseBench &b, uint32_t addr, const hq_accel_desc &d) {
    desc_to_bytes(d, b.at(addr));
}

void expect_consistent(hqm::MisuseBench &b, const hqm::Expect &e, const char *what) {
    CHECK(b.wait_idle(sc_time(10, SC_MS)), "%s: still busy", what);
    const hqm::EndState s = hqm::read_end_state(b);
    for (const std::string &m : hqm::check_end_state(s, e))
        CHECK(false, "%s: %s (STATUS 0x%x)", what, m.c_str(), s.status);
}

/* Starts `count` descriptors at DESC inside one quantum of a decoupled CPU. */
void start_decoupled(hqm::MisuseBench &b, uint32_t count) {
    b.wr(HQ_ACCEL_REG_IRQ_STATUS, 3);
    b.wr(HQ_ACCEL_REG_IRQ_ENABLE, 3);
    b.wr(HQ_ACCEL_REG_DESC_ADDR, DESC);
    b.wr(HQ_ACCEL_REG_DESC_COUNT, count);
    b.decoupled = true;
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START | HQ_ACCEL_CTRL_PERF_CLEAR);
}

/* Found by accel_misuse (seed 18, program 68): the command unit read DESC_ADDR/DESC_COUNT
 * when its thread took the START, not at the START write, so a CPU that rewrote them in the
 * same quantum ran another command than the one it started (DESC_COUNT 0 ran nothing and
 * said DONE; 300 ran past MAX_DESC; a misaligned DESC_ADDR was fetched). */
void registers_latched_at_start(hqm::MisuseBench &b) {
    put_desc(b, DESC, maxpool_desc());
    put_desc(b, DESC + 64, maxpool_desc());
    start_decoupled(b, 2);
    b.wr(HQ_ACCEL_REG_DESC_COUNT, 0);
    b.wr(HQ_ACCEL_REG_DESC_ADDR, DESC + 4);
    b.decoupled = false;
    b.sync();
    hqm::Expect e;
    e.count = 2;
    e.perf_cleared_at_start = true;
    expect_consistent(b, e, "DESC_COUNT/DESC_ADDR rewritten after START");
    CHECK(b.rd(HQ_ACCEL_REG_LAYERS) == 2 && (b.rd(HQ_ACCEL_REG_STATUS) & HQ_ACCEL_STATUS_DONE),
          "the started command (2 descriptors) ran: LAYERS %u STATUS 0x%x",
          b.rd(HQ_ACCEL_REG_LAYERS), b.rd(HQ_ACCEL_REG_STATUS));
    CHECK(b.rd(HQ_ACCEL_REG_DESC_COUNT) == 0, "DESC_COUNT keeps the value written");
}

/* Found by accel_misuse (seed 18, program 43): STATUS read in the quantum of the START showed
 * the previous command's DONE (BUSY was set only when the thread ran), so a polling firmware
 * took the old completion for the new one. */
void busy_visible_at_start(hqm::MisuseBench &b) {
    put_desc(b, DESC, maxpool_desc());
    b.wr(HQ_ACCEL_REG_DESC_ADDR, DESC);
    b.wr(HQ_ACCEL_REG_DESC_COUNT, 1);
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
    CHECK(b.wait_idle(sc_time(10, SC_MS)), "first command ends");
    CHECK(b.rd(HQ_ACCEL_REG_STATUS) == HQ_ACCEL_STATUS_DONE, "first command done");
    start_decoupled(b, 1);
    const uint32_t st = b.rd(HQ_ACCEL_REG_STATUS);
    b.decoupled = false;
    b.sync();
    CHECK(st == HQ_ACCEL_STATUS_BUSY, "STATUS right after START 0x%x (want BUSY only)", st);
    hqm::Expect e;
    e.count = 1;
    e.perf_cleared_at_start = true;
    expect_consistent(b, e, "STATUS after START");
}

/* Found by accel_misuse (seed 18, program 48): a second START in the same quantum was taken
 * as the same command instead of being refused with ERR_BUSY. */
void second_start_refused(hqm::MisuseBench &b) {
    put_desc(b, DESC, maxpool_desc());
    const uint64_t before = b.accel.commands();
    start_decoupled(b, 1);
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
    const uint32_t st = b.rd(HQ_ACCEL_REG_STATUS);
    b.decoupled = false;
    b.sync();
    CHECK((st & HQ_ACCEL_STATUS_BUSY) && (st >> 8 & 0xFF) == HQ_ACCEL_ERR_BUSY,
          "second START: STATUS 0x%x (want BUSY with ERR_BUSY)", st);
    hqm::Expect e;
    e.count = 1;
    e.perf_cleared_at_start = true;
    e.start_while_busy = true;
    expect_consistent(b, e, "second START");
    CHECK(b.accel.commands() == before + 1, "one command ran");
}

/* Runs the descriptor at DESC alone; returns STATUS. */
uint32_t run_one(hqm::MisuseBench &b, const hq_accel_desc &d) {
    put_desc(b, DESC, d);
    b.wr(HQ_ACCEL_REG_IRQ_STATUS, 3);
    b.wr(HQ_ACCEL_REG_DESC_ADDR, DESC);
    b.wr(HQ_ACCEL_REG_DESC_COUNT, 1);
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START | HQ_ACCEL_CTRL_PERF_CLEAR);
    hqm::Expect e;
    e.count = 1;
    e.perf_cleared_at_start = true;
    expect_consistent(b, e, "single descriptor");
    return b.rd(HQ_ACCEL_REG_STATUS);
}

/* Found by accel_misuse (seed 5, 27 s and 8 GiB of host memory for 5000 programs): a weighted
 * descriptor with WEIGHT_BYTES near 4 GiB made the model allocate (and zero) that much before
 * noticing the image was outside memory; under a memory limit the host process died. */
void huge_weight_bytes(hqm::MisuseBench &b) {
    hq_accel_desc d{};
    d.magic = HQ_ACCEL_DESC_MAGIC;
    d.op = HQ_ACCEL_OP_DENSE;
    d.layout = HQ_ACCEL_LAYOUT_DENSE;
    d.flags = HQ_ACCEL_FLAG_RELU;
    d.hi_bits = 8;
    d.rows = d.out_c = 4;
    d.cols = d.in_c = 16;
    d.in_h = d.in_w = d.out_h = d.out_w = 1;
    d.batch = 1;
    d.in_addr = IN;
    d.out_addr = OUT;
    d.param_addr = OUT + 0x1000; /* zeros: valid row parameters */
    d.weight_addr = OUT + 0x2000;
    for (uint32_t bytes : {0xFFFFFFF0u, 0x7FFFFF00u, hqm::MisuseBench::kMemBytes}) {
        d.weight_bytes = bytes;
        const uint32_t st = run_one(b, d);
        /* ERR_ADDR: a bus address of the image (its start, or where it leaves memory). */
        const uint32_t ea = b.rd(HQ_ACCEL_REG_ERR_ADDR);
        CHECK((st >> 8 & 0xFF) == HQ_ACCEL_ERR_BAD_ADDR && ea >= d.weight_addr &&
                  (uint64_t)ea < (uint64_t)d.weight_addr + bytes,
              "WEIGHT_BYTES 0x%x past the end of memory: STATUS 0x%x ERR_ADDR 0x%x", bytes, st, ea);
    }
}

/* Found by accel_misuse (seed 5): image i of a batch was at IN_ADDR + i * IN_STRIDE computed
 * in 32 bits, so a stride past 4 GiB wrapped around and read (or wrote) memory below the first
 * image, silently, although a transfer that wraps past 4 GiB is a bus error. */
void stride_past_4g(hqm::MisuseBench &b) {
    hq_accel_desc d = maxpool_desc();
    d.batch = 2;
    d.in_stride = 0u - 0x1000; /* image 1 would wrap to IN - 4 KiB */
    uint32_t st = run_one(b, d);
    CHECK((st >> 8 & 0xFF) == HQ_ACCEL_ERR_BAD_ADDR, "IN_STRIDE past 4 GiB: STATUS 0x%x", st);
    d = maxpool_desc();
    d.batch = 2;
    d.out_stride = 0u - 0x1000;
    std::memset(b.at(OUT - 0x1000), 0xA5, 64);
    st = run_one(b, d);
    CHECK((st >> 8 & 0xFF) == HQ_ACCEL_ERR_BAD_ADDR, "OUT_STRIDE past 4 GiB: STATUS 0x%x", st);
    CHECK(b.at(OUT - 0x1000)[0] == 0xA5, "nothing written below OUT_ADDR");
}

} // namespace

int sc_main(int, char **) {
#ifndef __SANITIZE_ADDRESS__
    /* A host allocation of a descriptor's WEIGHT_BYTES would fail here, not just be slow.
     * (ASan reserves terabytes of address space, so its build runs without the limit.) */
    const rlimit lim{1ul << 30, 1ul << 30};
    setrlimit(RLIMIT_AS, &lim);
#endif
    AccelConfig cfg;
    hqm::MisuseBench b("bench", cfg);
    sc_spawn([&] {
        registers_latched_at_start(b);
        busy_visible_at_start(b);
        second_start_refused(b);
        huge_weight_bytes(b);
        stride_past_4g(b);
        sc_stop();
    });
    sc_start();
    return hqt::finish("test_accel_misuse_cases");
}
