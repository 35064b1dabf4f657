/* Bus-word <-> bytes for the Verilated AXI data ports, whatever C type Verilator gives the
 * port for the data width (32: uint32_t, 64: uint64_t, 128: VlWide<4>). Little-endian. */
#ifndef HQ_TB_AXI_DATA_H
#define HQ_TB_AXI_DATA_H

#include <verilated.h>

#include <cstdint>
#include <cstring>

inline void axi_put(uint32_t &d, const uint8_t *b) {
    std::memcpy(&d, b, 4);
}
inline void axi_put(uint64_t &d, const uint8_t *b) {
    std::memcpy(&d, b, 8);
}
template <std::size_t W> void axi_put(VlWide<W> &d, const uint8_t *b) {
    for (std::size_t i = 0; i < W; i++)
        std::memcpy(&d[i], b + 4 * i, 4);
}
inline void axi_get(const uint32_t &d, uint8_t *b) {
    std::memcpy(b, &d, 4);
}
inline void axi_get(const uint64_t &d, uint8_t *b) {
    std::memcpy(b, &d, 8);
}
template <std::size_t W> void axi_get(const VlWide<W> &d, uint8_t *b) {
    for (std::size_t i = 0; i < W; i++) {
        const uint32_t w = d[i];
        std::memcpy(b + 4 * i, &w, 4);
    }
}

#endif
