/* .hqm container: exact round trips (float, uniform, heterogeneous; MLP and CNN), precise
 * errors for wrong magic / future version / truncation / corruption, a small fuzz (every
 * truncation, random bit flips with and without a repaired CRC), chunk extension rules, and
 * refusal to save invalid models. */
#include "check.h"
#include "container_edit.h"
#include "container.h"
#include "test_models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int same_bytes(const void *a, const void *b, size_t n) {
    return (!a && !b) || (a && b && memcmp(a, b, n) == 0);
}

static void check_same_model(const hq_model *a, const hq_model *b) {
    CHECK_EQ_INT(a->n_layers, b->n_layers);
    CHECK(!strcmp(a->net, b->net) && !strcmp(a->policy, b->policy) &&
          !strcmp(a->layout, b->layout));
    CHECK(a->width_mult == b->width_mult && a->n_classes == b->n_classes);
    CHECK(!memcmp(&a->input, &b->input, sizeof a->input));
    for (int i = 0; i < a->n_layers && i < b->n_layers; i++) {
        const hq_layer *x = &a->layers[i], *y = &b->layers[i];
        CHECK(x->kind == y->kind && x->k == y->k && x->stride == y->stride && x->pad == y->pad &&
              x->relu == y->relu && x->rows == y->rows && x->cols == y->cols);
        CHECK(!memcmp(&x->in, &y->in, sizeof x->in) && !memcmp(&x->out, &y->out, sizeof x->out));
        CHECK(x->in_act_scale == y->in_act_scale && x->out_act_scale == y->out_act_scale);
        size_t nw = hq_layer_weights(x), r = (size_t)x->rows;
        CHECK(same_bytes(x->w, y->w, nw * 4) && same_bytes(x->b, y->b, r * 4));
        CHECK(!x->q == !y->q);
        if (x->q && y->q) {
            const hq_qlayer *p = x->q, *q = y->q;
            CHECK(p->lo_bits == q->lo_bits && p->hi_bits == q->hi_bits);
            CHECK(same_bytes(p->w, q->w, nw) && same_bytes(p->is_hi, q->is_hi, nw));
            CHECK(same_bytes(p->lo_shift, q->lo_shift, r));
            CHECK(same_bytes(p->w_scale, q->w_scale, r * 4) && same_bytes(p->bias, q->bias, r * 4));
            CHECK(same_bytes(p->rq_mult, q->rq_mult, r * 4));
            CHECK(same_bytes(p->rq_shift, q->rq_shift, r));
        }
    }
}

static void expect_read_error(const uint8_t *buf, size_t len, const char *needle) {
    hq_model m;
    char err[512] = "";
    CHECK(hq_container_read_mem(&m, buf, len, err, sizeof err) == -1);
    CHECK(m.n_layers == 0 && m.layers[0].w == NULL);
    if (needle) CHECK_MSG(err, needle);
}

/* Insert a chunk with the given tag just before the CRC, fixing count, length and CRC. */
static uint8_t *with_extra_chunk(const uint8_t *buf, size_t len, const char *tag, size_t *outlen) {
    size_t add = 8 + 3;
    uint8_t *o = malloc(len + add);
    memcpy(o, buf, len - 4);
    memcpy(o + len - 4, tag, 4);
    put32(o + len, 3);
    memcpy(o + len + 4, "abc", 3);
    uint32_t count = (uint32_t)o[12] | (uint32_t)o[13] << 8;
    put32(o + 12, count + 1);
    *outlen = len + add;
    reseal(o, *outlen);
    return o;
}

static void test_round_trips(void) {
    for (int kind = 0; kind < 2; kind++)
        for (int quant = 0; quant < 3; quant++) {
            hq_model m, back;
            tm_build(&m, kind, quant);
            if (kind == 1 && quant == 2) strcpy(m.layout, "block");
            char err[512] = "";
            CHECK(hq_model_validate(&m, err, sizeof err) == 0);
            if (err[0]) fprintf(stderr, "validate: %s\n", err);
            uint8_t *buf = NULL;
            size_t len = 0;
            CHECK(hq_container_write_mem(&m, &buf, &len, err, sizeof err) == 0);
            CHECK(hq_container_read_mem(&back, buf, len, err, sizeof err) == 0);
            check_same_model(&m, &back);
            /* Writing the loaded model again gives the same bytes. */
            uint8_t *buf2 = NULL;
            size_t len2 = 0;
            CHECK(hq_container_write_mem(&back, &buf2, &len2, err, sizeof err) == 0);
            CHECK(len2 == len && buf2 && !memcmp(buf, buf2, len));
            free(buf2);
            hq_container_free_model(&back);
            hq_container_free_model(&m);
            free(buf);
        }
}

