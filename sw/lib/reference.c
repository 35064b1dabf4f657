/* Integer reference inference (docs/arith.md): GEMM kernels on int16 activations and int8
 * (or int16-widened) weights, im2col, requant, maxpool, and the batched, OpenMP-parallel
 * network driver. */
#include "hq_error.h"
#include "layer_ops.h"
#include "reference.h"

#include "hq_arith.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* The GEMM is compiled for several x86-64 levels and picked at load time (ifunc), so one
 * portable binary uses AVX-512/AVX2 where the CPU has them; no -march=native needed. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define HQ_VECTOR_CLONES                                                                           \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HQ_VECTOR_CLONES
#endif

#define REF_BATCH 64 /* images per work item: dense GEMM inputs stay in L1/L2 */
/* A batch's activation buffers (batch x the largest output each holds) stay within this:
 * conv layers run image by image, so a large batch only reuses dense weights, and 64 images of
 * MobileNetV2 (1.2 MB activations) held 141 MB per thread, VGG-16's 410 MB (issue 16). */
#define REF_ACT_BUDGET ((size_t)16 << 20)
#define REF_KPAD 16 /* K padded to a multiple of this many int16 */
/* A conv's GEMM input (im2col) per band of output positions of about this many bytes, its
 * accumulators likewise: a whole layer's (ResNet-18's conv1: 4 MB, 3.2 MB) held per thread
 * beside the simulation in hqsim run (issue 16); the sums are the same. */
#define REF_BAND_BYTES ((size_t)128 << 10)

typedef struct {
    int kp;        /* padded K */
    int positions; /* output positions per input (dense: 1, conv: out.h * out.w) */
    int band;      /* conv: output positions per im2col band (a multiple of 4, or positions) */
    /* The effective weights: in place (the model's q->w, int8, [rows][kp]) when K needs no
     * padding and fills whole vectors, else a widened copy w16 ([rows][kp] int16, owned): the
     * int8 kernel's tail loop would cost a K of 27 or 147 (first convs) up to 4x its speed,
     * and such layers are small. */
    const int8_t *w8;
    int16_t *w16;
    /* the graph (docs/arith.md section 7a) */
    int src, src2;          /* layers read (-1: the network input) */
    int sgn, sgn2;          /* 1: that input holds int8 codes */
    size_t off;             /* this layer's output in the activation arena (one image's
                               elements; a batch's region is batch times as far and large) */
    int lo, hi;             /* requantization clamp */
    int32_t add_ma, add_mb; /* residual add multipliers */
    int add_shift;
} ref_layer;

struct hq_ref_net {
    const hq_model *m;
    ref_layer L[HQ_MAX_LAYERS];
    /* elements of one image in the activation arena: every output placed where no output
     * alive beside it lies (plan_activations; buffers each the largest activation were up
     * to 4x this on MobileNetV2, beside the simulation: issue 16) */
    size_t arena_elems;
    int batch;          /* images per work item: <= REF_BATCH, within REF_ACT_BUDGET */
    size_t gemm_in_cap; /* int16 GEMM input entries needed for one batch or band */
    size_t acc_cap;     /* int32 accumulators needed for one batch or band */
    size_t gacc_cap;    /* int32 accumulators of one group of a grouped conv's band */
};

typedef struct {
    uint8_t *arena; /* the activations: layer i's at batch * L[i].off */
    int16_t *a16;
    int32_t *acc;
    int32_t *gacc; /* one group's accumulators of a grouped conv */
    int32_t *logits;
} ref_scratch;

static int pad_k(int k) {
    return (k + REF_KPAD - 1) / REF_KPAD * REF_KPAD;
}

static int is_weighted(const hq_layer *l) {
    return l->kind == HQ_LAYER_DENSE || l->kind == HQ_LAYER_CONV;
}

/* ------------------------------------------------------------------ kernels */

/* The GEMM body on weights of type WT, each widened to XT: four input rows share each weight
 * load; the k loop vectorises into widening multiply-adds (4 reductions). One body for both
 * weight types, so the two kernels cannot drift apart. */
