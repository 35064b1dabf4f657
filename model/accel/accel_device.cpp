#include "accel/accel_device.h"
#include "accel/accel_report.h"
#include "accel/array_registry.h"

namespace hq::accel {

AccelDevice::AccelDevice(const hq::DeviceContext &ctx) : irq_(ctx.irq) {
    const hq::ConfigObject &p = ctx.params;
    p.allow_only({"timing", "energy", "arch", "pe_impl", "trace"});
    if (ctx.size < HQ_ACCEL_WINDOW_BYTES)
        p.fail(nullptr, "device '" + ctx.name + "' needs a register window of at least " +
                            std::to_string(HQ_ACCEL_WINDOW_BYTES) + " bytes (\"size\")");
    AccelConfig cfg;
    EnergyTable energy;
    if (p.has("timing")) load_timing_config(p.resolve_path(p.string("timing")), &cfg);
    if (p.has("energy")) load_energy_table(p.resolve_path(p.string("energy")), &energy);
    if (p.has("arch")) {
        const std::string a = p.string("arch");
        if (!parse_arch(a, &cfg.arch))
            p.fail("arch", "unknown array '" + a + "' (" + array_kind_names(", ", ", ") + ")");
    }
    if (p.has("pe_impl")) {
        const std::string s = p.string("pe_impl");
        if (!parse_pe_impl(s, &cfg.pe_impl))
            p.fail("pe_impl", "unknown PE implementation '" + s + "' (model, rtl)");
    }
    accel_ = std::make_unique<HqAccel>(ctx.name.c_str(), cfg, energy);
    accel_->enable_trace(p.boolean_or("trace", false));
}

void AccelDevice::wire(hq::Wiring &w) {
    if (irq_)
        accel_->irq.bind(w.irq_line(irq_));
    else
        accel_->irq.bind(unconnected_irq_); /* polling firmware only */
}

void AccelDevice::report(nlohmann::json &j) const {
    const WeightCache &cache = accel_->engine().cache();
    write_accel_report(kAccelDeviceType, *accel_, accel_->csr().perf(),
                       {cache.hits(), cache.misses()}, j);
}

static hq::DeviceRegistration registration(kAccelDeviceType, [](const hq::DeviceContext &ctx) {
    return std::unique_ptr<hq::Device>(new AccelDevice(ctx));
});

void link_accel_device() {}

} // namespace hq::accel
