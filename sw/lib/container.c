/* The .hqm container: writer, reader and model validation (docs/format.md). */
#include "hq_error.h"
#include "container.h"
#include "quant/policy.h"

#include "out_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static const uint8_t HQM_MAGIC[8] = {0x89, 'H', 'Q', 'M', '\r', '\n', 0x1a, '\n'};
#define HQM_HEADER_BYTES 24
#define HQM_CHUNK_HEADER 8
#define HQM_MAX_DIM 4096
#define HQM_MAX_ELEMS (1u << 24)   /* per activation tensor */
#define HQM_MAX_WEIGHTS (1u << 26) /* per layer */
#define HQM_MAX_FILE ((size_t)1 << 31)
#define LF_FLOAT 1u
#define LF_QUANT 2u

size_t hq_layer_weights(const hq_layer *l) {
    if (l->kind != HQ_LAYER_DENSE && l->kind != HQ_LAYER_CONV) return 0;
    return (size_t)l->rows * (size_t)l->cols;
}

static size_t shape_elems(hq_shape s) {
    return (size_t)s.c * (size_t)s.h * (size_t)s.w;
}

/* ------------------------------------------------------------------ allocation helpers */

hq_qlayer *hq_qlayer_alloc(const hq_layer *l, int lo_bits, int hi_bits) {
    size_t nw = hq_layer_weights(l), r = (size_t)l->rows;
    hq_qlayer *q = calloc(1, sizeof *q);
    if (!q || !nw) goto fail;
    q->lo_bits = lo_bits;
    q->hi_bits = hi_bits;
    q->w = calloc(nw, 1);
    q->w_scale = calloc(r, sizeof *q->w_scale);
    q->bias = calloc(r, sizeof *q->bias);
    q->rq_mult = calloc(r, sizeof *q->rq_mult);
    q->rq_shift = calloc(r, 1);
    if (!q->w || !q->w_scale || !q->bias || !q->rq_mult || !q->rq_shift) goto fail;
    if (lo_bits > 0) {
        q->is_hi = calloc(nw, 1);
        q->lo_shift = calloc(r, 1);
        if (!q->is_hi || !q->lo_shift) goto fail;
    }
    return q;
fail:
    hq_qlayer_free(q);
    return NULL;
}

void hq_qlayer_free(hq_qlayer *q) {
    if (!q) return;
    free(q->w);
    free(q->is_hi);
    free(q->lo_shift);
    free(q->w_scale);
    free(q->bias);
    free(q->rq_mult);
    free(q->rq_shift);
    free(q);
}

