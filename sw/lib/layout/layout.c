/* Layer images: the common header and shift table, input checks, dispatch to the layouts,
 * statistics and the entropy bound. */
#include "hq_error.h"
#include "layout/layout_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *hq_layout_name(hq_layout_kind k) {
    const hq_layout_entry *e = hq_layout_find((int)k);
    return e ? e->name : "?";
}

int hq_layout_parse(const char *name, hq_layout_kind *k, char *err, size_t errlen) {
    for (int i = 0; i < HQ_LAYOUT_COUNT; i++)
        if (name && !strcmp(name, hq_layout_find(i)->name)) {
            *k = (hq_layout_kind)i;
            return 0;
        }
    char valid[256];
    hq_errf(err, errlen, "unknown layout '%s' (valid: %s)", name ? name : "",
            hq_layout_names(valid, sizeof valid, ", ", ", ", 0));
    return -1;
}

void hq_layout_opts_default(hq_layout_opts *o, hq_layout_kind kind) {
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->block_n = -1;
    o->burst = HQ_LAYOUT_DEFAULT_BURST;
}

static int burst_of(const hq_layout_opts *o) {
    return o->burst ? o->burst : HQ_LAYOUT_DEFAULT_BURST;
}

int hq_image_begin(hq_layer_image *img, const hq_qlayer *q, const hq_layer_header *h, int burst,
                   int n_sec, const size_t *sec_bits, size_t *sec_off, char *err, size_t errlen) {
    size_t off = HQ_LAYOUT_HEADER_BYTES;
    if (h->lo) off = hq_align_up(off + (size_t)h->rows, HQ_LAYOUT_ALIGN);
    for (int i = 0; i < n_sec; i++) {
        sec_off[i] = off;
        off = hq_align_up(off + hq_bytes_of_bits(sec_bits[i]), HQ_LAYOUT_ALIGN);
    }
    size_t total = hq_align_up(off, (size_t)burst);
    if (total > 0xffffffffu) {
        hq_errf(err, errlen, "layer image too large (%zu bytes)", total);
        return -1;
    }
    memset(img, 0, sizeof *img);
    img->data = calloc(total, 1);
    if (!img->data) {
        hq_errf(err, errlen, "out of memory (%zu bytes)", total);
        return -1;
    }
    img->size = total;
    uint8_t *p = img->data;
    p[0] = (uint8_t)h->kind;
    p[1] = (uint8_t)h->lo;
    p[2] = (uint8_t)h->hi;
    p[3] = (uint8_t)h->n;
    hq_put_u16(p + 4, (unsigned)h->m);
    hq_put_u16(p + 6, (unsigned)h->rows);
    hq_put_u16(p + 8, (unsigned)h->cols);
    p[10] = HQ_LAYOUT_FORMAT_VERSION;
    hq_put_u32(p + 12, (uint32_t)total);
    if (h->lo) memcpy(p + HQ_LAYOUT_HEADER_BYTES, q->lo_shift, (size_t)h->rows);
    img->st.kind = (hq_layout_kind)h->kind;
    img->st.block_n = h->n;
    img->st.block_m = h->m;
    img->st.header_bits = 8 * HQ_LAYOUT_HEADER_BYTES;
    img->st.shift_bits = h->lo ? 8 * (size_t)h->rows : 0;
    img->st.bytes = total;
    return 0;
}

size_t hq_image_section(size_t off, size_t bits, size_t total, const char *what, char *err,
                        size_t errlen) {
    size_t end = off + hq_bytes_of_bits(bits);
    if (end > total) {
        hq_errf(err, errlen, "%s section (%zu bytes at offset %zu) runs past the image end (%zu)",
                what, hq_bytes_of_bits(bits), off, total);
        return 0;
    }
    return hq_align_up(end, HQ_LAYOUT_ALIGN);
}

