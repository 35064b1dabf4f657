/* The device types the platform knows without plug-ins: sram, dram, ns16550a, clint, plic,
 * test_finisher. Each adapter turns a config entry into a module and exposes its sockets,
 * interrupt wiring and statistics through the Device interface. */
#include "mem/dram.h"
#include "mem/sram.h"
#include "periph/clint.h"
#include "periph/plic.h"
#include "periph/test_finisher.h"
#include "periph/uart_16550.h"
#include "platform/device.h"
#include "platform/dram_preset.h"

namespace hq {

namespace {

void require_window(const DeviceContext &ctx, uint64_t min_size) {
    if (ctx.size < min_size)
        ctx.fail("size", "device '" + ctx.name + "' (" + ctx.type +
                             ") needs a register window (\"base\", \"size\") of at least " +
                             std::to_string(min_size) + " bytes");
}

class SramDevice : public Device {
  public:
    explicit SramDevice(const DeviceContext &ctx) {
        ctx.params.allow_only({"latency_cycles", "width_bytes", "clock_hz"});
        require_window(ctx, 1);
        SramConfig c;
        c.size = ctx.size;
        c.clock_hz = ctx.params.number_or("clock_hz", ctx.bus_clock_hz, 1e3, 1e11);
        c.latency_cycles = unsigned(ctx.params.u64_or("latency_cycles", 1, 0, 1000));
        c.width_bytes = unsigned(ctx.params.u64_or("width_bytes", 4, 1, 1024));
        if (c.width_bytes & (c.width_bytes - 1)) /* as bus.width_bytes */
            ctx.params.fail("width_bytes", std::to_string(c.width_bytes) +
                                               " is not a power of two (1, 2, 4, ..., 1024)");
        sram_.reset(new Sram(ctx.name.c_str(), c));
    }
    tlm::tlm_target_socket<32> *target_socket() override { return &sram_->socket; }
    void report(nlohmann::json &j) const override {
        j["bytes_read"] = sram_->bytes_read();
        j["bytes_written"] = sram_->bytes_written();
    }

  private:
    std::unique_ptr<Sram> sram_;
};

class DramDevice : public Device {
  public:
    explicit DramDevice(const DeviceContext &ctx) {
        ctx.params.allow_only({"preset", "overrides"});
        require_window(ctx, 1);
        const nlohmann::json &pre =
            ctx.params.json().contains("preset") ? ctx.params.json()["preset"] : nlohmann::json();
        nlohmann::json preset;
        std::string file = ctx.params.file();
        if (pre.is_string()) {
            file = ctx.params.resolve_path(pre.get<std::string>());
            preset = load_json_file(file);
        } else if (pre.is_object()) {
            preset = pre;
        } else {
            ctx.params.fail("preset", "must be a preset file name (relative to this config) "
                                      "or a preset object");
        }
        /* "overrides": preset keys replaced for this device (e.g. "tREFI": 0, or a
         * "controller" object), checked like the preset's own */
        const ConfigObject ov = ctx.params.object_or_empty("overrides");
        for (auto it = ov.json().begin(); it != ov.json().end(); ++it)
            preset[it.key()] = it.value();
        const DramParams p = read_dram_preset(
            ConfigObject(preset, file, pre.is_object() ? ctx.params.key_path("preset") : ""));
        if (ctx.size > dram_capacity(p))
            ctx.params.fail("preset",
                            "part '" + p.part + "' holds " + std::to_string(dram_capacity(p)) +
                                " bytes, less than the region size " + std::to_string(ctx.size));
        dram_.reset(new Dram(ctx.name.c_str(), ctx.size, p));
    }
    tlm::tlm_target_socket<32> *target_socket() override { return &dram_->socket; }
    void report(nlohmann::json &j) const override {
        const DramTiming &t = dram_->timing();
        const DramStats &s = t.stats();
        j["part"] = t.params().part;
        j["bytes_read"] = s.bytes_read;
        j["bytes_written"] = s.bytes_written;
        j["read_bursts"] = s.read_bursts;
        j["write_bursts"] = s.write_bursts;
        j["row_hits"] = s.row_hits;
        j["row_misses"] = s.row_misses;
        j["row_conflicts"] = s.row_conflicts;
        j["activates"] = s.activates;
        j["refreshes"] = s.refreshes;
        j["address_map"] = t.params().address_map_name;
        j["peak_bandwidth_bytes_per_s"] = t.params().peak_bytes_per_s();
        j["achieved_bandwidth_bytes_per_s"] = t.achieved_bytes_per_s();
        j["energy_nj"] = t.total_energy_nj(); /* commands + background over the traffic span */
        j["energy_background_nj"] = t.background_energy_nj();
    }

