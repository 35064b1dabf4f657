#include "rtl_accel_device.h"

#include "accel/accel_report.h"
#include "accel/array_registry.h"
#include "accel/descriptor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace hq::accel {

namespace {

uint64_t sub(uint64_t a, uint64_t b) {
    return a >= b ? a - b : 0;
}

const char *error_name(unsigned code) {
    switch (code) {
#define HQ_ERR_NAME_(name, value)                                                                  \
    case value: return #name;
        HQ_ACCEL_ERR_LIST(HQ_ERR_NAME_)
#undef HQ_ERR_NAME_
    }
    return "unknown";
}

} // namespace

RtlAccel::RtlAccel(sc_core::sc_module_name name, const AccelConfig &cfg, const EnergyTable &energy,
                   const rtl::AccelCoreConfig &core)
    : sc_module(name), csr_socket("csr_socket"), dma_socket("dma_socket"), irq("irq"), cfg_(cfg),
      energy_(energy), core_cfg_(core), period_(cfg.cycle_ps(), sc_core::SC_PS), busy_sig_("busy"),
      irq_sig_("irq_level"), layer_sig_("layer") {
    core_ = core.make(*this);
    base_cycle_ = core_->cycle(); /* the reset cycles take no simulated time */
    csr_socket.register_b_transport(this, &RtlAccel::b_transport);
    csr_socket.register_transport_dbg(this, &RtlAccel::transport_dbg);
    SC_HAS_PROCESS(RtlAccel);
    SC_THREAD(clock_thread);
    SC_METHOD(irq_method);
    sensitive << irq_ev_;
    dont_initialize();
}

void RtlAccel::trace_signals(sc_core::sc_trace_file *tf) const {
    sc_core::sc_trace(tf, busy_sig_, std::string(name()) + ".busy");
    sc_core::sc_trace(tf, irq_sig_, std::string(name()) + ".irq");
    sc_core::sc_trace(tf, layer_sig_, std::string(name()) + ".layer");
}

sc_core::sc_time RtlAccel::model_time() const {
    return time_of(core_->cycle());
}

sc_core::sc_time RtlAccel::time_of(uint64_t cycle) const {
    return base_time_ + period_ * (double)(cycle > base_cycle_ ? cycle - base_cycle_ : 0);
}

uint64_t RtlAccel::cycle_at(const sc_core::sc_time &t) const {
    if (t <= base_time_) return base_cycle_;
    return base_cycle_ + (uint64_t)std::ceil((t - base_time_) / period_ - 1e-9);
}

void RtlAccel::irq_method() {
    /* the one process that writes the signals (the RTL is stepped from two threads) */
    irq.write(core_->irq());
    irq_sig_.write(core_->irq());
    busy_sig_.write(running_);
    layer_sig_.write(layer_counter_);
}

/* ---- the RTL's AXI4 master through the router ---- */

unsigned RtlAccel::transact(tlm::tlm_command cmd, uint32_t addr, uint8_t *data, unsigned len,
                            uint64_t start_cycle, uint64_t *done_cycle) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const sc_core::sc_time at = time_of(start_cycle);
    sc_core::sc_time delay = at > now ? at - now : sc_core::SC_ZERO_TIME;
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    dma_socket->b_transport(gp, delay);
    *done_cycle = std::max(core_->cycle(), cycle_at(now + delay));
    if (gp.is_response_ok()) return rtl::kAxiOkay;
    return gp.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE ? rtl::kAxiDecErr
                                                                       : rtl::kAxiSlvErr;
}

unsigned RtlAccel::read(uint32_t addr, uint8_t *data, unsigned len, uint64_t *done_cycle) {
    return transact(tlm::TLM_READ_COMMAND, addr, data, len, core_->cycle(), done_cycle);
}