#define REF_GEMM_BODY(WT, XT)                                                                      \
    int i = 0;                                                                                     \
    for (; i + 4 <= n; i += 4) {                                                                   \
        const int16_t *a0 = a + (size_t)i * kp, *a1 = a0 + kp, *a2 = a1 + kp, *a3 = a2 + kp;       \
        int32_t *o = acc + (size_t)i * rows;                                                       \
        for (int r = 0; r < rows; r++) {                                                           \
            const WT *wr = w + (size_t)r * kp;                                                     \
            int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                                \
            for (int k = 0; k < kp; k++) {                                                         \
                XT x = wr[k];                                                                      \
                s0 += a0[k] * x;                                                                   \
                s1 += a1[k] * x;                                                                   \
                s2 += a2[k] * x;                                                                   \
                s3 += a3[k] * x;                                                                   \
            }                                                                                      \
            o[r] = s0;                                                                             \
            o[rows + r] = s1;                                                                      \
            o[2 * rows + r] = s2;                                                                  \
            o[3 * rows + r] = s3;                                                                  \
        }                                                                                          \
    }                                                                                              \
    for (; i < n; i++) {                                                                           \
        const int16_t *ai = a + (size_t)i * kp;                                                    \
        for (int r = 0; r < rows; r++) {                                                           \
            const WT *wr = w + (size_t)r * kp;                                                     \
            int32_t s = 0;                                                                         \
            for (int k = 0; k < kp; k++)                                                           \
                s += ai[k] * (XT)wr[k];                                                            \
            acc[(size_t)i * rows + r] = s;                                                         \
        }                                                                                          \
    }

HQ_VECTOR_CLONES
void hq_ref_gemm_i16(const int16_t *a, int n, const int16_t *w, int rows, int kp,
                     int32_t *acc){REF_GEMM_BODY(int16_t, int32_t)}

/* hq_ref_gemm_i16 on int8 weights, widened in registers: the same sums (exact), half the
 * weight bytes read, and no int16 copy of the model (issue 16). */
HQ_VECTOR_CLONES
    void hq_ref_gemm_i8w(const int16_t *a, int n, const int8_t *w, int rows, int kp, int32_t *acc) {
    REF_GEMM_BODY(int8_t, int16_t)
}

/* The product of n GEMM rows with the weight rows [r0, r0 + nr) of a prepared layer. */
static void layer_gemm(const ref_layer *R, const int16_t *a16, int n, int r0, int nr,
                       int32_t *acc) {
    if (R->w16)
        hq_ref_gemm_i16(a16, n, R->w16 + (size_t)r0 * R->kp, nr, R->kp, acc);
    else
        hq_ref_gemm_i8w(a16, n, R->w8 + (size_t)r0 * R->kp, nr, R->kp, acc);
}

/* Dense input: one GEMM row per input vector, zero-padded to kp. */
static void widen_rows(const uint8_t *in, int n, int cols, int kp, int sgn, int16_t *a16) {
    for (int i = 0; i < n; i++) {
        const uint8_t *src = in + (size_t)i * cols;
        int16_t *dst = a16 + (size_t)i * kp;
        if (sgn)
            for (int k = 0; k < cols; k++)
                dst[k] = (int8_t)src[k];
        else
            for (int k = 0; k < cols; k++)
                dst[k] = src[k];
        for (int k = cols; k < kp; k++)
            dst[k] = 0;
    }
}

/* Signed inputs are int8 codes: sign-extend the whole matrix after the copy. */
static void sign_extend(int16_t *a16, size_t count) {
    for (size_t j = 0; j < count; j++)
        a16[j] = (int8_t)(uint8_t)a16[j];
}

/* im2col of the channels [c0, c0 + Cg) of one HWC image (Cg = C unless the conv is grouped)
 * for the output positions [p0, p0 + np): row p - p0 for p = oy * out.w + ox, column
 * (ky*k + kx)*Cg + c; padding reads 0. For one (oy, ox, ky) of an ungrouped conv the k*C
 * inputs are contiguous in HWC memory: copied in one run. */
static void im2col_group(const hq_layer *L, const uint8_t *img, int kp, int16_t *a16, int c0,
                         int Cg, int p0, int np) {
    const int CI = L->in.c, H = L->in.h, W = L->in.w, k = L->k;
    for (int p = p0; p < p0 + np; p++) {
        const int oy = p / L->out.w, ox = p % L->out.w;
        int16_t *dst = a16 + (size_t)(p - p0) * kp;
        for (int ky = 0; ky < k; ky++) {
            int y = oy * L->stride - L->pad + ky;
            for (int kx = 0; kx < k; kx++) {
                int x = ox * L->stride - L->pad + kx;
                int16_t *d = dst + (ky * k + kx) * Cg;
                if (y < 0 || y >= H || x < 0 || x >= W) {
                    for (int c = 0; c < Cg; c++)
                        d[c] = 0;
                    continue;
                }
                const uint8_t *src = img + ((size_t)y * W + x) * CI + c0;
                for (int c = 0; c < Cg; c++)
                    d[c] = src[c];
            }
        }
        for (int c = k * k * Cg; c < kp; c++)
            dst[c] = 0;
    }
}

