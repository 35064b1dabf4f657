/* Weight layouts in DRAM: packers, independent decoders and their cost metrics.
 * docs/layouts.md is the byte-level contract (the SystemC decompressor and the RTL decoder
 * implement the same format). One layer packs into one self-describing "layer image":
 * a 16-byte header, the per-row lo_shift table, the layout's sections (each 16-byte aligned),
 * and zero padding up to a multiple of the DRAM burst. */
#ifndef HQ_LAYOUT_H
#define HQ_LAYOUT_H

#include "hq_accel_regmap.h"
#include "hq_model.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The layout ids are the register map's LAYOUT_* (configs/accel/regmap.json, generated into
 * hq_accel_regmap.h): HQ_LAYOUT_<NAME> = HQ_ACCEL_LAYOUT_<NAME>. */
typedef enum {
#define HQ_LAYOUT_ENUM_(NAME, VALUE) HQ_LAYOUT_##NAME = VALUE,
    HQ_ACCEL_LAYOUT_LIST(HQ_LAYOUT_ENUM_)
#undef HQ_LAYOUT_ENUM_
        HQ_LAYOUT_COUNT = HQ_ACCEL_LAYOUT_COUNT
} hq_layout_kind;

#define HQ_LAYOUT_HEADER_BYTES 16
#define HQ_LAYOUT_ALIGN 16 /* every section starts at a multiple of this offset */
#define HQ_LAYOUT_DEFAULT_BURST 64
#define HQ_LAYOUT_COO_DELTA_BITS 8 /* relative index width of a coo entry */

typedef struct {
    hq_layout_kind kind;
    int block_n, block_m; /* block: N slots per M weights; N < 0 / M = 0: automatic (docs) */
    int burst;            /* DRAM burst in bytes (power of two, 16..4096); 0 = default 64 */
} hq_layout_opts;

/* Where the bits of a layer image go. The six parts add up to 8 * bytes. */
typedef struct {
    hq_layout_kind kind; /* the layout actually used (uniform layers always use dense) */
    int block_n, block_m;
    size_t header_bits, shift_bits, code_bits, index_bits, hi_value_bits, padding_bits;
    size_t bytes, bursts; /* image size; bursts of opts.burst bytes to fetch it */
    long weights, n_hi;
    double bits_per_weight; /* 8 * bytes / weights: everything counted */
    double hi_fraction;
    double entropy_bpw; /* order-0 entropy of the weight symbols (see docs/layouts.md) */
} hq_layout_stats;

typedef struct {
    uint8_t *data;
    size_t size;
    hq_layout_stats st;
} hq_layer_image;

/* A layer as a decoder reconstructs it from the bytes alone. */
typedef struct {
    hq_layout_kind kind;
    int rows, cols, lo_bits, hi_bits, block_n, block_m;
    int8_t *w;         /* [rows][cols] effective weights on the high grid */
    uint8_t *is_hi;    /* [rows][cols]; NULL when lo_bits == 0 */
    uint8_t *lo_shift; /* [rows]; NULL when lo_bits == 0 */
} hq_decoded_layer;

/* One weight layout: its registry entry (sw/lib/layout/registry.c keys the table by the
 * regmap's LAYOUT_* ids; each layout's own file defines hq_layout_entry_<NAME>). The packer
 * fills its share of the bit breakdown (code, index and high-value bits); the common metrics
 * (padding, bursts, bits/weight, hi fraction, entropy) are computed in layout.c. */
typedef struct {
    hq_layout_kind id;
    const char *name; /* what users type: the regmap name in lower case */
    int holds_high;   /* 1 if the layout can store high-precision weights */
    int (*pack)(const hq_qlayer *q, int rows, int cols, const hq_layout_opts *o,
                hq_layer_image *img, char *err, size_t errlen);
    /* Reads the layout's sections from byte offset off of a checked header (hq_image_open). */
    int (*decode)(const uint8_t *data, size_t off, hq_decoded_layer *d, size_t total, char *err,
                  size_t errlen);
} hq_layout_entry;

/* The entry of layout id, or NULL when no layout has that id. */
const hq_layout_entry *hq_layout_find(int id);
/* The registered names joined with sep, last_sep before the last ("dense, coo or block");
 * only_high: only the layouts that hold high-precision weights. Returns buf. */
const char *hq_layout_names(char *buf, size_t len, const char *sep, const char *last_sep,
                            int only_high);

