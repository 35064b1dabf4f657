/* What `hqsim run Q.hqm` reads back from the accelerator of the platform, whichever
 * implementation it is: the SystemC model (HqAccel, through sw/app) or the Verilated RTL
 * (model/rtl_bridge/rtl_accel_device.h, --accel-impl rtl). */
#ifndef HQ_ACCEL_VIEW_H
#define HQ_ACCEL_VIEW_H

#include "accel/accel_config.h"
#include "accel/accel_stats.h"

#include <systemc>

#include <cstdint>
#include <string>
#include <vector>

namespace hq::accel {

class AccelView {
  public:
    virtual ~AccelView() = default;
    virtual const AccelConfig &config() const = 0;
    /* Every layer run so far, in order (none once sum_layers_into), and the messages of
     * failed commands. */
    virtual const std::vector<LayerStats> &layers() const = 0;
    /* From now on each finished layer is added to *t (which outlives the simulation) instead
     * of kept in layers(). */
    virtual void sum_layers_into(LayerTotals *t) = 0;
    /* Layers run so far, whether kept or summed. */
    virtual uint64_t layers_run() const = 0;
    virtual const std::vector<std::string> &errors() const = 0;
    virtual const std::vector<TraceEvent> &trace() const = 0;
    virtual uint64_t commands() const = 0;
    /* Adds the busy / irq / layer signals to a VCD file. */
    virtual void trace_signals(sc_core::sc_trace_file *tf) const = 0;
};

} // namespace hq::accel

#endif
