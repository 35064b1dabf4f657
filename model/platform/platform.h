/* A platform assembled from a PlatformConfig: the router, every device of the config
 * (created through the DeviceRegistry) and the interrupt wiring. The RV32 CPU is attached with
 * attach_cpu() (hq_platform_run, accel_run); a test bench with its own initiator binds
 * router().target_socket and the cpu_*_irq() signals itself. */
#ifndef HQ_PLATFORM_H
#define HQ_PLATFORM_H

#include "bus/router.h"
#include "platform/device.h"
#include "platform/platform_config.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hq {

class Rv32Cpu;

struct PlatformOptions {
    std::string uart_out_path; /* "" = stdout */
};

class Platform : public sc_core::sc_module, public Wiring {
  public:
    /* Throws ConfigError (bad params, unknown type) naming the file and key. */
    Platform(sc_core::sc_module_name name, const PlatformConfig &cfg,
             const PlatformOptions &opts = PlatformOptions());
    ~Platform() override;

    Router &router() { return *router_; }
    const PlatformConfig &config() const { return cfg_; }
    Device *device(const std::string &name);

    sc_core::sc_signal<bool> &irq_line(unsigned source) override;
    sc_core::sc_signal<bool> &cpu_timer_irq() override { return mtip_; }
    sc_core::sc_signal<bool> &cpu_software_irq() override { return msip_; }
    sc_core::sc_signal<bool> &cpu_external_irq() override { return meip_; }

    /* Connects the CPU: its bus socket to the router, the timer, software and external
     * interrupt lines, its time CSR to the platform timer (when there is one), and the TLM
     * global quantum to the config's cpu.quantum. */
    void attach_cpu(Rv32Cpu &cpu);
    /* mtime of the platform timer (CLINT), or empty if there is none. */
    std::function<uint64_t(const sc_core::sc_time &)> mtime_source() const;
    /* Exit code requested by a device (test finisher), or -1. */
    int device_exit_code() const;
    /* Per-device statistics (router ports included), keyed by device name. */
    nlohmann::json stats() const;

  private:
    PlatformConfig cfg_;
    std::unique_ptr<Router> router_;
    std::vector<std::unique_ptr<Device>> devices_;
    std::map<unsigned, std::unique_ptr<sc_core::sc_signal<bool>>> lines_;
    sc_core::sc_signal<bool> mtip_, msip_, meip_;
};

} // namespace hq

#endif