static uint8_t *find_lext(uint8_t *buf, size_t len);

/* Flips behind a repaired CRC reach the parser and validator: each either loads a model
 * that passes validation or fails with a message (ASan run: no invalid access). t: scratch of
 * len bytes. */
static void fuzz_repaired_crc(const uint8_t *buf, size_t len, uint8_t *t) {
    int loaded = 0, rejected = 0;
    for (int trial = 0; trial < 3000; trial++) {
        memcpy(t, buf, len);
        size_t pos = 24 + test_rand() % (len - 28);
        if (trial % 3 == 0)
            t[pos] = (uint8_t)test_rand(); /* random byte */
        else
            t[pos] ^= (uint8_t)(1u << test_range(0, 7));
        reseal(t, len);
        hq_model b;
        char e[512] = "";
        if (hq_container_read_mem(&b, t, len, e, sizeof e) == 0) {
            CHECK(hq_model_validate(&b, e, sizeof e) == 0);
            hq_container_free_model(&b);
            loaded++;
        } else {
            CHECK(e[0] != 0);
            rejected++;
        }
    }

    printf("repaired-CRC fuzz: %d loaded (changed values within range), %d rejected\n", loaded,
           rejected);
    CHECK(rejected > 0);
}

static void test_errors_and_fuzz(void) {
    hq_model m;
    tm_build(&m, 1, 2);
    uint8_t *buf;
    size_t len;
    char err[512];
    CHECK(hq_container_write_mem(&m, &buf, &len, err, sizeof err) == 0);
    hq_container_free_model(&m);
    uint8_t *t = malloc(len + 64);

    memcpy(t, buf, len);
    t[1] = 'X';
    expect_read_error(t, len, "wrong magic");

    memcpy(t, buf, len);
    t[8] = HQM_VERSION_MAJOR + 1;
    reseal(t, len);
    expect_read_error(t, len, "newer hqsim");

    expect_read_error(buf, 10, "too short");
    expect_read_error(buf, len - 1, "truncated");
    memcpy(t, buf, len);
    memset(t + len, 0, 8);
    expect_read_error(t, len + 8, "header says");

    memcpy(t, buf, len);
    t[len / 2] ^= 0x10;
    expect_read_error(t, len, "checksum mismatch");

    /* Every truncation fails with a message, never a crash. */
    for (size_t n = 0; n < len; n++)
        expect_read_error(buf, n, NULL);

    /* Random bit flips: the CRC catches them. */
    for (int trial = 0; trial < 2000; trial++) {
        memcpy(t, buf, len);
        int flips = test_range(1, 4);
        for (int f = 0; f < flips; f++)
            t[test_rand() % len] ^= (uint8_t)(1u << test_range(0, 7));
        if (memcmp(t, buf, len)) expect_read_error(t, len, NULL);
    }

    fuzz_repaired_crc(buf, len, t);
    /* The same on a graph network (docs/arith.md section 7a: LEXT chunks, new kinds). */
    tm_build_graph(&m);
    uint8_t *gbuf;
    size_t glen;
    CHECK(hq_container_write_mem(&m, &gbuf, &glen, err, sizeof err) == 0);
    hq_container_free_model(&m);
    uint8_t *gt = malloc(glen + 64);
    fuzz_repaired_crc(gbuf, glen, gt);
    for (size_t n = 0; n < glen; n++)
        expect_read_error(gbuf, n, NULL);
    /* LEXT is a version 2 chunk, must precede its LAYR, and names earlier layers only */
    uint8_t *lext = find_lext(gbuf, glen);
    CHECK(lext != NULL);
    memcpy(gt, gbuf, glen);
    gt[8] = 1;
    reseal(gt, glen);
    expect_read_error(gt, glen, "LEXT chunk in a version 1 file");
    memcpy(gt, gbuf, glen);
    gt[lext - gbuf + 8 + 12] = 9; /* src2 of the add: layer 8 */
    reseal(gt, glen);
    expect_read_error(gt, glen, "not an earlier layer");
    memcpy(gt, gbuf, glen);
    gt[lext - gbuf + 8] = 0; /* the LEXT of layer 3 renamed to layer 0, after its LAYR */
    reseal(gt, glen);
    expect_read_error(gt, glen, "after its LAYR");
    free(gt);
    free(gbuf);

    /* Unknown ancillary chunks are skipped, unknown critical ones refused. */
    size_t elen;
    uint8_t *e = with_extra_chunk(buf, len, "note", &elen);
    hq_model b;
    CHECK(hq_container_read_mem(&b, e, elen, err, sizeof err) == 0);
    hq_container_free_model(&b);
    free(e);
    e = with_extra_chunk(buf, len, "XTRA", &elen);
    expect_read_error(e, elen, "unknown critical chunk 'XTRA'");
    free(e);
    free(t);
    free(buf);
}

