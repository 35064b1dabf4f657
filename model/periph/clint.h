/* Core-local interruptor (SiFive CLINT layout, as on QEMU virt at 0x0200_0000), one hart:
 *   0x0000 msip (bit 0)  0x4000 mtimecmp (64 bit)  0xBFF8 mtime (64 bit)
 * 32- and 64-bit accesses; other words of the 64 KiB window read as zero (RegisterBlock).
 * mtime counts at `mtime_hz` (QEMU virt: 10 MHz) from simulated time. `irq_timer` is high
 * while mtime >= mtimecmp; `irq_software` follows msip. Writes that change an interrupt
 * level synchronise the calling initiator (wait) so a loosely-timed CPU sees the new level
 * on its next instruction instead of at the end of its quantum. */
#ifndef HQ_CLINT_H
#define HQ_CLINT_H

#include "periph/register_block.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>

namespace hq {

class Clint : public sc_core::sc_module, public RegisterBlock {
  public:
    tlm_utils::simple_target_socket<Clint> socket;
    sc_core::sc_out<bool> irq_timer;
    sc_core::sc_out<bool> irq_software;

    enum : uint64_t { MSIP = 0x0, MTIMECMP = 0x4000, MTIME = 0xbff8, SIZE = 0x10000 };

    Clint(sc_core::sc_module_name name, double mtime_hz = 10e6);

    uint64_t mtime_at(const sc_core::sc_time &t) const;
    uint64_t mtimecmp() const { return mtimecmp_; }

  private:
    SC_HAS_PROCESS(Clint);
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &trans);
    bool read(uint64_t off, unsigned len, uint64_t now_mtime, uint64_t &v) const;
    /* Words outside msip, mtimecmp and mtime are reserved: read as zero, writes ignored. */
    bool read_only(uint64_t off) const override {
        return !(off < 4 || (off >= MTIMECMP && off < MTIMECMP + 8) ||
                 (off >= MTIME && off < MTIME + 8));
    }
    void drive_irqs(); /* the only writer of both outputs (SystemC signals allow one) */
    void schedule(const sc_core::sc_time &now);

    double hz_;
    sc_core::sc_time tick_;
    int64_t mtime_offset_ = 0; /* written mtime minus counted ticks */
    uint64_t mtimecmp_ = UINT64_MAX;
    bool msip_ = false;
    sc_core::sc_event timer_ev_;
};

} // namespace hq

#endif