int hq_image_open(const uint8_t *data, size_t size, hq_decoded_layer *d, size_t *next, char *err,
                  size_t errlen) {
    memset(d, 0, sizeof *d);
    if (!data || size < HQ_LAYOUT_HEADER_BYTES) {
        hq_errf(err, errlen, "layer image too short (%zu bytes, header needs %d)", size,
                HQ_LAYOUT_HEADER_BYTES);
        return -1;
    }
    const uint8_t *p = data;
    if (!hq_layout_find(p[0])) {
        hq_errf(err, errlen, "header: layout id %u unknown (0..%d)", p[0], HQ_LAYOUT_COUNT - 1);
        return -1;
    }
    if (p[10] != HQ_LAYOUT_FORMAT_VERSION) {
        hq_errf(err, errlen, "header: format version %u, this decoder reads %d", p[10],
                HQ_LAYOUT_FORMAT_VERSION);
        return -1;
    }
    d->kind = (hq_layout_kind)p[0];
    d->lo_bits = p[1];
    d->hi_bits = p[2];
    d->block_n = p[3];
    d->block_m = (int)hq_get_u16(p + 4);
    d->rows = (int)hq_get_u16(p + 6);
    d->cols = (int)hq_get_u16(p + 8);
    size_t total = hq_get_u32(p + 12);
    if (d->lo_bits > 4 || (d->hi_bits != 4 && d->hi_bits != 8) ||
        (d->lo_bits && d->lo_bits >= d->hi_bits)) {
        hq_errf(err, errlen, "header: lo=%d hi=%d invalid (lo 0..4 below hi, hi 4 or 8)",
                d->lo_bits, d->hi_bits);
        return -1;
    }
    if (d->rows < 1 || d->cols < 1) {
        hq_errf(err, errlen, "header: %d x %d matrix is empty", d->rows, d->cols);
        return -1;
    }
    if (total > size || total < HQ_LAYOUT_HEADER_BYTES || total % HQ_LAYOUT_ALIGN) {
        hq_errf(err, errlen, "header: image size %zu invalid (buffer holds %zu, multiple of %d)",
                total, size, HQ_LAYOUT_ALIGN);
        return -1;
    }
    /* Every layout stores each weight in at least lo bits (hi bits when uniform): a header
     * that claims more weights than the image can hold is refused before anything is sized
     * from it (a 16-byte image claiming 65535 x 65535 used to allocate 4 GiB). */
    size_t n = (size_t)d->rows * (size_t)d->cols;
    size_t min_bits = n * (size_t)(d->lo_bits ? d->lo_bits : d->hi_bits);
    size_t min_total =
        HQ_LAYOUT_HEADER_BYTES + (d->lo_bits ? (size_t)d->rows : 0) + hq_bytes_of_bits(min_bits);
    if (min_total > total) {
        hq_errf(err, errlen,
                "header: %d x %d weights at %d bits need at least %zu bytes, the image has %zu",
                d->rows, d->cols, d->lo_bits ? d->lo_bits : d->hi_bits, min_total, total);
        return -1;
    }
    d->w = calloc(n, 1);
    if (d->lo_bits) {
        d->is_hi = calloc(n, 1);
        d->lo_shift = calloc((size_t)d->rows, 1);
    }
    if (!d->w || (d->lo_bits && (!d->is_hi || !d->lo_shift))) {
        hq_decoded_layer_free(d);
        hq_errf(err, errlen, "out of memory");
        return -1;
    }
    size_t off = HQ_LAYOUT_HEADER_BYTES;
    if (d->lo_bits) {
        off = hq_image_section(off, 8 * (size_t)d->rows, total, "lo_shift", err, errlen);
        if (!off) {
            hq_decoded_layer_free(d);
            return -1;
        }
        int cmax = d->lo_bits == 1 ? 1 : (1 << (d->lo_bits - 1)) - 1;
        for (int r = 0; r < d->rows; r++) {
            int s = p[HQ_LAYOUT_HEADER_BYTES + r];
            if (s > 7 || (cmax << s) > 127) {
                hq_errf(err, errlen, "lo_shift of row %d is %d: low values would not fit int8", r,
                        s);
                hq_decoded_layer_free(d);
                return -1;
            }
            d->lo_shift[r] = (uint8_t)s;
        }
    }
    *next = off;
    return 0;
}

void hq_layer_image_free(hq_layer_image *img) {
    free(img->data);
    memset(img, 0, sizeof *img);
}

void hq_decoded_layer_free(hq_decoded_layer *d) {
    free(d->w);
    free(d->is_hi);
    free(d->lo_shift);
    memset(d, 0, sizeof *d);
}

/* Checks that q obeys the contract the layouts rely on (hq_arith.h). */
static int check_qlayer(const hq_qlayer *q, int rows, int cols, char *err, size_t errlen) {
    if (rows < 1 || cols < 1 || rows > 65535 || cols > 65535) {
        hq_errf(err, errlen, "matrix %d x %d: rows and cols must be 1..65535", rows, cols);
        return -1;
    }
    if (q->lo_bits < 0 || q->lo_bits > 4 || (q->hi_bits != 4 && q->hi_bits != 8) ||
        (q->lo_bits && (!q->is_hi || !q->lo_shift))) {
        hq_errf(err, errlen, "quantized layer: lo=%d hi=%d invalid or arrays missing", q->lo_bits,
                q->hi_bits);
        return -1;
    }
    int qmax = q->hi_bits == 4 ? 7 : 127, lo = q->lo_bits;
    int cmax = lo <= 1 ? 1 : (1 << (lo - 1)) - 1;
    for (int r = 0; r < rows; r++) {
        int s = lo ? q->lo_shift[r] : 0;
        if (lo && (cmax << s) > 127) {
            hq_errf(err, errlen, "row %d: lo_shift %d too large for lo=%d", r, s, lo);
            return -1;
        }
        for (int j = 0; j < cols; j++) {
            long i = (long)r * cols + j;
            int v = q->w[i];
            if (!lo || q->is_hi[i]) {
                if (v < -qmax || v > qmax || (lo && v == 0)) {
                    hq_errf(err, errlen, "row %d col %d: high value %d outside the int%d grid%s", r,
                            j, v, q->hi_bits, lo && v == 0 ? " (0 cannot be high)" : "");
                    return -1;
                }
            } else {
                int c = hq_low_code_of(v, s);
                if (c * (1 << s) != v || c < -cmax || c > cmax || (lo == 1 && c == 0)) {
                    hq_errf(err, errlen, "row %d col %d: low weight %d is not a lo=%d code << %d",
                            r, j, v, lo, s);
                    return -1;
                }
            }
        }
    }
    return 0;
}