void hq_container_free_model(hq_model *m) {
    if (!m) return;
    for (int i = 0; i < m->n_layers && i < HQ_MAX_LAYERS; i++) {
        free(m->layers[i].w);
        free(m->layers[i].b);
        hq_qlayer_free(m->layers[i].q);
    }
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------ validation */

static int check_shape(hq_shape s, int li, const char *which, char *err, size_t errlen) {
    if (s.c < 1 || s.h < 1 || s.w < 1 || s.c > HQM_MAX_DIM || s.h > HQM_MAX_DIM ||
        s.w > HQM_MAX_DIM || shape_elems(s) > HQM_MAX_ELEMS)
        return hq_errf(err, errlen, "layer %d: %s shape %dx%dx%d (CxHxW) is out of range", li,
                       which, s.c, s.h, s.w);
    return 0;
}

static int check_geometry(const hq_layer *l, int li, char *err, size_t errlen) {
    if (check_shape(l->in, li, "input", err, errlen) ||
        check_shape(l->out, li, "output", err, errlen))
        return -1;
    if (l->relu != 0 && l->relu != 1)
        return hq_errf(err, errlen, "layer %d: relu flag %d is not 0 or 1", li, l->relu);
    switch (l->kind) {
    case HQ_LAYER_DENSE:
        /* stored flattened (docs/format.md, LAYR): input (cols, 1, 1), output (rows, 1, 1) */
        if (l->in.h != 1 || l->in.w != 1 || l->out.h != 1 || l->out.w != 1)
            return hq_errf(err, errlen,
                           "layer %d (dense): input %dx%dx%d / output %dx%dx%d must "
                           "be stored flattened as (n, 1, 1)",
                           li, l->in.c, l->in.h, l->in.w, l->out.c, l->out.h, l->out.w);
        if ((size_t)l->cols != shape_elems(l->in) || (size_t)l->rows != shape_elems(l->out))
            return hq_errf(err, errlen,
                           "layer %d (dense): GEMM %dx%d does not match %zu inputs, "
                           "%zu outputs",
                           li, l->rows, l->cols, shape_elems(l->in), shape_elems(l->out));
        break;
    case HQ_LAYER_CONV: {
        if (l->k < 1 || l->k > 15 || l->stride < 1 || l->stride > 15 || l->pad < 0 ||
            l->pad >= l->k)
            return hq_errf(err, errlen,
                           "layer %d (conv): kernel %d, stride %d, pad %d out of range", li, l->k,
                           l->stride, l->pad);
        if (l->in.h + 2 * l->pad < l->k || l->in.w + 2 * l->pad < l->k)
            return hq_errf(err, errlen, "layer %d (conv): kernel %d larger than the padded input",
                           li, l->k);
        int oh = (l->in.h + 2 * l->pad - l->k) / l->stride + 1;
        int ow = (l->in.w + 2 * l->pad - l->k) / l->stride + 1;
        if (l->out.h != oh || l->out.w != ow)
            return hq_errf(err, errlen, "layer %d (conv): output %dx%d, expected %dx%d", li,
                           l->out.h, l->out.w, oh, ow);
        if (l->rows != l->out.c || l->cols != l->k * l->k * l->in.c)
            return hq_errf(err, errlen, "layer %d (conv): GEMM %dx%d, expected %dx%d", li, l->rows,
                           l->cols, l->out.c, l->k * l->k * l->in.c);
        break;
    }
    case HQ_LAYER_MAXPOOL:
        if (l->k < 1 || l->k > 15 || l->stride != l->k)
            return hq_errf(err, errlen,
                           "layer %d (maxpool): window %d, stride %d (must be equal, "
                           "1..15)",
                           li, l->k, l->stride);
        if (l->out.c != l->in.c || l->out.h != l->in.h / l->k || l->out.w != l->in.w / l->k)
            return hq_errf(err, errlen,
                           "layer %d (maxpool): output %dx%dx%d does not match input "
                           "%dx%dx%d pooled by %d",
                           li, l->out.c, l->out.h, l->out.w, l->in.c, l->in.h, l->in.w, l->k);
        if (l->w || l->b || l->q)
            return hq_errf(err, errlen, "layer %d (maxpool) carries weights", li);
        break;
    default: return hq_errf(err, errlen, "layer %d: unknown layer kind %d", li, (int)l->kind);
    }
    if (l->kind != HQ_LAYER_MAXPOOL && hq_layer_weights(l) > HQM_MAX_WEIGHTS)
        return hq_errf(err, errlen, "layer %d: %zu weights is more than supported (%u)", li,
                       hq_layer_weights(l), HQM_MAX_WEIGHTS);
    return 0;
}

static int finite_positive(float x) {
    return isfinite(x) && x > 0.0f;
}

static int check_qlayer(const hq_layer *l, int li, int last, char *err, size_t errlen) {
    const hq_qlayer *q = l->q;
    if (q->lo_bits < 0 || q->lo_bits > 4)
        return hq_errf(err, errlen, "layer %d: lo_bits %d out of range [0, 4]", li, q->lo_bits);
    if (q->hi_bits < 2 || q->hi_bits > 8)
        return hq_errf(err, errlen, "layer %d: hi_bits %d out of range [2, 8]", li, q->hi_bits);
    if (q->lo_bits >= q->hi_bits)
        return hq_errf(err, errlen, "layer %d: lo_bits %d not below hi_bits %d", li, q->lo_bits,
                       q->hi_bits);
    if (!q->w || !q->w_scale || !q->bias || !q->rq_mult || !q->rq_shift ||
        (q->lo_bits > 0 && (!q->is_hi || !q->lo_shift)))
        return hq_errf(err, errlen, "layer %d: quantized parameters incomplete", li);
    if (!finite_positive(l->in_act_scale) || (!last && !finite_positive(l->out_act_scale)))
        return hq_errf(err, errlen,
                       "layer %d: activation scales %g -> %g must be finite and "
                       "positive",
                       li, l->in_act_scale, l->out_act_scale);
    /* the logits are int32 accumulators, not requantized: no output scale (docs/format.md) */
    if (last && l->out_act_scale != 0.0f)
        return hq_errf(err, errlen,
                       "layer %d (classifier): out_act_scale %g must be 0 (its "
                       "int32 logits are not requantized)",
                       li, l->out_act_scale);
    if (!last && !l->relu)
        return hq_errf(err, errlen,
                       "layer %d: a quantized hidden layer needs a ReLU (uint8 "
                       "activations have no negative values)",
                       li);
    int wmax = (1 << (q->hi_bits - 1)) - 1;
    int cmax = q->lo_bits > 1 ? (1 << (q->lo_bits - 1)) - 1 : 1;
    for (int r = 0; r < l->rows; r++) {
        if (!finite_positive(q->w_scale[r]))
            return hq_errf(err, errlen, "layer %d row %d: w_scale %g must be finite and positive",
                           li, r, q->w_scale[r]);
        if (last && q->w_scale[r] != q->w_scale[0])
            return hq_errf(err, errlen,
                           "layer %d (classifier) row %d: w_scale differs from row 0; "
                           "the logits are compared as raw int32 so all rows share one scale "
                           "(docs/arith.md)",
                           li, r);
        if (!last && (q->rq_mult[r] < 0 || q->rq_shift[r] > 62))
            return hq_errf(err, errlen, "layer %d row %d: requant mult %d shift %d out of range",
                           li, r, q->rq_mult[r], q->rq_shift[r]);
        int sh = q->lo_bits > 0 ? q->lo_shift[r] : 0;
        if (sh > 7)
            return hq_errf(err, errlen, "layer %d row %d: lo_shift %d out of range [0, 7]", li, r,
                           sh);
        const int8_t *w = q->w + (size_t)r * l->cols;
        for (int c = 0; c < l->cols; c++) {
            int v = w[c];
            if (v < -wmax || v > wmax)
                return hq_errf(err, errlen,
                               "layer %d row %d col %d: weight %d outside the %d-bit "
                               "grid [%d, %d]",
                               li, r, c, v, q->hi_bits, -wmax, wmax);
            if (q->lo_bits == 0) continue;
            uint8_t hi = q->is_hi[(size_t)r * l->cols + c];
            if (hi > 1)
                return hq_errf(err, errlen, "layer %d row %d col %d: is_hi %d not 0 or 1", li, r, c,
                               hi);
            if (hi && v == 0)
                return hq_errf(
                    err, errlen,
                    "layer %d row %d col %d: high-precision weight 0 (a "
                    "high weight is never 0; 0 is a low weight: docs/arith.md section 3)",
                    li, r, c);
            if (hi) continue;
            /* A low weight is c << lo_shift with c a valid low code (binary: +-1 only). */
            int code = v / (1 << sh);
            int ok = code * (1 << sh) == v && (q->lo_bits == 1 ? (code == 1 || code == -1)
                                                               : (code >= -cmax && code <= cmax));
            if (!ok)
                return hq_errf(err, errlen,
                               "layer %d row %d col %d: low-precision weight %d is not "
                               "a %d-bit code shifted by %d",
                               li, r, c, v, q->lo_bits, sh);
        }
    }
    return 0;
}

/* The stored policy text is parsed again by pack and run: it must be a valid spec whose
 * overrides name layers of this model ("" for a float model). */
static int check_policy(const hq_model *m, char *err, size_t errlen) {
    if (!m->policy[0]) return 0;
    int n_weighted = 0;
    for (int i = 0; i < m->n_layers; i++)
        n_weighted += hq_layer_weights(&m->layers[i]) > 0;
    hq_policy p;
    char why[256];
    if (hq_policy_parse(&p, m->policy, why, sizeof why) ||
        hq_policy_check_layers(&p, n_weighted, why, sizeof why))
        return hq_errf(err, errlen, "stored policy '%.60s%s': %s", m->policy,
                       strlen(m->policy) > 60 ? "..." : "", why);
    return 0;
}

int hq_model_validate(const hq_model *m, char *err, size_t errlen) {
    if (m->n_layers < 1 || m->n_layers > HQ_MAX_LAYERS)
        return hq_errf(err, errlen, "%d layers (must be 1..%d)", m->n_layers, HQ_MAX_LAYERS);
    if (!memchr(m->net, 0, sizeof m->net) || !memchr(m->policy, 0, sizeof m->policy) ||
        !memchr(m->layout, 0, sizeof m->layout))
        return hq_errf(err, errlen, "net, policy or layout name not terminated");
    if (check_shape(m->input, -1, "model input", err, errlen)) return -1;
    if (m->n_classes < 2 || m->n_classes > 4096)
        return hq_errf(err, errlen, "%d classes (must be 2..4096)", m->n_classes);
    if (!isfinite(m->width_mult) || m->width_mult <= 0.0f || m->width_mult > 64.0f)
        return hq_errf(err, errlen, "width multiplier %g out of range (0, 64]", m->width_mult);
    int any_q = 0;
    for (int i = 0; i < m->n_layers; i++)
        any_q |= m->layers[i].q != NULL;
    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *l = &m->layers[i];
        int last = i == m->n_layers - 1;
        if (check_geometry(l, i, err, errlen)) return -1;
        hq_shape prev = i ? m->layers[i - 1].out : m->input;
        if (shape_elems(l->in) != shape_elems(prev) ||
            (l->kind != HQ_LAYER_DENSE &&
             (l->in.c != prev.c || l->in.h != prev.h || l->in.w != prev.w)))
            return hq_errf(err, errlen,
                           "layer %d: input %dx%dx%d does not match the previous "
                           "output %dx%dx%d",
                           i, l->in.c, l->in.h, l->in.w, prev.c, prev.h, prev.w);
        if (any_q && i > 0 && l->in_act_scale != m->layers[i - 1].out_act_scale)
            return hq_errf(err, errlen,
                           "layer %d: input scale %g differs from the output scale %g "
                           "of layer %d",
                           i, l->in_act_scale, m->layers[i - 1].out_act_scale, i - 1);
        if (l->kind == HQ_LAYER_MAXPOOL) {
            if (last) return hq_errf(err, errlen, "the last layer is a maxpool");
            if (any_q && l->out_act_scale != l->in_act_scale)
                return hq_errf(err, errlen,
                               "layer %d (maxpool): output scale differs from input "
                               "scale",
                               i);
            continue;
        }
        if (!l->w != !l->b)
            return hq_errf(err, errlen, "layer %d: float weights without bias or vice versa", i);
        if (!l->w && !l->q)
            return hq_errf(err, errlen, "layer %d: neither float nor quantized parameters", i);
        if (any_q && !l->q)
            return hq_errf(err, errlen, "layer %d: not quantized while other layers are", i);
        if (l->w) {
            size_t nw = hq_layer_weights(l);
            for (size_t j = 0; j < nw; j++)
                if (!isfinite(l->w[j]))
                    return hq_errf(err, errlen, "layer %d: float weight %zu is not finite", i, j);
            for (int r = 0; r < l->rows; r++)
                if (!isfinite(l->b[r]))
                    return hq_errf(err, errlen, "layer %d: float bias %d is not finite", i, r);
        }
        if (l->q && check_qlayer(l, i, last, err, errlen)) return -1;
        if (last && (l->relu || shape_elems(l->out) != (size_t)m->n_classes))
            return hq_errf(err, errlen, "last layer must give %d logits without ReLU",
                           m->n_classes);
    }
    return check_policy(m, err, errlen);
}

