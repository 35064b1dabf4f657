/* Round trips of every layout (packer -> independent decoder == quantized matrix) on random
 * matrices, edge shapes and block occupancies; byte accounting; the pinned `block` format
 * against hand-computed bytes; and decoder errors on corrupted images. */
#include "layout/bits.h"
#include "layout/layout.h"
#include "test_util.h"

static size_t align_up(size_t v, size_t a) {
    return (v + a - 1) / a * a;
}

static void roundtrip(hq_qlayer *q, int rows, int cols, hq_layout_kind kind, int n, int m,
                      int burst, const char *what) {
    hq_layout_opts o;
    hq_layout_opts_default(&o, kind);
    o.block_n = n;
    o.block_m = m;
    o.burst = burst;
    hq_layer_image img;
    char err[256] = "";
    int rc = hq_layout_pack(q, rows, cols, &o, &img, err, sizeof err);
    CHECK(rc == 0, "%s %s %dx%d lo=%d hi=%d: pack failed: %s", what, hq_layout_name(kind), rows,
          cols, q->lo_bits, q->hi_bits, err);
    if (rc) return;
    const hq_layout_stats *st = &img.st;
    size_t parts = st->header_bits + st->shift_bits + st->code_bits + st->index_bits +
                   st->hi_value_bits + st->padding_bits;
    CHECK(parts == 8 * img.size, "%s: parts %zu != 8 * %zu bytes", what, parts, img.size);
    CHECK(img.size % (size_t)burst == 0 && st->bursts * (size_t)burst == img.size,
          "%s: %zu bytes not a whole number of %d-byte bursts", what, img.size, burst);
    CHECK(st->code_bits + st->index_bits + st->hi_value_bits <= 8 * img.size, "%s", what);
    hq_decoded_layer d;
    rc = hq_layout_decode(img.data, img.size, &d, err, sizeof err);
    CHECK(rc == 0, "%s %s: decode failed: %s", what, hq_layout_name(kind), err);
    if (!rc) {
        CHECK(hq_decoded_equals(&d, q, rows, cols), "%s %s %dx%d lo=%d hi=%d: decoded != packed",
              what, hq_layout_name(kind), rows, cols, q->lo_bits, q->hi_bits);
        hq_decoded_layer_free(&d);
    }
    /* a truncated image must be rejected, never read past its end */
    rc = hq_layout_decode(img.data, img.size - 1, &d, err, sizeof err);
    CHECK(rc != 0, "%s: decoding a truncated image succeeded", what);
    hq_layer_image_free(&img);
}

static void random_roundtrips(void) {
    static const int shapes[][2] = {{1, 1},   {1, 100}, {100, 1}, {7, 33},
                                    {16, 64}, {5, 31},  {3, 300}, {2, 257}};
    static const int nms[][2] = {{1, 32}, {2, 16}, {1, 8}, {3, 5}, {4, 4}};
    uint64_t s = 12345;
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
        for (int lo = 1; lo <= 4; lo++)
            for (int hi = 4; hi <= 8; hi += 4) {
                if (lo >= hi) continue;
                int rows = shapes[si][0], cols = shapes[si][1];
                for (size_t k = 0; k < sizeof nms / sizeof nms[0]; k++)
                    for (int mode = 0; mode < 3; mode++) {
                        int n = nms[k][0], m = nms[k][1];
                        hq_qlayer *q = t_random_q(&s, rows, cols, lo, hi, n, m, mode);
                        roundtrip(q, rows, cols, HQ_LAYOUT_COO, 0, 0, 64, "coo");
                        roundtrip(q, rows, cols, HQ_LAYOUT_BLOCK, n, m, 64, "block");
                        roundtrip(q, rows, cols, HQ_LAYOUT_BLOCK, -1, m, 16, "block auto-N");
                        if (lo >= 2) roundtrip(q, rows, cols, HQ_LAYOUT_ESCAPE, 0, 0, 32, "escape");
                        if (mode == 1) /* no high weights: dense and rowgroup hold it too */ {
                            roundtrip(q, rows, cols, HQ_LAYOUT_DENSE, 0, 0, 64, "dense low");
                            roundtrip(q, rows, cols, HQ_LAYOUT_ROWGROUP, 0, 0, 64, "rowgroup");
                        }
                        hq_qlayer_free(q);
                    }
                /* uniform layers always pack dense, whatever the requested layout */
                hq_qlayer *u = t_random_q(&s, rows, cols, 0, hi, 0, 0, 0);
                roundtrip(u, rows, cols, HQ_LAYOUT_DENSE, 0, 0, 64, "uniform");
                roundtrip(u, rows, cols, HQ_LAYOUT_BLOCK, 0, 0, 64, "uniform as block");
                hq_qlayer_free(u);
            }
}

