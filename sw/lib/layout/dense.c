/* Layout `dense`: every weight as one fixed-width code, row-major, no index at all. A uniform
 * layer stores hi-bit values, a low-only layer (uniform2/uniform1) lo-bit codes. */
#include "hq_error.h"
#include "layout/layout_internal.h"

static int pack_dense(const hq_qlayer *q, int rows, int cols, const hq_layout_opts *o,
                      hq_layer_image *img, char *err, size_t errlen) {
    long n = (long)rows * cols, n_hi = 0;
    for (long i = 0; q->lo_bits && i < n; i++)
        n_hi += q->is_hi[i];
    if (n_hi) {
        char others[256];
        hq_errf(err, errlen,
                "dense cannot hold high-precision weights (this layer has %ld): use %s", n_hi,
                hq_layout_names(others, sizeof others, ", ", " or ", 1));
        return -1;
    }
    int b = q->lo_bits ? q->lo_bits : q->hi_bits;
    hq_layer_header h = {HQ_LAYOUT_DENSE, q->lo_bits, q->hi_bits, 0, 0, rows, cols, 0};
    size_t bits = (size_t)n * (size_t)b, off;
    if (hq_image_begin(img, q, &h, o->burst, 1, &bits, &off, err, errlen)) return -1;
    uint8_t *sec = img->data + off;
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) {
            long i = (long)r * cols + j;
            uint32_t pat = q->lo_bits
                               ? hq_low_pattern(hq_low_code_of(q->w[i], q->lo_shift[r]), q->lo_bits)
                               : (uint32_t)q->w[i] & ((1u << b) - 1u);
            hq_bits_put(sec, (size_t)i * (size_t)b, b, pat);
        }
    img->st.code_bits = bits;
    return 0;
}

static int decode_dense(const uint8_t *data, size_t off, hq_decoded_layer *d, size_t total,
                        char *err, size_t errlen) {
    int lo = d->lo_bits, b = lo ? lo : d->hi_bits;
    size_t n = (size_t)d->rows * (size_t)d->cols;
    if (!hq_image_section(off, n * (size_t)b, total, "dense codes", err, errlen)) return -1;
    const uint8_t *sec = data + off;
    int qmax = d->hi_bits == 4 ? 7 : 127;
    for (int r = 0; r < d->rows; r++)
        for (int j = 0; j < d->cols; j++) {
            size_t i = (size_t)r * (size_t)d->cols + (size_t)j;
            uint32_t pat = hq_bits_get(sec, i * (size_t)b, b);
            if (lo) {
                if (lo >= 2 && pat == hq_marker(lo)) {
                    hq_errf(err, errlen, "dense: row %d col %d holds the marker code", r, j);
                    return -1;
                }
                d->w[i] = (int8_t)(hq_low_from_pattern(pat, lo) * (1 << d->lo_shift[r]));
            } else {
                int v = hq_bits_sext(pat, b);
                if (v < -qmax) {
                    hq_errf(err, errlen, "dense: row %d col %d value %d outside the int%d grid", r,
                            j, v, b);
                    return -1;
                }
                d->w[i] = (int8_t)v;
            }
        }
    return 0;
}

const hq_layout_entry hq_layout_entry_DENSE = {HQ_LAYOUT_DENSE, "dense", 0, pack_dense,
                                               decode_dense};
