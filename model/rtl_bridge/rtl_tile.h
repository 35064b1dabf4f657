/* The Verilated PE tile (rtl/pe_tile.v) behind a plain C++ interface, for `hqsim run
 * --pe-impl rtl` (rtl_pe_array.cpp). The library holds several configurations of
 * rtl/configs.json, each Verilated with its own prefix (Vpe_tile_<name>) and rtl_tile.inc
 * compiled once per configuration (CMakeLists.txt here, HQ_RTL_LOOP_CONFIGS); configs() lists
 * them. No Verilator type leaks out of this header, so the model compiles without Verilator. */
#ifndef HQ_RTL_TILE_H
#define HQ_RTL_TILE_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hq::rtl {

/* A configuration's tile shape (the pe_tile parameters that matter to the model). */
struct TileShape {
    int lanes, g, m, n, lo, hi, nb_max;
};

/* Per tile: cycles from the first activation beat to the last output beat, measured on the
 * RTL and from the formula of docs/pe-array.md (nbeats + S + PE_PIPE_LATENCY). */
struct TileCycleCount {
    long measured = 0, formula = 0;
};

/* One Verilated tile instance. */
class RtlTile {
  public:
    virtual ~RtlTile() = default;
    /* acc[r] (r < rows) = sum_j w[r][j] * act[j] with w the effective weights on the high grid
     * (is_hi[r][j] marks the high ones, lo_shift[r] the row's low scale), computed by the RTL
     * from the weights packed by the library's `block` packer with the tile's N:M. Returns ""
     * or a message (shape the RTL cannot take, packer error, RTL timeout). */
    virtual std::string run(int k, int rows, const uint8_t *act, const int8_t *w,
                            const uint8_t *is_hi, const uint8_t *lo_shift, int32_t *acc,
                            TileCycleCount *cyc) = 0;
};

/* A configuration built into the library: its rtl/configs.json name, shape and factory. */
struct TileConfig {
    const char *name;
    TileShape shape;
    std::unique_ptr<RtlTile> (*make)();
};
/* The configurations, in the order of HQ_RTL_LOOP_CONFIGS (CMakeLists.txt here). */
const std::vector<TileConfig> &configs();

} // namespace hq::rtl

#endif
