/* hq_model_load_quantized (hqsim run's load, issue 16): the same quantized model as
 * hq_model_load without the float parameters of quantized layers, and the same refusals: every
 * truncation, bit flips behind a repaired CRC (so the chunk parser and the validator see
 * them), a non-finite float weight, a FPAR chunk of the wrong size or twice. A float-only layer
 * keeps its floats. */
#include "check.h"
#include "container_edit.h"
#include "container.h"
#include "test_models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char g_path[256];

static void write_file(const uint8_t *buf, size_t len) {
    /* A new file each time: ext4 flushes a file truncated and rewritten in place when it is
     * closed (auto_da_alloc), which made thousands of rewrites wait on a busy disk. */
    remove(g_path);
    FILE *f = fopen(g_path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    CHECK(fwrite(buf, 1, len, f) == len);
    fclose(f);
}

static int same(const void *a, const void *b, size_t n) {
    return (!a && !b) || (a && b && memcmp(a, b, n) == 0);
}

/* q: a model loaded by hq_model_load_quantized; full: the same file by hq_model_load. */
static void check_quantized_view(const hq_model *q, const hq_model *full) {
    CHECK_EQ_INT(q->n_layers, full->n_layers);
    CHECK(!strcmp(q->policy, full->policy) && !strcmp(q->layout, full->layout));
    for (int i = 0; i < q->n_layers && i < full->n_layers; i++) {
        const hq_layer *a = &q->layers[i], *b = &full->layers[i];
        const size_t nw = hq_layer_weights(b), r = (size_t)b->rows;
        CHECK(a->kind == b->kind && a->rows == b->rows && a->cols == b->cols);
        CHECK(!a->q == !b->q);
        if (b->q) {
            CHECK(a->w == NULL && a->b == NULL); /* dropped */
            if (!a->q) continue;
            CHECK(a->q->lo_bits == b->q->lo_bits && a->q->hi_bits == b->q->hi_bits);
            CHECK(same(a->q->w, b->q->w, nw) && same(a->q->is_hi, b->q->is_hi, nw));
            CHECK(same(a->q->lo_shift, b->q->lo_shift, r) && same(a->q->bias, b->q->bias, 4 * r));
            CHECK(same(a->q->rq_mult, b->q->rq_mult, 4 * r));
            CHECK(same(a->q->rq_shift, b->q->rq_shift, r));
        } else {
            CHECK(same(a->w, b->w, 4 * nw) && same(a->b, b->b, 4 * r)); /* kept */
        }
    }
}

/* Loads buf both ways from a file: both succeed (same quantized model) or both fail. Returns
 * 1 when they failed. */
static int compare_loads(const uint8_t *buf, size_t len, const char *needle) {
    write_file(buf, len);
    hq_model full, q;
    char e1[512] = "", e2[512] = "";
    const int r1 = hq_model_load(&full, g_path, e1, sizeof e1);
    const int r2 = hq_model_load_quantized(&q, g_path, e2, sizeof e2);
    CHECK_EQ_INT(r2, r1);
    if (r1 != r2) fprintf(stderr, "  full: '%s'\n  quantized: '%s'\n", e1, e2);
    if (needle && r1) CHECK_MSG(e1, needle);
    if (needle && r2) CHECK_MSG(e2, needle);
    if (r2) CHECK(e2[0] != 0 && q.n_layers == 0);
    if (!r1 && !r2) check_quantized_view(&q, &full);
    if (!r1) hq_container_free_model(&full);
    if (!r2) hq_container_free_model(&q);
    return r1 != 0;
}

/* The first chunk with this tag (after the 24-byte header), or NULL. */
static uint8_t *find_chunk(uint8_t *buf, size_t len, const char *tag) {
    for (size_t at = 24; at + 8 <= len - 4;) {
        const uint32_t n = (uint32_t)buf[at + 4] | (uint32_t)buf[at + 5] << 8 |
                           (uint32_t)buf[at + 6] << 16 | (uint32_t)buf[at + 7] << 24;
        if (!memcmp(buf + at, tag, 4)) return buf + at;
        at += 8 + (size_t)n;
    }
    return NULL;
}

static void test_model(hq_model *m, int fuzz) {
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[512];
    CHECK(hq_container_write_mem(m, &buf, &len, err, sizeof err) == 0);
    hq_container_free_model(m);
    CHECK(compare_loads(buf, len, NULL) == 0);
    uint8_t *t = malloc(len + 8);
    /* every truncation, an extension, a flip the CRC catches */
    for (size_t n = 0; n < len; n += fuzz ? 1 : 7)
        CHECK(compare_loads(buf, n, NULL) == 1);
    memcpy(t, buf, len);
    memset(t + len, 0, 8);
    CHECK(compare_loads(t, len + 8, "header says") == 1);
    memcpy(t, buf, len);
    t[len / 2] ^= 0x10;
    CHECK(compare_loads(t, len, "checksum mismatch") == 1);
    /* flips behind a repaired CRC */
    int rejected = 0;
    for (int trial = 0; fuzz && trial < 1500; trial++) {
        memcpy(t, buf, len);
        const size_t pos = 24 + test_rand() % (len - 28);
        if (trial % 3 == 0)
            t[pos] = (uint8_t)test_rand();
        else
            t[pos] ^= (uint8_t)(1u << test_range(0, 7));
        reseal(t, len);
        rejected += compare_loads(t, len, NULL);
    }
    if (fuzz) CHECK(rejected > 0);
    uint8_t *fp = find_chunk(buf, len, "FPAR");
    if (fp) {
        /* a NaN float weight (the layer's first), behind a repaired CRC */
        memcpy(t, buf, len);
        put32(t + (fp - buf) + 12, 0x7fc00000u);
        reseal(t, len);
        CHECK(compare_loads(t, len, "is not finite") == 1);
        /* an infinite float bias (the chunk's last value) */
        const uint32_t n = (uint32_t)fp[4] | (uint32_t)fp[5] << 8 | (uint32_t)fp[6] << 16;
        memcpy(t, buf, len);
        put32(t + (fp - buf) + 8 + n - 4, 0x7f800000u);
        reseal(t, len);
        CHECK(compare_loads(t, len, "is not finite") == 1);
        /* the FPAR chunk renamed to the next layer's: a second FPAR of that layer */
        memcpy(t, buf, len);
        t[(fp - buf) + 8] ^= 1;
        reseal(t, len);
        CHECK(compare_loads(t, len, NULL) == 1);
    }
    free(t);
    free(buf);
}

int main(void) {
    snprintf(g_path, sizeof g_path, "/tmp/hq_test_container_quantized_%d.hqm", (int)getpid());
    hq_model m;
    for (int kind = 0; kind < 2; kind++)
        for (int quant = 0; quant < 3; quant++) {
            tm_build(&m, kind, quant); /* quant 0: float only (floats kept) */
            test_model(&m, kind == 1 && quant == 2);
        }
    tm_build_graph(&m);
    test_model(&m, 1);
    /* a directory and a missing file: the same messages as hq_model_load */
    char err[512];
    hq_model q;
    CHECK(hq_model_load_quantized(&q, "/tmp", err, sizeof err) == -1);
    CHECK_MSG(err, "is a directory");
    remove(g_path);
    CHECK(hq_model_load_quantized(&q, g_path, err, sizeof err) == -1);
    CHECK_MSG(err, "cannot open");
    return check_report("test_container_quantized");
}
