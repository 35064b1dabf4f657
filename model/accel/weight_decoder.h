/* Weight decompressors, one per layout of docs/layouts.md. The weight stream of a layer is a
 * self-describing "layer image": a 16-byte header, the per-row lo_shift table (when lo > 0),
 * the layout's sections (each 16-byte aligned) and padding to the DRAM burst. The decoders are
 * written from the documented byte format, independently of the C packers/decoders in
 * sw/lib/layout (tests/accel cross-checks them on the same images). Every field is checked: a
 * malformed image is an error (ERR_WEIGHTS), never a wrong result. */
#ifndef HQ_ACCEL_WEIGHT_DECODER_H
#define HQ_ACCEL_WEIGHT_DECODER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hq::accel {

/* What the descriptor says about the layer; the image header must agree. */
struct WeightFormat {
    unsigned layout = 0; /* LAYOUT_* */
    unsigned rows = 0, cols = 0;
    unsigned lo_bits = 0; /* 0 = uniform (every weight on the high grid) */
    unsigned hi_bits = 8;
    unsigned block_n = 0, block_m = 0; /* block layout only */
};

/* Decoded weights, row-major [rows][cols]:
 *  lo: low code c (the weight is worth c << lo_shift[row]); 0 where the weight is high;
 *  hi: high value on the row's high grid; 0 where the weight is low;
 * a uniform layer (lo_bits 0) has every weight in `hi` and is_hi all 1. */
struct DecodedWeights {
    unsigned rows = 0, cols = 0, lo_bits = 0, hi_bits = 8;
    std::vector<int8_t> lo, hi;
    std::vector<uint8_t> is_hi, lo_shift;
    uint64_t n_hi = 0;
    uint64_t symbols = 0; /* decoder steps, for the energy model (see each decoder) */
    int effective(size_t i) const { return is_hi[i] ? hi[i] : lo[i] * (1 << lo_shift[i / cols]); }
};

/* Parsed layer-image header. */
struct ImageHeader {
    unsigned layout, lo, hi, n, m, rows, cols, version;
    uint32_t total;
    size_t payload; /* byte offset of the first layout section */
};

constexpr size_t kImageHeaderBytes = 16;
constexpr size_t kSectionAlign = 16;
constexpr unsigned kImageVersion = 1;
constexpr unsigned kCooDeltaBits = 8;

/* Decodes an image of `n` bytes against the descriptor's format. Returns "" or a message. */
std::string decode_weights(const WeightFormat &f, const uint8_t *bytes, size_t n,
                           DecodedWeights *out);

/* Helpers shared by the per-layout decoders (layer_image.cpp). */
std::string read_image_header(const uint8_t *bytes, size_t n, ImageHeader *h);
/* A section of `bits` bits at byte offset off: returns the next section's offset, or 0 when
 * it runs past the image (message in *err). */
size_t image_section(size_t off, size_t bits, size_t total, const char *what, std::string *err);
/* Low code of a pattern (binary lo = 1: 1 -> +1, 0 -> -1) and the marker pattern (lo >= 2). */
inline int low_code(uint32_t pat, unsigned lo) {
    if (lo == 1) return pat ? 1 : -1;
    uint32_t sign = 1u << (lo - 1);
    return (int)(pat ^ sign) - (int)sign;
}
inline uint32_t marker_pattern(unsigned lo) {
    return 1u << (lo - 1);
}

/* The per-layout decoders are registered in layout_registry.h. */

} // namespace hq::accel

#endif