/* Whole high rows (struct=row) for rowgroup, with some high-row weights that are 0. */
static void rowgroup_roundtrips(void) {
    uint64_t s = 777;
    for (int lo = 1; lo <= 4; lo++)
        for (int rows = 1; rows <= 20; rows += 19) {
            int cols = 45;
            hq_qlayer *q = t_random_q(&s, rows, cols, lo, 8, 0, 0, 1);
            for (int r = 0; r < rows; r += 3)
                for (int j = 0; j < cols; j++) {
                    long i = (long)r * cols + j;
                    int v = t_randint(&s, -127, 127);
                    if (v == 0 && lo == 1) v = 1;
                    q->w[i] = (int8_t)v;
                    q->is_hi[i] = v != 0;
                }
            roundtrip(q, rows, cols, HQ_LAYOUT_ROWGROUP, 0, 0, 64, "rowgroup rows");
            roundtrip(q, rows, cols, HQ_LAYOUT_COO, 0, 0, 64, "coo rows");
            hq_qlayer_free(q);
        }
}

/* coo: the gap from the cursor to the next high weight at and around multiples of the 8-bit
 * delta's maximum 255 (issue 11: a gap of exactly 255 or 510 was counted with one skip entry
 * more than was written, so every later row decoded shifted). Row 0 has its high weight at
 * column `gap`, row 1 at column 10; the count of row 0 must be the documented skips + 1. */
static void coo_gap_boundaries(void) {
    static const int gaps[] = {0, 1, 254, 255, 256, 257, 509, 510, 511, 764, 765, 766, 783};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        int rows = 10, cols = 784, gap = gaps[g];
        hq_qlayer *q = t_alloc_q(rows, cols, 2, 8);
        q->w[gap] = 100;
        q->is_hi[gap] = 1;
        q->w[cols + 10] = -50;
        q->is_hi[cols + 10] = 1;
        char what[64];
        snprintf(what, sizeof what, "coo gap %d", gap);
        roundtrip(q, rows, cols, HQ_LAYOUT_COO, 0, 0, 64, what);
        hq_layout_opts o;
        hq_layout_opts_default(&o, HQ_LAYOUT_COO);
        hq_layer_image img;
        char err[256];
        if (!hq_layout_pack(q, rows, cols, &o, &img, err, sizeof err)) {
            /* header 16 + 10-byte shift table -> 32; low plane 10*784*2 bits = 1960 B -> 1984 */
            size_t cnt = align_up(32 + (size_t)rows * cols * 2 / 8, 16);
            unsigned want = gap > 255 ? (unsigned)(gap - 1) / 255 + 1 : 1;
            unsigned got = img.data[cnt] | (unsigned)img.data[cnt + 1] << 8;
            CHECK(got == want, "coo gap %d: row 0 has %u entries, docs say %u", gap, got, want);
            hq_layer_image_free(&img);
        }
        hq_qlayer_free(q);
    }
}

/* hq_layout_assign (hqsim quantize --layout) records a layout only after the independent
 * decoder gave back the exact weights: hq_layout_verify_model must catch an image that
 * decodes to other weights and one that does not decode at all. */
