/* The layer-image container shared by every layout (docs/layouts.md): header, lo_shift
 * table, aligned sections; and the dispatch to the per-layout decoders. */
#include "hq_accel_regmap.h"
#include "accel/layout_registry.h"
#include "accel/pe_gemm.h"
#include "accel/weight_decoder.h"

namespace hq::accel {

static uint32_t le(const uint8_t *p, unsigned n) {
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static std::string num(uint64_t v) {
    return std::to_string(v);
}

size_t image_section(size_t off, size_t bits, size_t total, const char *what, std::string *err) {
    size_t end = off + (bits + 7) / 8;
    if (end > total) {
        *err = std::string(what) + " section (" + num((bits + 7) / 8) + " bytes at offset " +
               num(off) + ") runs past the image end (" + num(total) + ")";
        return 0;
    }
    return (end + kSectionAlign - 1) / kSectionAlign * kSectionAlign;
}

std::string read_image_header(const uint8_t *b, size_t n, ImageHeader *h) {
    if (n < kImageHeaderBytes)
        return "weight image of " + num(n) + " bytes is shorter than its 16-byte header";
    h->layout = b[0];
    h->lo = b[1];
    h->hi = b[2];
    h->n = b[3];
    h->m = le(b + 4, 2);
    h->rows = le(b + 6, 2);
    h->cols = le(b + 8, 2);
    h->version = b[10];
    h->total = le(b + 12, 4);
    if (!find_layout_decoder(h->layout)) return "image header: unknown layout id " + num(h->layout);
    if (h->version != kImageVersion)
        return "image header: format version " + num(h->version) + ", the decompressor reads " +
               num(kImageVersion);
    if (h->lo > 4 || (h->hi != 4 && h->hi != 8) || (h->lo && h->lo >= h->hi))
        return "image header: lo=" + num(h->lo) + " hi=" + num(h->hi) + " invalid";
    if (!h->rows || !h->cols) return "image header: empty matrix";
    if (h->total > n || h->total < kImageHeaderBytes || h->total % kSectionAlign)
        return "image header: size " + num(h->total) + " invalid (stream is " + num(n) +
               " bytes, size must be a multiple of 16)";
    /* Every layout stores each weight in at least lo bits (hi bits when uniform): refuse a
     * header that claims more weights than the image holds before anything is sized from it. */
    const uint64_t bits = h->lo ? h->lo : h->hi;
    const uint64_t min_total =
        kImageHeaderBytes + (h->lo ? h->rows : 0) + ((uint64_t)h->rows * h->cols * bits + 7) / 8;
    if (min_total > h->total)
        return "image header: " + num(h->rows) + "x" + num(h->cols) + " weights at " + num(bits) +
               " bits need at least " + num(min_total) + " bytes, the image has " + num(h->total);
    h->payload = kImageHeaderBytes;
    if (h->lo) {
        std::string err;
        h->payload = image_section(kImageHeaderBytes, 8ull * h->rows, h->total, "lo_shift", &err);
        if (!h->payload) return err;
    }
    return "";
}

std::string decode_weights(const WeightFormat &f, const uint8_t *bytes, size_t n,
                           DecodedWeights *out) {
    ImageHeader h;
    std::string err = read_image_header(bytes, n, &h);
    if (!err.empty()) return err;
    if (h.layout != f.layout || h.rows != f.rows || h.cols != f.cols || h.lo != f.lo_bits ||
        h.hi != f.hi_bits ||
        (f.layout == HQ_ACCEL_LAYOUT_BLOCK && (h.n != f.block_n || h.m != f.block_m)))
        return "image header (layout " + num(h.layout) + ", " + num(h.rows) + "x" + num(h.cols) +
               ", lo " + num(h.lo) + ", hi " + num(h.hi) + ", N:M " + num(h.n) + ":" + num(h.m) +
               ") disagrees with the descriptor (layout " + num(f.layout) + ", " + num(f.rows) +
               "x" + num(f.cols) + ", lo " + num(f.lo_bits) + ", hi " + num(f.hi_bits) + ", N:M " +
               num(f.block_n) + ":" + num(f.block_m) + ")";
    if (h.total != n) return "image header size " + num(h.total) + " != WEIGHT_BYTES " + num(n);
    const size_t count = (size_t)h.rows * h.cols;
    out->rows = h.rows;
    out->cols = h.cols;
    out->lo_bits = h.lo;
    out->hi_bits = h.hi;
    out->stride = (h.cols + kPeGemmPad - 1) / kPeGemmPad * kPeGemmPad;
    out->w.assign((size_t)h.rows * out->stride, 0);
    out->high_words.assign(h.lo ? (count + 63) / 64 : 0, 0);
    out->lo_shift.assign(h.rows, 0);
    out->n_hi = 0;
    out->symbols = 0;
    if (h.lo) {
        const unsigned cmax = h.lo == 1 ? 1 : (1u << (h.lo - 1)) - 1;
        for (unsigned r = 0; r < h.rows; r++) {
            unsigned s = bytes[kImageHeaderBytes + r];
            if (s > 7 || (cmax << s) > 127)
                return "lo_shift of row " + num(r) + " is " + num(s) +
                       ": low values would not fit int8";
            out->lo_shift[r] = (uint8_t)s;
        }
    }
    err = find_layout_decoder(h.layout)->decode(h, bytes, out); /* known: read_image_header */
    if (!err.empty()) return err;
    if (h.lo)
        for (uint64_t v : out->high_words)
            out->n_hi += (uint64_t)__builtin_popcountll(v);
    else
        out->n_hi = count;
    return "";
}

} // namespace hq::accel
