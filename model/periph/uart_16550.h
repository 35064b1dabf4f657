/* NS16550A-compatible UART (register shift 0, byte registers, as on QEMU virt at
 * 0x1000_0000). Transmit is instantaneous: characters go to stdout or a file. There is no
 * receive source, so LSR.DR stays 0. The THR-empty interrupt (IER bit 1) drives `irq`. */
#ifndef HQ_UART_16550_H
#define HQ_UART_16550_H

#include "periph/register_block.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace hq {

/* Before a status line on stderr (progress): if a UART is writing to the terminal and its
 * last character did not end a line, flush it and end the line, so the firmware's text and
 * the status line do not run together. */
void console_end_firmware_line();

class Uart16550 : public sc_core::sc_module, public RegisterBlock {
  public:
    tlm_utils::simple_target_socket<Uart16550> socket;
    sc_core::sc_out<bool> irq;

    /* out_path "" or /dev/stdout = stdout, /dev/stderr = stderr; otherwise the file is
     * created/truncated (throws on failure). */
    Uart16550(sc_core::sc_module_name name, const std::string &out_path = "");
    ~Uart16550() override;

    uint64_t chars_sent() const { return sent_; }
    void flush() { std::fflush(out_); }

    enum Reg {
        RBR_THR_DLL = 0,
        IER_DLM = 1,
        IIR_FCR = 2,
        LCR = 3,
        MCR = 4,
        LSR = 5,
        MSR = 6,
        SCR = 7
    };
    enum : uint8_t {
        LSR_THRE = 0x20,
        LSR_TEMT = 0x40,
        LCR_DLAB = 0x80,
        IER_ETBEI = 0x02,
        IIR_NONE = 0x01,
        IIR_THRE = 0x02,
        IIR_FIFO = 0xc0
    };

  private:
    SC_HAS_PROCESS(Uart16550);
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &trans);
    bool read_only(uint64_t off) const override { return off == LSR || off == MSR; }
    uint8_t read_reg(unsigned off, bool side_effects);
    void write_reg(unsigned off, uint8_t v);
    void update_irq() { irq_ev_.notify(); }
    void drive_irq(); /* SC_METHOD: the only writer of irq */
    void end_of_simulation() override;

    std::FILE *out_;
    bool own_file_;
    uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, fcr_ = 0, dll_ = 0, dlm_ = 0;
    bool thre_pending_ = false;
    sc_core::sc_event irq_ev_;
    uint64_t sent_ = 0;
};

} // namespace hq

#endif
