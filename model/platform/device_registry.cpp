#include "platform/device.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace hq {

/* Function-local static: safe to use from other translation units' static initialisers. */
static std::map<std::string, DeviceFactory> &registry() {
    static std::map<std::string, DeviceFactory> r;
    return r;
}

void register_builtin_devices(); /* builtin_devices.cpp */

static void ensure_builtins() {
    static bool done = false;
    if (!done) {
        done = true;
        register_builtin_devices();
    }
}

void DeviceRegistry::add(const std::string &type, DeviceFactory factory) {
    if (!registry().emplace(type, std::move(factory)).second)
        throw std::logic_error("device type '" + type + "' registered twice");
}

const DeviceFactory *DeviceRegistry::find(const std::string &type) {
    ensure_builtins();
    auto it = registry().find(type);
    return it == registry().end() ? nullptr : &it->second;
}

std::vector<std::string> DeviceRegistry::types() {
    ensure_builtins();
    std::vector<std::string> t;
    for (auto &kv : registry())
        t.push_back(kv.first);
    return t;
}

} // namespace hq
