/* Quantization policy specs: parsing, validation and per-layer resolution.
 *
 * Grammar (documented with examples in sw/lib/quant/README.md):
 *   SPEC     := LAYERSPEC { ';' OVERRIDE }
 *   LAYERSPEC:= 'uniform8' | 'uniform4' | 'uniform2' | 'uniform1' | KEY=VALUE { ',' KEY=VALUE }
 *   OVERRIDE := SELECTOR '=' LAYERSPEC      SELECTOR := 'first' | 'last' | 'L'<index>
 * Keys: lo=1..4, hi=4|8, frac=0..0.5, select=magnitude|error|saliency,
 *       struct=none|nm:N:M|row|col|tile:RxC.
 * An override's key=value list starts from the base spec's values (so `L1=frac=0.05` changes
 * only frac); a uniformB override replaces the layer's policy. <index> counts weighted layers
 * (dense and conv) from 0, in decimal digits only (leading zeros allowed, no sign), and must
 * be below HQ_MAX_LAYERS; a selector is at most HQ_POLICY_MAX_SELECTOR characters. `last` wins
 * over `first` and `L<i>` wins over both.
 */
#ifndef HQ_QUANT_POLICY_H
#define HQ_QUANT_POLICY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HQ_POLICY_MAX_OVERRIDES 8
#define HQ_POLICY_MAX_SELECTOR 32 /* characters of one override selector (first, L12, ...) */

typedef enum { HQ_SELECT_MAGNITUDE = 0, HQ_SELECT_ERROR, HQ_SELECT_SALIENCY } hq_select_kind;
typedef enum {
    HQ_STRUCT_NONE = 0,
    HQ_STRUCT_NM,
    HQ_STRUCT_ROW,
    HQ_STRUCT_COL,
    HQ_STRUCT_TILE
} hq_struct_kind;

/* The policy of one weighted layer. */
typedef struct {
    int uniform_bits; /* 8, 4, 2 or 1: a uniform baseline; 0: heterogeneous */
    int lo, hi;       /* heterogeneous: low bits 1..4, high bits 4 or 8 */
    double frac;      /* target fraction of high-precision weights, 0..0.5 */
    hq_select_kind select;
    hq_struct_kind structure;
    int n, m;           /* nm:N:M */
    int tile_r, tile_c; /* tile:RxC */
} hq_layer_policy;

typedef enum { HQ_SEL_FIRST = 0, HQ_SEL_LAST, HQ_SEL_INDEX } hq_selector_kind;

typedef struct {
    hq_selector_kind sel;
    int index; /* HQ_SEL_INDEX: weighted-layer index */
    hq_layer_policy p;
} hq_policy_override;

typedef struct {
    hq_layer_policy base;
    int n_overrides;
    hq_policy_override overrides[HQ_POLICY_MAX_OVERRIDES];
} hq_policy;

/* Parses spec. Returns 0, or -1 with a message naming the bad key and the valid values. */
int hq_policy_parse(hq_policy *p, const char *spec, char *err, size_t errlen);
/* The policy of weighted layer `index` of a model with n_weighted weighted layers. */
hq_layer_policy hq_policy_for_layer(const hq_policy *p, int index, int n_weighted);
/* Checks that overrides name existing layers. Returns 0 or -1 with a message. */
int hq_policy_check_layers(const hq_policy *p, int n_weighted, char *err, size_t errlen);
/* Canonical text of one layer policy ("uniform8" or "lo=2,hi=8,frac=0.02,..."). */
void hq_layer_policy_format(const hq_layer_policy *lp, char *buf, size_t len);
/* 1 if any layer of the model (n_weighted layers) needs activation statistics. */
int hq_policy_needs_saliency(const hq_policy *p, int n_weighted);
const char *hq_select_name(hq_select_kind s);

#ifdef __cplusplus
}
#endif

#endif
