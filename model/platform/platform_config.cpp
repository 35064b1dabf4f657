#include "platform/platform_config.h"

#include <cinttypes>
#include <cstdio>
#include <map>

namespace hq {

static const nlohmann::json &empty_object() {
    static const nlohmann::json e = nlohmann::json::object();
    return e;
}

ConfigObject PlatformConfig::params(size_t i) const {
    const nlohmann::json &d = doc["devices"][i];
    const std::string path = devices[i].key_path + ".params";
    return ConfigObject(d.contains("params") ? d["params"] : empty_object(), file, path);
}

static void read_cpu(const ConfigObject &o, PlatformConfig &pc) {
    o.allow_only({"clock_hz", "quantum_ns", "dmi", "reset_pc", "misaligned_traps", "cpi"});
    CpuConfig &c = pc.cpu;
    c.clock_hz = o.number_or("clock_hz", c.clock_hz, 1e3, 1e11);
    c.quantum = sc_core::sc_time(o.number_or("quantum_ns", 1000, 1, 1e9), sc_core::SC_NS);
    c.dmi = o.boolean_or("dmi", c.dmi);
    c.misaligned_traps = o.boolean_or("misaligned_traps", c.misaligned_traps);
    pc.reset_pc = uint32_t(o.u64_or("reset_pc", 0, 0, UINT32_MAX));
    const ConfigObject cpi = o.object_or_empty("cpi");
    cpi.allow_only({"alu", "mul", "div", "load", "store", "branch_taken", "branch_not_taken",
                    "jump", "csr", "system"});
    auto get = [&](const char *k, unsigned &v) { v = unsigned(cpi.u64_or(k, v, 1, 1000)); };
    get("alu", c.cpi_alu);
    get("mul", c.cpi_mul);
    get("div", c.cpi_div);
    get("load", c.cpi_load);
    get("store", c.cpi_store);
    get("branch_taken", c.cpi_branch_taken);
    get("branch_not_taken", c.cpi_branch_not_taken);
    get("jump", c.cpi_jump);
    get("csr", c.cpi_csr);
    get("system", c.cpi_system);
}

static bool valid_name(const std::string &s) {
    if (s.empty() || s.size() > 64) return false;
    for (char ch : s)
        if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
    return true;
}

static std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

PlatformConfig parse_platform_config(nlohmann::json doc, const std::string &file) {
    PlatformConfig pc;
    pc.file = file;
    pc.doc = std::move(doc);
    const ConfigObject top(pc.doc, file, "");
    top.allow_only({"name", "description", "cpu", "bus", "devices"});
    pc.name = top.string_or("name", "platform");
    read_cpu(top.object_or_empty("cpu"), pc);

    const ConfigObject bus = top.object_or_empty("bus");
    bus.allow_only({"clock_hz", "width_bytes"});
    pc.bus.clock_hz = bus.number_or("clock_hz", pc.bus.clock_hz, 1e3, 1e11);
    pc.bus.width_bytes = unsigned(bus.u64_or("width_bytes", pc.bus.width_bytes, 1, 1024));
    /* a bus (or port) moves whole power-of-two words: 3 would make beats of 3 bytes */
    if (pc.bus.width_bytes & (pc.bus.width_bytes - 1))
        bus.fail("width_bytes", std::to_string(pc.bus.width_bytes) + " is not a power of two "
                                                                     "(1, 2, 4, ..., 1024)");

    const nlohmann::json &devs = top.array("devices");
    if (devs.empty()) top.fail("devices", "must list at least one device");
    std::map<std::string, size_t> names;
    std::map<unsigned, size_t> irqs;
    for (size_t i = 0; i < devs.size(); i++) {
        const std::string path = "devices[" + std::to_string(i) + "]";
        if (!devs[i].is_object())
            top.fail("devices", "entry " + std::to_string(i) + " must be a JSON object");
        const ConfigObject d(devs[i], file, path);
        d.allow_only({"name", "type", "base", "size", "latency_ns", "port_width_bytes", "dmi",
                      "irq", "params", "description"});
        DeviceEntry e;
        e.key_path = path;
        e.name = d.string("name");
        if (!valid_name(e.name))
            d.fail("name", "'" + e.name + "' must be 1-64 letters, digits or '_'");
        if (e.name == "router")
            d.fail("name", "'router' is reserved (the interconnect's statistics)");
        if (!names.emplace(e.name, i).second)
            d.fail("name", "'" + e.name + "' is already used by devices[" +
                               std::to_string(names[e.name]) + "]");
        e.type = d.string("type");
        if (d.has("base") || d.has("size")) {
            e.base = d.u64("base", 0, UINT32_MAX);
            e.size = d.u64("size", 1, UINT64_C(1) << 32);
            if (e.size > (UINT64_C(1) << 32) - e.base)
                d.fail("size", "region " + hex(e.base) + " + " + hex(e.size) +
                                   " runs past the 32-bit address space");
        }
        e.latency_ns = d.number_or("latency_ns", 0, 0, 1e6);
        e.port_width_bytes = unsigned(d.u64_or("port_width_bytes", 0, 1, 1024));
        if (e.port_width_bytes & (e.port_width_bytes - 1))
            d.fail("port_width_bytes", std::to_string(e.port_width_bytes) +
                                           " is not a power of two (1, 2, 4, ..., 1024)");
        e.dmi = d.boolean_or("dmi", true);
        e.irq = unsigned(d.u64_or("irq", 0, 1, 1023));
        if (e.irq && !irqs.emplace(e.irq, i).second)
            d.fail("irq", "source " + std::to_string(e.irq) + " is already used by devices[" +
                              std::to_string(irqs[e.irq]) + "]");
        if (d.has("params") && !devs[i]["params"].is_object())
            d.fail("params", "must be a JSON object");
        for (const DeviceEntry &o : pc.devices)
            if (e.size && o.size && e.base < o.base + o.size && o.base < e.base + e.size)
                d.fail("base", "region '" + e.name + "' [" + hex(e.base) + ", " +
                                   hex(e.base + e.size) + ") overlaps '" + o.name + "' [" +
                                   hex(o.base) + ", " + hex(o.base + o.size) + ") of " +
                                   o.key_path);
        pc.devices.push_back(e);
    }
    return pc;
}

PlatformConfig load_platform_config(const std::string &path) {
    return parse_platform_config(load_json_file(path), path);
}

} // namespace hq