/* ------------------------------------------------------------------ writer */

typedef struct {
    uint8_t *p;
    size_t len, cap;
    int oom;
} wbuf;

static void put(wbuf *b, const void *src, size_t n) {
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_u16(wbuf *b, uint16_t v) {
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(b, x, 2);
}
static void put_u32(wbuf *b, uint32_t v) {
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}
static void put_u64(wbuf *b, uint64_t v) {
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}
static void put_f32(wbuf *b, float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    put_u32(b, u);
}
static void put_str(wbuf *b, const char *s) {
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    put(b, s, n);
}
static void put_f32s(wbuf *b, const float *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        put_f32(b, v[i]);
}
static void put_i32s(wbuf *b, const int32_t *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        put_u32(b, (uint32_t)v[i]);
}

/* Opens a chunk; the payload length is patched by end_chunk. */
static size_t begin_chunk(wbuf *b, const char tag[4]) {
    put(b, tag, 4);
    put_u32(b, 0);
    return b->len;
}

static void end_chunk(wbuf *b, size_t start) {
    if (b->oom) return;
    uint32_t n = (uint32_t)(b->len - start);
    uint8_t *p = b->p + start - 4;
    p[0] = (uint8_t)n;
    p[1] = (uint8_t)(n >> 8);
    p[2] = (uint8_t)(n >> 16);
    p[3] = (uint8_t)(n >> 24);
}

int hq_container_write_mem(const hq_model *m, uint8_t **out, size_t *outlen, char *err,
                           size_t errlen) {
    char why[256];
    if (hq_model_validate(m, why, sizeof why))
        return hq_errf(err, errlen, "refusing to save an invalid model: %s", why);
    wbuf b = {0};
    uint32_t n_chunks = 1;
    for (int i = 0; i < m->n_layers; i++)
        n_chunks += 1 + (m->layers[i].w != NULL) + (m->layers[i].q != NULL);
    put(&b, HQM_MAGIC, 8);
    put_u16(&b, HQM_VERSION_MAJOR);
    put_u16(&b, HQM_VERSION_MINOR);
    put_u32(&b, n_chunks);
    put_u64(&b, 0); /* file length, patched below */

    size_t c = begin_chunk(&b, "MODL");
    char net[16] = {0};
    memcpy(net, m->net, strnlen(m->net, sizeof net - 1));
    put(&b, net, 16);
    put_f32(&b, m->width_mult);
    put_u32(&b, (uint32_t)m->input.c);
    put_u32(&b, (uint32_t)m->input.h);
    put_u32(&b, (uint32_t)m->input.w);
    put_u32(&b, (uint32_t)m->n_classes);
    put_u32(&b, (uint32_t)m->n_layers);
    put_str(&b, m->policy);
    put_str(&b, m->layout);
    end_chunk(&b, c);

    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *l = &m->layers[i];
        c = begin_chunk(&b, "LAYR");
        put_u32(&b, (uint32_t)i);
        put_u32(&b, (uint32_t)l->kind);
        const int geo[] = {l->in.c, l->in.h,   l->in.w, l->out.c, l->out.h, l->out.w,
                           l->k,    l->stride, l->pad,  l->relu,  l->rows,  l->cols};
        for (size_t g = 0; g < sizeof geo / sizeof geo[0]; g++)
            put_u32(&b, (uint32_t)geo[g]);
        put_f32(&b, l->in_act_scale);
        put_f32(&b, l->out_act_scale);
        put_u32(&b, (l->w ? LF_FLOAT : 0) | (l->q ? LF_QUANT : 0));
        end_chunk(&b, c);
    }
    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *l = &m->layers[i];
        size_t nw = hq_layer_weights(l), rows = (size_t)l->rows;
        if (l->w) {
            c = begin_chunk(&b, "FPAR");
            put_u32(&b, (uint32_t)i);
            put_f32s(&b, l->w, nw);
            put_f32s(&b, l->b, rows);
            end_chunk(&b, c);
        }
        if (l->q) {
            const hq_qlayer *q = l->q;
            c = begin_chunk(&b, "QPAR");
            put_u32(&b, (uint32_t)i);
            put_u32(&b, (uint32_t)q->lo_bits);
            put_u32(&b, (uint32_t)q->hi_bits);
            put(&b, q->w, nw);
            if (q->lo_bits > 0) {
                put(&b, q->is_hi, nw);
                put(&b, q->lo_shift, rows);
            }
            put_f32s(&b, q->w_scale, rows);
            put_i32s(&b, q->bias, rows);
            put_i32s(&b, q->rq_mult, rows);
            put(&b, q->rq_shift, rows);
            end_chunk(&b, c);
        }
    }
    if (!b.oom) {
        uint64_t total = b.len + 4;
        for (int i = 0; i < 8; i++)
            b.p[16 + i] = (uint8_t)(total >> (8 * i));
        put_u32(&b, (uint32_t)crc32(crc32(0L, Z_NULL, 0), b.p, (uInt)b.len));
    }
    if (b.oom) {
        free(b.p);
        return hq_errf(err, errlen, "out of memory while serialising the model");
    }
    *out = b.p;
    *outlen = b.len;
    return 0;
}