static void im2col(const hq_layer *L, const uint8_t *img, int kp, int16_t *a16, int p0, int np) {
    const int C = L->in.c, H = L->in.h, W = L->in.w, k = L->k;
    for (int p = p0; p < p0 + np; p++) {
        const int oy = p / L->out.w, ox = p % L->out.w;
        int16_t *dst = a16 + (size_t)(p - p0) * kp;
        int x0 = ox * L->stride - L->pad;
        for (int ky = 0; ky < k; ky++) {
            int y = oy * L->stride - L->pad + ky;
            int16_t *d = dst + ky * k * C;
            if (y < 0 || y >= H) {
                for (int j = 0; j < k * C; j++)
                    d[j] = 0;
            } else if (x0 >= 0 && x0 + k <= W) {
                const uint8_t *s = img + ((size_t)y * W + x0) * C;
                for (int j = 0; j < k * C; j++)
                    d[j] = s[j];
            } else {
                for (int kx = 0; kx < k; kx++) {
                    int x = x0 + kx;
                    if (x < 0 || x >= W) { /* padding: no pointer is formed outside img */
                        for (int c = 0; c < C; c++)
                            d[kx * C + c] = 0;
                        continue;
                    }
                    const uint8_t *s = img + ((size_t)y * W + x) * C;
                    for (int c = 0; c < C; c++)
                        d[kx * C + c] = s[c];
                }
            }
        }
        for (int c = L->cols; c < kp; c++)
            dst[c] = 0;
    }
}

static int32_t add_wrap(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* hq_requant_relu without the branch on shift (the rounding term is 0 for shift 0), so the
 * row loop vectorises; bit-identical by construction and checked by test_reference. */
HQ_VECTOR_CLONES
static void requant_rows(const int32_t *acc, const int32_t *mult, const int64_t *round,
                         const uint8_t *shift, int rows, uint8_t *out) {
    for (int r = 0; r < rows; r++) {
        int64_t p = ((int64_t)acc[r] * mult[r] + round[r]) >> shift[r];
        out[r] = (uint8_t)(p < 0 ? 0 : p > 255 ? 255 : p);
    }
}

void hq_ref_requant(const hq_qlayer *q, int rows, const int32_t *acc, size_t np, uint8_t *out) {
    /* The rounding terms of up to 256 rows at a time, on the stack: nothing to allocate. */
    enum { ROWS_AT_ONCE = 256 };
    int64_t round[ROWS_AT_ONCE];
    for (int r0 = 0; r0 < rows; r0 += ROWS_AT_ONCE) {
        const int nr = rows - r0 < ROWS_AT_ONCE ? rows - r0 : ROWS_AT_ONCE;
        for (int r = 0; r < nr; r++)
            round[r] = q->rq_shift[r0 + r] ? (int64_t)1 << (q->rq_shift[r0 + r] - 1) : 0;
        for (size_t p = 0; p < np; p++)
            requant_rows(acc + p * rows + r0, q->rq_mult + r0, round, q->rq_shift + r0, nr,
                         out + p * rows + r0);
    }
}

void hq_ref_maxpool_u8(const hq_layer *L, const uint8_t *in, int n, uint8_t *out) {
    const int C = L->in.c, W = L->in.w, k = L->k;
    for (int i = 0; i < n; i++) {
        const uint8_t *img = in + (size_t)i * hq_shape_elems(L->in);
        uint8_t *o = out + (size_t)i * hq_shape_elems(L->out);
        for (int oy = 0; oy < L->out.h; oy++)
            for (int ox = 0; ox < L->out.w; ox++) {
                uint8_t *d = o + ((size_t)oy * L->out.w + ox) * C;
                memset(d, 0, (size_t)C); /* codes are >= 0 */
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) {
                        const uint8_t *s = img + ((size_t)(oy * k + ky) * W + ox * k + kx) * C;
                        for (int c = 0; c < C; c++) /* channel-contiguous: vectorises */
                            d[c] = s[c] > d[c] ? s[c] : d[c];
                    }
            }
    }
}

/* ------------------------------------------------------------------ unprepared layer paths */

/* K that the int8 kernel runs at full vector width: whole 32-lane vectors, no padding. */
#define REF_W8_MULTIPLE 32

/* Points R at the layer's weights: in place when K allows, else a widened copy. -1: out of
 * memory. */
