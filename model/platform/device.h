/* Extension point of the platform: devices are created from config entries
 *   { "name": "accel0", "type": "hq_accel", "base": "0x40000000", "size": "0x10000",
 *     "irq": 1, "latency_ns": 10, "dmi": false, "params": { ... } }
 * by a factory registered under their "type". A module outside model/platform (e.g.
 * model/accel) registers itself from its own .cpp with a static object:
 *
 *   static hq::DeviceRegistration reg("hq_accel", [](const hq::DeviceContext &ctx) {
 *       return std::unique_ptr<hq::Device>(new AccelDevice(ctx.name.c_str(), ctx));
 *   });
 *
 * (a module that is itself the Device takes sc_module_name as its first constructor
 * parameter, as SystemC requires; a plain adapter can own its modules instead.)
 *
 * The builder then maps the device's target_socket() at [base, base+size), binds its
 * initiator_socket() (DMA) to the router as one more initiator, and calls wire() so it can
 * connect its interrupt output to PLIC source ctx.irq. See docs/platform.md. */
#ifndef HQ_DEVICE_H
#define HQ_DEVICE_H

#include "platform/config_reader.h"

#include <systemc>
#include <tlm>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hq {

/* Signals a device can connect to when the platform is wired (after every device exists). */
class Wiring {
  public:
    virtual ~Wiring() = default;
    /* Level-triggered interrupt source `source` (1..) of the platform interrupt controller. */
    virtual sc_core::sc_signal<bool> &irq_line(unsigned source) = 0;
    /* The CPU's mip.MTIP / MSIP / MEIP inputs. */
    virtual sc_core::sc_signal<bool> &cpu_timer_irq() = 0;
    virtual sc_core::sc_signal<bool> &cpu_software_irq() = 0;
    virtual sc_core::sc_signal<bool> &cpu_external_irq() = 0;
};

/* What a factory gets: the config entry, already checked for the generic keys. */
struct DeviceContext {
    std::string name;     /* unique instance name (also the SystemC module name) */
    std::string key_path; /* "devices[3]", for error messages */
    std::string type;
    uint64_t base = 0; /* mapped window; size == 0 for devices without registers */
    uint64_t size = 0;
    unsigned irq = 0;    /* interrupt-controller source, 0 = none */
    ConfigObject params; /* the entry's "params" object ({} when absent) */
    /* Throws ConfigError "FILE: devices[i].<key>: msg" for problems outside "params". */
    [[noreturn]] void fail(const std::string &key, const std::string &msg) const {
        throw ConfigError(params.file() + ": " + key_path + (key.empty() ? "" : "." + key) + ": " +
                          msg);
    }
    double cpu_clock_hz = 0;
    double bus_clock_hz = 0;
    /* Platform-wide run options a device may honour (e.g. the UART's output file). */
    std::string uart_out_path;
};

class Device {
  public:
    virtual ~Device() = default;
    /* Registers mapped at [base, base+size); nullptr if the device has none. */
    virtual tlm::tlm_target_socket<32> *target_socket() { return nullptr; }
    /* A bus master (DMA) to bind to the router; nullptr if none. */
    virtual tlm::tlm_initiator_socket<32> *initiator_socket() { return nullptr; }
    /* Connect interrupt lines; called once after all devices are created. */
    virtual void wire(Wiring &) {}
    /* Statistics after the run, added to the run summary under the device's name. */
    virtual void report(nlohmann::json &) const {}
    /* Exit request (test finisher): >= 0 is the exit code the run should end with. */
    virtual int exit_code() const { return -1; }
    /* A timer (CLINT) returns its mtime as a function of simulated time, so the CPU's
     * `time` CSR reads the same count; empty for every other device. */
    virtual std::function<uint64_t(const sc_core::sc_time &)> mtime_source() const { return {}; }
    /* An interrupt controller returns how many sources (1..n) it serves. */
    virtual unsigned irq_sources() const { return 0; }
};

using DeviceFactory = std::function<std::unique_ptr<Device>(const DeviceContext &)>;

class DeviceRegistry {
  public:
    /* Throws std::logic_error if `type` is already registered. */
    static void add(const std::string &type, DeviceFactory factory);
    static const DeviceFactory *find(const std::string &type);
    static std::vector<std::string> types(); /* sorted, for error messages */
};

struct DeviceRegistration {
    DeviceRegistration(const char *type, DeviceFactory factory) {
        DeviceRegistry::add(type, std::move(factory));
    }
};

} // namespace hq

#endif