/* ------------------------------------------------------------------ reader */

typedef struct {
    const uint8_t *p;
    size_t len, pos;
} rbuf;

static int take(rbuf *r, void *dst, size_t n) {
    if (r->len - r->pos < n) return -1;
    memcpy(dst, r->p + r->pos, n);
    r->pos += n;
    return 0;
}
static uint32_t get_u32(rbuf *r, int *bad) {
    uint8_t x[4];
    if (take(r, x, 4)) {
        *bad = 1;
        return 0;
    }
    return (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
}
static float get_f32(rbuf *r, int *bad) {
    uint32_t u = get_u32(r, bad);
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static int get_int(rbuf *r, int *bad) {
    uint32_t v = get_u32(r, bad);
    if (v > (uint32_t)INT32_MAX) *bad = 1;
    return (int)v;
}
static void get_str(rbuf *r, char *dst, size_t cap, int *bad) {
    uint32_t n = get_u32(r, bad);
    if (*bad || n >= cap || take(r, dst, n)) {
        *bad = 1;
        return;
    }
    dst[n] = 0;
    if (strlen(dst) != n) *bad = 1;
}
static void *get_array(rbuf *r, size_t n, size_t elem, int *bad) {
    if (*bad || n == 0 || (r->len - r->pos) / elem < n) {
        *bad = 1;
        return NULL;
    }
    void *v = malloc(n * elem);
    if (!v) {
        *bad = 1;
        return NULL;
    }
    if (elem == 1) {
        take(r, v, n);
    } else {
        uint32_t *u = v;
        for (size_t i = 0; i < n; i++)
            u[i] = get_u32(r, bad);
    }
    return v;
}

static int read_model_chunk(hq_model *m, rbuf *c, char *err, size_t errlen) {
    int bad = 0;
    if (take(c, m->net, 16) || !memchr(m->net, 0, 16))
        return hq_errf(err, errlen, "MODL chunk: net name not terminated");
    m->width_mult = get_f32(c, &bad);
    m->input.c = get_int(c, &bad);
    m->input.h = get_int(c, &bad);
    m->input.w = get_int(c, &bad);
    m->n_classes = get_int(c, &bad);
    m->n_layers = get_int(c, &bad);
    get_str(c, m->policy, sizeof m->policy, &bad);
    get_str(c, m->layout, sizeof m->layout, &bad);
    if (bad) return hq_errf(err, errlen, "MODL chunk: truncated or malformed");
    if (m->n_layers < 1 || m->n_layers > HQ_MAX_LAYERS)
        return hq_errf(err, errlen, "MODL chunk: %d layers (must be 1..%d)", m->n_layers,
                       HQ_MAX_LAYERS);
    return 0;
}

static int read_layer_chunk(hq_model *m, rbuf *c, uint32_t *flags, int *seen, char *err,
                            size_t errlen) {
    int bad = 0;
    int i = get_int(c, &bad);
    if (bad || i >= m->n_layers)
        return hq_errf(err, errlen, "LAYR chunk: layer index %d out of range", i);
    if (seen[i]) return hq_errf(err, errlen, "LAYR chunk: layer %d appears twice", i);
    seen[i] = 1;
    hq_layer *l = &m->layers[i];
    l->kind = (hq_layer_kind)get_int(c, &bad);
    int *geo[] = {&l->in.c, &l->in.h,   &l->in.w, &l->out.c, &l->out.h, &l->out.w,
                  &l->k,    &l->stride, &l->pad,  &l->relu,  &l->rows,  &l->cols};
    for (size_t g = 0; g < sizeof geo / sizeof geo[0]; g++)
        *geo[g] = get_int(c, &bad);
    l->in_act_scale = get_f32(c, &bad);
    l->out_act_scale = get_f32(c, &bad);
    flags[i] = get_u32(c, &bad);
    if (bad) return hq_errf(err, errlen, "LAYR chunk of layer %d: truncated or malformed", i);
    if (flags[i] & ~(LF_FLOAT | LF_QUANT) || (l->kind == HQ_LAYER_MAXPOOL && flags[i]))
        return hq_errf(err, errlen, "LAYR chunk of layer %d: bad flags 0x%x", i, flags[i]);
    return check_geometry(l, i, err, errlen);
}

/* FPAR/QPAR: the layer's LAYR chunk must come first (its geometry sizes the arrays). */
static hq_layer *param_layer(hq_model *m, rbuf *c, const int *seen, const char *tag, char *err,
                             size_t errlen) {
    int bad = 0;
    int i = get_int(c, &bad);
    if (bad || i >= m->n_layers || !seen[i]) {
        hq_errf(err, errlen, "%s chunk: layer %d unknown or before its LAYR chunk", tag, i);
        return NULL;
    }
    return &m->layers[i];
}

static int read_float_chunk(hq_model *m, rbuf *c, const int *seen, char *err, size_t errlen) {
    hq_layer *l = param_layer(m, c, seen, "FPAR", err, errlen);
    if (!l) return -1;
    int li = (int)(l - m->layers), bad = 0;
    if (l->w) return hq_errf(err, errlen, "FPAR chunk: layer %d appears twice", li);
    l->w = get_array(c, hq_layer_weights(l), 4, &bad);
    l->b = get_array(c, (size_t)l->rows, 4, &bad);
    if (bad || c->pos != c->len)
        return hq_errf(err, errlen, "FPAR chunk of layer %d: size does not match %dx%d", li,
                       l->rows, l->cols);
    return 0;
}

static int read_quant_chunk(hq_model *m, rbuf *c, const int *seen, char *err, size_t errlen) {
    hq_layer *l = param_layer(m, c, seen, "QPAR", err, errlen);
    if (!l) return -1;
    int li = (int)(l - m->layers), bad = 0;
    if (l->q) return hq_errf(err, errlen, "QPAR chunk: layer %d appears twice", li);
    hq_qlayer *q = calloc(1, sizeof *q);
    if (!q) return hq_errf(err, errlen, "out of memory");
    l->q = q;
    size_t nw = hq_layer_weights(l), rows = (size_t)l->rows;
    q->lo_bits = get_int(c, &bad);
    q->hi_bits = get_int(c, &bad);
    if (bad || q->lo_bits > 4)
        return hq_errf(err, errlen, "QPAR chunk of layer %d: bad bit-widths", li);
    q->w = get_array(c, nw, 1, &bad);
    if (q->lo_bits > 0) {
        q->is_hi = get_array(c, nw, 1, &bad);
        q->lo_shift = get_array(c, rows, 1, &bad);
    }
    q->w_scale = get_array(c, rows, 4, &bad);
    q->bias = get_array(c, rows, 4, &bad);
    q->rq_mult = get_array(c, rows, 4, &bad);
    q->rq_shift = get_array(c, rows, 1, &bad);
    if (bad || c->pos != c->len)
        return hq_errf(err, errlen, "QPAR chunk of layer %d: size does not match %dx%d", li,
                       l->rows, l->cols);
    return 0;
}

static int parse(hq_model *m, const uint8_t *buf, size_t len, char *err, size_t errlen) {
    if (memcmp(buf, HQM_MAGIC, len < 8 ? len : 8))
        return hq_errf(err, errlen, "not an HQSim model file (wrong magic)");
    if (len < HQM_HEADER_BYTES + 4)
        return hq_errf(err, errlen, "too short to be a model file (%zu bytes)", len);
    unsigned major = buf[8] | buf[9] << 8, minor = buf[10] | buf[11] << 8;
    if (major > HQM_VERSION_MAJOR || major == 0)
        return hq_errf(err, errlen,
                       "format version %u.%u is not supported by this hqsim "
                       "(reads %d.x); use a newer hqsim",
                       major, minor, HQM_VERSION_MAJOR);
    rbuf r = {buf, len, 12};
    int bad = 0;
    uint32_t n_chunks = get_u32(&r, &bad);
    uint64_t total = get_u32(&r, &bad);
    total |= (uint64_t)get_u32(&r, &bad) << 32;
    if (total != len)
        return hq_errf(err, errlen, "truncated or extended: header says %llu bytes, file has %zu",
                       (unsigned long long)total, len);
    uint32_t stored = (uint32_t)buf[len - 4] | (uint32_t)buf[len - 3] << 8 |
                      (uint32_t)buf[len - 2] << 16 | (uint32_t)buf[len - 1] << 24;
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)(len - 4));
    if (crc != stored)
        return hq_errf(err, errlen,
                       "checksum mismatch (CRC-32 stored 0x%08x, computed 0x%08x): "
                       "the file is corrupt",
                       stored, crc);
    r.len = len - 4;

    int seen[HQ_MAX_LAYERS] = {0}, have_model = 0;
    uint32_t flags[HQ_MAX_LAYERS] = {0};
    for (uint32_t i = 0; i < n_chunks; i++) {
        char tag[5] = {0};
        if (take(&r, tag, 4)) return hq_errf(err, errlen, "chunk %u: truncated chunk header", i);
        uint32_t clen = get_u32(&r, &bad);
        if (bad || clen > r.len - r.pos)
            return hq_errf(err, errlen, "chunk %u ('%.4s'): length %u runs past the end", i, tag,
                           clen);
        rbuf c = {r.p + r.pos, clen, 0};
        r.pos += clen;
        int rc = 0;
        if (!strcmp(tag, "MODL")) {
            if (have_model || i != 0)
                return hq_errf(err, errlen, "MODL chunk must come first, exactly once");
            have_model = 1;
            rc = read_model_chunk(m, &c, err, errlen);
        } else if (!have_model) {
            return hq_errf(err, errlen, "first chunk is '%.4s', expected MODL", tag);
        } else if (!strcmp(tag, "LAYR")) {
            rc = read_layer_chunk(m, &c, flags, seen, err, errlen);
        } else if (!strcmp(tag, "FPAR")) {
            rc = read_float_chunk(m, &c, seen, err, errlen);
        } else if (!strcmp(tag, "QPAR")) {
            rc = read_quant_chunk(m, &c, seen, err, errlen);
        } else if (tag[0] >= 'A' && tag[0] <= 'Z') {
            return hq_errf(err, errlen, "unknown critical chunk '%.4s' (written by a newer hqsim?)",
                           tag);
        } /* else: unknown ancillary chunk (lowercase first letter), skipped */
        if (rc) return -1;
    }
    if (r.pos != r.len)
        return hq_errf(err, errlen, "%zu bytes after the last chunk", r.len - r.pos);
    if (!have_model) return hq_errf(err, errlen, "no MODL chunk");
    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *l = &m->layers[i];
        if (!seen[i]) return hq_errf(err, errlen, "layer %d has no LAYR chunk", i);
        if (!!(flags[i] & LF_FLOAT) != !!l->w || !!(flags[i] & LF_QUANT) != !!l->q)
            return hq_errf(err, errlen, "layer %d: parameter chunks do not match its flags", i);
    }
    char why[256];
    if (hq_model_validate(m, why, sizeof why))
        return hq_errf(err, errlen, "invalid model: %s", why);
    return 0;
}

