/* Platform-level interrupt controller, the subset of the RISC-V PLIC spec that QEMU virt
 * exposes for hart 0 machine mode (context 0), at 0x0C00_0000:
 *   0x000000 + 4*id   priority of source id (1..sources), 0 = never interrupts
 *   0x001000          pending bits (read-only)
 *   0x002000          enable bits, context 0
 *   0x200000          priority threshold, context 0
 *   0x200004          claim (read) / complete (write), context 0
 * Sources are level-triggered: a source is pending while its line is high and it is not
 * being served (between claim and complete). `irq` (mip.MEIP) is high while an enabled
 * pending source has priority > threshold. Other contexts' registers read as zero; 32-bit
 * accesses only (RegisterBlock). */
#ifndef HQ_PLIC_H
#define HQ_PLIC_H

#include "periph/register_block.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <vector>

namespace hq {

class Plic : public sc_core::sc_module, public RegisterBlock {
  public:
    tlm_utils::simple_target_socket<Plic> socket;
    sc_core::sc_vector<sc_core::sc_in<bool>> sources; /* sources[i] is source id i + 1 */
    sc_core::sc_out<bool> irq;

    enum : uint64_t {
        PRIORITY = 0x0,
        PENDING = 0x1000,
        ENABLE = 0x2000,
        THRESHOLD = 0x200000,
        CLAIM = 0x200004,
        SIZE = 0x400000
    };
    static constexpr unsigned kMaxSources = 1023;
    static constexpr uint32_t kPriorityMask = 7;

    Plic(sc_core::sc_module_name name, unsigned num_sources);
    unsigned num_sources() const { return n_; }

  private:
    SC_HAS_PROCESS(Plic);
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &trans);
    uint32_t read_word(uint64_t off, bool claim);
    /* Pending bits are read-only; words outside the registers above read as zero. */
    bool read_only(uint64_t off) const override {
        return !(off < PENDING || (off >= ENABLE && off < ENABLE + 0x80) || off == THRESHOLD ||
                 off == CLAIM);
    }
    void write_word(uint64_t off, uint32_t v);
    void sample_lines();   /* SC_METHOD on a source change or a register write; the only
                              writer of irq */
    unsigned best() const; /* highest-priority claimable id, 0 = none */
    void update_irq() { update_ev_.notify(); }

    unsigned n_;
    std::vector<uint32_t> priority_; /* index = id */
    std::vector<bool> pending_, enabled_, in_service_;
    uint32_t threshold_ = 0;
    sc_core::sc_event update_ev_;
};

} // namespace hq

#endif
