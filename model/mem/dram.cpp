#include "mem/dram.h"

#include "mem/dram_energy_ext.h"

#include <cmath>

namespace hq {

Dram::Dram(sc_core::sc_module_name name, uint64_t size, const DramParams &params)
    : sc_module(name), socket("socket"), mem_(size), timing_(params),
      tck_(params.tck_s(), sc_core::SC_SEC) {
    socket.register_b_transport(this, &Dram::b_transport);
    socket.register_transport_dbg(this, &Dram::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
}

void Dram::b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay) {
    if (!mem_.access(trans)) return;
    if ((trans.get_command() == tlm::TLM_IGNORE_COMMAND)) return;
    /* The request reaches the DRAM at the initiator's local time; round up to a DRAM cycle. */
    const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
    const uint64_t now_ck = static_cast<uint64_t>(std::ceil(now / tck_ - 1e-9));
    const double nj_before = timing_.stats().energy_nj; /* not the whole statistics */
    const uint64_t refreshes_before = timing_.stats().refreshes;
    const uint64_t done_ck =
        timing_.access(now_ck, trans.get_address(), trans.get_data_length(), trans.is_write());
    DramEnergyExtension *ext = nullptr;
    trans.get_extension(ext);
    if (ext) { /* refresh is in the background power, not charged to the access */
        const DramParams &p = timing_.params();
        const DramStats &after = timing_.stats();
        ext->valid = true;
        ext->command_nj = after.energy_nj - nj_before -
                          double(after.refreshes - refreshes_before) * p.energy_refresh_nj;
        ext->background_mw = p.power_active_mw;
        if (p.tREFI) /* nJ per ns = W */
            ext->background_mw += p.energy_refresh_nj / (p.tREFI * p.tck_s() * 1e9) * 1e3;
    }
    const sc_core::sc_time done = tck_ * double(done_ck);
    delay += done - now;
    trans.set_dmi_allowed(true);
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi) {
    const DramParams &p = timing_.params();
    mem_.fill_dmi(trans, dmi);
    dmi.set_read_latency(tck_ * double(p.tCL + p.burst_length / 2));
    dmi.set_write_latency(tck_ * double(p.tCWL + p.burst_length / 2));
    return true;
}

} // namespace hq