static void verify_packed_model(void) {
    uint64_t s = 4242;
    hq_model m;
    memset(&m, 0, sizeof m);
    m.n_layers = 1;
    hq_layer *L = &m.layers[0];
    L->kind = HQ_LAYER_DENSE;
    L->rows = 10;
    L->cols = 784;
    L->q = t_random_q(&s, 10, 784, 2, 8, 1, 32, 0);
    char err[256] = "";
    CHECK(!hq_layout_assign(&m, "coo", NULL, err, sizeof err), "assign coo: %s", err);
    CHECK(!strcmp(m.layout, "coo"), "layout recorded: '%s'", m.layout);
    hq_packed_model pm;
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_COO);
    CHECK(!hq_layout_pack_model(&m, &o, &pm, err, sizeof err), "%s", err);
    CHECK(!hq_layout_verify_model(&m, &pm, err, sizeof err), "verify: %s", err);
    uint8_t *plane = pm.img[0].data + 32; /* header 16 + 10-byte shift table -> 32 */
    int j = 0;
    while (L->q->is_hi[j])
        j++;
    /* another valid low code at a low position: 0 <-> +1 (pattern 00 <-> 01), -1 -> 0 */
    unsigned sh = 2 * (j % 4), pat = (plane[j / 4] >> sh) & 3u;
    plane[j / 4] = (uint8_t)((plane[j / 4] & ~(3u << sh)) | ((pat ? 0u : 1u) << sh));
    CHECK(hq_layout_verify_model(&m, &pm, err, sizeof err) && strstr(err, "differ"),
          "a changed low code was not caught: %s", err);
    pm.img[0].data[10] = 9; /* format version */
    CHECK(hq_layout_verify_model(&m, &pm, err, sizeof err) && strstr(err, "does not decode"),
          "an undecodable image was not caught: %s", err);
    hq_packed_model_free(&pm);
    m.layout[0] = 0;
    L->q->w[1] = 0;
    L->q->is_hi[1] = 1; /* outside the contract: nothing is recorded */
    CHECK(hq_layout_assign(&m, "coo", NULL, err, sizeof err) && !m.layout[0],
          "assign accepted a high 0");
    hq_qlayer_free(L->q);
}

/* docs/layouts.md, "Common conventions": the rows of a low plane (and of rowgroup's row
 * streams) follow each other bit by bit, not byte-aligned: with K * lo = 6 bits, row 1
 * starts at bit 6 of the section. Bytes computed by hand for escape, coo and rowgroup. */
static void pinned_row_packing(void) {
    /* 2 x 3 ternary + int8, lo_shift 0: row 0 codes {+1, -1, 0}; row 1 {high 100, +1, -1} */
    hq_qlayer *q = t_alloc_q(2, 3, 2, 8);
    int8_t w[6] = {1, -1, 0, 100, 1, -1};
    memcpy(q->w, w, 6);
    q->is_hi[3] = 1;
    hq_layout_opts o;
    hq_layer_image img;
    char err[256];
    /* escape: patterns 01 11 00 | 10(marker) 01 11 -> 0x8D 0x0D; values at 48: 100 */
    hq_layout_opts_default(&o, HQ_LAYOUT_ESCAPE);
    CHECK(!hq_layout_pack(q, 2, 3, &o, &img, err, sizeof err), "%s", err);
    CHECK(img.data[32] == 0x8D && img.data[33] == 0x0D && img.data[48] == 100,
          "escape plane %02x %02x value %d", img.data[32], img.data[33], img.data[48]);
    hq_layer_image_free(&img);
    /* coo: the high position holds 00 -> 0x0D 0x0D; counts at 48: 0, 1; entry at 64:
     * delta 0, value 100 */
    hq_layout_opts_default(&o, HQ_LAYOUT_COO);
    CHECK(!hq_layout_pack(q, 2, 3, &o, &img, err, sizeof err), "%s", err);
    CHECK(img.data[32] == 0x0D && img.data[33] == 0x0D, "coo plane %02x %02x", img.data[32],
          img.data[33]);
    CHECK(img.data[48] == 0 && img.data[49] == 0 && img.data[50] == 1 && img.data[51] == 0,
          "coo counts");
    CHECK(img.data[64] == 0 && img.data[65] == 100, "coo entry %02x %02x", img.data[64],
          img.data[65]);
    hq_layer_image_free(&img);
    hq_qlayer_free(q);
    /* rowgroup, 3 x 3: row 1 high {100, -7, 5}; low rows 0 {+1, -1, 0} and 2 {-1, 0, +1}
     * -> bitmap 0x02 at 32, high row at 48, low rows at 64: 01 11 00 | 11 00 01 = 0xCD 0x04 */
    q = t_alloc_q(3, 3, 2, 8);
    int8_t w3[9] = {1, -1, 0, 100, -7, 5, -1, 0, 1};
    memcpy(q->w, w3, 9);
    q->is_hi[3] = q->is_hi[4] = q->is_hi[5] = 1;
    hq_layout_opts_default(&o, HQ_LAYOUT_ROWGROUP);
    CHECK(!hq_layout_pack(q, 3, 3, &o, &img, err, sizeof err), "%s", err);
    CHECK(img.data[32] == 0x02, "rowgroup bitmap %02x", img.data[32]);
    CHECK(img.data[48] == 100 && img.data[49] == (uint8_t)-7 && img.data[50] == 5,
          "rowgroup high row");
    CHECK(img.data[64] == 0xCD && img.data[65] == 0x04, "rowgroup low rows %02x %02x", img.data[64],
          img.data[65]);
    hq_layer_image_free(&img);
    hq_qlayer_free(q);
}

