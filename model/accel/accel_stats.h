/* What the accelerator reports: per-layer statistics (the rows of `hqsim run --csv/--json`)
 * and unit-activity intervals for the Chrome/Perfetto trace, the PNG timeline and the VCD. */
#ifndef HQ_ACCEL_STATS_H
#define HQ_ACCEL_STATS_H

#include <cstdint>
#include <string>
#include <vector>

namespace hq::accel {

/* Units that show up in traces, in display order. */
enum class Unit : uint8_t { Control, DmaIn, Weights, Decoder, Array, Output, DmaOut, Count };
const char *unit_name(Unit u);

struct LayerStats {
    unsigned index = 0;     /* descriptor index within its command */
    uint32_t desc_addr = 0; /* where the descriptor was (identifies the network layer) */
    unsigned op = 0, layout = 0;
    unsigned rows = 0, cols = 0, batch = 0;
    uint64_t vectors = 0; /* GEMM vectors (batch x output positions) */
    uint64_t cycles = 0;  /* = compute + stall_outlier + stall_dram + stall_decoder
                                 + output + control */
    uint64_t compute = 0, stall_outlier = 0, stall_dram = 0, stall_decoder = 0, output = 0,
             control = 0;
    uint64_t macs = 0, macs_lo = 0, macs_hi = 0;
    uint64_t dram_read = 0, dram_written = 0, weight_bytes = 0, dram_transactions = 0;
    uint64_t sram_bytes = 0, decoder_symbols = 0;
    uint64_t row_tiles = 0, beats = 0; /* weight row tiles; beats per row (K / lanes) */
    double util_array = 0;             /* useful MACs / (array MACs x array-busy cycles) */
    double util_hi = 0;                /* split: high unit; lanegroup: outlier MACs */
    double energy_pj = 0, energy_mac_pj = 0, energy_sram_pj = 0, energy_dram_pj = 0,
           energy_decoder_pj = 0;
    bool cache_hit = false; /* decoded weights reused (host speed only, no timing effect) */
    double start_ps = 0;    /* simulation time the layer started */
};

struct TraceEvent {
    Unit unit;
    uint32_t layer; /* global layer counter */
    double start_ps, dur_ps;
};

} // namespace hq::accel

#endif