const char *hq_layout_name(hq_layout_kind k);
/* Returns 0, or -1 with a message listing the valid names. */
int hq_layout_parse(const char *name, hq_layout_kind *k, char *err, size_t errlen);
void hq_layout_opts_default(hq_layout_opts *o, hq_layout_kind kind);

/* Packs one quantized rows x cols layer. A layer the layout cannot hold (e.g. high weights in
 * dense, more than N high weights in a block, lo = 1 in escape) fails with a message. */
int hq_layout_pack(const hq_qlayer *q, int rows, int cols, const hq_layout_opts *o,
                   hq_layer_image *out, char *err, size_t errlen);
void hq_layer_image_free(hq_layer_image *img);

/* Decodes a layer image (independent of the packer: it reads only the bytes). Checks every
 * field; returns 0, or -1 with a message naming the offending field. */
int hq_layout_decode(const uint8_t *data, size_t size, hq_decoded_layer *out, char *err,
                     size_t errlen);
void hq_decoded_layer_free(hq_decoded_layer *d);
/* 1 if the decoded layer equals q exactly (weights, high flags, shifts, bit-widths). */
int hq_decoded_equals(const hq_decoded_layer *d, const hq_qlayer *q, int rows, int cols);

/* High-precision weights of a layer as the hi fraction counts them (docs/layouts.md,
 * Metrics; `hqsim pack`, `hqsim eval`, `hqsim quantize --layout`): the is_hi flags of a
 * heterogeneous layer; a uniform layer (lo_bits 0) has no low/high split and counts 0. */
long hq_layout_n_hi(const hq_qlayer *q, long weights);

/* Order-0 empirical entropy, in bits per weight, of the layer's symbols: a low weight's
 * symbol is its low code, a high weight's symbol is ("high", value). */
double hq_layout_entropy_bpw(const hq_qlayer *q, int rows, int cols);
/* Largest number of high weights in any aligned block of m along a row. */
int hq_layout_max_hi_per_block(const hq_qlayer *q, int rows, int cols, int m);

/* A whole model: one image per weighted layer, concatenated in layer order. */
typedef struct {
    int n;                          /* weighted layers */
    int layer_index[HQ_MAX_LAYERS]; /* index into hq_model.layers */
    hq_layer_image img[HQ_MAX_LAYERS];
    size_t weight_bytes, weights; /* all layer images; all weights */
    size_t rq_bytes;              /* bias + rq_mult + rq_shift: 9 bytes per output row */
    long n_hi;
    double bits_per_weight; /* 8 * weight_bytes / weights */
    double hi_fraction;
} hq_packed_model;

/* Packs every weighted layer of a quantized model. Block N:M come from opts, else from the
 * layer's nm:N:M structure in m->policy, else M = 32 and N = the largest count found. */
int hq_layout_pack_model(const hq_model *m, const hq_layout_opts *o, hq_packed_model *pm, char *err,
                         size_t errlen);
/* The same, calling around(ctx, i, 0) before weighted layer i is packed and around(ctx, i, 1)
 * after (hqsim run holds the high flags in a smaller form but while a layer is packed: issue
 * 16, resident peak); a nonzero return fails the packing as out of memory. around may be
 * NULL. */
int hq_layout_pack_model_each(const hq_model *m, const hq_layout_opts *o, hq_packed_model *pm,
                              int (*around)(void *ctx, int layer, int packed), void *ctx, char *err,
                              size_t errlen);
void hq_packed_model_free(hq_packed_model *pm);

/* The layout a model is costed with: m->layout when set, else `block` if any layer has
 * high-precision weights and `dense` otherwise. */
hq_layout_kind hq_layout_of_model(const hq_model *m);
/* Decodes every image of pm with the independent decoder and compares it with m's quantized
 * layers (weights, high flags, shifts). Returns 0, or -1 with a message naming the layer. */
int hq_layout_verify_model(const hq_model *m, const hq_packed_model *pm, char *err, size_t errlen);
/* Checks that every layer of m packs with layout `name`, decodes back to exactly its weights
 * (hq_layout_verify_model), and only then records the layout in m->layout.
 * pm (may be NULL) receives the packed model. Returns 0, or -1 with a message. */
int hq_layout_assign(hq_model *m, const char *name, hq_packed_model *pm, char *err, size_t errlen);
/* bits/weight of the whole model in its layout (default burst) and its high fraction. */
int hq_layout_model_bits(const hq_model *m, double *bits_per_weight, double *hi_fraction, char *err,
                         size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