  private:
    std::unique_ptr<Dram> dram_;
};

class UartDevice : public Device {
  public:
    explicit UartDevice(const DeviceContext &ctx) : irq_(ctx.irq) {
        ctx.params.allow_only({});
        require_window(ctx, 8);
        uart_.reset(new Uart16550(ctx.name.c_str(), ctx.uart_out_path));
    }
    tlm::tlm_target_socket<32> *target_socket() override { return &uart_->socket; }
    void wire(Wiring &w) override {
        if (irq_)
            uart_->irq.bind(w.irq_line(irq_));
        else
            uart_->irq.bind(unused_);
    }
    void report(nlohmann::json &j) const override { j["chars_sent"] = uart_->chars_sent(); }

  private:
    unsigned irq_;
    std::unique_ptr<Uart16550> uart_;
    sc_core::sc_signal<bool> unused_;
};

class ClintDevice : public Device {
  public:
    explicit ClintDevice(const DeviceContext &ctx) {
        ctx.params.allow_only({"mtime_hz"});
        require_window(ctx, Clint::SIZE);
        clint_.reset(new Clint(ctx.name.c_str(), ctx.params.number_or("mtime_hz", 10e6, 1, 1e10)));
    }
    tlm::tlm_target_socket<32> *target_socket() override { return &clint_->socket; }
    void wire(Wiring &w) override {
        clint_->irq_timer.bind(w.cpu_timer_irq());
        clint_->irq_software.bind(w.cpu_software_irq());
    }
    std::function<uint64_t(const sc_core::sc_time &)> mtime_source() const override {
        const Clint *c = clint_.get();
        return [c](const sc_core::sc_time &t) { return c->mtime_at(t); };
    }

  private:
    std::unique_ptr<Clint> clint_;
};

class PlicDevice : public Device {
  public:
    explicit PlicDevice(const DeviceContext &ctx) {
        ctx.params.allow_only({"sources"});
        require_window(ctx, Plic::SIZE);
        const unsigned n = unsigned(ctx.params.u64_or("sources", 31, 1, Plic::kMaxSources));
        plic_.reset(new Plic(ctx.name.c_str(), n));
    }
    tlm::tlm_target_socket<32> *target_socket() override { return &plic_->socket; }
    void wire(Wiring &w) override {
        for (unsigned id = 1; id <= plic_->num_sources(); id++)
            plic_->sources[id - 1].bind(w.irq_line(id));
        plic_->irq.bind(w.cpu_external_irq());
    }
    unsigned irq_sources() const override { return plic_->num_sources(); }

  private:
    std::unique_ptr<Plic> plic_;
};

class FinisherDevice : public Device {
  public:
    explicit FinisherDevice(const DeviceContext &ctx) {
        ctx.params.allow_only({});
        require_window(ctx, 4);
        fin_.reset(new TestFinisher(ctx.name.c_str()));
    }
    tlm::tlm_target_socket<32> *target_socket() override { return &fin_->socket; }
    int exit_code() const override { return fin_->exit_code(); }

  private:
    std::unique_ptr<TestFinisher> fin_;
};

template <class T> DeviceFactory factory() {
    return [](const DeviceContext &ctx) { return std::unique_ptr<Device>(new T(ctx)); };
}

} // namespace

void register_builtin_devices() {
    DeviceRegistry::add("sram", factory<SramDevice>());
    DeviceRegistry::add("dram", factory<DramDevice>());
    DeviceRegistry::add("ns16550a", factory<UartDevice>());
    DeviceRegistry::add("clint", factory<ClintDevice>());
    DeviceRegistry::add("plic", factory<PlicDevice>());
    DeviceRegistry::add("test_finisher", factory<FinisherDevice>());
}

} // namespace hq
