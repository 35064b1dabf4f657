/* The accelerator as a platform device (model/platform/device.h), created from a config entry
 *   { "name": "accel0", "type": "hq_accel", "base": "0x40000000", "size": "0x100", "irq": 2,
 *     "params": { "timing": "../timing/default.json", "energy": "../energy/default.json",
 *                 "arch": "lanegroup", "trace": false } }
 * "timing"/"energy" are paths relative to the platform config (defaults: the built-in copies of
 * configs/timing/default.json and configs/energy/default.json, accel_config.h); "arch"
 * overrides the timing config's array. */
#ifndef HQ_ACCEL_DEVICE_H
#define HQ_ACCEL_DEVICE_H

#include "accel/hq_accel.h"
#include "platform/device.h"

#include <memory>

namespace hq::accel {

class AccelDevice : public hq::Device {
  public:
    explicit AccelDevice(const hq::DeviceContext &ctx);
    tlm::tlm_target_socket<32> *target_socket() override { return &accel_->csr_socket; }
    tlm::tlm_initiator_socket<32> *initiator_socket() override { return &accel_->dma_socket; }
    void wire(hq::Wiring &w) override;
    void report(nlohmann::json &j) const override;
    HqAccel &accel() { return *accel_; }

  private:
    unsigned irq_;
    std::unique_ptr<HqAccel> accel_;
    sc_core::sc_signal<bool> unconnected_irq_;
};

/* The device type name, and a function whose call keeps this file's registration linked in
 * from a static library. */
constexpr const char *kAccelDeviceType = "hq_accel";
void link_accel_device();

} // namespace hq::accel

#endif