int hq_layout_pack(const hq_qlayer *q, int rows, int cols, const hq_layout_opts *o,
                   hq_layer_image *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    int burst = burst_of(o);
    if (burst < 16 || burst > 4096 || (burst & (burst - 1))) {
        hq_errf(err, errlen, "burst %d bytes: must be a power of two from 16 to 4096", burst);
        return -1;
    }
    if (check_qlayer(q, rows, cols, err, errlen)) return -1;
    hq_layout_opts eff = *o;
    eff.burst = burst;
    if (q->lo_bits == 0) eff.kind = HQ_LAYOUT_DENSE; /* a uniform layer has nothing to split */
    const hq_layout_entry *e = hq_layout_find((int)eff.kind);
    if (!e) {
        hq_errf(err, errlen, "layout id %d unknown", (int)eff.kind);
        return -1;
    }
    int rc = e->pack(q, rows, cols, &eff, out, err, errlen);
    if (rc) return -1;
    hq_layout_stats *st = &out->st;
    size_t used =
        st->header_bits + st->shift_bits + st->code_bits + st->index_bits + st->hi_value_bits;
    st->padding_bits = 8 * out->size - used;
    st->bytes = out->size;
    st->bursts = out->size / (size_t)burst;
    st->weights = (long)rows * cols;
    st->n_hi = hq_layout_n_hi(q, st->weights);
    st->hi_fraction = (double)st->n_hi / (double)st->weights;
    st->bits_per_weight = 8.0 * (double)out->size / (double)st->weights;
    st->entropy_bpw = hq_layout_entropy_bpw(q, rows, cols);
    return 0;
}

int hq_layout_decode(const uint8_t *data, size_t size, hq_decoded_layer *d, char *err,
                     size_t errlen) {
    size_t off;
    if (hq_image_open(data, size, d, &off, err, errlen)) return -1;
    size_t total = hq_get_u32(data + 12);
    /* hq_image_open refused an id without an entry */
    int rc = hq_layout_find((int)d->kind)->decode(data, off, d, total, err, errlen);
    if (rc) hq_decoded_layer_free(d);
    return rc;
}

int hq_decoded_equals(const hq_decoded_layer *d, const hq_qlayer *q, int rows, int cols) {
    size_t n = (size_t)rows * (size_t)cols;
    if (d->rows != rows || d->cols != cols || d->lo_bits != q->lo_bits ||
        d->hi_bits != q->hi_bits || memcmp(d->w, q->w, n))
        return 0;
    if (q->lo_bits &&
        (memcmp(d->is_hi, q->is_hi, n) || memcmp(d->lo_shift, q->lo_shift, (size_t)rows)))
        return 0;
    return 1;
}

long hq_layout_n_hi(const hq_qlayer *q, long weights) {
    long n = 0;
    if (q->lo_bits)
        for (long i = 0; i < weights; i++)
            n += q->is_hi[i];
    return n;
}

double hq_layout_entropy_bpw(const hq_qlayer *q, int rows, int cols) {
    long counts[512] = {0};
    long n = (long)rows * cols;
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) {
            long i = (long)r * cols + j;
            int v = q->w[i];
            if (q->lo_bits && !q->is_hi[i])
                counts[hq_low_code_of(v, q->lo_shift[r]) + 128]++;
            else
                counts[256 + v + 128]++;
        }
    double h = 0;
    for (int s = 0; s < 512; s++)
        if (counts[s]) {
            double p = (double)counts[s] / (double)n;
            h -= p * log2(p);
        }
    return h;
}

int hq_layout_max_hi_per_block(const hq_qlayer *q, int rows, int cols, int m) {
    int best = 0;
    if (!q->lo_bits) return 0;
    for (int r = 0; r < rows; r++)
        for (int b0 = 0; b0 < cols; b0 += m) {
            int c = 0;
            for (int j = b0; j < cols && j < b0 + m; j++)
                c += q->is_hi[(long)r * cols + j];
            if (c > best) best = c;
        }
    return best;
}
