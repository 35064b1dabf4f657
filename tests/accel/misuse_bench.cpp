#include "misuse_bench.h"

#include <cstring>

namespace hqm {

using namespace sc_core;

MisuseBench::MisuseBench(sc_module_name n, const hq::accel::AccelConfig &cfg)
    : sc_module(n), cpu("cpu"), mem("mem", kBase, kMemBytes),
      accel("accel", cfg, hq::accel::EnergyTable()) {
    /* Some DRAM latency so commands take time and mid-run accesses land while busy. */
    mem.fixed_ns = 20;
    mem.bytes_per_ns = 8;
    cpu.bind(accel.csr_socket);
    accel.dma_socket.bind(mem.socket);
    accel.irq.bind(irq);
}

tlm::tlm_response_status MisuseBench::access(bool write, uint64_t off, uint8_t *data,
                                             unsigned len) {
    tlm::tlm_generic_payload gp;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(off);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = decoupled ? local_ : SC_ZERO_TIME;
    cpu->b_transport(gp, d);
    if (decoupled)
        local_ = d;
    else
        wait(d);
    return gp.get_response_status();
}

uint32_t MisuseBench::rd(uint32_t off) {
    uint8_t b[4] = {0};
    access(false, off, b, 4);
    uint32_t v;
    std::memcpy(&v, b, 4);
    return v;
}

void MisuseBench::wr(uint32_t off, uint32_t v) {
    uint8_t b[4];
    std::memcpy(b, &v, 4);
    access(true, off, b, 4);
}

void MisuseBench::sync() {
    wait(local_);
    local_ = SC_ZERO_TIME;
}

bool MisuseBench::wait_idle(const sc_time &budget) {
    sync();
    const sc_time end = sc_time_stamp() + budget;
    sc_time step(100, SC_NS);
    while (rd(HQ_ACCEL_REG_STATUS) & HQ_ACCEL_STATUS_BUSY) {
        if (sc_time_stamp() >= end) return false;
        wait(step);
        if (step < sc_time(100, SC_US)) step = step * 2;
    }
    return true;
}

EndState read_end_state(MisuseBench &b) {
    b.sync();
    EndState s;
    s.status = b.rd(HQ_ACCEL_REG_STATUS);
    s.irq_status = b.rd(HQ_ACCEL_REG_IRQ_STATUS);
    s.irq_enable = b.rd(HQ_ACCEL_REG_IRQ_ENABLE);
    s.err_desc = b.rd(HQ_ACCEL_REG_ERR_DESC);
    s.err_addr = b.rd(HQ_ACCEL_REG_ERR_ADDR);
    s.layers = b.rd(HQ_ACCEL_REG_LAYERS);
    uint32_t lo = b.rd(HQ_ACCEL_REG_CYCLES_LO);
    s.cycles = (uint64_t)b.rd(HQ_ACCEL_REG_CYCLES_HI) << 32 | lo;
    s.irq_line = b.irq.read();
    return s;
}

std::vector<std::string> check_end_state(const EndState &s, const Expect &e) {
    std::vector<std::string> bad;
    auto fail = [&](const std::string &m) { bad.push_back(m); };
    const bool done = s.status & HQ_ACCEL_STATUS_DONE, error = s.status & HQ_ACCEL_STATUS_ERROR;
    const unsigned code = s.code();
    if (s.status & HQ_ACCEL_STATUS_BUSY) fail("STATUS.BUSY still set after the command ended");
    if (done == error) fail("STATUS must have exactly one of DONE and ERROR");
    if (s.status & ~(7u | HQ_ACCEL_STATUS_ERR_MASK << HQ_ACCEL_STATUS_ERR_SHIFT))
        fail("STATUS has undocumented bits set");
    if (error && (code < HQ_ACCEL_ERR_BAD_DESC || code > HQ_ACCEL_ERR_BAD_CMD))
        fail("error code " + std::to_string(code) + " is not documented in docs/regmap.md");
    if (done && code) fail("STATUS.DONE with a non-zero error code");
    if ((s.irq_status | s.irq_enable) & ~3u) fail("IRQ_STATUS/IRQ_ENABLE have undocumented bits");
    if (s.irq_line != ((s.irq_status & s.irq_enable) != 0))
        fail("interrupt line does not match IRQ_STATUS & IRQ_ENABLE");
    if (!e.w1c_since_start) {
        if (done && !(s.irq_status & HQ_ACCEL_IRQ_DONE))
            fail("STATUS.DONE without IRQ_STATUS.DONE pending");
        if (error && !(s.irq_status & HQ_ACCEL_IRQ_ERROR))
            fail("STATUS.ERROR without IRQ_STATUS.ERROR pending");
        if (!e.start_while_busy && done && (s.irq_status & HQ_ACCEL_IRQ_ERROR))
            fail("IRQ_STATUS.ERROR pending after a command that completed");
    }
    const bool command_error = error && code != HQ_ACCEL_ERR_BAD_CMD && code != HQ_ACCEL_ERR_BUSY;
    if (command_error && s.err_desc >= e.count)
        fail("ERR_DESC " + std::to_string(s.err_desc) + " outside the command's " +
             std::to_string(e.count) + " descriptors");
    if (!command_error && s.err_desc) fail("ERR_DESC non-zero without a descriptor error");
    if (e.perf_cleared_at_start && !e.perf_cleared_later) {
        const uint32_t want = done ? e.count : command_error ? s.err_desc : 0;
        if (s.layers != want)
            fail("LAYERS " + std::to_string(s.layers) + ", expected " + std::to_string(want));
    }
    return bad;
}

} // namespace hqm
