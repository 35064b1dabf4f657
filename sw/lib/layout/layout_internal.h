/* Shared between the layout packers and decoders of sw/lib/layout (not a public header). */
#ifndef HQ_LAYOUT_INTERNAL_H
#define HQ_LAYOUT_INTERNAL_H

#include "layout/bits.h"
#include "layout/layout.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HQ_LAYOUT_FORMAT_VERSION 1
#define HQ_MAX_SECTIONS 4

static inline size_t hq_align_up(size_t v, size_t a) {
    return (v + a - 1) / a * a;
}
static inline size_t hq_bytes_of_bits(size_t bits) {
    return (bits + 7) / 8;
}

/* Fields of the 16-byte layer header (docs/layouts.md, "Layer image"). */
typedef struct {
    int kind, lo, hi, n, m, rows, cols;
    size_t total;
} hq_layer_header;

/* Packer side: allocates the zeroed image with n_sec sections of the given sizes in bits
 * placed after the header and the shift table; writes the header and the shift table and
 * returns each section's byte offset in sec_off. Fills header/shift/padding statistics. */
int hq_image_begin(hq_layer_image *img, const hq_qlayer *q, const hq_layer_header *h, int burst,
                   int n_sec, const size_t *sec_bits, size_t *sec_off, char *err, size_t errlen);

/* Decoder side: reads and checks the header; allocates out's arrays; reads the shift table.
 * *next receives the byte offset of the first layout section. */
int hq_image_open(const uint8_t *data, size_t size, hq_decoded_layer *out, size_t *next, char *err,
                  size_t errlen);
/* Checks that a section of `bits` bits at byte offset off fits the image; returns the offset
 * of the following section (aligned), or 0 with a message. */
size_t hq_image_section(size_t off, size_t bits, size_t total, const char *what, char *err,
                        size_t errlen);

/* Low code c of the effective low weight w of a row (w == c << s): w / 2^s rounded toward
 * zero, as C's division, by shifts (a division by a run-time 2^s is an idiv per weight). */
static inline int hq_low_code_of(int w, int s) {
    return (w + ((w >> 31) & ((1 << s) - 1))) >> s; /* a negative w rounds up first */
}
/* Bit pattern of a low code: two's complement of lo bits; binary: 1 = +1, 0 = -1. */
static inline uint32_t hq_low_pattern(int c, int lo) {
    if (lo == 1) return c > 0 ? 1u : 0u;
    return (uint32_t)c & ((1u << lo) - 1u);
}
static inline int hq_low_from_pattern(uint32_t p, int lo) {
    if (lo == 1) return p ? 1 : -1;
    return hq_bits_sext(p, lo);
}
static inline uint32_t hq_marker(int lo) {
    return 1u << (lo - 1);
} /* most negative code */

/* Each layout's own file defines its registry entry (hq_layout_entry_<NAME>, layout.h). */
#define HQ_LAYOUT_ENTRY_DECL_(NAME, VALUE) extern const hq_layout_entry hq_layout_entry_##NAME;
HQ_ACCEL_LAYOUT_LIST(HQ_LAYOUT_ENTRY_DECL_)
#undef HQ_LAYOUT_ENTRY_DECL_

#ifdef __cplusplus
}
#endif

#endif