/* docs/layouts.md, Metrics: the hi fraction counts the is_hi weights of heterogeneous layers
 * over all weights; a uniform layer adds its weights to the total and no high weight. */
static void hi_fraction_definition(void) {
    uint64_t s = 77;
    hq_model m;
    memset(&m, 0, sizeof m);
    m.n_layers = 2;
    int shape[2][2] = {{20, 64}, {10, 20}};
    for (int l = 0; l < 2; l++) {
        m.layers[l].kind = HQ_LAYER_DENSE;
        m.layers[l].rows = shape[l][0];
        m.layers[l].cols = shape[l][1];
    }
    m.layers[0].q = t_random_q(&s, 20, 64, 2, 8, 2, 32, 2); /* exactly 2 per block of 32 */
    m.layers[1].q = t_random_q(&s, 10, 20, 0, 8, 0, 0, 0);  /* uniform int8 */
    long want = hq_layout_n_hi(m.layers[0].q, 20 * 64);
    CHECK(want == 20 * 2 * 2, "hetero layer: %ld high weights", want);
    CHECK(hq_layout_n_hi(m.layers[1].q, 200) == 0, "a uniform layer counts no high weight");
    hq_packed_model pm;
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_BLOCK);
    char err[256];
    CHECK(!hq_layout_pack_model(&m, &o, &pm, err, sizeof err), "%s", err);
    CHECK(pm.n_hi == want && pm.img[0].st.n_hi == want && pm.img[1].st.n_hi == 0,
          "pack n_hi %ld (%ld + %ld)", pm.n_hi, pm.img[0].st.n_hi, pm.img[1].st.n_hi);
    CHECK(pm.hi_fraction == (double)want / (20 * 64 + 10 * 20), "hi fraction %g", pm.hi_fraction);
    double bpw, frac; /* what hqsim eval --json reports */
    CHECK(!hq_layout_model_bits(&m, &bpw, &frac, err, sizeof err) && frac == pm.hi_fraction,
          "eval hi fraction %g vs pack %g", frac, pm.hi_fraction);
    hq_packed_model_free(&pm);
    hq_qlayer_free(m.layers[0].q);
    hq_qlayer_free(m.layers[1].q);
}

static int pack_fails(hq_qlayer *q, int rows, int cols, hq_layout_kind kind, int n, int m,
                      const char *needle) {
    hq_layout_opts o;
    hq_layout_opts_default(&o, kind);
    o.block_n = n;
    o.block_m = m;
    hq_layer_image img;
    char err[256] = "";
    if (!hq_layout_pack(q, rows, cols, &o, &img, err, sizeof err)) {
        hq_layer_image_free(&img);
        return 0;
    }
    return strstr(err, needle) != NULL;
}