static int prepare_weights(const hq_layer *L, ref_layer *R) {
    if (L->cols % REF_W8_MULTIPLE == 0) {
        R->w8 = L->q->w;
        return 0;
    }
    int16_t *w16 = calloc((size_t)L->rows * R->kp, sizeof *w16);
    if (!w16) return -1;
    for (int r = 0; r < L->rows; r++)
        for (int c = 0; c < L->cols; c++)
            w16[(size_t)r * R->kp + c] = L->q->w[(size_t)r * L->cols + c];
    R->w16 = w16;
    return 0;
}

static int positions_of(const hq_layer *L) {
    return L->kind == HQ_LAYER_CONV ? L->out.h * L->out.w : 1;
}

/* Output positions per im2col band of a conv whose GEMM rows hold kp entries. */
static int band_of(const hq_layer *L, int kp) {
    const int P = positions_of(L);
    if (L->kind != HQ_LAYER_CONV) return P;
    size_t b = REF_BAND_BYTES / ((size_t)kp * sizeof(int16_t)) / 4 * 4;
    /* the accumulators too: a depthwise conv's K of 9 alone gave bands of 4096 positions,
     * 1.8 MB of accumulators for MobileNetV2's 112 x 112 x 96 */
    const size_t b_acc = REF_BAND_BYTES / ((size_t)L->rows * sizeof(int32_t)) / 4 * 4;
    if (b_acc < b) b = b_acc;
    if (b < 4) b = 4;
    return b >= (size_t)P ? P : (int)b;
}

/* The accumulators, bias included, of the output positions [p0, p0 + np) of a conv on one
 * image: acc[np][rows]. A grouped conv takes per group the im2col of its channels times its
 * rows, scattered into the [positions][rows] order. a16: np * kp entries, gacc (grouped
 * convs only): np * rows/g. */
static void conv_band_acc(const hq_layer *L, const ref_layer *R, const uint8_t *img, int p0, int np,
                          int16_t *a16, int32_t *gacc, int32_t *acc) {
    const int rows = L->rows, g = hq_layer_groups(L);
    if (g > 1) {
        const int Cg = L->in.c / g, Rg = rows / g;
        for (int grp = 0; grp < g; grp++) {
            im2col_group(L, img, R->kp, a16, grp * Cg, Cg, p0, np);
            if (R->sgn) sign_extend(a16, (size_t)np * R->kp);
            layer_gemm(R, a16, np, grp * Rg, Rg, gacc);
            for (int p = 0; p < np; p++)
                memcpy(acc + (size_t)p * rows + (size_t)grp * Rg, gacc + (size_t)p * Rg,
                       (size_t)Rg * sizeof *acc);
        }
    } else {
        im2col(L, img, R->kp, a16, p0, np);
        if (R->sgn) sign_extend(a16, (size_t)np * R->kp);
        layer_gemm(R, a16, np, 0, rows, acc);
    }
    const int32_t *bias = L->q->bias;
    for (size_t p = 0; p < (size_t)np; p++)
        for (int r = 0; r < rows; r++)
            acc[p * rows + r] = add_wrap(acc[p * rows + r], bias[r]);
}

/* acc for n inputs with prepared weights, bias included; a16 holds max(n, band) * kp entries,
 * gacc (grouped convs only) band * rows entries. */
static void layer_acc(const hq_layer *L, const ref_layer *R, const uint8_t *in, int n, int16_t *a16,
                      int32_t *gacc, int32_t *acc) {
    const int rows = L->rows;
    if (L->kind == HQ_LAYER_DENSE) {
        widen_rows(in, n, L->cols, R->kp, R->sgn, a16);
        layer_gemm(R, a16, n, 0, rows, acc);
        const int32_t *bias = L->q->bias;
        for (size_t p = 0; p < (size_t)n; p++)
            for (int r = 0; r < rows; r++)
                acc[p * rows + r] = add_wrap(acc[p * rows + r], bias[r]);
        return;
    }
    const int P = R->positions;
    const size_t per_in = hq_shape_elems(L->in), per_out = (size_t)P * rows;
    for (int i = 0; i < n; i++)
        for (int p0 = 0; p0 < P; p0 += R->band) {
            const int np = P - p0 < R->band ? P - p0 : R->band;
            conv_band_acc(L, R, in + (size_t)i * per_in, p0, np, a16, gacc,
                          acc + (size_t)i * per_out + (size_t)p0 * rows);
        }
}

