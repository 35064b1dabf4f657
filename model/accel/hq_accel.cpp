#include "accel/hq_accel.h"

#include <cstring>

namespace hq::accel {

HqAccel::HqAccel(sc_core::sc_module_name name, const AccelConfig &cfg, const EnergyTable &energy)
    : sc_module(name), csr_socket("csr_socket"), dma_socket("dma_socket"), irq("irq"), cfg_(cfg),
      energy_(energy), csr_(cfg_), dma_(dma_socket), engine_(cfg_, energy_, dma_),
      busy_sig_("busy"), irq_sig_("irq_level"), layer_sig_("layer") {
    csr_socket.register_b_transport(this, &HqAccel::b_transport);
    csr_socket.register_transport_dbg(this, &HqAccel::transport_dbg);
    SC_HAS_PROCESS(HqAccel);
    SC_THREAD(command_thread);
    SC_METHOD(update_irq);
    sensitive << irq_ev_;
    dont_initialize();
}

void HqAccel::trace_signals(sc_core::sc_trace_file *tf) const {
    sc_core::sc_trace(tf, busy_sig_, std::string(name()) + ".busy");
    sc_core::sc_trace(tf, irq_sig_, std::string(name()) + ".irq");
    sc_core::sc_trace(tf, layer_sig_, std::string(name()) + ".layer");
}

void HqAccel::update_irq() {
    irq.write(csr_.irq());
    irq_sig_.write(csr_.irq());
    busy_sig_.write(csr_.busy());
}

void HqAccel::b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay) {
    const uint64_t off = gp.get_address();
    const RegisterBlock::Access a = csr_.classify(gp);
    if (!RegisterBlock::accepted(a)) {
        gp.set_response_status(RegisterBlock::response(a));
        return;
    }
    uint32_t v = 0;
    bool ok;
    if (gp.is_read()) {
        ok = csr_.read((uint32_t)off, &v);
        std::memcpy(gp.get_data_ptr(), &v, 4);
    } else if (gp.is_write()) {
        std::memcpy(&v, gp.get_data_ptr(), 4);
        ok = csr_.write((uint32_t)off, v);
        if (csr_.start_pending()) start_ev_.notify(delay);
        irq_ev_.notify(delay);
    } else {
        ok = true;
    }
    delay += sc_core::sc_time(cfg_.cycle_ps(), sc_core::SC_PS); /* one register cycle */
    gp.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

unsigned HqAccel::transport_dbg(tlm::tlm_generic_payload &gp) {
    /* Debug reads (GDB) see the registers without side effects on the start logic. */
    if (!gp.is_read() || gp.get_address() % 4 || gp.get_data_length() % 4) return 0;
    unsigned n = 0;
    for (; n < gp.get_data_length(); n += 4) {
        uint32_t v = 0;
        if (!csr_.read((uint32_t)gp.get_address() + n, &v)) break;
        std::memcpy(gp.get_data_ptr() + n, &v, 4);
    }
    return n;
}

void HqAccel::command_thread() {
    const sc_core::sc_time cycle(cfg_.cycle_ps(), sc_core::SC_PS);
    for (;;) {
        wait(start_ev_);
        uint32_t addr = 0, count = 0;
        if (!csr_.take_start(&addr, &count)) continue;
        commands_++;                           /* STATUS.BUSY was set by the START write */
        irq_ev_.notify(sc_core::SC_ZERO_TIME); /* update_irq drives the busy/irq signals */
        unsigned err = HQ_ACCEL_ERR_NONE;
        uint32_t err_desc = 0, err_addr = 0;
        for (uint32_t i = 0; i < count; i++) {
            layer_sig_.write(layer_counter_);
            LayerResult r = engine_.run(addr + i * HQ_ACCEL_DESC_BYTES, i,
                                        sc_core::sc_time_stamp().to_seconds() * 1e12,
                                        layer_counter_++, tracing_ ? &trace_ : nullptr);
            PerfCounters &p = csr_.perf();
            const LayerStats &s = r.stats;
            p.cycles += s.cycles;
            p.compute += s.compute;
            p.stall_dram += s.stall_dram;
            p.stall_dec += s.stall_decoder;
            p.stall_out += s.stall_outlier;
            p.dram_rd += s.dram_read;
            p.dram_wr += s.dram_written;
            p.weight_rd += s.weight_bytes;
            p.macs += s.macs;
            p.output += s.output;
            p.control += s.control;
            p.rd_stall += s.stall_dram - s.stall_dram_write;
            wait(cycle * (double)s.cycles);
            if (r.err) {
                err = r.err;
                err_desc = i;
                err_addr = (uint32_t)r.err_addr;
                errors_.push_back(std::string(name()) + ": " + r.message);
                break;
            }
            p.layers++;
            layers_run_++;
            if (totals_)
                totals_->add(s);
            else
                layers_.push_back(s);
        }
        csr_.finish(err, err_desc, err_addr);
        irq_ev_.notify(sc_core::SC_ZERO_TIME);
    }
}

} // namespace hq::accel