unsigned RtlAccel::write(uint32_t addr, const uint8_t *data, const uint8_t *strb, unsigned len,
                         uint64_t start_cycle, uint64_t *done_cycle) {
    /* one transaction per run of enabled bytes (WSTRB is off only at an unaligned start or
     * end), all issued at the burst's address handshake: the transaction carries the beats
     * over the bus, so starting it after the core's last W beat would count them twice (the
     * RTL's output writes were about a cycle per 8-byte beat slower than the model's) */
    unsigned resp = rtl::kAxiOkay;
    *done_cycle = core_->cycle();
    std::vector<uint8_t> buf(data, data + len);
    for (unsigned i = 0; i < len;) {
        if (!strb[i]) {
            i++;
            continue;
        }
        unsigned j = i;
        while (j < len && strb[j])
            j++;
        uint64_t done = 0;
        const unsigned r =
            transact(tlm::TLM_WRITE_COMMAND, addr + i, buf.data() + i, j - i, start_cycle, &done);
        if (r != rtl::kAxiOkay) resp = r;
        *done_cycle = std::max(*done_cycle, done);
        i = j;
    }
    return resp;
}

void RtlAccel::read_issued(uint32_t addr) {
    /* A chained command fetches descriptor i + 1 when descriptor i is done: the counters
     * are read then, so each layer gets its own statistics. */
    if (running_ && cmd_layer_ + 1 < cmd_count_ &&
        addr == cmd_addr_ + (cmd_layer_ + 1) * HQ_ACCEL_DESC_BYTES)
        snapshot_due_ = true;
}

/* ---- time ---- */

void RtlAccel::step() {
    core_->tick();
    if (snapshot_due_ && running_) {
        snapshot_due_ = false;
        close_layer(read_counters()); /* timed: the command runs on meanwhile */
    }
    if (core_->irq() != last_irq_) {
        last_irq_ = core_->irq();
        notify_signals();
    }
    if (running_ && core_->idle()) {
        end_command();
    } else if (running_ && core_->cycle() - core_->last_activity() > kQuietCycles) {
        /* never a hang: a command that stops moving ends the run's command with a message */
        char m[200];
        std::snprintf(m, sizeof m,
                      "%s: the RTL made no bus handshake and no state change for %llu cycles "
                      "(command unit state %u): stopped",
                      name(), (unsigned long long)kQuietCycles, core_->state());
        errors_.push_back(m);
        running_ = false;
        base_time_ = model_time();
        base_cycle_ = core_->cycle();
        notify_signals();
    }
}

void RtlAccel::notify_signals() {
    const sc_core::sc_time now = sc_core::sc_time_stamp(), at = model_time();
    irq_ev_.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
}

void RtlAccel::advance_to(const sc_core::sc_time &t) {
    while (running_ && model_time() < t)
        step();
    if (!running_ && model_time() < t) {
        base_time_ = t;
        base_cycle_ = core_->cycle();
    }
}

void RtlAccel::clock_thread() {
    sc_core::sc_time slice = tlm::tlm_global_quantum::instance().get();
    slice = std::max(slice, period_ * 4096.0);
    for (;;) {
        while (!running_)
            wait(wake_ev_);
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        if (model_time() < now) advance_to(now);
        const sc_core::sc_time horizon = now + slice;
        while (running_ && model_time() < horizon)
            step();
        const sc_core::sc_time at = model_time();
        wait(at > now ? at - now : period_);
    }
}

/* ---- registers and counters ---- */

uint32_t RtlAccel::reg(uint32_t off) {
    const sc_core::sc_time t0 = model_time();
    uint32_t v = 0;
    core_->reg_read(off, &v);
    if (!running_) { /* an idle RTL: the read costs no simulated time */
        base_time_ = t0;
        base_cycle_ = core_->cycle();
    }
    return v;
}

