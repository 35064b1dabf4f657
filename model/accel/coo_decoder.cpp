/* `coo`: a dense low plane plus per-row lists of (relative index, high value) entries
 * (OLAccel / SpQR style). Sections: low plane (lo bits per weight; pattern at a high position
 * ignored), per-row entry counts (u16), entries of 8 delta bits + hi value bits; an entry with
 * value 0 is a skip that advances the cursor by its delta. One symbol = one low code or one
 * entry. */
#include "accel/bit_reader.h"
#include "accel/layout_registry.h"
#include "accel/weight_decoder.h"

namespace hq::accel {

static std::string decode_coo(const ImageHeader &h, const uint8_t *img, DecodedWeights *out) {
    const unsigned lo = h.lo, hi = h.hi, ew = kCooDeltaBits + hi;
    if (!lo) return "coo: header says lo=0 (uniform layers use dense)";
    const size_t count = (size_t)h.rows * h.cols;
    std::string err;
    size_t off_cnt = image_section(h.payload, count * lo, h.total, "coo low plane", &err);
    if (!off_cnt) return err;
    size_t off_ent = image_section(off_cnt, 16ull * h.rows, h.total, "coo counts", &err);
    if (!off_ent) return err;
    const uint8_t *plane = img + h.payload, *cnt = img + off_cnt, *ent = img + off_ent;
    size_t entries = 0;
    for (unsigned r = 0; r < h.rows; r++)
        entries += read_bits(cnt, 16ull * r, 16);
    if (!image_section(off_ent, entries * ew, h.total, "coo entries", &err)) return err;
    for (unsigned r = 0; r < h.rows; r++)
        for (unsigned c = 0; c < h.cols; c++) {
            const size_t i = (size_t)r * h.cols + c;
            uint32_t pat = read_bits(plane, i * lo, lo);
            if (lo >= 2 && pat == marker_pattern(lo))
                return "coo: low plane holds the marker code at row " + std::to_string(r);
            out->set_low(r, c, low_code(pat, lo));
        }
    const int qmax = (1 << (hi - 1)) - 1;
    size_t e = 0;
    for (unsigned r = 0; r < h.rows; r++) {
        uint64_t cursor = 0;
        for (unsigned k = read_bits(cnt, 16ull * r, 16); k > 0; k--, e++) {
            uint64_t delta = read_bits(ent, e * ew, kCooDeltaBits);
            int v = read_signed_bits(ent, e * ew + kCooDeltaBits, hi);
            if (v == 0) {
                cursor += delta;
                continue;
            }
            uint64_t pos = cursor + delta;
            if (pos >= h.cols || v < -qmax)
                return "coo: row " + std::to_string(r) + " entry " + std::to_string(e) +
                       ": position " + std::to_string(pos) + " / value " + std::to_string(v) +
                       " invalid";
            out->set_high(r, (unsigned)pos, v);
            cursor = pos + 1;
        }
    }
    out->symbols = count + entries;
    return "";
}

const LayoutDecoder kLayoutDecoder_COO{HQ_ACCEL_LAYOUT_COO, "coo", "coo", decode_coo};

} // namespace hq::accel
