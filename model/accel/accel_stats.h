/* What the accelerator reports: per-layer statistics (the rows of `hqsim run --csv/--json`)
 * and unit-activity intervals for the Chrome/Perfetto trace, the PNG timeline and the VCD. */
#ifndef HQ_ACCEL_STATS_H
#define HQ_ACCEL_STATS_H

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace hq::accel {

/* Units that show up in traces, in display order. */
enum class Unit : uint8_t { Control, DmaIn, Weights, Decoder, Array, Output, DmaOut, Count };
const char *unit_name(Unit u);

/* The per-layer statistics, declared once: the struct, the accumulation over a layer's
 * invocations and the JSON/CSV writers (accel_stats.cpp) are generated from this table.
 * X(type, member, merge, csv column, JSON object, JSON key, CSV format):
 *   merge  Keep: the first invocation's value; Sum: summed; Busy: average weighted by the
 *          array-busy cycles (compute + stall_outlier);
 *   csv column / JSON key nullptr: not written (JSON object nullptr: at the top level).
 * The CSV columns follow the table's order. */
// clang-format off
#define HQ_LAYER_STATS_FIELDS(X)                                                                   \
    X(unsigned, index, Keep, nullptr, nullptr, nullptr, "")     /* descriptor index in its command */ \
    X(uint32_t, desc_addr, Keep, nullptr, nullptr, nullptr, "") /* identifies the network layer */ \
    X(unsigned, op, Keep, nullptr, nullptr, nullptr, "")                                           \
    X(unsigned, layout, Keep, nullptr, nullptr, nullptr, "")                                       \
    X(unsigned, rows, Keep, "rows", nullptr, "rows", "%u")                                         \
    X(unsigned, cols, Keep, "cols", nullptr, "cols", "%u")                                         \
    X(unsigned, batch, Keep, nullptr, nullptr, nullptr, "")                                        \
    X(uint64_t, vectors, Sum, "vectors", nullptr, "vectors", "%llu") /* batch x positions */       \
    X(uint64_t, macs, Sum, "macs", nullptr, "macs", "%llu")                                        \
    /* cycles = compute + stall_outlier + stall_dram + stall_decoder + output + control */        \
    X(uint64_t, cycles, Sum, "cycles", nullptr, "cycles", "%llu")                                  \
    X(uint64_t, compute, Sum, "compute_cycles", nullptr, "compute_cycles", "%llu")                 \
    X(uint64_t, stall_dram, Sum, "stall_dram", "stall_cycles", "dram", "%llu")                     \
    X(uint64_t, stall_decoder, Sum, "stall_decompressor", "stall_cycles", "decompressor", "%llu")  \
    X(uint64_t, stall_outlier, Sum, "stall_outlier", "stall_cycles", "outlier", "%llu")            \
    X(uint64_t, output, Sum, "output_cycles", nullptr, "output_cycles", "%llu")                    \
    X(uint64_t, control, Sum, "control_cycles", nullptr, "control_cycles", "%llu")                 \
    X(uint64_t, stall_dram_write, Sum, nullptr, nullptr, nullptr, "") /* stall_dram: DMA out */ \
    /* useful MACs / (array MACs x array-busy cycles); high: split's high unit, lanegroup's    \
     * outlier MACs (PeArray::utilization) */                                                     \
    X(double, util_array, Busy, "util_array", "utilization", "array", "%.6f")                      \
    X(double, util_hi, Busy, "util_high", "utilization", "high", "%.6f")                           \
    X(uint64_t, dram_read, Sum, "dram_read_bytes", nullptr, "dram_read", "%llu")                   \
    X(uint64_t, dram_written, Sum, "dram_write_bytes", nullptr, "dram_written", "%llu")            \
    X(uint64_t, weight_bytes, Sum, "weight_bytes", nullptr, "weight_bytes", "%llu")                \
    X(uint64_t, sram_bytes, Sum, "sram_bytes", nullptr, "sram_bytes", "%llu")                      \
    X(uint64_t, decoder_symbols, Sum, "decoder_symbols", nullptr, "decoder_symbols", "%llu")       \
    X(double, energy_pj, Sum, "energy_pj", nullptr, "energy_pj", "%.3f")                           \
    X(double, energy_mac_pj, Sum, "energy_mac_pj", "energy_breakdown_pj", "mac", "%.3f")           \
    X(double, energy_sram_pj, Sum, "energy_sram_pj", "energy_breakdown_pj", "sram", "%.3f")        \
    X(double, energy_dram_pj, Sum, "energy_dram_pj", "energy_breakdown_pj", "dram", "%.3f")        \
    X(double, energy_decoder_pj, Sum, "energy_decoder_pj", "energy_breakdown_pj", "decoder", "%.3f") \
    X(uint64_t, macs_lo, Sum, nullptr, nullptr, nullptr, "")                                       \
    X(uint64_t, macs_hi, Sum, nullptr, nullptr, nullptr, "")                                       \
    X(uint64_t, dram_transactions, Sum, nullptr, nullptr, nullptr, "")                             \
    X(uint64_t, row_tiles, Keep, nullptr, nullptr, nullptr, "") /* weight row tiles */             \
    X(uint64_t, beats, Keep, nullptr, nullptr, nullptr, "")     /* beats per row (K / lanes) */    \
    /* decoded weights reused (host speed only, no timing effect) */                              \
    X(bool, cache_hit, Keep, nullptr, nullptr, nullptr, "")                                        \
    X(double, start_ps, Keep, nullptr, nullptr, nullptr, "") /* simulation time the layer started */

// clang-format on

/* Values the JSON report derives from the fields: X(JSON key, expression of s). */
#define HQ_LAYER_STATS_DERIVED(X) X("dram_bytes", s.dram_read + s.dram_written)

struct LayerStats {
#define HQ_LAYER_STATS_MEMBER_(type, member, merge, csv, group, key, fmt) type member{};
    HQ_LAYER_STATS_FIELDS(HQ_LAYER_STATS_MEMBER_)
#undef HQ_LAYER_STATS_MEMBER_
};

/* Adds another invocation b of the same layer into a (the table's merge rules). */
void accumulate(LayerStats &a, const LayerStats &b);
/* The table's JSON keys of s, set in j (nested objects as the table says). */
void layer_stats_to_json(const LayerStats &s, nlohmann::json &j);
/* The table's CSV column names and s's values, each preceded by a comma. */
void layer_stats_csv_header(std::FILE *f);
void layer_stats_csv_row(std::FILE *f, const LayerStats &s);

/* The layer invocations of a run summed per descriptor of its table, what `hqsim run`'s
 * report needs of them, in place of a LayerStats (about 330 bytes) per invocation: 6 per
 * token of the BERT layer, 3 per MLP image, 10 MB over MNIST's test set (issue 16). The
 * descriptor at table + i * desc_bytes is row i; the first invocation of a row is kept as it
 * is (index set to i), the others accumulate() into it, in the order they ran. */
class LayerTotals {
  public:
    struct Row {
        LayerStats sum;
        uint64_t invocations = 0;
    };
    LayerTotals(uint32_t table, size_t n_desc, uint32_t desc_bytes)
        : table_(table), desc_bytes_(desc_bytes), rows_(n_desc) {}
    void add(const LayerStats &s);
    const std::vector<Row> &rows() const { return rows_; }
    /* Over the invocations of the table's descriptors, summed in the order they ran. */
    uint64_t cycles = 0, dram_bytes = 0, weight_bytes = 0;
    double energy_pj = 0;

  private:
    uint32_t table_, desc_bytes_;
    std::vector<Row> rows_;
};

struct TraceEvent {
    Unit unit;
    uint32_t layer; /* global layer counter */
    double start_ps, dur_ps;
};

} // namespace hq::accel

#endif