RtlAccel::Counters RtlAccel::read_counters() {
    auto wide = [this](uint32_t lo) {
        uint32_t l = 0, h = 0;
        core_->reg_read(lo, &l); /* LO latches HI */
        core_->reg_read(lo + 4, &h);
        return (uint64_t)h << 32 | l;
    };
    Counters c;
    c.cycles = wide(HQ_ACCEL_REG_CYCLES_LO);
    c.compute = wide(HQ_ACCEL_REG_COMPUTE_LO);
    c.stall_dram = wide(HQ_ACCEL_REG_STALL_DRAM_LO);
    c.stall_dec = wide(HQ_ACCEL_REG_STALL_DEC_LO);
    c.stall_out = wide(HQ_ACCEL_REG_STALL_OUT_LO);
    c.dram_rd = wide(HQ_ACCEL_REG_DRAM_RD_LO);
    c.dram_wr = wide(HQ_ACCEL_REG_DRAM_WR_LO);
    c.weight_rd = wide(HQ_ACCEL_REG_WEIGHT_RD_LO);
    c.macs = wide(HQ_ACCEL_REG_MACS_LO);
    return c;
}

void RtlAccel::begin_command(bool perf_clear) {
    const sc_core::sc_time t0 = model_time();
    layer_start_ = perf_clear ? Counters() : read_counters();
    core_->reg_read(HQ_ACCEL_REG_DESC_ADDR, &cmd_addr_);
    core_->reg_read(HQ_ACCEL_REG_DESC_COUNT, &cmd_count_);
    base_time_ = t0; /* idle: the snapshot costs no simulated time */
    base_cycle_ = core_->cycle();
}

void RtlAccel::close_layer(const Counters &now) {
    LayerStats s;
    s.index = cmd_layer_;
    s.desc_addr = cmd_addr_ + cmd_layer_ * HQ_ACCEL_DESC_BYTES;
    hq_accel_desc d{};
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(s.desc_addr);
    gp.set_data_ptr(reinterpret_cast<uint8_t *>(&d));
    gp.set_data_length(sizeof d);
    gp.set_streaming_width(sizeof d);
    if (dma_socket->transport_dbg(gp) != sizeof d) d = hq_accel_desc{};
    s.op = d.op;
    s.layout = d.layout;
    s.rows = d.rows;
    s.cols = d.cols;
    s.batch = d.batch;
    /* as the model: one vector per image and output position before pooling (conv), none
     * for a stand-alone max-pool */
    LayerDesc ld;
    check_descriptor(d, cfg_, &ld);
    s.vectors = d.op == HQ_ACCEL_OP_MAXPOOL ? 0 : (uint64_t)d.batch * ld.conv_h * ld.conv_w;
    s.cycles = sub(now.cycles, layer_start_.cycles);
    s.compute = sub(now.compute, layer_start_.compute);
    s.stall_dram = sub(now.stall_dram, layer_start_.stall_dram);
    s.stall_decoder = sub(now.stall_dec, layer_start_.stall_dec);
    s.stall_outlier = sub(now.stall_out, layer_start_.stall_out);
    s.control = sub(s.cycles, s.compute + s.stall_dram + s.stall_decoder + s.stall_outlier);
    s.dram_read = sub(now.dram_rd, layer_start_.dram_rd);
    s.dram_written = sub(now.dram_wr, layer_start_.dram_wr);
    s.weight_bytes = sub(now.weight_rd, layer_start_.weight_rd);
    s.macs = sub(now.macs, layer_start_.macs);
    const double array_macs = (double)core_cfg_.lanes * (double)(s.compute + s.stall_outlier);
    s.util_array = array_macs > 0 ? s.macs / array_macs : 0;
    s.dram_transactions = 0;
    const unsigned bits = core_cfg_.uniform ? 8 : std::min<unsigned>(d.lo_bits, 8);
    s.energy_mac_pj = s.macs * energy_.mac_pj[bits];
    s.energy_dram_pj = (double)(s.dram_read + s.dram_written) * energy_.dram_byte_pj;
    s.energy_pj = s.energy_mac_pj + s.energy_dram_pj;
    s.start_ps = layer_start_ps_;
    layers_run_++;
    if (totals_)
        totals_->add(s);
    else
        layers_.push_back(s);
    layer_start_ = now;
    layer_start_ps_ = model_time().to_seconds() * 1e12;
    cmd_layer_++;
    layer_counter_++;
    notify_signals();
}

