/* Parameters of the accelerator: PE-array kind and size, buffers, and the timing of every
 * unit (configs/timing/<name>.json), plus the per-action energy table (configs/energy/<name>.json).
 * These numbers are the hook that RTL and FPGA measurements annotate. */
#ifndef HQ_ACCEL_CONFIG_H
#define HQ_ACCEL_CONFIG_H

#include "hq_accel_regmap.h"
#include "accel/block_rate.h"
#include "accel/layout_registry.h"

#include <array>
#include <cstdint>
#include <string>

namespace hq::accel {

enum class Arch : uint8_t {
    Uniform8 = HQ_ACCEL_ARCH_UNIFORM8,
    Split = HQ_ACCEL_ARCH_SPLIT,
    LaneGroup = HQ_ACCEL_ARCH_LANEGROUP
};

/* Name <-> id of the array kinds: array_registry.h. */
const char *arch_name(Arch a);
bool parse_arch(const std::string &s, Arch *a);

/* What computes the lanegroup array's products: the C++ model or a Verilated RTL tile (the
 * RTL bridge, model/rtl_bridge; hqsim run --pe-impl, device param "pe_impl"). */
enum class PeImpl : uint8_t { Model, Rtl };
const char *pe_impl_name(PeImpl p);
bool parse_pe_impl(const std::string &s, PeImpl *p);

/* Every value of a default-constructed AccelConfig or EnergyTable comes from
 * configs/timing/default.json or configs/energy/default.json, embedded at build time
 * (configs/defaults.cmake): no default is typed in C++. A config file given at run time
 * changes only the keys it has. */
struct AccelConfig {
    AccelConfig(); /* the values of configs/timing/default.json */
    Arch arch{};
    double clock_hz{};
    /* PE array: pe_tiles copies of the RTL tile (rtl/pe_tile.v, docs/pe-array.md) work in
     * parallel on different output rows of the same activation vector. Each has `lanes`
     * lanes (weights per beat), lane groups of lane_group lanes sharing one outlier MAC
     * (lanegroup) or a high-precision unit of hi_macs MACs (split), and an activation buffer
     * of nb_max beats (K <= nb_max * lanes). The weight buffer holds a row tile of
     * pe_tiles * rows_per_tile rows. */
    unsigned pe_tiles{}, rows_per_tile{}, lanes{}, lane_group{}, hi_macs{};
    unsigned nb_max{};
    unsigned tile_overhead{};     /* period = nbeats + S + tile_overhead (RTL: 2) */
    unsigned pipeline_latency{};  /* latency = nbeats + S + pipeline_latency (RTL: 9) */
    unsigned out_per_cycle{};     /* output-path (requantize/pool/write) results per cycle */
    unsigned desc_fetch_cycles{}; /* decode one descriptor after its bytes arrive */
    /* Row parameters: the unit takes a row's 12 bytes in param_cycles_per_row cycles (RTL: 3,
     * a 4-byte word path); the phase ends when both the DMA and this path are done. The path
     * still needs param_tail_cycles_per_row per row after the DMA's last byte (RTL: 1.5, the
     * words taken one a cycle as they arrive, slower than 8-byte beats bring them). */
    double param_cycles_per_row{}, param_tail_cycles_per_row{};
    /* The RTL's sequence (stream.*, docs/accel.md "Streaming"): when stream is set, a layer
     * reads its weight header and lo_shift table before the row parameters, then runs image
     * after image (input DMA, rows, output DMA), the rows streamed back to back through the
     * array with the vector held instead of row tiles. Per row: its beats plus
     * stream_row_cycles, at least stream_int32_row_cycles for int32 results; per image
     * stream_image_cycles; per conv position stream_position_cycles, the im2col unit emitting
     * im2col_bytes_per_cycle bytes of the K-vector per cycle. */
    bool stream{};
    double stream_row_cycles{}, stream_int32_row_cycles{}, stream_image_cycles{};
    double stream_position_cycles{}, im2col_bytes_per_cycle{};
    /* stream: cycles the im2col unit adds per K-vector; cycles every transfer waits before
     * it starts (the RTL's issue state and bus turnaround) */
    double stream_vector_cycles{};
    unsigned stream_transfer_cycles{};
    /* stream: cycles after every transfer's last read beat (a write's response) before the
     * next step starts (RTL: 3, the engine's outstanding count, its idle flag, the state) */
    unsigned stream_transfer_tail_cycles{};
    /* stream: cycles per byte the 4-byte control words (descriptor, weight header, lo_shift
     * table, partial sums) still take after their DMA's last beat (RTL: 0.125, one word a
     * cycle against two per 8-byte beat; the row parameters have row_params.*) */
    double stream_word_tail_cycles_per_byte{};
    /* stream: cycles per output byte an image's output write takes besides its DMA (the RTL in
     * the platform: about one per 8-byte write beat) */
    double stream_write_byte_cycles{};
    /* stream: bytes per beat of the read port (RTL: 8, its 64-bit AXI). A weight pass's rows
     * start no earlier than the section's first beat, taken as arriving one cycle per beat
     * before its last (the read engine's rate); 0: the rows start when the fetch is issued. */
    unsigned stream_read_beat_bytes{};
    /* Buffers (bytes). Double buffering lets a weight row tile load while the last computes. */
    uint32_t weight_buffer{}, act_buffer{}, out_buffer{};
    bool double_buffer{};
    /* Weight beats kept on chip across the images of a batch (RTL: WBUF_BEATS). 0: no limit,
     * every layer's weights are read once per batch; else a layer whose rows x beats exceed it
     * streams its weights again for every image. */
    uint32_t weight_store_beats{};
    /* Decompressor throughput in weights per cycle, per layout (LAYOUT_*). Layouts with one
     * rate key share the entry at layout_rate_slot(). */
    std::array<double, kLayoutCount> dec_weights_per_cycle{};
    /* decompressor.block_rule: the RTL block decoder's rate per format (block_rate.h) */
    BlockRule block_rule{};
    unsigned tile_rows() const { return pe_tiles * rows_per_tile; }
    /* Layouts the array accepts (bit n = LAYOUT n; array_registry.h). */
    uint32_t supported_layouts() const;
    double cycle_ps() const { return 1e12 / clock_hz; }

    /* Not a timing parameter: set by the accelerator device's "pe_impl" param. */
    PeImpl pe_impl = PeImpl::Model;

  private:
    struct Blank {};
    explicit AccelConfig(Blank) {}
    friend const AccelConfig &built_in_timing();
};

/* Loads a timing config (configs/timing/default.json); throws hq::ConfigError with the file
 * and key on any problem. Keys absent from the file keep the values *cfg has. */
void load_timing_config(const std::string &path, AccelConfig *cfg);

/* Energy per action, picojoules (configs/energy/default.json). */
struct EnergyTable {
    EnergyTable(); /* the values of configs/energy/default.json */
    /* By weight bits; the widths the accelerator takes (lo 1..4, hi 4 or 8) are all in the
     * default table, the others stay 0. */
    double mac_pj[9]{};
    double sram_byte_pj{};
    double dram_byte_pj{};
    double dram_activate_pj{};
    uint32_t dram_row_bytes{};
    double decoder_symbol_pj{};

  private:
    struct Blank {};
    explicit EnergyTable(Blank) {}
    friend const EnergyTable &built_in_energy();
};
void load_energy_table(const std::string &path, EnergyTable *e);

/* The built-in defaults (what the default constructors copy). */
const AccelConfig &built_in_timing();
const EnergyTable &built_in_energy();

} // namespace hq::accel

#endif
