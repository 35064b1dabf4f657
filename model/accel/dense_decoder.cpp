/* `dense`: every weight as one fixed-width code, row-major, no index. A uniform layer
 * (lo = 0) stores hi-bit values; a low-only layer lo-bit codes (the marker is invalid).
 * One symbol = one weight. */
#include "accel/bit_reader.h"
#include "accel/layout_registry.h"
#include "accel/weight_decoder.h"

namespace hq::accel {

static std::string decode_dense(const ImageHeader &h, const uint8_t *img, DecodedWeights *out) {
    const unsigned b = h.lo ? h.lo : h.hi;
    const size_t count = (size_t)h.rows * h.cols;
    std::string err;
    if (!image_section(h.payload, count * b, h.total, "dense codes", &err)) return err;
    const uint8_t *sec = img + h.payload;
    const int qmax = (1 << (h.hi - 1)) - 1;
    for (unsigned r = 0; r < h.rows; r++)
        for (unsigned c = 0; c < h.cols; c++) {
            const size_t i = (size_t)r * h.cols + c;
            uint32_t pat = read_bits(sec, i * b, b);
            if (h.lo) {
                if (h.lo >= 2 && pat == marker_pattern(h.lo))
                    return "dense: row " + std::to_string(r) + " col " + std::to_string(c) +
                           " holds the marker code";
                out->set_low(r, c, low_code(pat, h.lo));
            } else {
                int v = read_signed_bits(sec, i * b, b);
                if (v < -qmax)
                    return "dense: row " + std::to_string(r) + " value " + std::to_string(v) +
                           " outside the int" + std::to_string(h.hi) + " grid";
                out->set_high(r, c, v);
            }
        }
    out->symbols = count;
    return "";
}

const LayoutDecoder kLayoutDecoder_DENSE{HQ_ACCEL_LAYOUT_DENSE, "dense", "dense", decode_dense};

} // namespace hq::accel