void RtlAccel::end_command() {
    running_ = false;
    snapshot_due_ = false;
    const sc_core::sc_time t0 = model_time();
    const Counters now = read_counters();
    uint32_t status = 0, err_desc = 0, err_addr = 0;
    core_->reg_read(HQ_ACCEL_REG_STATUS, &status);
    if (status & HQ_ACCEL_STATUS_ERROR) {
        core_->reg_read(HQ_ACCEL_REG_ERR_DESC, &err_desc);
        core_->reg_read(HQ_ACCEL_REG_ERR_ADDR, &err_addr);
        const unsigned code = (status >> HQ_ACCEL_STATUS_ERR_SHIFT) & HQ_ACCEL_STATUS_ERR_MASK;
        char m[200];
        std::snprintf(m, sizeof m,
                      "%s: RTL error %u (%s) in descriptor %u of the command, address 0x%08x",
                      name(), code, error_name(code), err_desc, err_addr);
        errors_.push_back(m);
    } else {
        while (cmd_layer_ < cmd_count_)
            close_layer(now); /* (only the last one unless a fetch was missed) */
    }
    last_ = now;
    base_time_ = t0; /* the reads after the end cost no simulated time */
    base_cycle_ = core_->cycle();
    notify_signals();
}

/* ---- the AXI4-Lite slave from the router ---- */

