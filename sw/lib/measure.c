/* Measurement files: writer, reader with checks, UART row extraction, file hashes. */
#include "measure.h"

#include "hq_accel_regmap.h"
#include "hq_error.h"
#include "layout/layout.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

/* fprintf for the library's writers (formatted into a buffer, written with fputs). */
static void outf(FILE *f, const char *fmt, ...) HQ_MEASURE_FMT(2, 3);
static void outf(FILE *f, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fputs(buf, f);
}

const char *const hq_measure_required_keys[] = {
    "source",   "clock_hz",        "arch",   "model",         "model_sha256",
    "platform", "platform_sha256", "timing", "timing_sha256", "images",
    "batch",    "chain",           "tools",  "date",          NULL};

static const char *const op_names[] = {
    [HQ_ACCEL_OP_DENSE] = "dense", [HQ_ACCEL_OP_CONV] = "conv", [HQ_ACCEL_OP_MAXPOOL] = "maxpool"};
static const char *const arch_names[] = {[HQ_ACCEL_ARCH_UNIFORM8] = "uniform8",
                                         [HQ_ACCEL_ARCH_SPLIT] = "split",
                                         [HQ_ACCEL_ARCH_LANEGROUP] = "lanegroup"};
#define N_OPS (sizeof op_names / sizeof *op_names)
#define N_ARCHS (sizeof arch_names / sizeof *arch_names)

const char *hq_measure_op_name(unsigned op) {
    return op < N_OPS && op_names[op] ? op_names[op] : "?";
}
const char *hq_measure_arch_name(unsigned a) {
    return a < N_ARCHS && arch_names[a] ? arch_names[a] : "?";
}
const char *hq_measure_layout_name(unsigned l) {
    const hq_layout_entry *e = hq_layout_find((int)l);
    return e ? e->name : "?";
}
int hq_measure_op_id(const char *s) {
    for (unsigned i = 0; i < N_OPS; i++)
        if (op_names[i] && !strcmp(op_names[i], s)) return (int)i;
    return -1;
}
int hq_measure_arch_id(const char *s) {
    for (unsigned i = 0; i < N_ARCHS; i++)
        if (arch_names[i] && !strcmp(arch_names[i], s)) return (int)i;
    return -1;
}
int hq_measure_layout_id(const char *s) {
    hq_layout_kind k;
    return hq_layout_parse(s, &k, NULL, 0) ? -1 : (int)k;
}

/* ---- writing ---- */

#define COUNT_(m, name, ...) +1
enum {
    N_KEYS = 0 HQ_MEASURE_KEYS(COUNT_),
    N_GEOM = 0 HQ_MEASURE_GEOMETRY(COUNT_),
    N_COUNTERS = 0 HQ_MEASURE_COUNTERS(COUNT_),
    N_COLUMNS = N_KEYS + 3 + N_GEOM + N_COUNTERS
};
#undef COUNT_

static const char *const column_names[N_COLUMNS] = {
#define NAME_(m, name, ...) name,
    HQ_MEASURE_KEYS(NAME_) "op", "layout", "array",
    HQ_MEASURE_GEOMETRY(NAME_) HQ_MEASURE_COUNTERS(NAME_)
#undef NAME_
};

void hq_measure_write_columns(FILE *f) {
    for (int i = 0; i < N_COLUMNS; i++)
        outf(f, "%s%s", i ? "," : "", column_names[i]);
}

void hq_measure_write_row(FILE *f, const hq_measure_row *r) {
#define U32_(m, name) outf(f, "%" PRIu32 ",", r->m);
    HQ_MEASURE_KEYS(U32_)
    outf(f, "%s,%s,%s,", hq_measure_op_name(r->op), hq_measure_layout_name(r->layout),
         hq_measure_arch_name(r->arch));
    HQ_MEASURE_GEOMETRY(U32_)
#undef U32_
    int first = 1;
#define U64_(m, name, ...)                                                                         \
    outf(f, "%s%" PRIu64, first ? "" : ",", r->m);                                                 \
    first = 0;
    HQ_MEASURE_COUNTERS(U64_)
#undef U64_
}

void hq_measure_write_header(FILE *f, const hq_measure_kv *kv, size_t n) {
    outf(f, "%s\n", HQ_MEASURE_MAGIC);
    for (size_t i = 0; i < n; i++)
        outf(f, "# %s: %s\n", kv[i].key, kv[i].value);
}

/* ---- reading ---- */

/* Splits line (modified) at commas into at most max fields; returns the count. */
static int split(char *line, char **f, int max) {
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) return max + 1;
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = 0;
        p = c + 1;
    }
    return n;
}

static int parse_u64(const char *s, uint64_t *v) {
    if (!*s || !isdigit((unsigned char)*s)) return -1;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *v = x;
    return 0;
}

