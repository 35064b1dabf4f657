/* Tile vectors for the RTL benches: generation, packing with the library's `block` packer,
 * expected outputs from the integer reference, and the cycle-count formula. */
#include "pe_vectors.h"

#include "hq_arith.h"
#include "hq_model.h"
#include "layout/layout.h"
#include "reference.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_pow2(int v) {
    return v > 0 && (v & (v - 1)) == 0;
}
static int log2i(int v) {
    int p = 0;
    while ((1 << p) < v)
        p++;
    return p;
}

int pe_cfg_check(const pe_cfg *c, char *err, size_t errlen) {
    if (!is_pow2(c->lanes) || c->lanes < 2 || c->lanes > 1024) {
        snprintf(err, errlen, "lanes=%d: must be a power of two in [2, 1024]", c->lanes);
        return -1;
    }
    if (c->hi != 4 && c->hi != 8) {
        snprintf(err, errlen, "hi=%d: must be 4 or 8", c->hi);
        return -1;
    }
    if (c->nb_max < 1 || c->nb_max * c->lanes > 65535) {
        snprintf(err, errlen, "nb_max=%d: must be >= 1 with nb_max * lanes <= 65535", c->nb_max);
        return -1;
    }
    if (c->uniform) return 0;
    if (c->lo < 1 || c->lo > 4) {
        snprintf(err, errlen, "lo=%d: must be in [1, 4]", c->lo);
        return -1;
    }
    if (!is_pow2(c->m) || c->m < 2 || c->lanes % c->m) {
        snprintf(err, errlen, "m=%d: must be a power of two >= 2 dividing lanes=%d", c->m,
                 c->lanes);
        return -1;
    }
    if (!is_pow2(c->g) || c->g < 2 || c->m % c->g) {
        snprintf(err, errlen, "g=%d: must be a power of two >= 2 dividing m=%d", c->g, c->m);
        return -1;
    }
    if (c->n < 1 || c->n > c->m) {
        snprintf(err, errlen, "n=%d: must be in [1, m=%d]", c->n, c->m);
        return -1;
    }
    if (c->split && c->hmacs < 1) {
        snprintf(err, errlen, "hmacs=%d: the split array needs at least 1", c->hmacs);
        return -1;
    }
    return 0;
}

int pe_block_bits(const pe_cfg *c) {
    return c->lo == 1 ? c->m + c->n * (log2i(c->m) + c->hi) : c->m * c->lo + c->n * c->hi;
}
int pe_block_bytes(const pe_cfg *c) {
    return (pe_block_bits(c) + 7) / 8;
}
int pe_beat_bytes(const pe_cfg *c) {
    return c->uniform ? c->lanes * c->hi / 8 : (c->lanes / c->m) * pe_block_bytes(c);
}

void pe_tile_free(pe_tile *t) {
    free(t->act);
    free(t->w);
    free(t->is_hi);
    free(t->lo_shift);
    free(t->bias);
    free(t->mult);
    free(t->shift);
    free(t->wbeats);
    free(t->exp_acc);
    free(t->exp_y);
    memset(t, 0, sizeof *t);
}