void RtlAccel::b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay) {
    const uint64_t off = gp.get_address();
    const unsigned len = gp.get_data_length();
    if ((!gp.is_read() && !gp.is_write()) || len != 4 || off % 4 || gp.get_byte_enable_ptr() ||
        gp.get_streaming_width() < len) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (off >= HQ_ACCEL_WINDOW_BYTES) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    advance_to(now + delay);
    int resp;
    if (gp.is_read()) {
        uint32_t v = 0;
        resp = core_->reg_read((uint32_t)off, &v);
        std::memcpy(gp.get_data_ptr(), &v, 4);
    } else {
        uint32_t v;
        std::memcpy(&v, gp.get_data_ptr(), 4);
        const bool start = off == HQ_ACCEL_REG_CTRL && (v & HQ_ACCEL_CTRL_START) && !running_;
        if (start) begin_command(v & HQ_ACCEL_CTRL_PERF_CLEAR);
        resp = core_->reg_write((uint32_t)off, v);
        for (int i = 0; start && i < 2 && core_->idle(); i++)
            core_->tick(); /* the command unit takes the start pulse */
        if (start && !core_->idle()) {
            running_ = true;
            commands_++;
            cmd_layer_ = 0;
            layer_start_ps_ = model_time().to_seconds() * 1e12;
            wake_ev_.notify(model_time() - now);
        }
    }
    if (core_->irq() != last_irq_) last_irq_ = core_->irq();
    const sc_core::sc_time at = model_time();
    delay = at > now ? at - now : delay;
    irq_ev_.notify(delay);
    gp.set_response_status(resp == (int)rtl::kAxiOkay ? tlm::TLM_OK_RESPONSE
                                                      : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

unsigned RtlAccel::transport_dbg(tlm::tlm_generic_payload &gp) {
    /* Debug reads (GDB) of an idle accelerator only: a read ticks the RTL. */
    if (running_ || !gp.is_read() || gp.get_address() % 4 || gp.get_data_length() % 4) return 0;
    unsigned n = 0;
    for (; n < gp.get_data_length() && gp.get_address() + n < HQ_ACCEL_WINDOW_BYTES; n += 4) {
        const uint32_t v = reg((uint32_t)gp.get_address() + n);
        std::memcpy(gp.get_data_ptr() + n, &v, 4);
    }
    return n;
}

std::string rtl_accel_unavailable() {
    if (rtl::accel_core_configs().empty())
        return "this hqsim was built without the Verilated accelerator (HQSIM_BUILD_RTL=ON and "
               "verilator are needed)";
    return "";
}

/* ---- the platform device ---- */

RtlAccelDevice::RtlAccelDevice(const hq::DeviceContext &ctx) : irq_(ctx.irq) {
    const hq::ConfigObject &p = ctx.params;
    /* the params of "hq_accel"; pe_impl is accepted and has no effect (the RTL is the PE) */
    p.allow_only({"timing", "energy", "arch", "pe_impl", "trace"});
    if (ctx.size < HQ_ACCEL_WINDOW_BYTES)
        p.fail(nullptr, "device '" + ctx.name + "' needs a register window of at least " +
                            std::to_string(HQ_ACCEL_WINDOW_BYTES) + " bytes (\"size\")");
    const std::string why = rtl_accel_unavailable();
    if (!why.empty()) ctx.fail("type", "'" + ctx.type + "': " + why);
    AccelConfig cfg;
    EnergyTable energy;
    if (p.has("timing")) load_timing_config(p.resolve_path(p.string("timing")), &cfg);
    if (p.has("energy")) load_energy_table(p.resolve_path(p.string("energy")), &energy);
    if (p.has("arch")) {
        const std::string a = p.string("arch");
        if (!parse_arch(a, &cfg.arch))
            p.fail("arch", "unknown array '" + a + "' (" + array_kind_names(", ", ", ") + ")");
    }
    /* the Verilated configuration with the timing config's array and lanes */
    const rtl::AccelCoreConfig *core = nullptr;
    std::string have;
    for (const rtl::AccelCoreConfig &c : rtl::accel_core_configs()) {
        const bool fits = c.uniform ? cfg.arch == Arch::Uniform8 && (unsigned)c.lanes == cfg.lanes
                          : c.split
                              ? cfg.arch == Arch::Split && (unsigned)c.lanes == cfg.lanes &&
                                    (unsigned)c.hmacs == cfg.hi_macs
                              : cfg.arch == Arch::LaneGroup && (unsigned)c.lanes == cfg.lanes &&
                                    (unsigned)c.g == cfg.lane_group;
        if (fits && !core) core = &c;
        have += std::string(have.empty() ? "" : "; ") + c.name + " (" +
                (c.uniform ? "uniform8"
                 : c.split ? "split"
                           : "lanegroup") +
                ", " + std::to_string(c.lanes) + " lanes" +
                (c.uniform ? ""
                 : c.split ? ", " + std::to_string(c.hmacs) + " high MACs"
                           : ", groups of " + std::to_string(c.g)) +
                ")";
    }
    if (!core)
        p.fail("arch",
               std::string("no Verilated accelerator for the array ") + arch_name(cfg.arch) +
                   " with " + std::to_string(cfg.lanes) + " lanes" +
                   (cfg.arch == Arch::LaneGroup ? ", groups of " + std::to_string(cfg.lane_group)
                    : cfg.arch == Arch::Split   ? ", " + std::to_string(cfg.hi_macs) + " high MACs"
                                                : std::string()) +
                   " (built in: " + have + ")");
    accel_ = std::make_unique<RtlAccel>(ctx.name.c_str(), cfg, energy, *core);
}

void RtlAccelDevice::wire(hq::Wiring &w) {
    if (irq_)
        accel_->irq.bind(w.irq_line(irq_));
    else
        accel_->irq.bind(unconnected_irq_); /* polling firmware only */
}

void RtlAccelDevice::report(nlohmann::json &j) const {
    write_accel_report(kRtlAccelDeviceType, *accel_, accel_->counters(), WeightCacheCounts(), j);
    j["rtl_config"] = accel_->core_config().name;
    j["rtl_clock_cycles"] = accel_->rtl_cycles();
    j["rtl_read_stall_cycles"] = accel_->rd_stall_cycles();
}

static hq::DeviceRegistration registration(kRtlAccelDeviceType, [](const hq::DeviceContext &ctx) {
    return std::unique_ptr<hq::Device>(new RtlAccelDevice(ctx));
});

void link_rtl_accel_device() {}

} // namespace hq::accel
