/* Test vectors for the RTL PE tile (rtl/pe_tile.v), produced with the C library: weights are
 * packed by the `block` layout packer (sw/lib/layout) and the expected outputs come from the
 * integer reference (sw/lib/reference.h). The cycle-count formula of docs/pe-array.md is
 * here too, so the bench can check the RTL against it and the SystemC model can reuse it. */
#ifndef PE_VECTORS_H
#define PE_VECTORS_H

#include "pe_configs.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Shape of one tile instance; mirrors the parameters of rtl/pe_tile.v. */
typedef struct {
    int uniform; /* 1: uniform int8 array, one int8 weight per lane per beat */
    int lanes;   /* weights (and activations) per beat */
    int g;       /* lanes per lane group (one shared outlier MAC each) */
    int m, n;    /* block layout: at most n high weights per block of m */
    int lo, hi;  /* low-code bits (1..4), high bits (4 or 8) */
    int nb_max;  /* beats per row the activation buffer holds: K <= nb_max * lanes */
    int split;   /* 1: the split array (low lanes + a high-precision unit; lo 4, n = m) */
    int hmacs;   /* split: MACs of the high-precision unit */
} pe_cfg;

/* Checks a configuration; returns 0, or -1 with a message. */
int pe_cfg_check(const pe_cfg *c, char *err, size_t errlen);
int pe_block_bits(const pe_cfg *c);  /* bits of one packed block */
int pe_block_bytes(const pe_cfg *c); /* bytes of one packed block (the DRAM stride) */
int pe_beat_bytes(const pe_cfg *c);  /* bytes of one weight beat */

/* One tile: rows x k weights against one activation vector, with its expected outputs. */
typedef struct {
    int k, rows, nbeats;
    uint8_t *act;   /* [nbeats * lanes], zero past k */
    int8_t *w;      /* [rows][k] effective weights on the high grid */
    uint8_t *is_hi; /* [rows][k] (lanegroup) */
    uint8_t *lo_shift;
    int32_t *bias, *mult;
    uint8_t *shift;
    uint8_t *wbeats;  /* [rows][nbeats][beat_bytes]: the s_wgt stream */
    int32_t *exp_acc; /* [rows] merged accumulator, bias included */
    uint8_t *exp_y;   /* [rows] requantized ReLU output */
} pe_tile;

void pe_tile_free(pe_tile *t);

/* Deterministic generator state (splitmix64). */
typedef struct {
    uint64_t s;
} pe_rng;
uint64_t pe_rng_next(pe_rng *r);
int pe_rng_range(pe_rng *r, int lo, int hi); /* uniform in [lo, hi] */

/* Directed cases, in order; pe_tile_directed(case) for case in [0, PE_DIRECTED_COUNT). */
typedef enum {
    PE_DIR_ALL_ZERO_WEIGHTS, /* every block all-zero (lo >= 2) / zero activations (lo = 1) */
    PE_DIR_ZERO_ACTS,        /* random weights, all activations zero */
    PE_DIR_MAX_HIGH,         /* every block holds N high weights, packed in one group */
    PE_DIR_MAX_HIGH_SPREAD,  /* every block holds N high weights, spread over its groups */
    PE_DIR_SAT_HIGH,         /* all activations 255, weights at +max: output saturates 255 */
    PE_DIR_SAT_LOW,          /* weights at -max: ReLU clamps to 0 */
    PE_DIR_WRAP,             /* bias near INT32 limits: int32 accumulation wraps */
    PE_DIR_RQ_EXTREMES,      /* mult 2^31-1 / 0 / 1, shift 0 / 1 / 62 */
    PE_DIR_MAX_LO_SHIFT,     /* the largest lo_shift the high grid allows */
    PE_DIR_FULL_K,           /* K = nb_max * lanes, many rows */
    PE_DIR_K_ONE,            /* K = 1 */
    PE_DIR_RAGGED_K,         /* K not a multiple of M: padded last block */
    PE_DIR_SHORT_ROWS,       /* K <= lanes and 40 rows: one beat per row, full output rate */
    PE_DIRECTED_COUNT
} pe_directed;

const char *pe_directed_name(int c);

/* Builds a random tile (K, rows, outlier density, activations, requantization all drawn from
 * rng) of at most max_rows rows. Returns 0, or -1 with a message. */
int pe_tile_random(const pe_cfg *c, pe_rng *rng, int max_rows, pe_tile *t, char *err,
                   size_t errlen);
/* Builds directed case `which`. Returns 0, or -1 with a message. */
int pe_tile_directed(const pe_cfg *c, int which, pe_rng *rng, pe_tile *t, char *err, size_t errlen);

/* The timing model of docs/pe-array.md for one tile:
 *   busy cycles S = sum over rows, beats of (1 + max over groups of max(0, h_g - 1)),
 *   h_g = high-precision weights of group g in that beat. */
long pe_tile_busy_cycles(const pe_cfg *c, const pe_tile *t);
/* The same tile behind the accelerator's lane-group weight path (hq_beat_split.v), on a layer
 * of lo-bit low codes: a 3- or 4-bit code enters the ternary lanes as lo - 1 digits, one tile
 * cycle each, so a beat takes max(D, 1 + max over groups of max(0, h_g - 1)) cycles, D = 1 for
 * lo <= 2, lo - 1 for lo 3, 4 (docs/rtl-accel.md). lo <= 2 is pe_tile_busy_cycles. */
long pe_accel_busy_cycles(const pe_cfg *c, const pe_tile *t, int lo);
/* The split array (c->split, rtl/pe_array_split.v): a beat holding h high weights takes
 * max(1, ceil(h / hmacs)) cycles, whatever its low codes (the model's split rule,
 * model/accel/split_array.cpp). pe_tile_busy_cycles gives this for a split configuration. */
long pe_split_busy_cycles(int lanes, int hmacs, const pe_tile *t);
long pe_tile_high_weights(const pe_tile *t);
/* Cycles from one tile's first activation beat to the next tile's: nbeats + S + 2. */
long pe_tile_period_cycles(const pe_cfg *c, const pe_tile *t);
/* Cycles from the first activation beat to the last output beat, inclusive: nbeats + S + 9. */
long pe_tile_latency_cycles(const pe_cfg *c, const pe_tile *t);

/* PE_PIPE_LATENCY (latency - nbeats - S: accept, A, and the output pipeline) and
 * PE_TILE_OVERHEAD (cycles per tile beyond activation beats and busy cycles) come from
 * rtl/configs.json through the generated pe_configs.h. */

#ifdef __cplusplus
}
#endif

#endif
