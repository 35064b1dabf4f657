/* The bench of the accelerator misuse tests (issue 18): a small memory, the accelerator, and a
 * CPU stand-in that can run temporally decoupled (several register accesses inside one
 * quantum, as the ISS does) and the end-of-command checks every misuse program must pass:
 * the command ends (done or a documented error code) within a simulated-time budget, BUSY is
 * clear, the error code is readable, and the interrupt line matches IRQ_STATUS & IRQ_ENABLE. */
#ifndef HQ_MISUSE_BENCH_H
#define HQ_MISUSE_BENCH_H

#include "accel_test.h"

#include <string>
#include <vector>

namespace hqm {

class MisuseBench : public sc_core::sc_module {
  public:
    tlm_utils::simple_initiator_socket<MisuseBench> cpu;
    hqt::TestMemory mem;
    hq::accel::HqAccel accel;
    sc_core::sc_signal<bool> irq;
    static constexpr uint64_t kBase = 0x80000000ull;
    static constexpr uint32_t kMemBytes = 2u << 20;

    MisuseBench(sc_core::sc_module_name n, const hq::accel::AccelConfig &cfg);

    /* One register access of len bytes (any width, any offset). With decoupled set, the
     * access's delay accumulates in a local time offset instead of being waited (sync()). */
    tlm::tlm_response_status access(bool write, uint64_t off, uint8_t *data, unsigned len);
    uint32_t rd(uint32_t off);
    void wr(uint32_t off, uint32_t v);
    void sync();
    bool decoupled = false;

    /* Polls STATUS until BUSY is clear; false if still busy after budget. */
    bool wait_idle(const sc_core::sc_time &budget);
    uint8_t *at(uint64_t addr) { return mem.data.data() + (addr - kBase); }

  private:
    sc_core::sc_time local_ = sc_core::SC_ZERO_TIME;
};

/* What the harness knows about the command it started. */
struct Expect {
    bool w1c_since_start = false;  /* IRQ_STATUS was written after START */
    bool start_while_busy = false; /* a refused START may leave IRQ_STATUS.ERROR pending */
    bool perf_cleared_at_start = false, perf_cleared_later = false;
    uint32_t count = 0; /* DESC_COUNT latched by the START */
};

/* The registers at the end of a command, read through the bus. */
struct EndState {
    uint32_t status = 0, irq_status = 0, irq_enable = 0, err_desc = 0, err_addr = 0, layers = 0;
    bool irq_line = false;
    uint64_t cycles = 0;
    unsigned code() const { return status >> 8 & 0xFF; }
    bool done() const { return status & HQ_ACCEL_STATUS_DONE; }
};

EndState read_end_state(MisuseBench &b);
/* Every violated property, one message each (empty: consistent). */
std::vector<std::string> check_end_state(const EndState &s, const Expect &e);

} // namespace hqm

#endif
