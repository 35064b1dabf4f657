/* The .hqm reader: parsing from memory, every field checked, and the file load
 * (docs/format.md). */
#include "container.h"
#include "container_format.h"
#include "hq_error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

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
    if (flags[i] & ~(LF_FLOAT | LF_QUANT) ||
        (l->kind != HQ_LAYER_DENSE && l->kind != HQ_LAYER_CONV && flags[i]))
        return hq_errf(err, errlen, "LAYR chunk of layer %d: bad flags 0x%x", i, flags[i]);
    return hqm_check_geometry(l, i, err, errlen);
}

/* LEXT: groups, sources and count_pad of a layer (docs/format.md), right before its LAYR
 * chunk, whose geometry check then includes them. */
static int read_ext_chunk(hq_model *m, rbuf *c, const int *seen, int *ext_seen, unsigned major,
                          char *err, size_t errlen) {
    int bad = 0;
    int i = get_int(c, &bad);
    if (bad || i >= m->n_layers || seen[i])
        return hq_errf(err, errlen, "LEXT chunk: layer %d unknown or after its LAYR chunk", i);
    if (major < 2) return hq_errf(err, errlen, "LEXT chunk in a version %u file", major);
    if (ext_seen[i]) return hq_errf(err, errlen, "LEXT chunk: layer %d appears twice", i);
    ext_seen[i] = 1;
    hq_layer *l = &m->layers[i];
    l->groups = get_int(c, &bad);
    l->src = get_int(c, &bad);
    l->src2 = get_int(c, &bad);
    l->count_pad = get_int(c, &bad);
    if (bad || c->pos != c->len)
        return hq_errf(err, errlen, "LEXT chunk of layer %d: truncated or malformed", i);
    if (l->src > i || l->src2 > i)
        return hq_errf(err, errlen, "LEXT chunk of layer %d: source %d/%d is not an earlier layer",
                       i, l->src - 1, l->src2 - 1);
    return 0;
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

/* Where the chunks come from: the whole file in memory (mem), or a file read chunk by chunk
 * (f) so that a load never holds the file and its parsed arrays at once. */
typedef struct {
    const uint8_t *mem; /* memory source: the chunks start at mem + pos */
    FILE *f;            /* file source: positioned at byte pos */
    size_t len, pos;    /* len: the end of the last chunk (the CRC follows) */
    uint8_t *buf;       /* file source: the current chunk */
    size_t cap;
} chunk_src;

/* The next n bytes of the source: a pointer into memory or into src->buf. NULL when the
 * source ends first or cannot grow its buffer (*oom set). */
static const uint8_t *src_take(chunk_src *s, size_t n, int *oom) {
    if (s->len - s->pos < n) return NULL;
    if (s->mem) {
        const uint8_t *p = s->mem + s->pos;
        s->pos += n;
        return p;
    }
    if (n > s->cap) {
        uint8_t *p = realloc(s->buf, n);
        if (!p) {
            *oom = 1;
            return NULL;
        }
        s->buf = p;
        s->cap = n;
    }
    if (n && fread(s->buf, 1, n, s->f) != n) return NULL;
    s->pos += n;
    return s->buf;
}

/* Quant-only loads: the FPAR chunk of a layer that also has a QPAR chunk is checked as the
 * full load checks it (layer known and once, size, every value finite) and then dropped, read
 * in pieces (VGG-16's first fully connected layer holds 411 MB of floats). */
static int skip_float_chunk(hq_model *m, chunk_src *s, const uint8_t *idx, size_t clen,
                            int *float_seen, char *err, size_t errlen) {
    rbuf r = {idx, 4, 0};
    int bad = 0, li = get_int(&r, &bad);
    hq_layer *l = &m->layers[li];
    if (float_seen[li]) return hq_errf(err, errlen, "FPAR chunk: layer %d appears twice", li);
    float_seen[li] = 1;
    const size_t nw = hq_layer_weights(l), rows = (size_t)l->rows;
    if (nw == 0 || rows == 0 || clen - 4 != 4 * (nw + rows))
        return hq_errf(err, errlen, "FPAR chunk of layer %d: size does not match %dx%d", li,
                       l->rows, l->cols);
    size_t left = nw + rows, at = 0;
    while (left) {
        const size_t n = left < (1u << 16) ? left : (1u << 16);
        int oom = 0;
        const uint8_t *p = src_take(s, 4 * n, &oom);
        if (!p)
            return hq_errf(err, errlen, oom ? "out of memory" : "read error in FPAR chunk of %d",
                           li);
        for (size_t j = 0; j < n; j++, at++) {
            uint32_t u = (uint32_t)p[4 * j] | (uint32_t)p[4 * j + 1] << 8 |
                         (uint32_t)p[4 * j + 2] << 16 | (uint32_t)p[4 * j + 3] << 24;
            float v;
            memcpy(&v, &u, 4);
            if (isfinite(v)) continue;
            if (at < nw)
                return hq_errf(err, errlen,
                               "invalid model: layer %d: float weight %zu is not finite", li, at);
            return hq_errf(err, errlen, "invalid model: layer %d: float bias %zu is not finite", li,
                           at - nw);
        }
        left -= n;
    }
    return 0;
}

/* n bytes of a file source into a new array (no staging in the chunk buffer). */
static void *src_read_new(chunk_src *s, size_t n, int *oom) {
    void *v = malloc(n);
    if (!v) {
        *oom = 1;
        return NULL;
    }
    if (fread(v, 1, n, s->f) != n) {
        free(v);
        return NULL;
    }
    s->pos += n;
    return v;
}

/* A file source's QPAR chunk read straight into the layer's arrays: the weights and the high
 * flags (a byte each per weight) are not staged in the chunk buffer, which otherwise grew to
 * the largest layer's chunk and stayed for the whole load (205 MB of VGG-16's first fully
 * connected layer, heterogeneous; issue 16). Returns 1 when read, 0 when the chunk is not
 * the well-formed size its head announces (rewound: read whole, for the usual checks and
 * messages), -1 with a message. */
static int read_quant_chunk_direct(hq_model *m, chunk_src *s, uint32_t i, size_t clen,
                                   const int *seen, char *err, size_t errlen) {
    enum { HEAD = 12 }; /* layer, lo_bits, hi_bits */
    int oom = 0, bad = 0;
    if (clen < HEAD) return 0;
    const uint8_t *h = src_take(s, HEAD, &oom);
    if (!h) return hq_errf(err, errlen, oom ? "out of memory" : "chunk %u: read error", i);
    rbuf hr = {h, HEAD, 0};
    const int li = get_int(&hr, &bad), lo = get_int(&hr, &bad), hi = get_int(&hr, &bad);
    size_t nw = 0, rows = 0;
    if (!bad && li < m->n_layers && seen[li] && !m->layers[li].q && lo <= 4) {
        nw = hq_layer_weights(&m->layers[li]);
        rows = (size_t)m->layers[li].rows;
    }
    const size_t tail = (lo > 0 ? rows : 0) + 13 * rows; /* lo_shift, scales, bias, rq */
    if (!nw || !rows || clen != HEAD + nw * (lo > 0 ? 2 : 1) + tail) {
        s->pos -= HEAD;
        if (fseek(s->f, -(long)HEAD, SEEK_CUR))
            return hq_errf(err, errlen, "chunk %u: seek error", i);
        return 0;
    }
    hq_qlayer *q = calloc(1, sizeof *q);
    if (!q) return hq_errf(err, errlen, "out of memory");
    m->layers[li].q = q; /* freed with the model on any error below */
    q->lo_bits = lo;
    q->hi_bits = hi;
    if (!(q->w = src_read_new(s, nw, &oom)) || (lo > 0 && !(q->is_hi = src_read_new(s, nw, &oom))))
        return hq_errf(err, errlen, oom ? "out of memory" : "chunk %u: read error", i);
    const uint8_t *t = src_take(s, tail, &oom);
    if (!t) return hq_errf(err, errlen, oom ? "out of memory" : "chunk %u: read error", i);
    rbuf c = {t, tail, 0};
    if (lo > 0) q->lo_shift = get_array(&c, rows, 1, &bad);
    q->w_scale = get_array(&c, rows, 4, &bad);
    q->bias = get_array(&c, rows, 4, &bad);
    q->rq_mult = get_array(&c, rows, 4, &bad);
    q->rq_shift = get_array(&c, rows, 1, &bad);
    if (bad) return hq_errf(err, errlen, "out of memory");
    return 1;
}

/* The chunk loop after the header and CRC checks (docs/format.md). quant_only: see
 * skip_float_chunk. */
static int parse_chunks(hq_model *m, chunk_src *src, unsigned major, uint32_t n_chunks,
                        int quant_only, char *err, size_t errlen) {
    int seen[HQ_MAX_LAYERS] = {0}, ext_seen[HQ_MAX_LAYERS] = {0}, have_model = 0;
    int float_seen[HQ_MAX_LAYERS] = {0};
    uint32_t flags[HQ_MAX_LAYERS] = {0};
    for (uint32_t i = 0; i < n_chunks; i++) {
        char tag[5] = {0};
        int bad = 0, oom = 0;
        const uint8_t *h = src_take(src, HQM_CHUNK_HEADER, &oom);
        if (!h) return hq_errf(err, errlen, "chunk %u: truncated chunk header", i);
        memcpy(tag, h, 4);
        rbuf hr = {h + 4, 4, 0};
        uint32_t clen = get_u32(&hr, &bad);
        if (clen > src->len - src->pos)
            return hq_errf(err, errlen, "chunk %u ('%.4s'): length %u runs past the end", i, tag,
                           clen);
        if (quant_only && have_model && !strcmp(tag, "FPAR") && clen >= 4) {
            const uint8_t *idx = src_take(src, 4, &oom);
            if (!idx) return hq_errf(err, errlen, "chunk %u: read error", i);
            rbuf ir = {idx, 4, 0};
            int li = get_int(&ir, &bad);
            if (!bad && li < m->n_layers && seen[li] && (flags[li] & LF_QUANT)) {
                if (skip_float_chunk(m, src, idx, clen, float_seen, err, errlen)) return -1;
                continue;
            }
            /* not dropped: read as a whole below, index included (a file source is a
             * regular file: it seeks) */
            src->pos -= 4;
            if (src->f && fseek(src->f, -4L, SEEK_CUR))
                return hq_errf(err, errlen, "chunk %u: seek error", i);
        }
        if (src->f && have_model && !strcmp(tag, "QPAR")) {
            const int rc = read_quant_chunk_direct(m, src, i, clen, seen, err, errlen);
            if (rc < 0) return -1;
            if (rc > 0) continue;
        }
        const uint8_t *body = src_take(src, clen, &oom);
        if (!body) return hq_errf(err, errlen, oom ? "out of memory" : "chunk %u: read error", i);
        rbuf c = {body, clen, 0};
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
        } else if (!strcmp(tag, "LEXT")) {
            rc = read_ext_chunk(m, &c, seen, ext_seen, major, err, errlen);
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
    if (src->pos != src->len)
        return hq_errf(err, errlen, "%zu bytes after the last chunk", src->len - src->pos);
    if (!have_model) return hq_errf(err, errlen, "no MODL chunk");
    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *l = &m->layers[i];
        if (!seen[i]) return hq_errf(err, errlen, "layer %d has no LAYR chunk", i);
        if (!!(flags[i] & LF_FLOAT) != (l->w || float_seen[i]) || !!(flags[i] & LF_QUANT) != !!l->q)
            return hq_errf(err, errlen, "layer %d: parameter chunks do not match its flags", i);
    }
    char why[256];
    if (hq_model_validate(m, why, sizeof why))
        return hq_errf(err, errlen, "invalid model: %s", why);
    return 0;
}

/* The 24-byte header: magic, version, chunk count, total length (docs/format.md). Returns the
 * major version, or -1 with a message. */
static int check_header(const uint8_t *buf, size_t avail, size_t len, uint32_t *n_chunks, char *err,
                        size_t errlen) {
    if (memcmp(buf, HQM_MAGIC, avail < 8 ? avail : 8))
        return hq_errf(err, errlen, "not an HQSim model file (wrong magic)");
    if (len < HQM_HEADER_BYTES + 4)
        return hq_errf(err, errlen, "too short to be a model file (%zu bytes)", len);
    unsigned major = buf[8] | buf[9] << 8, minor = buf[10] | buf[11] << 8;
    if (major > HQM_VERSION_MAJOR || major == 0)
        return hq_errf(err, errlen,
                       "format version %u.%u is not supported by this hqsim "
                       "(reads %d.x); use a newer hqsim",
                       major, minor, HQM_VERSION_MAJOR);
    rbuf r = {buf, HQM_HEADER_BYTES, 12};
    int bad = 0;
    *n_chunks = get_u32(&r, &bad);
    uint64_t total = get_u32(&r, &bad);
    total |= (uint64_t)get_u32(&r, &bad) << 32;
    if (total != len)
        return hq_errf(err, errlen, "truncated or extended: header says %llu bytes, file has %zu",
                       (unsigned long long)total, len);
    return (int)major;
}

static int crc_error(uint32_t stored, uint32_t crc, char *err, size_t errlen) {
    return hq_errf(err, errlen,
                   "checksum mismatch (CRC-32 stored 0x%08x, computed 0x%08x): "
                   "the file is corrupt",
                   stored, crc);
}

static int parse(hq_model *m, const uint8_t *buf, size_t len, char *err, size_t errlen) {
    uint32_t n_chunks = 0;
    int major = check_header(buf, len, len, &n_chunks, err, errlen);
    if (major < 0) return -1;
    uint32_t stored = (uint32_t)buf[len - 4] | (uint32_t)buf[len - 3] << 8 |
                      (uint32_t)buf[len - 2] << 16 | (uint32_t)buf[len - 1] << 24;
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)(len - 4));
    if (crc != stored) return crc_error(stored, crc, err, errlen);
    chunk_src src = {.mem = buf, .len = len - 4, .pos = HQM_HEADER_BYTES};
    return parse_chunks(m, &src, (unsigned)major, n_chunks, 0, err, errlen);
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

