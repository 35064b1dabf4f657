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

/* Decoded weights: the plane of effective weights, row-major [rows][stride] (stride: cols
 * rounded up to kPeGemmPad, the padding 0), as the PE arrays take it, and the high flags
 * [rows][cols] as bits, bit i of word i / 64 (prepared_weights.h moves both there). A low
 * weight is its code c shifted by its row's lo_shift (the decoders refuse a shift that leaves
 * int8); a high weight its value on the row's high grid. A byte and a bit per weight: the
 * decoder's temporaries of a big layer were three bytes (low code, high value, flag) beside
 * the plane (issue 16: resident peak). A uniform layer (lo_bits 0) has every weight high and
 * no flag words. */
struct DecodedWeights {
    unsigned rows = 0, cols = 0, lo_bits = 0, hi_bits = 8;
    unsigned stride = 0;
    std::vector<int8_t> w;
    std::vector<uint64_t> high_words;
    std::vector<uint8_t> lo_shift;
    uint64_t n_hi = 0;
    uint64_t symbols = 0; /* decoder steps, for the energy model (see each decoder) */
    /* weight i = r * cols + c */
    int effective(size_t i) const { return w[i / cols * stride + i % cols]; }
    bool high(size_t i) const { return !lo_bits || (high_words[i >> 6] >> (i & 63) & 1); }
    /* Row r, column c is low with code c (checked by the decoder). */
    void set_low(unsigned r, unsigned c, int code) {
        w[(size_t)r * stride + c] = (int8_t)(code * (1 << lo_shift[r]));
    }
    /* Row r, column c holds the high value v, flagged high unless flag is false (a
     * rowgroup high row's 0). */
    void set_high(unsigned r, unsigned c, int v, bool flag = true) {
        w[(size_t)r * stride + c] = (int8_t)v;
        if (!lo_bits) return; /* every weight high */
        const size_t i = (size_t)r * cols + c;
        high_words[i >> 6] =
            (high_words[i >> 6] & ~(uint64_t(1) << (i & 63))) | (uint64_t(flag) << (i & 63));
    }
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
