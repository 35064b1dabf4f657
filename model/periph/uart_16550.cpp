#include "periph/uart_16550.h"

#include "out_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace hq {

namespace {
std::FILE *g_console_uart = nullptr; /* a UART stream (stdout/stderr) left mid-line */
}

void console_end_firmware_line() {
    if (!g_console_uart) return;
    std::fflush(g_console_uart);
    if (isatty(fileno(g_console_uart)) && isatty(fileno(stderr)))
        std::fputc('\n', stderr); /* the same terminal: end the firmware's line */
    g_console_uart = nullptr;
}

Uart16550::Uart16550(sc_core::sc_module_name name, const std::string &out_path)
    : sc_module(name), RegisterBlock(8, W1 | W2 | W4), socket("socket"), irq("irq"), out_(stdout),
      own_file_(false) {
    /* The standard streams are used as they are: opening /dev/stderr would truncate a file
     * stderr is redirected to and write it from a second offset. */
    if (out_path == "/dev/stderr")
        out_ = stderr;
    else if (!out_path.empty() && out_path != "/dev/stdout") {
        /* streamed in place (read while the firmware runs); a symlink's target is written */
        char err[512];
        out_ = hq_out_open_stream(out_path.c_str(), err, sizeof err);
        if (!out_) throw std::runtime_error(std::string("UART output: ") + err);
        own_file_ = true;
    }
    socket.register_b_transport(this, &Uart16550::b_transport);
    socket.register_transport_dbg(this, &Uart16550::transport_dbg);
    SC_METHOD(drive_irq);
    sensitive << irq_ev_;
    dont_initialize();
}

Uart16550::~Uart16550() {
    if (own_file_)
        std::fclose(out_);
    else
        std::fflush(out_);
}

void Uart16550::end_of_simulation() {
    std::fflush(out_);
}

uint8_t Uart16550::read_reg(unsigned off, bool side_effects) {
    const bool dlab = lcr_ & LCR_DLAB;
    switch (off) {
    case RBR_THR_DLL: return dlab ? dll_ : 0; /* nothing received */
    case IER_DLM: return dlab ? dlm_ : ier_;
    case IIR_FCR: {
        const uint8_t fifo = (fcr_ & 1) ? IIR_FIFO : 0;
        if ((ier_ & IER_ETBEI) && thre_pending_) {
            if (side_effects) { /* reading IIR acknowledges the THRE interrupt */
                thre_pending_ = false;
                update_irq();
            }
            return fifo | IIR_THRE;
        }
        return fifo | IIR_NONE;
    }
    case LCR: return lcr_;
    case MCR: return mcr_;
    case LSR: return LSR_THRE | LSR_TEMT; /* transmitter always idle, no data received */
    case MSR: return 0;
    case SCR: return scr_;
    default: return 0;
    }
}

void Uart16550::write_reg(unsigned off, uint8_t v) {
    const bool dlab = lcr_ & LCR_DLAB;
    switch (off) {
    case RBR_THR_DLL:
        if (dlab) {
            dll_ = v;
        } else {
            std::fputc(v, out_);
            if (v == '\n' && !own_file_) std::fflush(out_);
            if (!own_file_) g_console_uart = v == '\n' ? nullptr : out_;
            sent_++;
            thre_pending_ = true; /* sent at once: the holding register is empty again */
        }
        break;
    case IER_DLM:
        if (dlab) {
            dlm_ = v;
        } else {
            if ((v & IER_ETBEI) && !(ier_ & IER_ETBEI))
                thre_pending_ = true; /* enabling ETBEI with an empty THR raises it */
            ier_ = v & 0x0f;
        }
        break;
    case IIR_FCR: fcr_ = v; break;
    case LCR: lcr_ = v; break;
    case MCR: mcr_ = v & 0x1f; break;
    case SCR: scr_ = v; break;
    default: break; /* LSR, MSR: read-only (ignored before this, by RegisterBlock) */
    }
    update_irq();
}

void Uart16550::drive_irq() {
    const bool level = (ier_ & IER_ETBEI) && thre_pending_;
    if (irq.read() != level) irq.write(level);
}

void Uart16550::b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &) {
    /* Byte registers; a wider aligned access reaches the register at its low byte. */
    const Access a = classify(trans);
    trans.set_response_status(response(a));
    if (!accepted(a)) return;
    const unsigned off = static_cast<unsigned>(trans.get_address());
    uint8_t *p = trans.get_data_ptr();
    if (trans.is_read()) {
        std::memset(p, 0, trans.get_data_length());
        p[0] = read_reg(off, true);
    } else if (trans.is_write() && a == Access::ok) {
        write_reg(off, p[0]);
    }
}

unsigned Uart16550::transport_dbg(tlm::tlm_generic_payload &trans) {
    const uint64_t addr = trans.get_address();
    unsigned n = 0;
    if (trans.is_read())
        for (; n < trans.get_data_length() && addr + n < 8; n++)
            trans.get_data_ptr()[n] = read_reg(static_cast<unsigned>(addr + n), false);
    return n;
}

} // namespace hq
