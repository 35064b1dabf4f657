/* Layout `rowgroup`: rows whose weights are all high precision (struct=row) are grouped and
 * stored as one dense hi-bit stream, the other rows as one dense lo-bit stream. A bitmap of
 * rows gives the stable permutation (high rows first, each group in row order). */
#include "hq_error.h"
#include "layout/layout_internal.h"

#include <stdlib.h>

/* 1 if row r is a high row, 0 if low; -1 if it mixes (not representable). For lo >= 2 a high
 * row's weights that round to 0 are low code 0, so "high" means: every nonzero weight is high. */
static int row_class(const hq_qlayer *q, int r, int cols) {
    const uint8_t *h = q->is_hi + (long)r * cols;
    const int8_t *w = q->w + (long)r * cols;
    int any = 0;
    for (int j = 0; j < cols; j++)
        any |= h[j];
    if (!any) return 0;
    for (int j = 0; j < cols; j++)
        if (q->lo_bits == 1 ? !h[j] : (h[j] != (w[j] != 0))) return -1;
    return 1;
}

static int pack_rowgroup(const hq_qlayer *q, int rows, int cols, const hq_layout_opts *o,
                         hq_layer_image *img, char *err, size_t errlen) {
    int lo = q->lo_bits, hi = q->hi_bits, nh = 0;
    for (int r = 0; r < rows; r++) {
        int c = row_class(q, r, cols);
        if (c < 0) {
            hq_errf(err, errlen,
                    "rowgroup: row %d mixes low and high weights; rowgroup needs whole high "
                    "rows (quantize with struct=row)",
                    r);
            return -1;
        }
        nh += c;
    }
    int nl = rows - nh;
    size_t bits[3] = {(size_t)rows, (size_t)nh * (size_t)cols * (size_t)hi,
                      (size_t)nl * (size_t)cols * (size_t)lo},
           off[3];
    hq_layer_header h = {HQ_LAYOUT_ROWGROUP, lo, hi, 0, 0, rows, cols, 0};
    if (hq_image_begin(img, q, &h, o->burst, 3, bits, off, err, errlen)) return -1;
    uint8_t *map = img->data + off[0], *hs = img->data + off[1], *ls = img->data + off[2];
    size_t hpos = 0, lpos = 0;
    for (int r = 0; r < rows; r++) {
        int high = row_class(q, r, cols);
        hq_bits_put(map, (size_t)r, 1, (uint32_t)high);
        for (int j = 0; j < cols; j++) {
            long i = (long)r * cols + j;
            if (high) {
                hq_bits_put(hs, hpos, hi, (uint32_t)q->w[i] & ((1u << hi) - 1u));
                hpos += (size_t)hi;
            } else {
                hq_bits_put(ls, lpos, lo,
                            hq_low_pattern(hq_low_code_of(q->w[i], q->lo_shift[r]), lo));
                lpos += (size_t)lo;
            }
        }
    }
    img->st.index_bits = bits[0];
    img->st.hi_value_bits = bits[1];
    img->st.code_bits = bits[2];
    return 0;
}

static int decode_rowgroup(const uint8_t *data, size_t off, hq_decoded_layer *d, size_t total,
                           char *err, size_t errlen) {
    int lo = d->lo_bits, hi = d->hi_bits, rows = d->rows, cols = d->cols;
    int qmax = hi == 4 ? 7 : 127;
    if (!lo) {
        hq_errf(err, errlen, "rowgroup: header says lo=0 (uniform layers use dense)");
        return -1;
    }
    size_t off_h = hq_image_section(off, (size_t)rows, total, "rowgroup bitmap", err, errlen);
    if (!off_h) return -1;
    const uint8_t *map = data + off;
    int nh = 0;
    for (int r = 0; r < rows; r++)
        nh += (int)hq_bits_get(map, (size_t)r, 1);
    size_t off_l = hq_image_section(off_h, (size_t)nh * (size_t)cols * (size_t)hi, total,
                                    "rowgroup high rows", err, errlen);
    if (!off_l || !hq_image_section(off_l, (size_t)(rows - nh) * (size_t)cols * (size_t)lo, total,
                                    "rowgroup low rows", err, errlen))
        return -1;
    size_t hpos = 0, lpos = 0;
    for (int r = 0; r < rows; r++) {
        int high = (int)hq_bits_get(map, (size_t)r, 1);
        for (int j = 0; j < cols; j++) {
            size_t i = (size_t)r * (size_t)cols + (size_t)j;
            if (high) {
                int v = hq_bits_sext(hq_bits_get(data + off_h, hpos, hi), hi);
                hpos += (size_t)hi;
                if (v < -qmax || (lo == 1 && v == 0)) {
                    hq_errf(err, errlen, "rowgroup: row %d col %d high value %d invalid", r, j, v);
                    return -1;
                }
                d->w[i] = (int8_t)v;
                d->is_hi[i] = v != 0;
            } else {
                uint32_t pat = hq_bits_get(data + off_l, lpos, lo);
                lpos += (size_t)lo;
                if (lo >= 2 && pat == hq_marker(lo)) {
                    hq_errf(err, errlen, "rowgroup: row %d col %d holds the marker code", r, j);
                    return -1;
                }
                d->w[i] = (int8_t)(hq_low_from_pattern(pat, lo) * (1 << d->lo_shift[r]));
            }
        }
    }
    return 0;
}

const hq_layout_entry hq_layout_entry_ROWGROUP = {HQ_LAYOUT_ROWGROUP, "rowgroup", 1, pack_rowgroup,
                                                  decode_rowgroup};
