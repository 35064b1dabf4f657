/* The .hqm reader: parsing from memory, every field checked, and the file load
 * (docs/format.md). */
#include "container.h"
#include "container_format.h"
#include "hq_error.h"

#include <errno.h>
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

    int seen[HQ_MAX_LAYERS] = {0}, ext_seen[HQ_MAX_LAYERS] = {0}, have_model = 0;
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
