/* The descriptor/command unit and the datapath it drives for one layer: fetch and check the
 * descriptor, DMA the row parameters and input activations in, stream and decompress the
 * weights row tile by row tile (double-buffered), run the PE array, requantize / pool in the
 * output path and DMA the results out.
 *
 * Loosely timed: the layer is computed functionally in zero simulated time while a schedule
 * of its units is built in accelerator cycles (DRAM latencies come from the memory target);
 * the caller then waits for the layer's cycles. docs/accel.md gives the schedule. */
#ifndef HQ_ACCEL_LAYER_ENGINE_H
#define HQ_ACCEL_LAYER_ENGINE_H

#include "accel/accel_config.h"
#include "accel/accel_stats.h"
#include "accel/descriptor.h"
#include "accel/dma_engine.h"
#include "accel/output_unit.h"
#include "accel/pe_array.h"
#include "accel/row_param_cache.h"
#include "accel/weight_cache.h"

#include <memory>
#include <string>
#include <vector>

namespace hq::accel {

struct LayerResult {
    unsigned err = HQ_ACCEL_ERR_NONE;
    std::string message; /* for the host log; the firmware only sees the code */
    uint64_t err_addr = 0;
    LayerStats stats; /* cycles so far even on error */
};

class LayerEngine {
  public:
    LayerEngine(const AccelConfig &cfg, const EnergyTable &energy, DmaEngine &dma);
    ~LayerEngine();

    /* Runs the descriptor at desc_addr. trace (may be NULL) receives unit intervals with
     * absolute times from start_ps. */
    LayerResult run(uint32_t desc_addr, unsigned index, double start_ps, uint32_t layer_id,
                    std::vector<TraceEvent> *trace);

    const PeArray &array() const { return *array_; }
    const WeightCache &cache() const { return cache_; }

  private:
    struct Run;
    bool peek_image(uint32_t addr, uint32_t n, uint64_t *bad_addr);
    const AccelConfig &cfg_;
    const EnergyTable &energy_;
    DmaEngine &dma_;
    std::unique_ptr<PeArray> array_;
    WeightCache cache_;
    bool in_place_ = true; /* weight images read in place where memory lends them */
    /* scratch kept between layers to avoid reallocating */
    std::vector<uint8_t> in_, pooled_, image_, params_raw_, psum_raw_;
    /* the output buffer: uint8 codes or int32 results (logits, partial sums), one layer's
     * at a time (issue 16: two vectors kept both kinds' largest) */
    std::vector<int32_t> out_;
    std::vector<int32_t> acc_;
    std::vector<uint8_t> operands_;
    RowParamCache params_cache_;
};

} // namespace hq::accel

#endif