int hq_measure_parse_row(const char *line, hq_measure_row *r, char *err, size_t errlen) {
    char buf[1024];
    size_t len = strcspn(line, "\r\n");
    if (len >= sizeof buf) return hq_errf(err, errlen, "row longer than %zu bytes", sizeof buf);
    memcpy(buf, line, len);
    buf[len] = 0;
    char *f[N_COLUMNS + 1];
    int n = split(buf, f, N_COLUMNS);
    if (n != N_COLUMNS)
        return hq_errf(err, errlen, "%s%d fields, the column line has %d",
                       n > N_COLUMNS ? "more than " : "", n > N_COLUMNS ? N_COLUMNS : n, N_COLUMNS);
    memset(r, 0, sizeof *r);
    int i = 0;
    uint64_t v;
#define U32_(m, name)                                                                              \
    if (parse_u64(f[i], &v) || v > UINT32_MAX)                                                     \
        return hq_errf(err, errlen, "column %s: '%s' is not an unsigned 32-bit integer", name,     \
                       f[i]);                                                                      \
    r->m = (uint32_t)v;                                                                            \
    i++;
    HQ_MEASURE_KEYS(U32_)
    int id = hq_measure_op_id(f[i]);
    if (id < 0) return hq_errf(err, errlen, "column op: unknown operation '%s'", f[i]);
    r->op = (unsigned)id;
    i++;
    if ((id = hq_measure_layout_id(f[i])) < 0)
        return hq_errf(err, errlen, "column layout: unknown layout '%s'", f[i]);
    r->layout = (unsigned)id;
    i++;
    if ((id = hq_measure_arch_id(f[i])) < 0)
        return hq_errf(err, errlen, "column array: unknown array '%s'", f[i]);
    r->arch = (unsigned)id;
    i++;
    HQ_MEASURE_GEOMETRY(U32_)
#undef U32_
#define U64_(m, name, ...)                                                                         \
    if (parse_u64(f[i], &r->m))                                                                    \
        return hq_errf(err, errlen, "column %s: '%s' is not an unsigned integer", name, f[i]);     \
    i++;
    HQ_MEASURE_COUNTERS(U64_)
#undef U64_
    const uint64_t sum =
        r->compute + r->stall_dram + r->stall_decoder + r->stall_outlier + r->output + r->control;
    if (sum != r->cycles)
        return hq_errf(err, errlen,
                       "cycles %" PRIu64 " differ from the sum of the classes (compute + "
                       "stall_dram + stall_decoder + stall_outlier + output + control = %" PRIu64
                       ")",
                       r->cycles, sum);
    if (!r->descs || !r->images) return hq_errf(err, errlen, "descs and images must be at least 1");
    return 0;
}

static int check_columns(const char *line, char *err, size_t errlen) {
    char buf[1024];
    size_t len = strcspn(line, "\r\n");
    if (len >= sizeof buf) return hq_errf(err, errlen, "column line too long");
    memcpy(buf, line, len);
    buf[len] = 0;
    char *f[N_COLUMNS + 1];
    int n = split(buf, f, N_COLUMNS);
    for (int i = 0; i < N_COLUMNS && i < n; i++)
        if (strcmp(f[i], column_names[i]))
            return hq_errf(err, errlen, "column %d is '%s', expected '%s' (docs/measurements.md)",
                           i + 1, f[i], column_names[i]);
    if (n != N_COLUMNS)
        return hq_errf(err, errlen, "the column line has %s%d columns, expected %d",
                       n > N_COLUMNS ? "more than " : "", n > N_COLUMNS ? N_COLUMNS : n, N_COLUMNS);
    return 0;
}

static int push_row(hq_measure_row **rows, size_t *n, const hq_measure_row *r) {
    hq_measure_row *p = realloc(*rows, (*n + 1) * sizeof *p);
    if (!p) return -1;
    p[(*n)++] = *r;
    *rows = p;
    return 0;
}

const char *hq_measure_get(const hq_measure_file *m, const char *key) {
    for (size_t i = 0; i < m->n_header; i++)
        if (!strcmp(m->header[i].key, key)) return m->header[i].value;
    return NULL;
}

void hq_measure_free(hq_measure_file *m) {
    free(m->header);
    free(m->rows);
    memset(m, 0, sizeof *m);
}

