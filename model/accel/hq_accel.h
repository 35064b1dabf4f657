/* The accelerator as a SystemC module: a bus target for its registers (csr_block), a bus
 * initiator for its DMA, an interrupt output, and a command thread that runs descriptors
 * through the layer engine. Loosely timed: each layer costs one wait() of its cycles. */
#ifndef HQ_ACCEL_HQ_ACCEL_H
#define HQ_ACCEL_HQ_ACCEL_H

#include "accel/accel_config.h"
#include "accel/accel_stats.h"
#include "accel/csr_block.h"
#include "accel/dma_engine.h"
#include "accel/layer_engine.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <string>
#include <vector>

namespace hq::accel {

class HqAccel : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<HqAccel> csr_socket;
    tlm_utils::simple_initiator_socket<HqAccel> dma_socket;
    sc_core::sc_out<bool> irq;

    HqAccel(sc_core::sc_module_name name, const AccelConfig &cfg, const EnergyTable &energy);

    const AccelConfig &config() const { return cfg_; }
    const CsrBlock &csr() const { return csr_; }
    /* Every layer run so far, in order (none once sum_layers_into), and the messages of
     * failed commands. */
    const std::vector<LayerStats> &layers() const { return layers_; }
    /* From now on each finished layer is added to *t instead of kept in layers(). */
    void sum_layers_into(LayerTotals *t) { totals_ = t; }
    uint64_t layers_run() const { return layers_run_; }
    const std::vector<std::string> &errors() const { return errors_; }
    const std::vector<TraceEvent> &trace() const { return trace_; }
    void enable_trace(bool on) { tracing_ = on; }
    /* Adds the busy / irq / layer signals to a VCD file. */
    void trace_signals(sc_core::sc_trace_file *tf) const;
    uint64_t commands() const { return commands_; }
    const LayerEngine &engine() const { return engine_; }

  private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &gp);
    void command_thread();
    void update_irq();

    AccelConfig cfg_;
    EnergyTable energy_;
    CsrBlock csr_;
    DmaEngine dma_;
    LayerEngine engine_;
    sc_core::sc_event start_ev_, irq_ev_;
    sc_core::sc_signal<bool> busy_sig_, irq_sig_;
    sc_core::sc_signal<uint32_t> layer_sig_;
    std::vector<LayerStats> layers_;
    LayerTotals *totals_ = nullptr;
    uint64_t layers_run_ = 0;
    std::vector<std::string> errors_;
    std::vector<TraceEvent> trace_;
    bool tracing_ = false;
    uint64_t commands_ = 0;
    uint32_t layer_counter_ = 0;
};

} // namespace hq::accel

#endif