static void expect_invalid(hq_model *m, const char *needle) {
    uint8_t *buf = NULL;
    size_t len;
    char err[512] = "";
    CHECK(hq_container_write_mem(m, &buf, &len, err, sizeof err) == -1);
    CHECK_MSG(err, needle);
    free(buf);
}

static void test_validation(void) {
    hq_model m;
    tm_build(&m, 0, 2);
    hq_qlayer *q = m.layers[0].q;
    int8_t saved = q->w[0];
    q->w[0] = -128;
    expect_invalid(&m, "outside the 8-bit grid");
    q->w[0] = saved;
    /* A low-precision weight that is not code << lo_shift. */
    for (int c = 0; c < m.layers[0].cols; c++)
        if (!q->is_hi[c]) {
            saved = q->w[c];
            q->w[c] = (int8_t)((1 << q->lo_shift[0]) * 5 + (q->lo_shift[0] ? 1 : 0));
            expect_invalid(&m, "low-precision weight");
            q->w[c] = saved;
            break;
        }
    hq_qlayer *last = m.layers[1].q;
    last->w_scale[1] *= 2;
    expect_invalid(&m, "classifier");
    last->w_scale[1] /= 2;
    q->rq_shift[3] = 63;
    expect_invalid(&m, "requant");
    q->rq_shift[3] = 30;
    m.layers[1].in_act_scale = 0.5f;
    expect_invalid(&m, "differs from the output scale");
    m.layers[1].in_act_scale = m.layers[0].out_act_scale;
    m.layers[0].relu = 3; /* 0 (int8 output), 1 ReLU, 2 ReLU6: docs/arith.md section 7a */
    expect_invalid(&m, "relu flag 3");
    m.layers[0].relu = 1;
    m.layers[0].rows = 21;
    expect_invalid(&m, "does not match");
    m.layers[0].rows = 20;
    m.layers[0].w[5] = 0.0f / 0.0f;
    expect_invalid(&m, "not finite");
    m.layers[0].w[5] = 0.0f;
    char err[256];
    CHECK(hq_model_validate(&m, err, sizeof err) == 0);
    hq_container_free_model(&m);

    /* Issue 11, settled in docs/arith.md section 3 and docs/format.md: a high weight is never
     * 0; a dense layer is stored flattened (n, 1, 1) and chains by element count; the
     * classifier's out_act_scale is 0. */
    tm_build(&m, 0, 2);
    q = m.layers[0].q;
    int hi_at = 0;
    while (!q->is_hi[hi_at])
        hi_at++;
    saved = q->w[hi_at];
    q->w[hi_at] = 0;
    expect_invalid(&m, "high-precision weight 0");
    q->w[hi_at] = saved;
    CHECK(hq_model_validate(&m, err, sizeof err) == 0);
    CHECK(m.input.c == 1 && m.input.h == 6 && m.input.w == 6 && m.layers[0].in.c == 36 &&
          m.layers[0].in.h == 1 && m.layers[0].in.w == 1);
    m.layers[0].in = (hq_shape){1, 6, 6}; /* same 36 elements, not flattened */
    expect_invalid(&m, "stored flattened");
    m.layers[0].in = (hq_shape){36, 1, 1};
    m.layers[1].out_act_scale = 0.02f;
    expect_invalid(&m, "out_act_scale");
    m.layers[1].out_act_scale = 0.0f;
    CHECK(hq_model_validate(&m, err, sizeof err) == 0);
    hq_container_free_model(&m);
    /* the CNN's dense layer takes the conv's 2x2x6 output flattened HWC (24 elements) */
    tm_build(&m, 1, 1);
    CHECK(m.layers[3].in.c == 24 &&
          m.layers[2].out.c * m.layers[2].out.h * m.layers[2].out.w == 24);
    CHECK(hq_model_validate(&m, err, sizeof err) == 0);
    hq_container_free_model(&m);
}

