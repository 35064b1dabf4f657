/* The control/status registers of docs/regmap.md: command registers, status, interrupt
 * enable/status (the interrupt line is IRQ_STATUS & IRQ_ENABLE != 0) and the 64-bit
 * performance counters. Plain C++: the SystemC wrapper (hq_accel) maps it on the bus. Its
 * access rule is the RegisterBlock one: 32-bit accesses, offsets of the regmap only, writes
 * to read-only registers ignored. */
#ifndef HQ_ACCEL_CSR_BLOCK_H
#define HQ_ACCEL_CSR_BLOCK_H

#include "accel/accel_config.h"
#include "hq_accel_regmap.h"
#include "periph/register_block.h"

#include <cstdint>

namespace hq::accel {

struct PerfCounters {
    uint64_t cycles = 0, compute = 0, stall_dram = 0, stall_dec = 0, stall_out = 0;
    uint64_t dram_rd = 0, dram_wr = 0, weight_rd = 0, macs = 0;
    uint64_t output = 0, control = 0, rd_stall = 0; /* rd_stall: stall_dram waiting for reads */
    uint32_t layers = 0;
};

class CsrBlock : public RegisterBlock {
  public:
    explicit CsrBlock(const AccelConfig &cfg)
        : RegisterBlock(HQ_ACCEL_WINDOW_BYTES, W4), cfg_(cfg) {}

    /* Bus accesses (aligned 32-bit words). Return false for an offset outside the map. */
    bool read(uint32_t offset, uint32_t *value);
    bool write(uint32_t offset, uint32_t value);

    /* Set by a write of CTRL.START (which latches DESC_ADDR/DESC_COUNT and sets BUSY); the
     * accelerator takes the latched command with take_start(). */
    bool start_pending() const { return start_pending_; }
    bool take_start(uint32_t *desc_addr, uint32_t *count);

    /* Command lifecycle: busy from the START write, finished by the accelerator. */
    void set_busy();
    void finish(unsigned err, uint32_t err_desc, uint32_t err_addr);
    bool busy() const { return status_ & HQ_ACCEL_STATUS_BUSY; }

    bool irq() const { return (irq_status_ & irq_enable_) != 0; }
    PerfCounters &perf() { return perf_; }
    const PerfCounters &perf() const { return perf_; }
    uint32_t status() const { return status_; }

  private:
    bool decodes(uint64_t offset) const override;
    bool read_only(uint64_t offset) const override;

    const AccelConfig &cfg_;
    uint32_t status_ = 0, irq_enable_ = 0, irq_status_ = 0;
    uint32_t desc_addr_ = 0, desc_count_ = 0, err_desc_ = 0, err_addr_ = 0;
    uint32_t start_addr_ = 0, start_count_ = 0; /* latched by START */
    uint32_t hi_latch_ = 0;
    bool start_pending_ = false;
    PerfCounters perf_;
};

} // namespace hq::accel

#endif
