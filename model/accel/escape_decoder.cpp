/* `escape` (OliVe style): a low plane where the marker code flags a high weight, then the
 * high values, hi bits each, in row-major order of the markers. Sequential by nature (the
 * value index is the prefix count of markers). One symbol = one low code or one high value. */
#include "accel/bit_reader.h"
#include "accel/layout_registry.h"
#include "accel/weight_decoder.h"

namespace hq::accel {

static std::string decode_escape(const ImageHeader &h, const uint8_t *img, DecodedWeights *out) {
    const unsigned lo = h.lo, hi = h.hi;
    if (lo < 2) return "escape: header says lo=" + std::to_string(lo) + " (needs 2..4)";
    const size_t count = (size_t)h.rows * h.cols;
    std::string err;
    size_t off_v = image_section(h.payload, count * lo, h.total, "escape low plane", &err);
    if (!off_v) return err;
    const uint8_t *plane = img + h.payload;
    size_t markers = 0;
    for (size_t i = 0; i < count; i++)
        markers += read_bits(plane, i * lo, lo) == marker_pattern(lo);
    if (!image_section(off_v, markers * hi, h.total, "escape high values", &err)) return err;
    const int qmax = (1 << (hi - 1)) - 1;
    size_t k = 0;
    for (unsigned r = 0; r < h.rows; r++)
        for (unsigned c = 0; c < h.cols; c++) {
            const size_t i = (size_t)r * h.cols + c;
            uint32_t pat = read_bits(plane, i * lo, lo);
            if (pat != marker_pattern(lo)) {
                out->set_low(r, c, low_code(pat, lo));
                continue;
            }
            int v = read_signed_bits(img + off_v, k * hi, hi);
            k++;
            if (v == 0 || v < -qmax)
                return "escape: high value " + std::to_string(k - 1) + " (row " +
                       std::to_string(r) + ") is " + std::to_string(v) + ": invalid";
            out->set_high(r, c, v);
        }
    out->symbols = count + markers;
    return "";
}

const LayoutDecoder kLayoutDecoder_ESCAPE{HQ_ACCEL_LAYOUT_ESCAPE, "escape", "escape",
                                          decode_escape};

} // namespace hq::accel
