/* Register access through TLM: identification, read/write and write-1-to-clear semantics,
 * 64-bit counter latching, bus errors on bad accesses, and command-level errors
 * (DESC_COUNT 0, misaligned DESC_ADDR, START while busy) raising the error interrupt. */
#include "accel_test.h"

using namespace hq::accel;

static void body(hqt::Bench &b) {
    CHECK(b.rd(HQ_ACCEL_REG_ID) == HQ_ACCEL_ID_VALUE, "ID 0x%08x", b.rd(HQ_ACCEL_REG_ID));
    CHECK(b.rd(HQ_ACCEL_REG_VERSION) == HQ_ACCEL_VERSION_VALUE, "VERSION");
    uint32_t hw = b.rd(HQ_ACCEL_REG_HW_CONFIG);
    const AccelConfig &c = b.accel.config();
    CHECK((hw & 0xF) == (uint32_t)c.arch && (hw >> 4 & 0xFF) == c.pe_tiles &&
              (hw >> 12 & 0xFF) * 8 == c.lanes && (hw >> 20 & 0xFF) == c.lane_group &&
              (hw >> 28) == c.rows_per_tile,
          "HW_CONFIG 0x%08x", hw);
    CHECK(b.rd(HQ_ACCEL_REG_LAYOUTS) == c.supported_layouts(), "LAYOUTS");
    b.wr(HQ_ACCEL_REG_DESC_ADDR, 0x80001040);
    b.wr(HQ_ACCEL_REG_DESC_COUNT, 7);
    CHECK(b.rd(HQ_ACCEL_REG_DESC_ADDR) == 0x80001040 && b.rd(HQ_ACCEL_REG_DESC_COUNT) == 7,
          "rw registers");
    b.wr(HQ_ACCEL_REG_ID, 0); /* read-only: ignored */
    CHECK(b.rd(HQ_ACCEL_REG_ID) == HQ_ACCEL_ID_VALUE, "ID written");
    b.wr(HQ_ACCEL_REG_IRQ_ENABLE, 0xFF);
    CHECK(b.rd(HQ_ACCEL_REG_IRQ_ENABLE) == 3, "IRQ_ENABLE keeps only defined bits");
    CHECK(b.rd(HQ_ACCEL_REG_STATUS) == 0 && !b.irq.read(), "idle at reset");

    /* Bus errors: outside the window, inside but unmapped, misaligned, wrong width. */
    uint32_t v = 0;
    CHECK(b.access(false, 0x100, &v) == tlm::TLM_ADDRESS_ERROR_RESPONSE, "outside window");
    CHECK(b.access(false, 0x3C, &v) == tlm::TLM_ADDRESS_ERROR_RESPONSE, "unmapped offset");
    CHECK(b.access(false, 0x06, &v) == tlm::TLM_BURST_ERROR_RESPONSE, "misaligned");
    CHECK(b.access(false, 0x04, &v, 2) == tlm::TLM_BURST_ERROR_RESPONSE, "16-bit access");

    /* Command errors. */
    b.wr(HQ_ACCEL_REG_DESC_COUNT, 0);
    b.wr(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_ERROR);
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
    wait(sc_core::sc_time(10, sc_core::SC_NS));
    uint32_t st = b.rd(HQ_ACCEL_REG_STATUS);
    CHECK((st & HQ_ACCEL_STATUS_ERROR) && (st >> 8 & 0xFF) == HQ_ACCEL_ERR_BAD_CMD,
          "DESC_COUNT 0: STATUS 0x%x", st);
    CHECK(b.irq.read(), "error interrupt raised");
    b.wr(HQ_ACCEL_REG_IRQ_STATUS, HQ_ACCEL_IRQ_ERROR);
    wait(sc_core::sc_time(10, sc_core::SC_NS));
    CHECK(!b.irq.read() && b.rd(HQ_ACCEL_REG_IRQ_STATUS) == 0, "W1C clears the interrupt");
    b.wr(HQ_ACCEL_REG_DESC_COUNT, 1);
    b.wr(HQ_ACCEL_REG_DESC_ADDR, 0x80000020); /* not 64-byte aligned */
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
    st = b.rd(HQ_ACCEL_REG_STATUS);
    CHECK((st >> 8 & 0xFF) == HQ_ACCEL_ERR_BAD_CMD, "misaligned DESC_ADDR: STATUS 0x%x", st);
    b.wr(HQ_ACCEL_REG_IRQ_STATUS, 3);

    /* A descriptor outside memory: bus error during the descriptor fetch. */
    st = b.run(0x10000000, 1);
    CHECK((st >> 8 & 0xFF) == HQ_ACCEL_ERR_BAD_ADDR && b.rd(HQ_ACCEL_REG_ERR_ADDR) == 0x10000000,
          "descriptor outside memory: STATUS 0x%x ERR_ADDR 0x%x", st, b.rd(HQ_ACCEL_REG_ERR_ADDR));
    /* A zeroed descriptor: bad magic. */
    st = b.run(0x80000000, 1);
    CHECK((st >> 8 & 0xFF) == HQ_ACCEL_ERR_BAD_DESC && b.rd(HQ_ACCEL_REG_ERR_DESC) == 0,
          "bad magic: STATUS 0x%x", st);
    CHECK(!b.accel.errors().empty() && b.accel.errors().back().find("magic") != std::string::npos,
          "host message names the problem");

    /* A maxpool over a big input keeps the accelerator busy; START again must be refused
     * without disturbing the running command. */
    hq_accel_desc d{};
    d.magic = HQ_ACCEL_DESC_MAGIC;
    d.op = HQ_ACCEL_OP_MAXPOOL;
    d.flags = HQ_ACCEL_FLAG_RELU;
    d.pool = 2;
    d.in_h = d.in_w = 64;
    d.in_c = 16;
    d.out_h = d.out_w = 32;
    d.out_c = 16;
    d.batch = 1;
    d.in_addr = 0x80010000;
    d.out_addr = 0x80030000;
    hqt::put_desc(b, 0x80000040, d);
    b.mem.fixed_ns = 100; /* a slow memory: the DMA stalls count */
    b.mem.bytes_per_ns = 4;
    b.wr(HQ_ACCEL_REG_IRQ_STATUS, 3);
    b.wr(HQ_ACCEL_REG_DESC_ADDR, 0x80000040);
    b.wr(HQ_ACCEL_REG_DESC_COUNT, 1);
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START | HQ_ACCEL_CTRL_PERF_CLEAR);
    wait(sc_core::sc_time(50, sc_core::SC_NS));
    CHECK(b.rd(HQ_ACCEL_REG_STATUS) & HQ_ACCEL_STATUS_BUSY, "busy while running");
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
    st = b.rd(HQ_ACCEL_REG_STATUS);
    CHECK((st & HQ_ACCEL_STATUS_BUSY) && (st >> 8 & 0xFF) == HQ_ACCEL_ERR_BUSY,
          "START while busy: 0x%x", st);
    wait(sc_core::sc_time(1, sc_core::SC_MS), b.irq.posedge_event());
    wait(sc_core::sc_time(1, sc_core::SC_US));
    st = b.rd(HQ_ACCEL_REG_STATUS);
    CHECK(!(st & HQ_ACCEL_STATUS_BUSY) && (st & HQ_ACCEL_STATUS_DONE), "command completed: 0x%x",
          st);
    CHECK(b.accel.commands() == 3, "commands run: %llu", (unsigned long long)b.accel.commands());
    /* Counters: LO latches HI; cycles were counted; one layer. */
    uint32_t lo = b.rd(HQ_ACCEL_REG_CYCLES_LO), hi = b.rd(HQ_ACCEL_REG_CYCLES_HI);
    uint64_t cyc = (uint64_t)hi << 32 | lo;
    CHECK(cyc == b.accel.csr().perf().cycles && cyc > 0, "CYCLES %llu", (unsigned long long)cyc);
    CHECK(b.rd(HQ_ACCEL_REG_LAYERS) == 1, "LAYERS");
    CHECK(b.rd(HQ_ACCEL_REG_DRAM_RD_LO) == 64 + 64 * 64 * 16 &&
              b.rd(HQ_ACCEL_REG_DRAM_WR_LO) == 32 * 32 * 16,
          "DRAM bytes %u / %u", b.rd(HQ_ACCEL_REG_DRAM_RD_LO), b.rd(HQ_ACCEL_REG_DRAM_WR_LO));
    /* Every attribution class has a register; together they are CYCLES (issue 15). */
    auto rd64 = [&](uint32_t lo_off) {
        uint32_t l = b.rd(lo_off);
        return (uint64_t)b.rd(lo_off + 4) << 32 | l;
    };
    const LayerStats &ls = b.accel.layers().back();
    const uint64_t out = rd64(HQ_ACCEL_REG_OUTPUT_LO), ctl = rd64(HQ_ACCEL_REG_CONTROL_LO);
    const uint64_t rds = rd64(HQ_ACCEL_REG_RD_STALL_LO), dram = rd64(HQ_ACCEL_REG_STALL_DRAM_LO);
    CHECK(out == ls.output && out > 0, "OUTPUT %llu (stats %llu)", (unsigned long long)out,
          (unsigned long long)ls.output);
    CHECK(ctl == ls.control && ctl == c.desc_fetch_cycles, "CONTROL %llu", (unsigned long long)ctl);
    CHECK(rds == ls.stall_dram - ls.stall_dram_write && rds > 0 && rds < dram,
          "RD_STALL %llu of STALL_DRAM %llu", (unsigned long long)rds, (unsigned long long)dram);
    CHECK(rd64(HQ_ACCEL_REG_COMPUTE_LO) + dram + rd64(HQ_ACCEL_REG_STALL_DEC_LO) +
                  rd64(HQ_ACCEL_REG_STALL_OUT_LO) + out + ctl ==
              cyc,
          "the classes' registers sum to CYCLES: %llu %llu %llu %llu %llu %llu vs %llu",
          (unsigned long long)rd64(HQ_ACCEL_REG_COMPUTE_LO), (unsigned long long)dram,
          (unsigned long long)rd64(HQ_ACCEL_REG_STALL_DEC_LO),
          (unsigned long long)rd64(HQ_ACCEL_REG_STALL_OUT_LO), (unsigned long long)out,
          (unsigned long long)ctl, (unsigned long long)cyc);
    CHECK(b.access(false, 0x8C, &v) == tlm::TLM_ADDRESS_ERROR_RESPONSE, "0x8C unmapped");
    b.wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_PERF_CLEAR);
    CHECK(b.rd(HQ_ACCEL_REG_CYCLES_LO) == 0 && b.rd(HQ_ACCEL_REG_LAYERS) == 0, "PERF_CLEAR");
    CHECK(rd64(HQ_ACCEL_REG_OUTPUT_LO) == 0 && rd64(HQ_ACCEL_REG_CONTROL_LO) == 0 &&
              rd64(HQ_ACCEL_REG_RD_STALL_LO) == 0,
          "PERF_CLEAR zeroes the new counters");
}

int sc_main(int, char **) {
    AccelConfig cfg;
    hqt::Bench b("bench", cfg);
    sc_core::sc_spawn([&] {
        body(b);
        sc_core::sc_stop();
    });
    sc_core::sc_start();
    return hqt::finish("test_accel_regs");
}
