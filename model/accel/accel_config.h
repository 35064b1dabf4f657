/* Parameters of the accelerator: PE-array kind and size, buffers, and the timing of every
 * unit (configs/timing/<name>.json), plus the per-action energy table (configs/energy/<name>.json).
 * These numbers are the hook that RTL and FPGA measurements annotate. */
#ifndef HQ_ACCEL_CONFIG_H
#define HQ_ACCEL_CONFIG_H

#include "hq_accel_regmap.h"

#include <array>
#include <cstdint>
#include <string>

namespace hq::accel {

enum class Arch : uint8_t {
    Uniform8 = HQ_ACCEL_ARCH_UNIFORM8,
    Split = HQ_ACCEL_ARCH_SPLIT,
    LaneGroup = HQ_ACCEL_ARCH_LANEGROUP
};
constexpr int kLayoutCount = 5; /* LAYOUT_DENSE .. LAYOUT_ESCAPE */

const char *arch_name(Arch a);
bool parse_arch(const std::string &s, Arch *a);
const char *layout_name(unsigned layout);

/* What computes the lanegroup array's products: the C++ model or a Verilated RTL tile (the
 * RTL bridge, model/rtl_bridge; hqsim run --pe-impl, device param "pe_impl"). */
enum class PeImpl : uint8_t { Model, Rtl };
const char *pe_impl_name(PeImpl p);
bool parse_pe_impl(const std::string &s, PeImpl *p);

struct AccelConfig {
    Arch arch = Arch::LaneGroup;
    double clock_hz = 200e6;
    /* PE array: pe_tiles copies of the RTL tile (rtl/pe_tile.v, docs/pe-array.md) work in
     * parallel on different output rows of the same activation vector. Each has `lanes`
     * lanes (weights per beat), lane groups of lane_group lanes sharing one outlier MAC
     * (lanegroup) or a high-precision unit of hi_macs MACs (split), and an activation buffer
     * of nb_max beats (K <= nb_max * lanes). The weight buffer holds a row tile of
     * pe_tiles * rows_per_tile rows. */
    unsigned pe_tiles = 4, rows_per_tile = 4, lanes = 64, lane_group = 32, hi_macs = 2;
    unsigned nb_max = 64;
    unsigned tile_overhead = 2;     /* period = nbeats + S + tile_overhead (RTL: 2) */
    unsigned pipeline_latency = 9;  /* latency = nbeats + S + pipeline_latency (RTL: 9) */
    unsigned out_per_cycle = 16;    /* output-path (requantize/pool/write) results per cycle */
    unsigned desc_fetch_cycles = 8; /* decode one descriptor after its bytes arrive */
    /* Buffers (bytes). Double buffering lets a weight row tile load while the last computes. */
    uint32_t weight_buffer = 64 * 1024, act_buffer = 256 * 1024, out_buffer = 256 * 1024;
    bool double_buffer = true;
    /* Decompressor throughput in weights per cycle, per layout (LAYOUT_*), and the symbol
     * each layout decodes per step (for energy). */
    std::array<double, kLayoutCount> dec_weights_per_cycle{{8, 8, 32, 16, 32}};
    unsigned tile_rows() const { return pe_tiles * rows_per_tile; }
    /* Layouts the array accepts (bit n = LAYOUT n). */
    uint32_t supported_layouts() const;
    double cycle_ps() const { return 1e12 / clock_hz; }
    /* Not a timing parameter: set by the accelerator device's "pe_impl" param. */
    PeImpl pe_impl = PeImpl::Model;
};

/* Loads a timing config (configs/timing/default.json); throws hq::ConfigError with the file
 * and key on any problem. Keys absent from the file keep the defaults above. */
void load_timing_config(const std::string &path, AccelConfig *cfg);

/* Energy per action, picojoules (configs/energy/default.json). */
struct EnergyTable {
    double mac_pj[9] = {0, 0.05, 0.06, 0.08, 0.10, 0.12, 0.16, 0.22, 0.30}; /* by weight bits */
    double sram_byte_pj = 1.25;
    double dram_byte_pj = 162.5;
    double dram_activate_pj = 1000;
    uint32_t dram_row_bytes = 2048;
    double decoder_symbol_pj = 0.1;
};
void load_energy_table(const std::string &path, EnergyTable *e);

} // namespace hq::accel

#endif