static void pack_errors(void) {
    uint64_t s = 99;
    hq_qlayer *q = t_random_q(&s, 4, 64, 2, 8, 2, 32, 2); /* exactly 2 per block */
    CHECK(pack_fails(q, 4, 64, HQ_LAYOUT_BLOCK, 1, 32, "N=1"), "block overflow not reported");
    CHECK(pack_fails(q, 4, 64, HQ_LAYOUT_DENSE, 0, 0, "dense cannot"), "dense accepted hi");
    CHECK(pack_fails(q, 4, 64, HQ_LAYOUT_ROWGROUP, 0, 0, "struct=row"), "rowgroup mixed rows");
    CHECK(pack_fails(q, 4, 64, HQ_LAYOUT_BLOCK, 0, 1, "M=1"), "block M=1 accepted");
    q->w[0] = 0; /* a high weight of value 0 breaks the contract */
    q->is_hi[0] = 1;
    CHECK(pack_fails(q, 4, 64, HQ_LAYOUT_COO, 0, 0, "0 cannot be high"), "zero high accepted");
    hq_qlayer_free(q);
    hq_qlayer *b = t_random_q(&s, 2, 40, 1, 8, 1, 32, 0);
    CHECK(pack_fails(b, 2, 40, HQ_LAYOUT_ESCAPE, 0, 0, "spare"), "escape accepted binary");
    b->w[1] = 3; /* not a binary code << shift */
    b->is_hi[1] = 0;
    b->lo_shift[0] = 0;
    CHECK(pack_fails(b, 2, 40, HQ_LAYOUT_COO, 0, 0, "not a lo=1 code"), "bad low accepted");
    hq_qlayer_free(b);
}

/* docs/layouts.md `block`, ternary + int8, nm:1:32: bytes computed by hand. */
static void pinned_block_bytes(void) {
    hq_qlayer *q = t_alloc_q(1, 32, 2, 8);
    q->lo_shift[0] = 2;
    for (int j = 0; j < 32; j++)
        q->w[j] = (int8_t)((j % 3 - 1) * 4); /* codes -1, 0, +1, -1, ... */
    q->w[5] = -100;
    q->is_hi[5] = 1;
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_BLOCK);
    o.block_n = 1;
    o.block_m = 32;
    hq_layer_image img;
    char err[256];
    CHECK(!hq_layout_pack(q, 1, 32, &o, &img, err, sizeof err), "%s", err);
    /* header 16 B, shift table 1 B padded to 16, then the 9-byte block */
    const uint8_t *h = img.data, *blk = img.data + 32;
    CHECK(h[0] == 2 && h[1] == 2 && h[2] == 8 && h[3] == 1 && h[4] == 32 && h[5] == 0,
          "header fields");
    CHECK(h[6] == 1 && h[8] == 32 && h[10] == 1, "rows/cols/version");
    CHECK(h[12] == 64 && img.size == 64, "total size %zu", img.size);
    CHECK(h[16] == 2, "lo_shift table");
    uint8_t want[9] = {0};
    for (int j = 0; j < 32; j++) {
        unsigned pat = j == 5 ? 2u : (unsigned)((j % 3 - 1) & 3);
        want[(2 * j) / 8] |= (uint8_t)(pat << ((2 * j) % 8));
    }
    want[8] = (uint8_t)(int8_t)-100;
    CHECK(!memcmp(blk, want, 9), "block bytes differ from the pinned format");
    CHECK(img.st.bits_per_weight == 8.0 * 64 / 32, "bits/weight %g", img.st.bits_per_weight);
    hq_layer_image_free(&img);
    hq_qlayer_free(q);
}

/* Image size of `block` from the documented formula, for a big layer. */
static void block_size_formula(void) {
    uint64_t s = 5;
    int rows = 256, cols = 784;
    hq_qlayer *q = t_random_q(&s, rows, cols, 2, 8, 1, 32, 0);
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_BLOCK);
    o.block_n = 1;
    o.block_m = 32;
    hq_layer_image img;
    char err[256];
    CHECK(!hq_layout_pack(q, rows, cols, &o, &img, err, sizeof err), "%s", err);
    size_t expect = align_up(align_up(16 + (size_t)rows, 16) + (size_t)rows * 25 * 9, 64);
    CHECK(img.size == expect, "block image %zu bytes, formula %zu", img.size, expect);
    CHECK(img.st.bits_per_weight < 2.32, "ternary+int8 nm:1:32 block %.4f b/w",
          img.st.bits_per_weight);
    hq_layer_image_free(&img);
    hq_qlayer_free(q);
}

