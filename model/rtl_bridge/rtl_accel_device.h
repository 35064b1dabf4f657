/* The Verilated whole accelerator (rtl/accel/hq_accel.v) as a platform device, type
 * "hq_accel_rtl" (`hqsim run Q.hqm --accel-impl rtl`, docs/rtl-accel.md "In the virtual
 * platform"). It takes the place of the SystemC accelerator ("hq_accel") with the same
 * config entry and params:
 *   - the router's b_transport on the register window becomes an AXI4-Lite read or write of
 *     the RTL's slave (SLVERR as TLM_ADDRESS_ERROR_RESPONSE; widths other than 4 bytes,
 *     misaligned offsets and byte enables as TLM_BURST_ERROR_RESPONSE, as hq::RegisterBlock);
 *   - each AXI4 burst of the RTL's master becomes one TLM transaction through the router into
 *     the DRAM model, issued at the cycle the burst is accepted; its data returns one beat per
 *     cycle with the last beat at the transaction's annotated completion, so bursts stay bursts
 *     and up to four reads stay outstanding;
 *   - the interrupt drives the PLIC source of the entry's "irq";
 *   - the clock is the timing config's clock_hz.
 * One SC_THREAD steps the Verilated C++ model (one or two eval() per cycle) ahead of SystemC time
 * by at most a quantum, and register accesses first bring the RTL to the initiator's local time:
 * deterministic, and no SystemC event per clock cycle. */
#ifndef HQ_RTL_ACCEL_DEVICE_H
#define HQ_RTL_ACCEL_DEVICE_H

#include "accel/accel_view.h"
#include "platform/device.h"
#include "rtl_accel_check.h"
#include "rtl_accel_core.h"

#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "hq_accel_regmap.h"

#include <memory>
#include <string>
#include <vector>

namespace hq::accel {

class RtlAccel : public sc_core::sc_module, public AccelView, private rtl::AccelBus {
  public:
    tlm_utils::simple_target_socket<RtlAccel> csr_socket;
    tlm_utils::simple_initiator_socket<RtlAccel> dma_socket;
    sc_core::sc_out<bool> irq;

    RtlAccel(sc_core::sc_module_name name, const AccelConfig &cfg, const EnergyTable &energy,
             const rtl::AccelCoreConfig &core);

    const AccelConfig &config() const override { return cfg_; }
    const std::vector<LayerStats> &layers() const override { return layers_; }
    void sum_layers_into(LayerTotals *t) override { totals_ = t; }
    uint64_t layers_run() const override { return layers_run_; }
    const std::vector<std::string> &errors() const override { return errors_; }
    const std::vector<TraceEvent> &trace() const override { return trace_; }
    uint64_t commands() const override { return commands_; }
    void trace_signals(sc_core::sc_trace_file *tf) const override;

    const rtl::AccelCoreConfig &core_config() const { return core_cfg_; }
    uint64_t rtl_cycles() const { return core_->cycle(); }
    uint64_t rd_stall_cycles() const { return core_->rd_stall_cycles(); }
    /* The RTL's 64-bit counters at the end of the last command (CYCLES ... MACS). */
    struct Counters {
        uint64_t cycles = 0, compute = 0, stall_dram = 0, stall_dec = 0, stall_out = 0;
        uint64_t dram_rd = 0, dram_wr = 0, weight_rd = 0, macs = 0;
    };
    const Counters &counters() const { return last_; }

  private:
    /* AccelBus: the RTL's master through the router. */
    unsigned read(uint32_t addr, uint8_t *data, unsigned len, uint64_t *done_cycle) override;
    unsigned write(uint32_t addr, const uint8_t *data, const uint8_t *strb, unsigned len,
                   uint64_t start_cycle, uint64_t *done_cycle) override;
    void read_issued(uint32_t addr) override;
    unsigned transact(tlm::tlm_command cmd, uint32_t addr, uint8_t *data, unsigned len,
                      uint64_t start_cycle, uint64_t *done_cycle);

    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &gp);
    void clock_thread();
    void irq_method();
    void notify_signals(); /* irq_method at the RTL's current time */
    /* a running command with no bus handshake and no state change for this long is stopped */
    static constexpr uint64_t kQuietCycles = 10000000;

    sc_core::sc_time model_time() const;
    sc_core::sc_time time_of(uint64_t cycle) const;
    uint64_t cycle_at(const sc_core::sc_time &t) const;
    /* Runs the RTL up to time t (a running command), or moves the idle RTL's time base to t. */
    void advance_to(const sc_core::sc_time &t);
    void step();
    /* Register reads that cost no simulated time (the RTL idle, or a snapshot). */
    uint32_t reg(uint32_t off);
    Counters read_counters();
    void begin_command(bool perf_clear);
    void close_layer(const Counters &now);
    void end_command();

    AccelConfig cfg_;
    EnergyTable energy_;
    rtl::AccelCoreConfig core_cfg_;
    std::unique_ptr<rtl::AccelCore> core_;
    sc_core::sc_time period_;
    sc_core::sc_time base_time_ = sc_core::SC_ZERO_TIME;
    uint64_t base_cycle_ = 0;
    bool running_ = false, last_irq_ = false, snapshot_due_ = false;
    sc_core::sc_event wake_ev_, irq_ev_;
    sc_core::sc_signal<bool> busy_sig_, irq_sig_;
    sc_core::sc_signal<uint32_t> layer_sig_;
    /* the running command */
    uint32_t cmd_addr_ = 0, cmd_count_ = 0, cmd_layer_ = 0;
    Counters layer_start_, last_;
    double layer_start_ps_ = 0;
    std::vector<LayerStats> layers_;
    LayerTotals *totals_ = nullptr;
    uint64_t layers_run_ = 0;
    std::vector<std::string> errors_;
    std::vector<TraceEvent> trace_;
    uint64_t commands_ = 0;
    uint32_t layer_counter_ = 0;
};

/* The platform device (model/platform/device.h). */
class RtlAccelDevice : public hq::Device {
  public:
    explicit RtlAccelDevice(const hq::DeviceContext &ctx);
    tlm::tlm_target_socket<32> *target_socket() override { return &accel_->csr_socket; }
    tlm::tlm_initiator_socket<32> *initiator_socket() override { return &accel_->dma_socket; }
    void wire(hq::Wiring &w) override;
    void report(nlohmann::json &j) const override;
    RtlAccel &accel() { return *accel_; }

  private:
    unsigned irq_;
    std::unique_ptr<RtlAccel> accel_;
    sc_core::sc_signal<bool> unconnected_irq_;
};

constexpr const char *kRtlAccelDeviceType = "hq_accel_rtl";
/* Keeps this file's registration linked in from the static library. */
void link_rtl_accel_device();
/* "" when the Verilated accelerator is built in, else why not. */
std::string rtl_accel_unavailable();

} // namespace hq::accel

#endif
