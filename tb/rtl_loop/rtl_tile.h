/* The Verilated PE tile (rtl/pe_tile.v, 'default' configuration of rtl/configs.json) behind a
 * plain C++ interface, for `hqsim run --pe-impl rtl` (model/accel/rtl_pe_array.cpp). No
 * Verilator type leaks out of this header, so the model compiles without Verilator. */
#ifndef HQ_RTL_TILE_H
#define HQ_RTL_TILE_H

#include <cstdint>
#include <memory>
#include <string>

namespace hq::rtl {

/* The tile shape this library was Verilated with. */
struct TileShape {
    int lanes, g, m, n, lo, hi, nb_max;
};
const TileShape &tile_shape();

/* Per tile: cycles from the first activation beat to the last output beat, measured on the
 * RTL and from the formula of docs/pe-array.md (nbeats + S + PE_PIPE_LATENCY). */
struct TileCycleCount {
    long measured = 0, formula = 0;
};

class RtlTile {
  public:
    RtlTile();
    ~RtlTile();
    RtlTile(const RtlTile &) = delete;
    RtlTile &operator=(const RtlTile &) = delete;
    /* acc[r] (r < rows) = sum_j w[r][j] * act[j] with w the effective weights on the high grid
     * (is_hi[r][j] marks the high ones, lo_shift[r] the row's low scale), computed by the RTL
     * from the `block`-packed weight stream. Returns "" or a message (shape the RTL cannot
     * take, packer error, RTL timeout). */
    std::string run(int k, int rows, const uint8_t *act, const int8_t *w, const uint8_t *is_hi,
                    const uint8_t *lo_shift, int32_t *acc, TileCycleCount *cyc);

  private:
    struct Impl;
    std::unique_ptr<Impl> p_;
};

} // namespace hq::rtl

#endif