int hq_container_read_mem(hq_model *m, const uint8_t *buf, size_t len, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    int rc = parse(m, buf, len, err, errlen);
    if (rc) {
        /* n_layers may be garbage here: free what was allocated in any slot. */
        m->n_layers = HQ_MAX_LAYERS;
        hq_container_free_model(m);
    }
    return rc;
}

/* ------------------------------------------------------------------ files */

int hq_model_save(const hq_model *m, const char *path, char *err, size_t errlen) {
    uint8_t *buf;
    size_t len;
    char why[256];
    if (hq_container_write_mem(m, &buf, &len, why, sizeof why))
        return hq_errf(err, errlen, "%s: %s", path, why);
    int rc = hq_out_write_file(path, buf, len, err, errlen);
    free(buf);
    return rc;
}

int hq_model_load(hq_model *m, const char *path, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "rb");
    if (!f) return hq_errf(err, errlen, "%s: cannot open (%s)", path, strerror(errno));
    struct stat st;
    if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
        fclose(f);
        return hq_errf(err, errlen, "%s: is a directory, expected a .hqm model file", path);
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= HQM_MAX_FILE) {
                free(buf);
                fclose(f);
                return hq_errf(err, errlen, "%s: larger than 2 GiB, not a model file", path);
            }
            cap = cap ? cap * 2 : 1 << 16;
            uint8_t *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                return hq_errf(err, errlen, "%s: out of memory", path);
            }
            buf = p;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int rd_err = ferror(f) ? errno : 0;
    fclose(f);
    if (rd_err) {
        free(buf);
        return hq_errf(err, errlen, "%s: read error (%s)", path, strerror(rd_err));
    }
    char why[256];
    int rc = hq_container_read_mem(m, buf, len, why, sizeof why);
    free(buf);
    if (rc) return hq_errf(err, errlen, "%s: %s", path, why);
    return 0;
}