int hq_ref_layer_acc(const hq_layer *L, const uint8_t *in, int n, int32_t *acc) {
    ref_layer R = {.kp = pad_k(L->cols), .positions = positions_of(L)};
    R.band = band_of(L, R.kp);
    int rc = prepare_weights(L, &R);
    int gemm_rows = L->kind == HQ_LAYER_DENSE ? n : R.band;
    int16_t *a16 = malloc((size_t)gemm_rows * R.kp * sizeof *a16);
    int32_t *gacc = malloc((size_t)R.band * L->rows * sizeof *gacc);
    if (!a16 || !gacc) rc = -1;
    if (!rc) layer_acc(L, &R, in, n, a16, gacc, acc);
    free(gacc);
    free(a16);
    free(R.w16);
    return rc;
}

int hq_ref_layer_acc_split(const hq_layer *L, const uint8_t *in, int n, int32_t *acc) {
    const hq_qlayer *q = L->q;
    const int rows = L->rows, cols = L->cols, P = positions_of(L);
    int16_t *col = malloc((size_t)P * cols * sizeof *col);
    if (!col) return -1;
    const int g = L->kind == HQ_LAYER_CONV ? hq_layer_groups(L) : 1, Rg = rows / g;
    for (int i = 0; i < n; i++)
        for (int grp = 0; grp < g; grp++) {
            const uint8_t *img = in + (size_t)i * hq_shape_elems(L->in);
            if (L->kind == HQ_LAYER_CONV) {
                /* Reuse im2col with kp = cols (no padding), the group's channels only. */
                im2col_group(L, img, cols, col, grp * (L->in.c / g), L->in.c / g, 0, P);
            } else {
                for (int k = 0; k < cols; k++)
                    col[k] = img[k];
            }
            for (int p = 0; p < P; p++) {
                const int16_t *x = col + (size_t)p * cols;
                for (int r = grp * Rg; r < (grp + 1) * Rg; r++) {
                    const int8_t *w = q->w + (size_t)r * cols;
                    const uint8_t *hi = q->is_hi ? q->is_hi + (size_t)r * cols : NULL;
                    int sh = q->lo_bits > 0 ? q->lo_shift[r] : 0;
                    uint32_t lo = 0, hv = 0; /* int32 registers that wrap */
                    for (int k = 0; k < cols; k++) {
                        if (q->lo_bits == 0 || hi[k])
                            hv += (uint32_t)(w[k] * x[k]);
                        else
                            lo += (uint32_t)(w[k] / (1 << sh) * x[k]); /* the low code c (exact) */
                    }
                    int32_t merged = hq_merge_partials((int32_t)lo, (int32_t)hv, sh);
                    acc[((size_t)i * P + p) * rows + r] = add_wrap(merged, q->bias[r]);
                }
            }
        }
    free(col);
    return 0;
}

/* ------------------------------------------------------------------ prepared network */

/* Graph, signedness, clamps and add multipliers of layer i (docs/arith.md section 7a). */
static int prepare_graph(hq_ref_net *net, int i, char *err, size_t errlen) {
    const hq_model *m = net->m;
    const hq_layer *L = &m->layers[i];
    ref_layer *R = &net->L[i];
    R->src = hq_layer_src(m, i);
    R->src2 = L->kind == HQ_LAYER_ADD ? L->src2 - 1 : -1;
    R->sgn = hq_act_signed(m, R->src);
    R->sgn2 = hq_act_signed(m, R->src2);
    hq_act_clamp(L, &R->lo, &R->hi);
    if (L->kind == HQ_LAYER_ADD) {
        float sb = R->src2 >= 0 ? m->layers[R->src2].out_act_scale : 1.0f / 255.0f;
        if (hq_add_params(L->in_act_scale, sb, L->out_act_scale, &R->add_ma, &R->add_mb,
                          &R->add_shift))
            return hq_errf(err, errlen,
                           "layer %d (add): scales %g + %g -> %g give no representable "
                           "multipliers (docs/arith.md section 7a)",
                           i, L->in_act_scale, sb, L->out_act_scale);
    }
    return 0;
}

/* Places the outputs in one activation arena: an output lives until its last reader, and a
 * layer never writes over an output alive beside it (its inputs included). Two plans, the
 * smaller kept: buffers (the first free one, as large as the largest output it holds) laid
 * end to end, or each output at the lowest offset free of the live ones (MobileNetV2: 1.71M
 * against 2.11M elements per image; the BERT layer's dense chain is smaller as buffers). */