int hq_measure_read(const char *path, hq_measure_file *m, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "r");
    if (!f) return hq_errf(err, errlen, "%s: %s", path, strerror(errno));
    char line[2048], e[400];
    int ln = 0, in_header = 1, have_columns = 0, rc = -1;
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (!strchr(line, '\n') && !feof(f)) {
            hq_errf(err, errlen, "%s:%d: line longer than %zu bytes", path, ln, sizeof line - 2);
            goto out;
        }
        line[strcspn(line, "\r\n")] = 0;
        if (ln == 1) {
            if (strcmp(line, HQ_MEASURE_MAGIC)) {
                if (!strncmp(line, "# hqsim measurements ", 21))
                    hq_errf(err, errlen,
                            "%s:1: format version '%s' is not supported (this "
                            "hqsim reads version 1)",
                            path, line + 21);
                else
                    hq_errf(err, errlen,
                            "%s:1: not a measurement file (the first line must "
                            "be '%s', docs/measurements.md)",
                            path, HQ_MEASURE_MAGIC);
                goto out;
            }
            continue;
        }
        if (line[0] == '#') {
            if (!in_header) continue;
            const char *p = line + 1;
            while (*p == ' ')
                p++;
            const char *colon = strstr(p, ": ");
            size_t klen = colon ? (size_t)(colon - p) : 0;
            if (!colon || !klen || klen >= sizeof m->header[0].key) {
                hq_errf(err, errlen, "%s:%d: header line is not '# key: value'", path, ln);
                goto out;
            }
            hq_measure_kv *h = realloc(m->header, (m->n_header + 1) * sizeof *h);
            if (!h) {
                hq_errf(err, errlen, "%s: out of memory", path);
                goto out;
            }
            m->header = h;
            hq_measure_kv *kv = &h[m->n_header++];
            memcpy(kv->key, p, klen);
            kv->key[klen] = 0;
            snprintf(kv->value, sizeof kv->value, "%s", colon + 2);
            continue;
        }
        if (!line[0]) continue;
        in_header = 0;
        if (!have_columns) {
            if (check_columns(line, e, sizeof e)) {
                hq_errf(err, errlen, "%s:%d: %s", path, ln, e);
                goto out;
            }
            have_columns = 1;
            continue;
        }
        hq_measure_row r;
        if (hq_measure_parse_row(line, &r, e, sizeof e)) {
            hq_errf(err, errlen, "%s:%d: %s", path, ln, e);
            goto out;
        }
        if (push_row(&m->rows, &m->n_rows, &r)) {
            hq_errf(err, errlen, "%s: out of memory", path);
            goto out;
        }
    }
    if (ferror(f)) {
        hq_errf(err, errlen, "%s: read error", path);
        goto out;
    }
    if (ln == 0) {
        hq_errf(err, errlen, "%s: empty file, not a measurement file", path);
        goto out;
    }
    for (const char *const *k = hq_measure_required_keys; *k; k++)
        if (!hq_measure_get(m, *k)) {
            hq_errf(err, errlen, "%s: header key '%s' missing (docs/measurements.md)", path, *k);
            goto out;
        }
    if (!have_columns || !m->n_rows) {
        hq_errf(err, errlen, "%s: no %s", path, have_columns ? "rows" : "column line and no rows");
        goto out;
    }
    rc = 0;
out:
    fclose(f);
    if (rc) hq_measure_free(m);
    return rc;
}

long hq_measure_rows_from_uart(const char *text, size_t len, hq_measure_row **rows, size_t *n,
                               char *err, size_t errlen) {
    const size_t plen = strlen(HQ_MEASURE_UART_PREFIX);
    int have_columns = 0;
    long count = 0, ln = 0;
    char e[400];
    for (size_t i = 0; i < len;) {
        const char *l = text + i;
        const char *nl = memchr(l, '\n', len - i);
        size_t ll = nl ? (size_t)(nl - l) : len - i;
        i += ll + 1;
        ln++;
        if (ll < plen || memcmp(l, HQ_MEASURE_UART_PREFIX, plen)) continue;
        char buf[1024];
        if (ll - plen >= sizeof buf) return hq_errf(err, errlen, "UART line %ld too long", ln);
        memcpy(buf, l + plen, ll - plen);
        buf[ll - plen] = 0;
        if (!have_columns) {
            if (check_columns(buf, e, sizeof e))
                return hq_errf(err, errlen, "UART line %ld: %s", ln, e);
            have_columns = 1;
            continue;
        }
        hq_measure_row r;
        if (hq_measure_parse_row(buf, &r, e, sizeof e))
            return hq_errf(err, errlen, "UART line %ld: %s", ln, e);
        if (push_row(rows, n, &r)) return hq_errf(err, errlen, "out of memory");
        count++;
    }
    return count;
}

int hq_sha256_file(const char *path, char hex[65], char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) return hq_errf(err, errlen, "%s: %s", path, strerror(errno));
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    uint8_t buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&ctx, k, buf);
    int bad = ferror(f);
    fclose(f);
    if (bad) return hq_errf(err, errlen, "%s: read error", path);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 0;
}
