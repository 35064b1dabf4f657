/* Layout `coo`: a dense low-bit plane plus, per row, a list of (relative index, high value)
 * entries (OLAccel / SpQR style). Three sections: low plane, per-row entry counts (u16),
 * entries of DELTA_BITS + hi bits. A gap too long for DELTA_BITS is bridged by skip entries
 * (value 0, which no high weight can have). */
#include "hq_error.h"
#include "layout/layout_internal.h"

#include <stdlib.h>

#define DB HQ_LAYOUT_COO_DELTA_BITS
#define MAX_DELTA ((1 << DB) - 1)

/* Skip entries needed before an entry whose column is `gap` past the cursor: the entry itself
 * carries a delta of up to MAX_DELTA, so a skip is needed only while more than MAX_DELTA
 * remain (gap 255: none; 256: one; 510: one; 511: two). The counting pass and the writing
 * pass both use this, so the u16 count always equals the entries written. */
static long skips_before(long gap) {
    return gap > MAX_DELTA ? (gap - 1) / MAX_DELTA : 0;
}

static int pack_coo(const hq_qlayer *q, int rows, int cols, const hq_layout_opts *o,
                    hq_layer_image *img, char *err, size_t errlen) {
    int lo = q->lo_bits, hi = q->hi_bits, ew = DB + hi;
    long n = (long)rows * cols;
    unsigned *count = calloc((size_t)rows, sizeof *count);
    if (!count) {
        hq_errf(err, errlen, "out of memory");
        return -1;
    }
    size_t entries = 0, skips = 0, n_hi = 0;
    for (int r = 0; r < rows; r++) {
        long cursor = 0, c = 0;
        for (int j = 0; j < cols; j++)
            if (q->is_hi[(long)r * cols + j]) {
                long k = skips_before(j - cursor);
                c += k + 1; /* skip entries plus the entry itself */
                skips += (size_t)k;
                n_hi++;
                cursor = j + 1;
            }
        if (c > 65535) {
            free(count);
            hq_errf(err, errlen, "coo: row %d needs %ld entries (at most 65535)", r, c);
            return -1;
        }
        count[r] = (unsigned)c;
        entries += (size_t)c;
    }
    hq_layer_header h = {HQ_LAYOUT_COO, lo, hi, 0, 0, rows, cols, 0};
    size_t bits[3] = {(size_t)n * (size_t)lo, 16 * (size_t)rows, entries * (size_t)ew}, off[3];
    if (hq_image_begin(img, q, &h, o->burst, 3, bits, off, err, errlen)) {
        free(count);
        return -1;
    }
    uint8_t *plane = img->data + off[0], *cnt = img->data + off[1], *ent = img->data + off[2];
    size_t e = 0;
    for (int r = 0; r < rows; r++) {
        hq_put_u16(cnt + 2 * r, count[r]);
        long cursor = 0;
        for (int j = 0; j < cols; j++) {
            long i = (long)r * cols + j;
            if (!q->is_hi[i]) {
                hq_bits_put(plane, (size_t)i * (size_t)lo, lo,
                            hq_low_pattern(hq_low_code_of(q->w[i], q->lo_shift[r]), lo));
                continue;
            }
            /* the plane keeps pattern 0 at a high position (decoders ignore it) */
            long gap = j - cursor, k = skips_before(gap);
            for (long s = 0; s < k; s++, e++)
                hq_bits_put(ent, e * (size_t)ew, DB, MAX_DELTA); /* value field stays 0 */
            hq_bits_put(ent, e * (size_t)ew, DB, (uint32_t)(gap - k * MAX_DELTA));
            hq_bits_put(ent, e * (size_t)ew + DB, hi, (uint32_t)q->w[i] & ((1u << hi) - 1u));
            e++;
            cursor = j + 1;
        }
    }
    free(count);
    if (e != entries) { /* the two passes disagree: never hand out an undecodable image */
        hq_layer_image_free(img);
        hq_errf(err, errlen, "coo: wrote %zu entries, counted %zu (bug)", e, entries);
        return -1;
    }
    img->st.code_bits = bits[0];
    img->st.index_bits = bits[1] + entries * DB + skips * (size_t)hi;
    img->st.hi_value_bits = n_hi * (size_t)hi;
    return 0;
}

static int decode_coo(const uint8_t *data, size_t off, hq_decoded_layer *d, size_t total, char *err,
                      size_t errlen) {
    int lo = d->lo_bits, hi = d->hi_bits, ew = DB + hi, rows = d->rows, cols = d->cols;
    if (!lo) {
        hq_errf(err, errlen, "coo: header says lo=0 (uniform layers use dense)");
        return -1;
    }
    size_t n = (size_t)rows * (size_t)cols;
    size_t off_cnt = hq_image_section(off, n * (size_t)lo, total, "coo low plane", err, errlen);
    if (!off_cnt) return -1;
    size_t off_ent = hq_image_section(off_cnt, 16 * (size_t)rows, total, "coo counts", err, errlen);
    if (!off_ent) return -1;
    const uint8_t *plane = data + off, *cnt = data + off_cnt, *ent = data + off_ent;
    size_t entries = 0;
    for (int r = 0; r < rows; r++)
        entries += hq_get_u16(cnt + 2 * r);
    if (!hq_image_section(off_ent, entries * (size_t)ew, total, "coo entries", err, errlen))
        return -1;
    for (size_t i = 0; i < n; i++) {
        int r = (int)(i / (size_t)cols);
        uint32_t pat = hq_bits_get(plane, i * (size_t)lo, lo);
        if (lo >= 2 && pat == hq_marker(lo)) {
            hq_errf(err, errlen, "coo: low plane holds the marker code at row %d col %zu", r,
                    i % (size_t)cols);
            return -1;
        }
        d->w[i] = (int8_t)(hq_low_from_pattern(pat, lo) * (1 << d->lo_shift[r]));
    }
    int qmax = hi == 4 ? 7 : 127;
    size_t e = 0;
    for (int r = 0; r < rows; r++) {
        long cursor = 0;
        for (unsigned k = hq_get_u16(cnt + 2 * r); k > 0; k--, e++) {
            long delta = (long)hq_bits_get(ent, e * (size_t)ew, DB);
            int v = hq_bits_sext(hq_bits_get(ent, e * (size_t)ew + DB, hi), hi);
            if (v == 0) {
                cursor += delta;
                continue;
            }
            long pos = cursor + delta;
            if (pos >= cols || v < -qmax) {
                hq_errf(err, errlen,
                        "coo: row %d entry %zu: position %ld / value %d invalid "
                        "(%d columns, int%d)",
                        r, e, pos, v, cols, hi);
                return -1;
            }
            size_t i = (size_t)r * (size_t)cols + (size_t)pos;
            d->w[i] = (int8_t)v;
            d->is_hi[i] = 1;
            cursor = pos + 1;
        }
    }
    return 0;
}

const hq_layout_entry hq_layout_entry_COO = {HQ_LAYOUT_COO, "coo", 1, pack_coo, decode_coo};