static void plan_activations(hq_ref_net *net) {
    const hq_model *m = net->m;
    const int n = m->n_layers;
    int last_use[HQ_MAX_LAYERS], owner[HQ_MAX_LAYERS], buf[HQ_MAX_LAYERS];
    size_t buf_elems[HQ_MAX_LAYERS] = {0}, off[HQ_MAX_LAYERS];
    for (int i = 0; i < n; i++)
        last_use[i] = i;
    for (int i = 0; i < n; i++) {
        if (net->L[i].src >= 0) last_use[net->L[i].src] = i;
        if (net->L[i].src2 >= 0 && last_use[net->L[i].src2] < i) last_use[net->L[i].src2] = i;
    }
    /* buffers */
    for (int b = 0; b < HQ_MAX_LAYERS; b++)
        owner[b] = -1;
    int n_bufs = 0;
    for (int i = 0; i < n; i++) {
        int b = 0;
        while (owner[b] >= 0)
            b++;
        owner[b] = i;
        buf[i] = b;
        if (b + 1 > n_bufs) n_bufs = b + 1;
        if (hq_shape_elems(m->layers[i].out) > buf_elems[b])
            buf_elems[b] = hq_shape_elems(m->layers[i].out);
        for (int j = 0; j < HQ_MAX_LAYERS; j++) /* free what layer i was the last reader of */
            if (owner[j] >= 0 && last_use[owner[j]] <= i) owner[j] = -1;
    }
    size_t buf_off[HQ_MAX_LAYERS], buffers = 0;
    for (int b = 0; b < n_bufs; b++) {
        buf_off[b] = buffers;
        buffers += buf_elems[b];
    }
    /* offsets: the live outputs kept sorted by offset */
    int live[HQ_MAX_LAYERS], n_live = 0;
    size_t arena = 0;
    for (int i = 0; i < n; i++) {
        const size_t need = hq_shape_elems(m->layers[i].out);
        size_t at = 0;
        int k = 0;
        for (; k < n_live; k++) { /* the first gap that takes it */
            const int j = live[k];
            if (at + need <= off[j]) break;
            const size_t end = off[j] + hq_shape_elems(m->layers[j].out);
            if (end > at) at = end;
        }
        off[i] = at;
        if (at + need > arena) arena = at + need;
        int pos = n_live++; /* insert i by offset */
        while (pos > 0 && off[live[pos - 1]] > at) {
            live[pos] = live[pos - 1];
            pos--;
        }
        live[pos] = i;
        int kept = 0; /* drop what layer i was the last reader of (and i if unread) */
        for (int q = 0; q < n_live; q++)
            if (last_use[live[q]] > i) live[kept++] = live[q];
        n_live = kept;
    }
    const int by_offset = arena < buffers;
    net->arena_elems = by_offset ? arena : buffers;
    for (int i = 0; i < n; i++)
        net->L[i].off = by_offset ? off[i] : buf_off[buf[i]];
}

hq_ref_net *hq_ref_prepare(const hq_model *m, char *err, size_t errlen) {
    hq_ref_net *net = calloc(1, sizeof *net);
    if (!net) {
        hq_errf(err, errlen, "out of memory");
        return NULL;
    }
    net->m = m;
    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *L = &m->layers[i];
        if (prepare_graph(net, i, err, errlen)) {
            hq_ref_free(net);
            return NULL;
        }
        if (!is_weighted(L)) continue;
        if (!L->q) {
            hq_errf(err, errlen,
                    "layer %d is not quantized: the integer reference needs a "
                    "quantized model (hqsim quantize)",
                    i);
            hq_ref_free(net);
            return NULL;
        }
        ref_layer *R = &net->L[i];
        R->kp = pad_k(L->cols);
        R->positions = positions_of(L);
        R->band = band_of(L, R->kp);
        if (prepare_weights(L, R)) {
            hq_errf(err, errlen, "out of memory");
            hq_ref_free(net);
            return NULL;
        }
        /* dense: a batch of inputs; conv: one band of one image (run_layer) */
        int gemm_rows = L->kind == HQ_LAYER_DENSE ? REF_BATCH : R->band;
        size_t in_need = (size_t)gemm_rows * R->kp;
        size_t acc_need = (size_t)gemm_rows * L->rows;
        if (in_need > net->gemm_in_cap) net->gemm_in_cap = in_need;
        if (acc_need > net->acc_cap) net->acc_cap = acc_need;
        if (hq_layer_groups(L) > 1) { /* conv_band_acc: np x rows / g */
            const size_t g_need = (size_t)R->band * (L->rows / hq_layer_groups(L));
            if (g_need > net->gacc_cap) net->gacc_cap = g_need;
        }
    }
    plan_activations(net);
    hq_ref_set_act_budget(net, REF_ACT_BUDGET);
    return net;
}

