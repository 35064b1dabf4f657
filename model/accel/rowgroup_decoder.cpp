/* `rowgroup`: a bitmap of rows (1 = high row), then the high rows as one dense hi-bit stream
 * and the low rows as one dense lo-bit stream, each group in row order. In a high row a value
 * of 0 is a low weight of code 0 (lo >= 2; invalid for lo = 1, which has no 0 code).
 * One symbol = one weight. */
#include "accel/bit_reader.h"
#include "accel/layout_registry.h"
#include "accel/weight_decoder.h"

namespace hq::accel {

static std::string decode_rowgroup(const ImageHeader &h, const uint8_t *img, DecodedWeights *out) {
    const unsigned lo = h.lo, hi = h.hi;
    if (!lo) return "rowgroup: header says lo=0 (uniform layers use dense)";
    std::string err;
    size_t off_h = image_section(h.payload, h.rows, h.total, "rowgroup bitmap", &err);
    if (!off_h) return err;
    const uint8_t *map = img + h.payload;
    size_t nh = 0;
    for (unsigned r = 0; r < h.rows; r++)
        nh += read_bits(map, r, 1);
    size_t off_l = image_section(off_h, nh * h.cols * hi, h.total, "rowgroup high rows", &err);
    if (!off_l || !image_section(off_l, (h.rows - nh) * (size_t)h.cols * lo, h.total,
                                 "rowgroup low rows", &err))
        return err;
    const int qmax = (1 << (hi - 1)) - 1;
    size_t hpos = 0, lpos = 0;
    for (unsigned r = 0; r < h.rows; r++) {
        const bool high = read_bits(map, r, 1);
        for (unsigned j = 0; j < h.cols; j++) {
            if (high) {
                int v = read_signed_bits(img + off_h, hpos, hi);
                hpos += hi;
                if (v < -qmax || (lo == 1 && v == 0))
                    return "rowgroup: row " + std::to_string(r) + " col " + std::to_string(j) +
                           " high value " + std::to_string(v) + " invalid";
                out->set_high(r, j, v, v != 0);
            } else {
                uint32_t pat = read_bits(img + off_l, lpos, lo);
                lpos += lo;
                if (lo >= 2 && pat == marker_pattern(lo))
                    return "rowgroup: row " + std::to_string(r) + " col " + std::to_string(j) +
                           " holds the marker code";
                out->set_low(r, j, low_code(pat, lo));
            }
        }
    }
    out->symbols = (uint64_t)h.rows * h.cols;
    return "";
}

const LayoutDecoder kLayoutDecoder_ROWGROUP{HQ_ACCEL_LAYOUT_ROWGROUP, "rowgroup", "rowgroup",
                                            decode_rowgroup};

} // namespace hq::accel