uint64_t pe_rng_next(pe_rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int pe_rng_range(pe_rng *r, int lo, int hi) {
    return lo + (int)(pe_rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int chance(pe_rng *r, double p) {
    return (double)(pe_rng_next(r) >> 11) * 0x1p-53 < p;
}

static const char *const directed_names[PE_DIRECTED_COUNT] = {
    "all_zero_weights", "zero_acts", "max_high", "max_high_spread",
    "sat_high",         "sat_low",   "wrap",     "rq_extremes",
    "max_lo_shift",     "full_k",    "k_one",    "ragged_k",
    "short_rows"};

const char *pe_directed_name(int c) {
    return c >= 0 && c < PE_DIRECTED_COUNT ? directed_names[c] : "?";
}

static int qmax_of(const pe_cfg *c) {
    return (1 << (c->hi - 1)) - 1;
}
static int cmax_of(const pe_cfg *c) {
    return c->lo == 1 ? 1 : (1 << (c->lo - 1)) - 1;
}
/* Largest lo_shift s with cmax << s still on the high grid. */
static int max_lo_shift(const pe_cfg *c) {
    int s = 0;
    while ((cmax_of(c) << (s + 1)) <= qmax_of(c))
        s++;
    return s;
}

static int tile_alloc(const pe_cfg *c, pe_tile *t, int k, int rows, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    t->k = k;
    t->rows = rows;
    t->nbeats = (k + c->lanes - 1) / c->lanes;
    size_t nw = (size_t)rows * (size_t)k;
    t->act = calloc((size_t)t->nbeats * (size_t)c->lanes, 1);
    t->w = calloc(nw, 1);
    t->is_hi = calloc(nw, 1);
    t->lo_shift = calloc((size_t)rows, 1);
    t->bias = calloc((size_t)rows, sizeof *t->bias);
    t->mult = calloc((size_t)rows, sizeof *t->mult);
    t->shift = calloc((size_t)rows, 1);
    t->wbeats = calloc((size_t)rows * (size_t)t->nbeats * (size_t)pe_beat_bytes(c), 1);
    t->exp_acc = calloc((size_t)rows, sizeof *t->exp_acc);
    t->exp_y = calloc((size_t)rows, 1);
    if (!t->act || !t->w || !t->is_hi || !t->lo_shift || !t->bias || !t->mult || !t->shift ||
        !t->wbeats || !t->exp_acc || !t->exp_y) {
        pe_tile_free(t);
        snprintf(err, errlen, "out of memory for a %d x %d tile", rows, k);
        return -1;
    }
    return 0;
}

static void fill_qlayer(const pe_cfg *c, const pe_tile *t, hq_qlayer *q, hq_layer *L,
                        float *w_scale) {
    memset(q, 0, sizeof *q);
    q->lo_bits = c->uniform ? 0 : c->lo;
    q->hi_bits = c->hi;
    q->w = t->w;
    q->is_hi = c->uniform ? NULL : t->is_hi;
    q->lo_shift = c->uniform ? NULL : t->lo_shift;
    q->w_scale = w_scale;
    q->bias = t->bias;
    q->rq_mult = t->mult;
    q->rq_shift = t->shift;
    memset(L, 0, sizeof *L);
    L->kind = HQ_LAYER_DENSE;
    L->in = (hq_shape){t->k, 1, 1};
    L->out = (hq_shape){t->rows, 1, 1};
    L->rows = t->rows;
    L->cols = t->k;
    L->relu = 1;
    L->q = q;
}

/* ---- packing: the library's `block` packer, sliced into beats of lanes / m blocks ---- */

static int pack_beats(const pe_cfg *c, pe_tile *t, const hq_qlayer *q, char *err, size_t errlen) {
    size_t beat = (size_t)pe_beat_bytes(c);
    if (c->uniform) {
        /* The baseline array takes plain int8 weights, one per lane, zero past K. */
        for (int r = 0; r < t->rows; r++)
            memcpy(t->wbeats + (size_t)r * (size_t)t->nbeats * beat, t->w + (size_t)r * t->k,
                   (size_t)t->k);
        return 0;
    }
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_BLOCK);
    o.block_n = c->n;
    o.block_m = c->m;
    hq_layer_image img;
    if (hq_layout_pack(q, t->rows, t->k, &o, &img, err, errlen)) return -1;
    /* Cross-check the packer with the library's independent decoder. */
    hq_decoded_layer d;
    char derr[256];
    if (hq_layout_decode(img.data, img.size, &d, derr, sizeof derr)) {
        snprintf(err, errlen, "block image does not decode: %s", derr);
        hq_layer_image_free(&img);
        return -1;
    }
    int same = hq_decoded_equals(&d, q, t->rows, t->k);
    hq_decoded_layer_free(&d);
    /* Payload: after the 16-byte header and the lo_shift table, 16-byte aligned. */
    size_t off = (16 + (size_t)t->rows + 15) / 16 * 16;
    size_t bb = (size_t)pe_block_bytes(c), nblk = (size_t)((t->k + c->m - 1) / c->m);
    const uint8_t *h = img.data;
    if (!same || h[0] != HQ_LAYOUT_BLOCK || h[1] != c->lo || h[3] != c->n ||
        (h[4] | h[5] << 8) != c->m || off + nblk * bb * (size_t)t->rows > img.size) {
        snprintf(err, errlen, "block image header/payload not as expected (decoded equal: %d)",
                 same);
        hq_layer_image_free(&img);
        return -1;
    }
    for (int r = 0; r < t->rows; r++)
        memcpy(t->wbeats + (size_t)r * (size_t)t->nbeats * beat, img.data + off + r * nblk * bb,
               nblk * bb); /* blocks past the row's last are zero bytes: no contribution */
    hq_layer_image_free(&img);
    return 0;
}

/* ---- expected outputs from the integer reference ---- */

static int bitlen64(uint64_t v) {
    int b = 0;
    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

/* rq: 0 keep t->mult / t->shift, 1 choose them so outputs land mostly inside (0, 255). */
static int finish_tile(const pe_cfg *c, pe_tile *t, pe_rng *rng, int rq, char *err, size_t errlen) {
    float *w_scale = malloc((size_t)t->rows * sizeof *w_scale);
    int32_t *acc2 = malloc((size_t)t->rows * sizeof *acc2);
    if (!w_scale || !acc2) {
        free(w_scale);
        free(acc2);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int r = 0; r < t->rows; r++)
        w_scale[r] = 1.0f;
    hq_qlayer q;
    hq_layer L;
    fill_qlayer(c, t, &q, &L, w_scale);
    hq_ref_layer_acc(&L, t->act, 1, t->exp_acc);
    hq_ref_layer_acc_split(&L, t->act, 1, acc2);
    int rc = 0;
    if (memcmp(acc2, t->exp_acc, (size_t)t->rows * sizeof *acc2)) {
        snprintf(err, errlen, "reference: direct and split accumulators disagree");
        rc = -1;
    }
    if (!rc && rq)
        for (int r = 0; r < t->rows; r++) {
            int64_t a = t->exp_acc[r] < 0 ? -(int64_t)t->exp_acc[r] : t->exp_acc[r];
            t->mult[r] = (int32_t)(pe_rng_next(rng) >> (33 + pe_rng_range(rng, 0, 30)));
            int s = bitlen64((uint64_t)(a ? a : 1) * (uint64_t)t->mult[r]) - 8 +
                    pe_rng_range(rng, -2, 1);
            t->shift[r] = (uint8_t)(s < 0 ? 0 : s > HQ_RQ_MAX_SHIFT ? HQ_RQ_MAX_SHIFT : s);
        }
    if (!rc) {
        hq_ref_requant(&q, t->rows, t->exp_acc, 1, t->exp_y);
        rc = pack_beats(c, t, &q, err, errlen);
    }
    free(w_scale);
    free(acc2);
    return rc;
}

/* ---- weight patterns ---- */

static int rand_nonzero(pe_rng *rng, int qmax) {
    int v = pe_rng_range(rng, 1, qmax);
    return pe_rng_range(rng, 0, 1) ? v : -v;
}

static int rand_low_code(const pe_cfg *c, pe_rng *rng, double p_zero) {
    if (c->lo == 1) return pe_rng_range(rng, 0, 1) ? 1 : -1;
    if (chance(rng, p_zero)) return 0;
    return rand_nonzero(rng, cmax_of(c));
}

/* Fills row r: low codes, then the high positions of each block as `place` says:
 * 0 random with probability p_hi (at most n per block), 1 n packed at the block start,
 * 2 n spread evenly over the block. */
static void fill_row(const pe_cfg *c, pe_tile *t, pe_rng *rng, int r, double p_hi, double p_zero,
                     int place) {
    int s = t->lo_shift[r];
    int8_t *w = t->w + (size_t)r * t->k;
    uint8_t *h = t->is_hi + (size_t)r * t->k;
    if (c->uniform) {
        for (int i = 0; i < t->k; i++)
            w[i] = (int8_t)(chance(rng, p_zero) ? 0 : rand_nonzero(rng, qmax_of(c)));
        return;
    }
    for (int i = 0; i < t->k; i++) {
        w[i] = (int8_t)(rand_low_code(c, rng, p_zero) * (1 << s));
        h[i] = 0;
    }
    for (int b = 0; b * c->m < t->k; b++) {
        int base = b * c->m, valid = t->k - base < c->m ? t->k - base : c->m;
        int want = c->n < valid ? c->n : valid, count = 0;
        for (int j = 0; j < valid && count < want; j++) {
            int pos = j;
            if (place == 0) {
                if (!chance(rng, p_hi)) continue;
                pos = pe_rng_range(rng, 0, valid - 1);
            } else if (place == 2) {
                pos = (int)((long)j * valid / want);
            }
            if (h[base + pos]) continue;
            h[base + pos] = 1;
            w[base + pos] = (int8_t)rand_nonzero(rng, qmax_of(c));
            count++;
        }
    }
}

static void fill_acts(const pe_cfg *c, pe_tile *t, pe_rng *rng, double p_zero, int fixed) {
    (void)c;
    for (int i = 0; i < t->k; i++)
        t->act[i] = (uint8_t)(fixed >= 0            ? fixed
                              : chance(rng, p_zero) ? 0
                                                    : pe_rng_range(rng, 1, 255));
}

int pe_tile_random(const pe_cfg *c, pe_rng *rng, int max_rows, pe_tile *t, char *err,
                   size_t errlen) {
    static const double p_hi_choices[] = {0.0, 0.01, 0.03, 0.06, 0.2, 1.0};
    static const double p_zero_choices[] = {0.0, 0.3, 0.6, 0.95};
    if (pe_cfg_check(c, err, errlen)) return -1;
    int nbeats = pe_rng_range(rng, 1, c->nb_max);
    int k = pe_rng_range(rng, (nbeats - 1) * c->lanes + 1, nbeats * c->lanes);
    int rows = pe_rng_range(rng, 1, max_rows < 1 ? 1 : max_rows);
    if (tile_alloc(c, t, k, rows, err, errlen)) return -1;
    double p_hi = p_hi_choices[pe_rng_range(rng, 0, 5)];
    double pz_w = p_zero_choices[pe_rng_range(rng, 0, 2)];
    fill_acts(c, t, rng, p_zero_choices[pe_rng_range(rng, 0, 3)], -1);
    for (int r = 0; r < rows; r++) {
        t->lo_shift[r] = c->uniform ? 0 : (uint8_t)pe_rng_range(rng, 0, max_lo_shift(c));
        t->bias[r] = pe_rng_range(rng, -(1 << 20), 1 << 20);
        fill_row(c, t, rng, r, p_hi, pz_w, 0);
    }
    int fully_random_rq = chance(rng, 0.2);
    if (fully_random_rq)
        for (int r = 0; r < rows; r++) {
            t->mult[r] = (int32_t)(pe_rng_next(rng) >> 33);
            t->shift[r] = (uint8_t)pe_rng_range(rng, 0, HQ_RQ_MAX_SHIFT);
        }
    if (finish_tile(c, t, rng, !fully_random_rq, err, errlen)) {
        pe_tile_free(t);
        return -1;
    }
    return 0;
}

int pe_tile_directed(const pe_cfg *c, int which, pe_rng *rng, pe_tile *t, char *err,
                     size_t errlen) {
    if (pe_cfg_check(c, err, errlen)) return -1;
    if (which < 0 || which >= PE_DIRECTED_COUNT) {
        snprintf(err, errlen, "directed case %d out of range [0, %d)", which, PE_DIRECTED_COUNT);
        return -1;
    }
    int full = c->nb_max * c->lanes;
    int k = which == PE_DIR_FULL_K       ? full
            : which == PE_DIR_K_ONE      ? 1
            : which == PE_DIR_RAGGED_K   ? (c->m > 2 ? c->lanes + c->m / 2 + 1 : c->lanes + 1)
            : which == PE_DIR_SHORT_ROWS ? c->lanes
                                         : (full < 3 * c->lanes ? full : 3 * c->lanes);
    if (k > full) k = full;
    int rows = which == PE_DIR_FULL_K        ? 16
               : which == PE_DIR_RQ_EXTREMES ? 9
               : which == PE_DIR_SHORT_ROWS  ? 40
                                             : 6;
    if (tile_alloc(c, t, k, rows, err, errlen)) return -1;
    int smax = c->uniform ? 0 : max_lo_shift(c), qmax = qmax_of(c);
    int rq = 1;
    fill_acts(c, t, rng, 0.3,
              which == PE_DIR_ZERO_ACTS                             ? 0
              : which == PE_DIR_SAT_HIGH || which == PE_DIR_SAT_LOW ? 255
                                                                    : -1);
    for (int r = 0; r < rows; r++) {
        t->lo_shift[r] =
            (uint8_t)(which == PE_DIR_MAX_LO_SHIFT ? smax : pe_rng_range(rng, 0, smax));
        t->bias[r] = pe_rng_range(rng, -1000, 1000);
        int8_t *w = t->w + (size_t)r * k;
        switch (which) {
        case PE_DIR_ALL_ZERO_WEIGHTS:
            if (c->lo == 1 && !c->uniform) {
                fill_row(c, t, rng, r, 0.0, 0.0, 0);
                memset(t->act, 0, (size_t)k); /* binary has no zero code */
            }
            break; /* calloc'd: all weights 0 */
        case PE_DIR_MAX_HIGH: fill_row(c, t, rng, r, 1.0, 0.3, 1); break;
        case PE_DIR_MAX_HIGH_SPREAD: fill_row(c, t, rng, r, 1.0, 0.3, 2); break;
        case PE_DIR_SAT_HIGH:
        case PE_DIR_SAT_LOW:
            fill_row(c, t, rng, r, 1.0, 0.0, 2);
            for (int i = 0; i < k; i++) {
                int mag =
                    c->uniform || t->is_hi[(size_t)r * k + i] ? qmax : cmax_of(c) << t->lo_shift[r];
                w[i] = (int8_t)(which == PE_DIR_SAT_HIGH ? mag : -mag);
            }
            t->mult[r] = 0x7fffffff;
            t->shift[r] = (uint8_t)(r % 4 == 0 ? 0 : 31 - r % 4);
            rq = 0;
            break;
        case PE_DIR_WRAP:
            fill_row(c, t, rng, r, 0.05, 0.0, 0);
            t->bias[r] = r % 2 ? INT32_MAX - pe_rng_range(rng, 0, 100)
                               : INT32_MIN + pe_rng_range(rng, 0, 100);
            break;
        default: fill_row(c, t, rng, r, 0.05, 0.3, 0); break;
        }
        if (which == PE_DIR_RQ_EXTREMES) {
            static const int32_t mults[3] = {0x7fffffff, 0, 1};
            static const uint8_t shifts[3] = {0, 1, HQ_RQ_MAX_SHIFT};
            t->mult[r] = mults[r % 3];
            t->shift[r] = shifts[r / 3 % 3];
            rq = 0;
        }
    }
    if (finish_tile(c, t, rng, rq, err, errlen)) {
        pe_tile_free(t);
        return -1;
    }
    return 0;
}

/* ---- timing ---- */

long pe_tile_busy_cycles(const pe_cfg *c, const pe_tile *t) {
    return pe_accel_busy_cycles(c, t, 0);
}

long pe_split_busy_cycles(int lanes, int hmacs, const pe_tile *t) {
    long s = 0;
    for (int r = 0; r < t->rows; r++)
        for (int b = 0; b < t->nbeats; b++) {
            int h = 0;
            for (int i = b * lanes; i < (b + 1) * lanes && i < t->k; i++)
                h += t->is_hi[(size_t)r * t->k + i];
            const int passes = (h + hmacs - 1) / hmacs;
            s += passes > 1 ? passes : 1;
        }
    return s;
}

long pe_accel_busy_cycles(const pe_cfg *c, const pe_tile *t, int lo) {
    if (c->uniform) return (long)t->rows * t->nbeats;
    if (c->split) return pe_split_busy_cycles(c->lanes, c->hmacs, t);
    const int digits = lo >= 3 ? lo - 1 : 1;
    long s = 0;
    for (int r = 0; r < t->rows; r++)
        for (int b = 0; b < t->nbeats; b++) {
            int worst = 0;
            for (int g0 = b * c->lanes; g0 < (b + 1) * c->lanes && g0 < t->k; g0 += c->g) {
                int h = 0;
                for (int i = g0; i < g0 + c->g && i < t->k; i++)
                    h += t->is_hi[(size_t)r * t->k + i];
                if (h > worst) worst = h;
            }
            const int cost = 1 + (worst > 1 ? worst - 1 : 0);
            s += cost > digits ? cost : digits;
        }
    return s;
}

long pe_tile_high_weights(const pe_tile *t) {
    long n = 0;
    for (size_t i = 0; i < (size_t)t->rows * (size_t)t->k; i++)
        n += t->is_hi[i];
    return n;
}

long pe_tile_period_cycles(const pe_cfg *c, const pe_tile *t) {
    return t->nbeats + pe_tile_busy_cycles(c, t) + PE_TILE_OVERHEAD;
}

long pe_tile_latency_cycles(const pe_cfg *c, const pe_tile *t) {
    return t->nbeats + pe_tile_busy_cycles(c, t) + PE_PIPE_LATENCY;
}
