#include "platform/platform.h"

#include "cpu/rv32_cpu.h"

namespace hq {

Platform::Platform(sc_core::sc_module_name name, const PlatformConfig &cfg,
                   const PlatformOptions &opts)
    : sc_module(name), cfg_(cfg), mtip_("mtip"), msip_("msip"), meip_("meip") {
    router_.reset(new Router("router", cfg_.bus));
    unsigned irq_sources = 0;
    for (size_t i = 0; i < cfg_.devices.size(); i++) {
        const DeviceEntry &e = cfg_.devices[i];
        const ConfigObject params = cfg_.params(i);
        const DeviceFactory *f = DeviceRegistry::find(e.type);
        if (!f) {
            std::string known;
            for (const std::string &t : DeviceRegistry::types())
                known += (known.empty() ? "" : ", ") + t;
            throw ConfigError(cfg_.file + ": " + e.key_path + ".type: unknown device type '" +
                              e.type + "' (known: " + known + ")");
        }
        DeviceContext ctx{e.name,
                          e.key_path,
                          e.type,
                          e.base,
                          e.size,
                          e.irq,
                          params,
                          cfg_.cpu.clock_hz,
                          cfg_.bus.clock_hz,
                          opts.uart_out_path};
        std::unique_ptr<Device> dev = (*f)(ctx);
        if (tlm::tlm_target_socket<32> *t = dev->target_socket()) {
            if (!e.size)
                throw ConfigError(cfg_.file + ": " + e.key_path + ": device '" + e.name +
                                  "' has registers: \"base\" and \"size\" are required");
            router_->attach(*t, e.name, e.base, e.size,
                            sc_core::sc_time(e.latency_ns, sc_core::SC_NS), e.dmi,
                            e.port_width_bytes);
        } else if (e.size) {
            throw ConfigError(cfg_.file + ": " + e.key_path + ": device '" + e.name +
                              "' of type '" + e.type + "' has no registers to map");
        }
        if (tlm::tlm_initiator_socket<32> *init = dev->initiator_socket())
            init->bind(router_->target_socket);
        irq_sources += dev->irq_sources();
        devices_.push_back(std::move(dev));
    }
    for (const DeviceEntry &e : cfg_.devices)
        if (e.irq > irq_sources)
            throw ConfigError(cfg_.file + ": " + e.key_path + ".irq: source " +
                              std::to_string(e.irq) + " but the interrupt controller has " +
                              (irq_sources ? std::to_string(irq_sources) + " sources"
                                           : std::string("not been configured (type plic)")));
    for (auto &d : devices_)
        d->wire(*this);
}

Platform::~Platform() = default;

Device *Platform::device(const std::string &name) {
    for (size_t i = 0; i < devices_.size(); i++)
        if (cfg_.devices[i].name == name) return devices_[i].get();
    return nullptr;
}

sc_core::sc_signal<bool> &Platform::irq_line(unsigned source) {
    auto &slot = lines_[source];
    if (!slot)
        slot.reset(new sc_core::sc_signal<bool>(
            sc_core::sc_gen_unique_name(("irq" + std::to_string(source)).c_str())));
    return *slot;
}

void Platform::attach_cpu(Rv32Cpu &cpu) {
    cpu.socket.bind(router_->target_socket);
    cpu.irq_timer.bind(mtip_);
    cpu.irq_software.bind(msip_);
    cpu.irq_external.bind(meip_);
    tlm::tlm_global_quantum::instance().set(cfg_.cpu.quantum);
    if (auto mtime = mtime_source()) cpu.set_time_source(mtime);
}

std::function<uint64_t(const sc_core::sc_time &)> Platform::mtime_source() const {
    for (const auto &d : devices_)
        if (auto f = d->mtime_source()) return f;
    return {};
}

int Platform::device_exit_code() const {
    for (const auto &d : devices_)
        if (d->exit_code() >= 0) return d->exit_code();
    return -1;
}

nlohmann::json Platform::stats() const {
    nlohmann::json j = nlohmann::json::object();
    for (size_t i = 0; i < devices_.size(); i++) {
        nlohmann::json d = nlohmann::json::object();
        d["type"] = cfg_.devices[i].type;
        devices_[i]->report(d);
        const Region *r = nullptr;
        for (const Region &reg : router_->address_map().regions())
            if (reg.name == cfg_.devices[i].name) r = &reg;
        if (r) {
            const RouterPortStats &ps = router_->port_stats(r->port);
            d["bus_transactions"] = ps.transactions;
            d["bus_contention_ns"] = ps.contention.to_seconds() * 1e9;
        }
        j[cfg_.devices[i].name] = d;
    }
    j["router"] = {{"unmapped_accesses", router_->unmapped_accesses()}};
    return j;
}

} // namespace hq
