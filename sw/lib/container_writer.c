/* The .hqm writer: serialisation into memory and the atomic file save (docs/format.md). */
#include "container.h"
#include "container_format.h"
#include "hq_error.h"
#include "out_file.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
    int v2 = 0;
    for (int i = 0; i < m->n_layers; i++) {
        n_chunks += 1 + (m->layers[i].w != NULL) + (m->layers[i].q != NULL) +
                    hqm_layer_has_ext(&m->layers[i]);
        v2 |= hqm_layer_is_v2(&m->layers[i]);
    }
    put(&b, HQM_MAGIC, 8);
    put_u16(&b, v2 ? HQM_VERSION_MAJOR : 1);
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
        if (hqm_layer_has_ext(l)) {
            c = begin_chunk(&b, "LEXT");
            put_u32(&b, (uint32_t)i);
            put_u32(&b, (uint32_t)hq_layer_groups(l));
            put_u32(&b, (uint32_t)l->src);
            put_u32(&b, (uint32_t)l->src2);
            put_u32(&b, (uint32_t)l->count_pad);
            end_chunk(&b, c);
        }
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