static void test_files(void) {
    char path[256], err[512];
    snprintf(path, sizeof path, "/tmp/hq_test_container_%d.hqm", (int)getpid());
    hq_model m, back;
    tm_build(&m, 1, 1);
    CHECK(hq_model_save(&m, path, err, sizeof err) == 0);
    CHECK(hq_model_load(&back, path, err, sizeof err) == 0);
    check_same_model(&m, &back);
    hq_container_free_model(&back);
    hq_container_free_model(&m);
    remove(path);
    CHECK(hq_model_load(&back, path, err, sizeof err) == -1);
    CHECK_MSG(err, path);
    CHECK_MSG(err, "cannot open");
    FILE *f = fopen(path, "w");
    fputs("not a model, just some text\n", f);
    fclose(f);
    CHECK(hq_model_load(&back, path, err, sizeof err) == -1);
    CHECK_MSG(err, "wrong magic");
    remove(path);
}

static uint8_t *find_bytes(uint8_t *buf, size_t len, const char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; buf && i + n <= len; i++)
        if (!memcmp(buf + i, s, n)) return buf + i;
    return NULL;
}

/* The first LEXT chunk of a written model (its tag). */
static uint8_t *find_lext(uint8_t *buf, size_t len) {
    return find_bytes(buf, len, "LEXT");
}

/* Issue 20: the policy text stored in a model is re-parsed by pack and run, so a file whose
 * policy is not a valid spec for this model is rejected on load (a crafted selector used to
 * make the parser read past the text). seed_path: also write the crafted file there. */
static void test_stored_policy(const char *seed_path) {
    static const char good[] = "uniform2;L1=lo=2,hi=8,frac=0";
    static const char *const bad[] = {"uniform2;L00000000000000003=", /* fuzz reproducer */
                                      "uniform2;L9=lo=2,hi=8,frac=0", /* no layer 9 */
                                      "uniform2;L+1=lo=2,hi=8,frac="};
    hq_model m;
    tm_build(&m, 0, 2);
    strcpy(m.policy, good);
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[512] = "";
    CHECK(hq_container_write_mem(&m, &buf, &len, err, sizeof err) == 0);
    uint8_t *at = find_bytes(buf, len, good);
    CHECK(at != NULL);
    for (size_t i = 0; at && i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(strlen(bad[i]) == strlen(good));
        memcpy(at, bad[i], strlen(good));
        reseal(buf, len);
        expect_read_error(buf, len, "stored policy");
        if (i == 0 && seed_path) {
            FILE *f = fopen(seed_path, "wb");
            CHECK(f && fwrite(buf, 1, len, f) == len && fclose(f) == 0);
        }
    }
    free(buf);
    strcpy(m.policy, "uniform2;L2=uniform8"); /* the model has 2 weighted layers */
    expect_invalid(&m, "L0..L1");
    hq_container_free_model(&m);
}

int main(int argc, char **argv) {
    test_round_trips();
    test_errors_and_fuzz();
    test_validation();
    test_files();
    test_stored_policy(argc > 1 ? argv[1] : NULL);
    return check_report("test_container");
}