static void corrupt_images(void) {
    uint64_t s = 31;
    hq_qlayer *q = t_random_q(&s, 3, 64, 2, 8, 1, 32, 2);
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_BLOCK);
    o.block_n = 1;
    o.block_m = 32;
    hq_layer_image img;
    hq_decoded_layer d;
    char err[256];
    CHECK(!hq_layout_pack(q, 3, 64, &o, &img, err, sizeof err), "%s", err);
    size_t blk = 32; /* header 16 + 3-byte shift table padded to 16 */
    uint8_t saved = img.data[blk];
    img.data[blk] = 0xAA; /* four markers in one block with N = 1 */
    CHECK(hq_layout_decode(img.data, img.size, &d, err, sizeof err) && strstr(err, "more than"),
          "marker overflow not detected: %s", err);
    img.data[blk] = saved;
    img.data[10] = 9;
    CHECK(hq_layout_decode(img.data, img.size, &d, err, sizeof err) && strstr(err, "version"),
          "bad version not detected");
    img.data[10] = 1;
    img.data[0] = 17;
    CHECK(hq_layout_decode(img.data, img.size, &d, err, sizeof err) && strstr(err, "layout id"),
          "bad layout id not detected");
    img.data[0] = 2;
    img.data[16] = 7; /* ternary 1 << 7 does not fit int8 */
    CHECK(hq_layout_decode(img.data, img.size, &d, err, sizeof err) && strstr(err, "lo_shift"),
          "bad shift not detected");
    img.data[16] = q->lo_shift[0];
    CHECK(!hq_layout_decode(img.data, img.size, &d, err, sizeof err), "restored image: %s", err);
    hq_decoded_layer_free(&d);
    CHECK(hq_layout_decode(img.data, 10, &d, err, sizeof err), "short image accepted");
    hq_layer_image_free(&img);
    hq_qlayer_free(q);
}

static void entropy_bound(void) {
    /* half code 0, a quarter +1, a quarter high value 50: H = 1.5 bits */
    hq_qlayer *q = t_alloc_q(1, 8, 2, 8);
    int8_t w[8] = {0, 0, 0, 0, 1, 1, 50, 50};
    memcpy(q->w, w, 8);
    q->is_hi[6] = q->is_hi[7] = 1;
    double h = hq_layout_entropy_bpw(q, 1, 8);
    CHECK(h > 1.5 - 1e-12 && h < 1.5 + 1e-12, "entropy %g, expected 1.5", h);
    hq_qlayer_free(q);
}

/* hq_bits_put / hq_bits_get (byte at a time) against the bit-by-bit definition of
 * docs/layouts.md: every width 1..32 at every bit offset within a byte, over random
 * neighbours that must stay as they were. */
static void bit_fields(void) {
    uint32_t seed = 12345;
    for (int width = 1; width <= 32; width++)
        for (int pos = 0; pos < 24; pos++) {
            uint8_t buf[12], ref[12];
            for (int i = 0; i < 12; i++)
                buf[i] = ref[i] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 16);
            seed = seed * 1103515245u + 12345u;
            const uint32_t v = seed ^ (seed << 7);
            hq_bits_put(buf, (size_t)pos, width, v);
            uint32_t back = 0;
            for (int i = 0; i < width; i++) {
                const size_t b = (size_t)pos + (size_t)i;
                ref[b >> 3] =
                    (uint8_t)((ref[b >> 3] & ~(1u << (b & 7))) | (((v >> i) & 1u) << (b & 7)));
                back |= ((v >> i) & 1u) << i;
            }
            CHECK(memcmp(buf, ref, sizeof buf) == 0, "bits_put width %d pos %d", width, pos);
            CHECK(hq_bits_get(buf, (size_t)pos, width) == back, "bits_get width %d pos %d", width,
                  pos);
        }
}

int main(void) {
    bit_fields();
    random_roundtrips();
    rowgroup_roundtrips();
    coo_gap_boundaries();
    verify_packed_model();
    pinned_row_packing();
    hi_fraction_definition();
    pack_errors();
    pinned_block_bytes();
    block_size_formula();
    corrupt_images();
    entropy_bound();
    return t_report("test_layouts");
}
