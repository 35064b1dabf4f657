/* The platform description (configs/platform/NAME.json): CPU, interconnect and the device list.
 * Schema: docs/platform.md. Loading validates everything that does not depend on a device's
 * type (unknown keys, missing fields, ranges, overlapping regions, duplicate names and
 * interrupt sources); each device factory validates its own "params". */
#ifndef HQ_PLATFORM_CONFIG_H
#define HQ_PLATFORM_CONFIG_H

#include "bus/router.h"
#include "cpu/rv32_cpu.h"
#include "platform/config_reader.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace hq {

struct DeviceEntry {
    std::string name, type;
    uint64_t base = 0, size = 0;   /* size 0: no register window */
    double latency_ns = 0;         /* router latency to this target */
    unsigned port_width_bytes = 0; /* router port width, 0 = bus.width_bytes */
    bool dmi = true;               /* may initiators bypass the bus with DMI */
    unsigned irq = 0;              /* interrupt-controller source, 0 = none */
    std::string key_path;          /* "devices[3]" for messages */
};

struct PlatformConfig {
    std::string file;
    nlohmann::json doc; /* owns the JSON the device params point into */
    std::string name;
    CpuConfig cpu;
    uint32_t reset_pc = 0; /* 0 = the ELF entry point */
    BusConfig bus;
    std::vector<DeviceEntry> devices;

    /* The "params" object of devices[i] ({} when absent). */
    ConfigObject params(size_t i) const;
};

/* Throws ConfigError "FILE: key: message". */
PlatformConfig load_platform_config(const std::string &path);
/* Same, from an already parsed document (`file` is used in messages and relative paths). */
PlatformConfig parse_platform_config(nlohmann::json doc, const std::string &file);

} // namespace hq

#endif
