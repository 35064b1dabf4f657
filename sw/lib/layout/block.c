/* Layout `block` (pinned in docs/layouts.md; the RTL decoder implements it): each row is cut
 * into aligned blocks of M weights, every block has the same size and holds M low codes plus
 * N high-value slots, so block b of row r sits at (r * blocks_per_row + b) * block_bytes with
 * no variable-length decode. lo >= 2 marks a high weight with the spare (marker) code; lo = 1
 * has no spare code and gives each slot an explicit P-bit position. */
#include "hq_error.h"
#include "layout/layout_internal.h"

static int pos_bits(int m) {
    int p = 0;
    while ((1 << p) < m)
        p++;
    return p;
}

static size_t block_bits(int lo, int hi, int n, int m) {
    return lo == 1 ? (size_t)m + (size_t)n * (size_t)(pos_bits(m) + hi)
                   : (size_t)m * (size_t)lo + (size_t)n * (size_t)hi;
}

static int pack_block(const hq_qlayer *q, int rows, int cols, const hq_layout_opts *o,
                      hq_layer_image *img, char *err, size_t errlen) {
    int lo = q->lo_bits, hi = q->hi_bits;
    int m = o->block_m ? o->block_m : 32;
    if (m < 2 || m > 4096) {
        hq_errf(err, errlen, "block: M=%d out of range (2..4096)", m);
        return -1;
    }
    int found = hq_layout_max_hi_per_block(q, rows, cols, m);
    int n = o->block_n >= 0 ? o->block_n : found;
    if (n > 255 || n > m) {
        hq_errf(err, errlen, "block: N=%d out of range (0..min(255, M=%d))", n, m);
        return -1;
    }
    if (found > n) {
        hq_errf(err, errlen,
                "block: a block of M=%d holds %d high weights but the layout has N=%d slots "
                "(quantize with struct=nm:%d:%d or pack with a larger N)",
                m, found, n, n, m);
        return -1;
    }
    int p = pos_bits(m);
    int nblk = (cols + m - 1) / m;
    size_t bb = hq_bytes_of_bits(block_bits(lo, hi, n, m));
    size_t bits = 8 * bb * (size_t)nblk * (size_t)rows, off;
    hq_layer_header h = {HQ_LAYOUT_BLOCK, lo, hi, n, m, rows, cols, 0};
    if (hq_image_begin(img, q, &h, o->burst, 1, &bits, &off, err, errlen)) return -1;
    size_t n_hi = 0;
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < nblk; b++) {
            uint8_t *blk = img->data + off + ((size_t)r * (size_t)nblk + (size_t)b) * bb;
            int slot = 0;
            for (int j = 0; j < m; j++) {
                int c = b * m + j;
                if (c >= cols) break; /* padding weights keep pattern 0 */
                long i = (long)r * cols + c;
                uint32_t hv = (uint32_t)q->w[i] & ((1u << hi) - 1u);
                if (!q->is_hi[i]) {
                    hq_bits_put(blk, (size_t)j * (size_t)lo, lo,
                                hq_low_pattern(hq_low_code_of(q->w[i], q->lo_shift[r]), lo));
                } else if (lo >= 2) {
                    hq_bits_put(blk, (size_t)j * (size_t)lo, lo, hq_marker(lo));
                    hq_bits_put(blk, (size_t)m * (size_t)lo + (size_t)slot * (size_t)hi, hi, hv);
                    slot++;
                } else {
                    size_t sp = (size_t)m + (size_t)slot * (size_t)(p + hi);
                    hq_bits_put(blk, sp, p, (uint32_t)j);
                    hq_bits_put(blk, sp + (size_t)p, hi, hv);
                    slot++;
                }
            }
            n_hi += (size_t)slot;
        }
    img->st.code_bits = (size_t)rows * (size_t)cols * (size_t)lo;
    img->st.index_bits = lo == 1 ? n_hi * (size_t)p : 0;
    img->st.hi_value_bits = n_hi * (size_t)hi;
    return 0;
}

static int decode_block(const uint8_t *data, size_t off, hq_decoded_layer *d, size_t total,
                        char *err, size_t errlen) {
    int lo = d->lo_bits, hi = d->hi_bits, n = d->block_n, m = d->block_m;
    int rows = d->rows, cols = d->cols, qmax = hi == 4 ? 7 : 127;
    if (!lo || m < 2 || n > m) {
        hq_errf(err, errlen, "block: header lo=%d N=%d M=%d invalid (lo >= 1, 2 <= M, N <= M)", lo,
                n, m);
        return -1;
    }
    int p = pos_bits(m), nblk = (cols + m - 1) / m;
    size_t bb = hq_bytes_of_bits(block_bits(lo, hi, n, m));
    if (!hq_image_section(off, 8 * bb * (size_t)nblk * (size_t)rows, total, "block payload", err,
                          errlen))
        return -1;
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < nblk; b++) {
            const uint8_t *blk = data + off + ((size_t)r * (size_t)nblk + (size_t)b) * bb;
            int8_t *wrow = d->w + (size_t)r * (size_t)cols;
            uint8_t *hrow = d->is_hi + (size_t)r * (size_t)cols;
            int valid = cols - b * m < m ? cols - b * m : m, used = 0;
            for (int j = 0; j < valid; j++) {
                uint32_t pat = hq_bits_get(blk, (size_t)j * (size_t)lo, lo);
                wrow[b * m + j] = (int8_t)(hq_low_from_pattern(pat, lo) * (1 << d->lo_shift[r]));
                if (lo >= 2 && pat == hq_marker(lo)) {
                    if (used == n) {
                        hq_errf(err, errlen,
                                "block: row %d block %d marks more than N=%d "
                                "weights",
                                r, b, n);
                        return -1;
                    }
                    int v = hq_bits_sext(
                        hq_bits_get(blk, (size_t)m * (size_t)lo + (size_t)used * (size_t)hi, hi),
                        hi);
                    if (v == 0 || v < -qmax) {
                        hq_errf(err, errlen, "block: row %d block %d slot %d value %d invalid", r,
                                b, used, v);
                        return -1;
                    }
                    wrow[b * m + j] = (int8_t)v;
                    hrow[b * m + j] = 1;
                    used++;
                }
            }
            if (lo >= 2) {
                for (int s = used; s < n; s++)
                    if (hq_bits_get(blk, (size_t)m * (size_t)lo + (size_t)s * (size_t)hi, hi)) {
                        hq_errf(err, errlen, "block: row %d block %d unused slot %d is not 0", r, b,
                                s);
                        return -1;
                    }
                continue;
            }
            for (int s = 0; s < n; s++) {
                size_t sp = (size_t)m + (size_t)s * (size_t)(p + hi);
                int j = (int)hq_bits_get(blk, sp, p);
                int v = hq_bits_sext(hq_bits_get(blk, sp + (size_t)p, hi), hi);
                if (v == 0) continue; /* unused slot */
                if (j >= valid || v < -qmax || hrow[b * m + j]) {
                    hq_errf(err, errlen,
                            "block: row %d block %d slot %d: position %d / value %d invalid", r, b,
                            s, j, v);
                    return -1;
                }
                wrow[b * m + j] = (int8_t)v;
                hrow[b * m + j] = 1;
            }
        }
    return 0;
}

const hq_layout_entry hq_layout_entry_BLOCK = {HQ_LAYOUT_BLOCK, "block", 1, pack_block,
                                               decode_block};