int hq_ref_batch(const hq_ref_net *net) {
    return net->batch;
}

void hq_ref_set_act_budget(hq_ref_net *net, size_t bytes) {
    const size_t per_image = net->arena_elems;
    size_t fit = per_image ? bytes / per_image : REF_BATCH;
    net->batch = fit < 1 ? 1 : fit > REF_BATCH ? REF_BATCH : (int)fit;
}

void hq_ref_free(hq_ref_net *net) {
    if (!net) return;
    for (int i = 0; i < HQ_MAX_LAYERS; i++)
        free(net->L[i].w16);
    free(net);
}

static int scratch_alloc(const hq_ref_net *net, ref_scratch *s) {
    memset(s, 0, sizeof *s);
    int ok = (s->arena = malloc((size_t)net->batch * net->arena_elems + 1)) != NULL;
    s->a16 = malloc((net->gemm_in_cap ? net->gemm_in_cap : 1) * sizeof *s->a16);
    s->acc = malloc((net->acc_cap ? net->acc_cap : 1) * sizeof *s->acc);
    s->gacc = malloc((net->gacc_cap ? net->gacc_cap : 1) * sizeof *s->gacc);
    s->logits = malloc((size_t)net->batch * net->m->n_classes * sizeof *s->logits);
    return ok && s->a16 && s->acc && s->gacc && s->logits ? 0 : -1;
}

static void scratch_free(ref_scratch *s) {
    free(s->arena);
    free(s->a16);
    free(s->acc);
    free(s->gacc);
    free(s->logits);
}

/* Requantization with the layer's clamp (ReLU, ReLU6, or int8 without ReLU). */
static void requant_layer(const hq_layer *L, const ref_layer *R, const int32_t *acc, size_t np,
                          uint8_t *out) {
    if (R->lo == 0 && R->hi == 255) {
        hq_ref_requant(L->q, L->rows, acc, np, out);
        return;
    }
    for (size_t p = 0; p < np; p++)
        for (int r = 0; r < L->rows; r++) {
            const int sh = L->q->rq_shift[r];
            int64_t v = (int64_t)acc[p * L->rows + r] * L->q->rq_mult[r];
            if (sh > 0) v = (v + ((int64_t)1 << (sh - 1))) >> sh;
            v = v < R->lo ? R->lo : v > R->hi ? R->hi : v;
            out[p * L->rows + r] = (uint8_t)(v & 0xff);
        }
}

/* One layer on n <= REF_BATCH inputs; in2 is the second operand of an add. */
static void run_layer(const hq_ref_net *net, int li, const uint8_t *in, const uint8_t *in2, int n,
                      uint8_t *out_u8, int32_t *out_acc, ref_scratch *s) {
    const hq_layer *L = &net->m->layers[li];
    const ref_layer *R = &net->L[li];
    switch (L->kind) {
    case HQ_LAYER_MAXPOOL:
        if (L->stride == L->k && L->pad == 0 && !R->sgn)
            hq_ref_maxpool_u8(L, in, n, out_u8);
        else
            hq_ref_pool(L, R->sgn, in, n, out_u8);
        return;
    case HQ_LAYER_AVGPOOL:
    case HQ_LAYER_GAP: hq_ref_pool(L, R->sgn, in, n, out_u8); return;
    case HQ_LAYER_ADD:
        hq_ref_add(in, R->sgn, in2, R->sgn2, (size_t)n * hq_shape_elems(L->out), R->add_ma,
                   R->add_mb, R->add_shift, R->lo, R->hi, out_u8);
        return;
    default: break;
    }
    int last = li == net->m->n_layers - 1;
    if (last) {
        layer_acc(L, R, in, n, s->a16, s->gacc, out_acc);
    } else if (L->kind == HQ_LAYER_CONV) {
        /* Image by image and band by band, so the accumulators stay in cache until
         * requantized (and a band's buffers are all a conv needs). */
        const size_t per_in = hq_shape_elems(L->in), per_out = hq_shape_elems(L->out);
        const int P = R->positions;
        for (int i = 0; i < n; i++)
            for (int p0 = 0; p0 < P; p0 += R->band) {
                const int np = P - p0 < R->band ? P - p0 : R->band;
                conv_band_acc(L, R, in + (size_t)i * per_in, p0, np, s->a16, s->gacc, s->acc);
                requant_layer(L, R, s->acc, (size_t)np,
                              out_u8 + i * per_out + (size_t)p0 * L->rows);
            }
    } else {
        layer_acc(L, R, in, n, s->a16, s->gacc, s->acc);
        requant_layer(L, R, s->acc, (size_t)n, out_u8);
    }
}

