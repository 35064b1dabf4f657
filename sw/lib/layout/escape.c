/* Layout `escape` (OliVe style): the low plane uses the spare code of lo >= 2 (the marker) to
 * flag a high weight; the high values follow in a second section, hi bits each, in row-major
 * order of the markers. No index at all, but decoding is sequential (prefix count of
 * markers); contrast with `block`, which reserves fixed slots to avoid that. */
#include "hq_error.h"
#include "layout/layout_internal.h"

static int pack_escape(const hq_qlayer *q, int rows, int cols, const hq_layout_opts *o,
                       hq_layer_image *img, char *err, size_t errlen) {
    int lo = q->lo_bits, hi = q->hi_bits;
    if (lo < 2) {
        hq_errf(err, errlen,
                "escape needs a spare low code: lo must be 2, 3 or 4 (binary lo=1 "
                "has none; use coo or block)");
        return -1;
    }
    long n = (long)rows * cols;
    size_t n_hi = 0;
    for (long i = 0; i < n; i++)
        n_hi += q->is_hi[i];
    size_t bits[2] = {(size_t)n * (size_t)lo, n_hi * (size_t)hi}, off[2];
    hq_layer_header h = {HQ_LAYOUT_ESCAPE, lo, hi, 0, 0, rows, cols, 0};
    if (hq_image_begin(img, q, &h, o->burst, 2, bits, off, err, errlen)) return -1;
    uint8_t *plane = img->data + off[0], *vals = img->data + off[1];
    size_t k = 0;
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) {
            long i = (long)r * cols + j;
            if (q->is_hi[i]) {
                hq_bits_put(plane, (size_t)i * (size_t)lo, lo, hq_marker(lo));
                hq_bits_put(vals, k++ * (size_t)hi, hi, (uint32_t)q->w[i] & ((1u << hi) - 1u));
            } else {
                hq_bits_put(plane, (size_t)i * (size_t)lo, lo,
                            hq_low_pattern(hq_low_code_of(q->w[i], q->lo_shift[r]), lo));
            }
        }
    img->st.code_bits = bits[0];
    img->st.hi_value_bits = bits[1];
    return 0;
}

static int decode_escape(const uint8_t *data, size_t off, hq_decoded_layer *d, size_t total,
                         char *err, size_t errlen) {
    int lo = d->lo_bits, hi = d->hi_bits, qmax = hi == 4 ? 7 : 127;
    if (lo < 2) {
        hq_errf(err, errlen, "escape: header says lo=%d (needs 2..4)", lo);
        return -1;
    }
    size_t n = (size_t)d->rows * (size_t)d->cols;
    size_t off_v = hq_image_section(off, n * (size_t)lo, total, "escape low plane", err, errlen);
    if (!off_v) return -1;
    size_t markers = 0;
    for (size_t i = 0; i < n; i++)
        markers += hq_bits_get(data + off, i * (size_t)lo, lo) == hq_marker(lo);
    if (!hq_image_section(off_v, markers * (size_t)hi, total, "escape high values", err, errlen))
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int r = (int)(i / (size_t)d->cols);
        uint32_t pat = hq_bits_get(data + off, i * (size_t)lo, lo);
        if (pat != hq_marker(lo)) {
            d->w[i] = (int8_t)(hq_low_from_pattern(pat, lo) * (1 << d->lo_shift[r]));
            continue;
        }
        int v = hq_bits_sext(hq_bits_get(data + off_v, k++ * (size_t)hi, hi), hi);
        if (v == 0 || v < -qmax) {
            hq_errf(err, errlen, "escape: high value %zu (row %d) is %d: invalid", k - 1, r, v);
            return -1;
        }
        d->w[i] = (int8_t)v;
        d->is_hi[i] = 1;
    }
    return 0;
}

const hq_layout_entry hq_layout_entry_ESCAPE = {HQ_LAYOUT_ESCAPE, "escape", 1, pack_escape,
                                                decode_escape};