/* The whole stream into memory, then parsed (any file: a pipe or a device too). */
static int load_whole(hq_model *m, FILE *f, const char *path, char *err, size_t errlen) {
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

/* Pass 1 of a quant-only load: the header and the CRC over the whole regular file (size
 * bytes), read in pieces. Returns the major version or -1 with a message. */
static int check_file(FILE *f, size_t size, uint32_t *n_chunks, char *err, size_t errlen) {
    uint8_t hdr[HQM_HEADER_BYTES];
    const size_t got = fread(hdr, 1, sizeof hdr, f);
    const int major = check_header(hdr, got, size, n_chunks, err, errlen);
    if (major < 0) return -1;
    enum { PIECE = 1 << 20 };
    uint8_t *piece = malloc(PIECE);
    if (!piece) return hq_errf(err, errlen, "out of memory");
    uLong crc = crc32(crc32(0L, Z_NULL, 0), hdr, (uInt)got);
    size_t at = got;
    uint8_t tail[4];
    while (at < size) {
        const size_t want = size - at < PIECE ? size - at : PIECE;
        const size_t n = fread(piece, 1, want, f);
        if (n == 0) break;
        /* the CRC covers everything but the last 4 bytes, which hold it */
        const size_t body_end = size - 4;
        if (at < body_end) crc = crc32(crc, piece, (uInt)(at + n <= body_end ? n : body_end - at));
        for (size_t j = 0; j < n; j++)
            if (at + j >= body_end) tail[at + j - body_end] = piece[j];
        at += n;
    }
    free(piece);
    if (at != size || ferror(f))
        return hq_errf(err, errlen, "read error (%s)",
                       ferror(f) ? strerror(errno) : "file changed");
    const uint32_t stored = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
                            (uint32_t)tail[3] << 24;
    if ((uint32_t)crc != stored) return crc_error(stored, (uint32_t)crc, err, errlen);
    return major;
}

static int load(hq_model *m, const char *path, int quant_only, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "rb");
    if (!f) return hq_errf(err, errlen, "%s: cannot open (%s)", path, strerror(errno));
    struct stat st;
    const int have_st = !fstat(fileno(f), &st);
    if (have_st && S_ISDIR(st.st_mode)) {
        fclose(f);
        return hq_errf(err, errlen, "%s: is a directory, expected a .hqm model file", path);
    }
    if (!quant_only || !have_st || !S_ISREG(st.st_mode)) return load_whole(m, f, path, err, errlen);
    if ((uint64_t)st.st_size >= HQM_MAX_FILE) {
        fclose(f);
        return hq_errf(err, errlen, "%s: larger than 2 GiB, not a model file", path);
    }
    /* two passes over the file: the header and CRC first (the same checks, in the same order,
     * as a load from memory), then the chunks one at a time */
    char why[256];
    uint32_t n_chunks = 0;
    const size_t size = (size_t)st.st_size;
    int rc = -1, major = check_file(f, size, &n_chunks, why, sizeof why);
    if (major >= 0 && fseek(f, HQM_HEADER_BYTES, SEEK_SET) == 0) {
        chunk_src src = {.f = f, .len = size - 4, .pos = HQM_HEADER_BYTES};
        rc = parse_chunks(m, &src, (unsigned)major, n_chunks, 1, why, sizeof why);
        free(src.buf);
    } else if (major >= 0) {
        hq_errf(why, sizeof why, "seek error (%s)", strerror(errno));
    }
    fclose(f);
    if (rc) {
        m->n_layers = HQ_MAX_LAYERS; /* may be garbage: free what was allocated in any slot */
        hq_container_free_model(m);
        return hq_errf(err, errlen, "%s: %s", path, why);
    }
    return 0;
}

int hq_model_load(hq_model *m, const char *path, char *err, size_t errlen) {
    return load(m, path, 0, err, errlen);
}

int hq_model_load_quantized(hq_model *m, const char *path, char *err, size_t errlen) {
    return load(m, path, 1, err, errlen);
}
