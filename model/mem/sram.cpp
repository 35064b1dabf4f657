#include "mem/sram.h"

namespace hq {

Sram::Sram(sc_core::sc_module_name name, const SramConfig &cfg)
    : sc_module(name), socket("socket"), cfg_(cfg), cycle_(1.0 / cfg.clock_hz, sc_core::SC_SEC),
      mem_(cfg.size) {
    socket.register_b_transport(this, &Sram::b_transport);
    socket.register_transport_dbg(this, &Sram::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &Sram::get_direct_mem_ptr);
}

void Sram::b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay) {
    if (!mem_.access(trans)) return;
    const unsigned len = trans.get_data_length();
    const unsigned extra_beats = len > cfg_.width_bytes ? (len - 1) / cfg_.width_bytes : 0;
    delay += cycle_ * double(cfg_.latency_cycles + extra_beats);
    (trans.is_write() ? bytes_written_ : bytes_read_) += len;
    trans.set_dmi_allowed(true);
}

bool Sram::get_direct_mem_ptr(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi) {
    mem_.fill_dmi(trans, dmi);
    dmi.set_read_latency(cycle_ * double(cfg_.latency_cycles));
    dmi.set_write_latency(cycle_ * double(cfg_.latency_cycles));
    return true;
}

} // namespace hq
