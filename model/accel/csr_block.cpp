#include "accel/csr_block.h"

namespace hq::accel {

static uint32_t hw_config(const AccelConfig &c) {
    return (uint32_t)c.arch | (c.pe_tiles & 0xFF) << 4 | ((c.lanes / 8) & 0xFF) << 12 |
           (c.lane_group & 0xFF) << 20 | (c.rows_per_tile & 0xF) << 28;
}

/* The regmap: identification and command registers, then the counters from CYCLES_LO. */
bool CsrBlock::decodes(uint64_t off) const {
    return off % 4 == 0 && (off <= HQ_ACCEL_REG_LAYOUTS ||
                            (off >= HQ_ACCEL_REG_CYCLES_LO && off <= HQ_ACCEL_REG_LAYERS) ||
                            (off >= HQ_ACCEL_REG_OUTPUT_LO && off <= HQ_ACCEL_REG_RD_STALL_HI));
}

bool CsrBlock::read_only(uint64_t off) const {
    switch (off) {
    case HQ_ACCEL_REG_CTRL:
    case HQ_ACCEL_REG_IRQ_ENABLE:
    case HQ_ACCEL_REG_IRQ_STATUS:
    case HQ_ACCEL_REG_DESC_ADDR:
    case HQ_ACCEL_REG_DESC_COUNT: return false;
    default: return true;
    }
}

bool CsrBlock::read(uint32_t off, uint32_t *v) {
    /* 64-bit counters: reading LO latches HI so the pair is consistent. */
    auto lo = [&](uint64_t x) {
        hi_latch_ = (uint32_t)(x >> 32);
        return (uint32_t)x;
    };
    switch (off) {
    case HQ_ACCEL_REG_ID: *v = HQ_ACCEL_ID_VALUE; return true;
    case HQ_ACCEL_REG_VERSION: *v = HQ_ACCEL_VERSION_VALUE; return true;
    case HQ_ACCEL_REG_CTRL: *v = 0; return true;
    case HQ_ACCEL_REG_STATUS: *v = status_; return true;
    case HQ_ACCEL_REG_IRQ_ENABLE: *v = irq_enable_; return true;
    case HQ_ACCEL_REG_IRQ_STATUS: *v = irq_status_; return true;
    case HQ_ACCEL_REG_DESC_ADDR: *v = desc_addr_; return true;
    case HQ_ACCEL_REG_DESC_COUNT: *v = desc_count_; return true;
    case HQ_ACCEL_REG_ERR_DESC: *v = err_desc_; return true;
    case HQ_ACCEL_REG_ERR_ADDR: *v = err_addr_; return true;
    case HQ_ACCEL_REG_HW_CONFIG: *v = hw_config(cfg_); return true;
    case HQ_ACCEL_REG_LAYOUTS: *v = cfg_.supported_layouts(); return true;
    case HQ_ACCEL_REG_CYCLES_LO: *v = lo(perf_.cycles); return true;
    case HQ_ACCEL_REG_COMPUTE_LO: *v = lo(perf_.compute); return true;
    case HQ_ACCEL_REG_STALL_DRAM_LO: *v = lo(perf_.stall_dram); return true;
    case HQ_ACCEL_REG_STALL_DEC_LO: *v = lo(perf_.stall_dec); return true;
    case HQ_ACCEL_REG_STALL_OUT_LO: *v = lo(perf_.stall_out); return true;
    case HQ_ACCEL_REG_DRAM_RD_LO: *v = lo(perf_.dram_rd); return true;
    case HQ_ACCEL_REG_DRAM_WR_LO: *v = lo(perf_.dram_wr); return true;
    case HQ_ACCEL_REG_WEIGHT_RD_LO: *v = lo(perf_.weight_rd); return true;
    case HQ_ACCEL_REG_MACS_LO: *v = lo(perf_.macs); return true;
    case HQ_ACCEL_REG_OUTPUT_LO: *v = lo(perf_.output); return true;
    case HQ_ACCEL_REG_CONTROL_LO: *v = lo(perf_.control); return true;
    case HQ_ACCEL_REG_RD_STALL_LO: *v = lo(perf_.rd_stall); return true;
    case HQ_ACCEL_REG_CYCLES_HI:
    case HQ_ACCEL_REG_COMPUTE_HI:
    case HQ_ACCEL_REG_STALL_DRAM_HI:
    case HQ_ACCEL_REG_STALL_DEC_HI:
    case HQ_ACCEL_REG_STALL_OUT_HI:
    case HQ_ACCEL_REG_DRAM_RD_HI:
    case HQ_ACCEL_REG_DRAM_WR_HI:
    case HQ_ACCEL_REG_WEIGHT_RD_HI:
    case HQ_ACCEL_REG_MACS_HI:
    case HQ_ACCEL_REG_OUTPUT_HI:
    case HQ_ACCEL_REG_CONTROL_HI:
    case HQ_ACCEL_REG_RD_STALL_HI: *v = hi_latch_; return true;
    case HQ_ACCEL_REG_LAYERS: *v = perf_.layers; return true;
    default: return false;
    }
}

bool CsrBlock::write(uint32_t off, uint32_t v) {
    switch (off) {
    case HQ_ACCEL_REG_CTRL:
        if (v & HQ_ACCEL_CTRL_PERF_CLEAR) perf_ = PerfCounters{};
        if (v & HQ_ACCEL_CTRL_START) {
            if (busy()) {
                /* The running command continues; the new one is refused. */
                status_ = (status_ & ~(HQ_ACCEL_STATUS_ERR_MASK << HQ_ACCEL_STATUS_ERR_SHIFT)) |
                          HQ_ACCEL_STATUS_ERROR | HQ_ACCEL_ERR_BUSY << HQ_ACCEL_STATUS_ERR_SHIFT;
                irq_status_ |= HQ_ACCEL_IRQ_ERROR;
            } else if (desc_count_ == 0 || desc_count_ > HQ_ACCEL_MAX_DESC ||
                       desc_addr_ % HQ_ACCEL_DESC_BYTES) {
                finish(HQ_ACCEL_ERR_BAD_CMD, 0, desc_addr_);
            } else {
                /* The command is the registers as they are now, and it is busy from now on:
                 * a CPU that rewrites DESC_* or polls STATUS in the same quantum (before the
                 * command thread runs) sees the command it started. */
                start_pending_ = true;
                start_addr_ = desc_addr_;
                start_count_ = desc_count_;
                set_busy();
            }
        }
        return true;
    case HQ_ACCEL_REG_IRQ_ENABLE:
        irq_enable_ = v & (HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
        return true;
    case HQ_ACCEL_REG_IRQ_STATUS: irq_status_ &= ~v; return true;
    case HQ_ACCEL_REG_DESC_ADDR: desc_addr_ = v; return true;
    case HQ_ACCEL_REG_DESC_COUNT: desc_count_ = v; return true;
    default:
        /* Writes to read-only registers are ignored (like most hardware); offsets outside
         * the map are bus errors. */
        return decodes(off);
    }
}

bool CsrBlock::take_start(uint32_t *desc_addr, uint32_t *count) {
    if (!start_pending_) return false;
    start_pending_ = false;
    *desc_addr = start_addr_;
    *count = start_count_;
    return true;
}

void CsrBlock::set_busy() {
    status_ = HQ_ACCEL_STATUS_BUSY;
    err_desc_ = err_addr_ = 0;
}

void CsrBlock::finish(unsigned err, uint32_t err_desc, uint32_t err_addr) {
    if (err) {
        status_ = HQ_ACCEL_STATUS_ERROR | (err & HQ_ACCEL_STATUS_ERR_MASK)
                                              << HQ_ACCEL_STATUS_ERR_SHIFT;
        err_desc_ = err_desc;
        err_addr_ = err_addr;
        irq_status_ |= HQ_ACCEL_IRQ_ERROR;
    } else {
        status_ = HQ_ACCEL_STATUS_DONE;
        irq_status_ |= HQ_ACCEL_IRQ_DONE;
    }
}

} // namespace hq::accel