int hq_ref_run_layer2(const hq_ref_net *net, int li, const uint8_t *in, const uint8_t *in2, int n,
                      uint8_t *out_u8, int32_t *out_acc) {
    const hq_layer *L = &net->m->layers[li];
    if (L->kind == HQ_LAYER_ADD && !in2) return -1;
    ref_scratch s;
    if (scratch_alloc(net, &s)) {
        scratch_free(&s);
        return -1;
    }
    size_t in_step = hq_shape_elems(L->in), out_step = hq_shape_elems(L->out);
    for (int i = 0; i < n; i += REF_BATCH) {
        int b = n - i < REF_BATCH ? n - i : REF_BATCH;
        run_layer(net, li, in + (size_t)i * in_step, in2 ? in2 + (size_t)i * in_step : NULL, b,
                  out_u8 ? out_u8 + (size_t)i * out_step : NULL,
                  out_acc ? out_acc + (size_t)i * out_step : NULL, &s);
    }
    scratch_free(&s);
    return 0;
}

int hq_ref_run_layer(const hq_ref_net *net, int li, const uint8_t *in, int n, uint8_t *out_u8,
                     int32_t *out_acc) {
    return hq_ref_run_layer2(net, li, in, NULL, n, out_u8, out_acc);
}

static void infer_batch(const hq_ref_net *net, const uint8_t *images, int n, int32_t *logits,
                        int *preds, ref_scratch *s) {
    const hq_model *m = net->m;
    for (int li = 0; li < m->n_layers; li++) {
        const ref_layer *R = &net->L[li];
        const size_t B = (size_t)net->batch; /* each output's region holds a whole batch */
        const uint8_t *in = R->src < 0 ? images : s->arena + B * net->L[R->src].off;
        const uint8_t *in2 = R->src2 < 0 ? NULL : s->arena + B * net->L[R->src2].off;
        run_layer(net, li, in, in2, n, s->arena + B * R->off, logits, s);
    }
    if (preds)
        for (int i = 0; i < n; i++)
            preds[i] = hq_argmax_i32(logits + (size_t)i * m->n_classes, m->n_classes);
}

int hq_ref_infer(const hq_ref_net *net, const uint8_t *images, int n, int32_t *logits, int *preds,
                 int threads) {
    const hq_model *m = net->m;
    const int B = net->batch;
    int n_batches = (n + B - 1) / B;
    if (threads <= 0) threads = omp_get_max_threads();
    if (threads > n_batches) threads = n_batches > 0 ? n_batches : 1;
    size_t in_step = hq_shape_elems(m->input), nc = (size_t)m->n_classes;
    int oom = 0;
#pragma omp parallel num_threads(threads) reduction(| : oom)
    {
        ref_scratch s;
        if (scratch_alloc(net, &s)) {
            oom = 1;
        } else {
#pragma omp for schedule(dynamic, 1)
            for (int bi = 0; bi < n_batches; bi++) {
                int i = bi * B, b = n - i < B ? n - i : B;
                int32_t *lg = logits ? logits + (size_t)i * nc : s.logits;
                infer_batch(net, images + (size_t)i * in_step, b, lg, preds ? preds + i : NULL, &s);
            }
        }
        scratch_free(&s);
    }
    return oom ? -1 : 0;
}

int hq_ref_eval(const hq_model *m, const hq_dataset *d, int n, int *preds, int threads, char *err,
                size_t errlen) {
    if (n <= 0 || n > d->n) n = d->n;
    if ((size_t)d->rows * d->cols != hq_shape_elems(m->input) || m->input.c != 1)
        return hq_errf(err, errlen, "dataset images are %dx%d, the model expects %dx%dx%d", d->rows,
                       d->cols, m->input.h, m->input.w, m->input.c);
    hq_ref_net *net = hq_ref_prepare(m, err, errlen);
    if (!net) return -1;
    int *p = preds ? preds : malloc((size_t)n * sizeof *p);
    if (!p) {
        hq_ref_free(net);
        return hq_errf(err, errlen, "out of memory");
    }
    if (hq_ref_infer(net, d->images, n, NULL, p, threads)) {
        if (!preds) free(p);
        hq_ref_free(net);
        return hq_errf(err, errlen, "out of memory for the inference buffers");
    }
    int correct = 0;
    for (int i = 0; i < n; i++)
        correct += p[i] == d->labels[i];
    if (!preds) free(p);
    hq_ref_free(net);
    return correct;
}
