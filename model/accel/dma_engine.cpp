#include "accel/dma_engine.h"

#include "mem/dram_energy_ext.h"

namespace hq::accel {

bool DmaEngine::transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t *data, uint32_t len,
                         sc_core::sc_time *t, uint64_t *bad_addr, bool timing_only) {
    if (len == 0) return true;
    /* The bus is 32-bit: a transfer that wraps past 4 GiB is outside memory by definition. */
    if (addr + len > (1ull << 32)) {
        *bad_addr = addr;
        return false;
    }
    /* one payload for every transfer: a new one allocates its extension array each time */
    tlm::tlm_generic_payload &gp = gp_;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_byte_enable_length(0);
    gp.set_dmi_allowed(false);
    gp.set_gp_option(tlm::TLM_MIN_PAYLOAD);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    DramEnergyExtension energy;
    gp.set_extension(&energy);
    hq::MemorySpanExtension no_data;
    no_data.timing_only = true;
    if (timing_only) gp.set_extension(&no_data);
    sc_core::sc_time delay = *t;
    socket_->b_transport(gp, delay);
    gp.clear_extension(&energy); /* on the stack: the payload must not free them */
    if (timing_only) gp.clear_extension(&no_data);
    transactions_++;
    if (gp.get_response_status() != tlm::TLM_OK_RESPONSE) {
        *bad_addr = addr;
        return false;
    }
    *t = delay;
    (cmd == tlm::TLM_READ_COMMAND ? bytes_read_ : bytes_written_) += len;
    if (energy.valid) {
        dram_command_nj_ += energy.command_nj;
        dram_background_mw_ = energy.background_mw;
    } else {
        unpriced_bytes_ += len;
    }
    return true;
}

bool DmaEngine::peek(uint64_t addr, uint8_t *dst, uint32_t len, uint64_t *bad_addr) {
    if (addr + len > (1ull << 32)) {
        *bad_addr = addr;
        return false;
    }
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(dst);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    if (socket_->transport_dbg(gp) != len) {
        *bad_addr = addr;
        return false;
    }
    return true;
}

/* One byte read by debug transport with the extension: a memory fills it in, other targets
 * only copy the byte. */
static bool probe(tlm::tlm_initiator_socket<32> &socket, uint64_t addr,
                  hq::MemorySpanExtension *out) {
    uint8_t byte = 0;
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(&byte);
    gp.set_data_length(1);
    gp.set_streaming_width(1);
    gp.set_extension(out);
    const unsigned n = socket->transport_dbg(gp);
    gp.clear_extension(out); /* on the stack: the payload must not free it */
    return n == 1 && out->data && out->log;
}

bool DmaEngine::span(uint64_t addr, uint32_t len, hq::MemorySpanExtension *out) {
    *out = hq::MemorySpanExtension{};
    hq::MemorySpanExtension last;
    /* both ends in one memory, at consistent local addresses: the range is all there */
    const bool ok = len && addr + len <= (1ull << 32) && probe(socket_, addr, out) &&
                    probe(socket_, addr + len - 1, &last) && last.log == out->log &&
                    last.local_addr == out->local_addr + len - 1;
    if (!ok) *out = hq::MemorySpanExtension{};
    return ok;
}

bool DmaEngine::read_timing_only(uint64_t addr, uint32_t len, sc_core::sc_time *t,
                                 uint64_t *bad_addr) {
    return transfer(tlm::TLM_READ_COMMAND, addr, nullptr, len, t, bad_addr, true);
}

bool DmaEngine::read(uint64_t addr, uint8_t *dst, uint32_t len, sc_core::sc_time *t,
                     uint64_t *bad_addr) {
    return transfer(tlm::TLM_READ_COMMAND, addr, dst, len, t, bad_addr);
}

bool DmaEngine::write(uint64_t addr, const uint8_t *src, uint32_t len, sc_core::sc_time *t,
                      uint64_t *bad_addr) {
    return transfer(tlm::TLM_WRITE_COMMAND, addr, const_cast<uint8_t *>(src), len, t, bad_addr);
}

} // namespace hq::accel
