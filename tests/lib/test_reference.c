/* The integer reference against an independent, naive, float-free implementation written
 * here from docs/arith.md: direct convolution loops (no im2col, no widening, no batching),
 * int64 sums, on random tiles of many shapes, uniform and heterogeneous layers, and whole
 * networks with 1 and 2 threads. */
#include "check.h"
#include "hq_arith.h"
#include "reference.h"
#include "test_models.h"

#include <stdlib.h>
#include <string.h>

static size_t elems(hq_shape s) {
    return (size_t)s.c * s.h * s.w;
}

/* Accumulators (bias included) straight from the definition of a conv / dense layer. */
static void naive_acc(const hq_layer *L, const uint8_t *in, int n, int32_t *acc) {
    const hq_qlayer *q = L->q;
    int P = L->kind == HQ_LAYER_CONV ? L->out.h * L->out.w : 1;
    for (int i = 0; i < n; i++) {
        const uint8_t *x = in + (size_t)i * elems(L->in);
        for (int p = 0; p < P; p++)
            for (int r = 0; r < L->rows; r++) {
                int64_t s = q->bias[r];
                if (L->kind == HQ_LAYER_DENSE) {
                    for (int c = 0; c < L->cols; c++)
                        s += (int64_t)q->w[(size_t)r * L->cols + c] * x[c];
                } else {
                    int oy = p / L->out.w, ox = p % L->out.w;
                    for (int ky = 0; ky < L->k; ky++)
                        for (int kx = 0; kx < L->k; kx++)
                            for (int c = 0; c < L->in.c; c++) {
                                int y = oy * L->stride + ky - L->pad;
                                int xx = ox * L->stride + kx - L->pad;
                                if (y < 0 || xx < 0 || y >= L->in.h || xx >= L->in.w)
                                    continue; /* zero padding */
                                int kidx = (ky * L->k + kx) * L->in.c + c;
                                s += (int64_t)q->w[(size_t)r * L->cols + kidx] *
                                     x[((size_t)y * L->in.w + xx) * L->in.c + c];
                            }
                }
                acc[((size_t)i * P + p) * L->rows + r] = (int32_t)s;
            }
    }
}

static void naive_pool(const hq_layer *L, const uint8_t *in, int n, uint8_t *out) {
    for (int i = 0; i < n; i++)
        for (int y = 0; y < L->out.h; y++)
            for (int x = 0; x < L->out.w; x++)
                for (int c = 0; c < L->out.c; c++) {
                    int best = 0;
                    for (int dy = 0; dy < L->k; dy++)
                        for (int dx = 0; dx < L->k; dx++) {
                            int v =
                                in[i * elems(L->in) +
                                   ((size_t)(y * L->k + dy) * L->in.w + x * L->k + dx) * L->in.c +
                                   c];
                            best = v > best ? v : best;
                        }
                    out[i * elems(L->out) + ((size_t)y * L->out.w + x) * L->out.c + c] =
                        (uint8_t)best;
                }
}

/* Whole network, one image at a time; returns logits. Counts mid-range activations. */
static void naive_infer(const hq_model *m, const uint8_t *images, int n, int32_t *logits,
                        size_t *mid, size_t *total) {
    for (int i = 0; i < n; i++) {
        uint8_t *cur = malloc(elems(m->input));
        memcpy(cur, images + (size_t)i * elems(m->input), elems(m->input));
        for (int l = 0; l < m->n_layers; l++) {
            const hq_layer *L = &m->layers[l];
            uint8_t *next = malloc(elems(L->out));
            if (L->kind == HQ_LAYER_MAXPOOL) {
                naive_pool(L, cur, 1, next);
            } else {
                int32_t *acc = malloc(elems(L->out) * sizeof *acc);
                naive_acc(L, cur, 1, acc);
                if (l == m->n_layers - 1) {
                    memcpy(logits + (size_t)i * m->n_classes, acc, m->n_classes * sizeof *acc);
                } else {
                    for (size_t j = 0; j < elems(L->out); j++) {
                        int r = (int)(j % L->rows);
                        next[j] = hq_requant_relu(acc[j], L->q->rq_mult[r], L->q->rq_shift[r]);
                        *mid += next[j] > 0 && next[j] < 255;
                        (*total)++;
                    }
                }
                free(acc);
            }
            free(cur);
            cur = next;
        }
        free(cur);
    }
}

static void random_bytes(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)test_rand();
}

static void test_gemm_tiles(void) {
    for (int trial = 0; trial < 200; trial++) {
        int n = test_range(1, 11), rows = test_range(1, 9), kp = test_range(1, 200);
        int16_t *a = malloc((size_t)n * kp * 2), *w = malloc((size_t)rows * kp * 2);
        int8_t *w8 = malloc((size_t)rows * kp);
        int32_t *acc = malloc((size_t)n * rows * 4), *acc8 = malloc((size_t)n * rows * 4);
        for (int j = 0; j < n * kp; j++)
            a[j] = (int16_t)test_range(0, 255);
        for (int j = 0; j < rows * kp; j++)
            w8[j] = (int8_t)(w[j] = (int16_t)test_range(-128, 127));
        hq_ref_gemm_i16(a, n, w, rows, kp, acc);
        hq_ref_gemm_i8w(a, n, w8, rows, kp, acc8); /* the in-place kernel: the same sums */
        for (int i = 0; i < n; i++)
            for (int r = 0; r < rows; r++) {
                int64_t s = 0;
                for (int k = 0; k < kp; k++)
                    s += (int64_t)a[i * kp + k] * w[r * kp + k];
                CHECK_EQ_INT(acc[i * rows + r], s);
                CHECK_EQ_INT(acc8[i * rows + r], s);
            }
        free(a);
        free(w);
        free(w8);
        free(acc);
        free(acc8);
    }
}

/* One random weighted layer (dense or conv), compared through all three paths. */
static void test_layer_tiles(void) {
    for (int trial = 0; trial < 300; trial++) {
        hq_model m;
        memset(&m, 0, sizeof m);
        int conv = trial % 2;
        int lo = trial % 5; /* 0 = uniform, else heterogeneous with that many low bits */
        if (conv) {
            m.input = (hq_shape){test_range(1, 5), test_range(1, 12), test_range(1, 12)};
            int k = test_range(1, 5);
            while (k > m.input.h + 2 * (k - 1) || k > m.input.w + 2 * (k - 1))
                k--;
            int pad = test_range(0, k - 1);
            while (m.input.h + 2 * pad < k || m.input.w + 2 * pad < k)
                pad++;
            tm_add(&m, HQ_LAYER_CONV, test_range(1, 9), k, test_range(1, 3), pad);
        } else {
            /* every fourth K a multiple of 32: the weights read in place (int8 kernel) */
            m.input = (hq_shape){trial % 4 == 1 ? 32 * test_range(1, 9) : test_range(1, 300), 1, 1};
            tm_add(&m, HQ_LAYER_DENSE, test_range(1, 40), 0, 0, 0);
        }
        hq_layer *L = &m.layers[0];
        tm_quantize(L, 0, lo);
        int n = test_range(1, 9);
        size_t nin = (size_t)n * elems(L->in), nout = (size_t)n * elems(L->out);
        uint8_t *in = malloc(nin);
        random_bytes(in, nin);
        int32_t *want = malloc(nout * 4), *got = malloc(nout * 4), *split = malloc(nout * 4);
        naive_acc(L, in, n, want);
        hq_ref_layer_acc(L, in, n, got);
        hq_ref_layer_acc_split(L, in, n, split);
        int same = !memcmp(want, got, nout * 4), same_split = !memcmp(want, split, nout * 4);
        CHECK(same);
        CHECK(same_split);
        if (!same || !same_split)
            fprintf(stderr, "  trial %d: %s in %dx%dx%d k%d s%d p%d rows %d lo %d n %d\n", trial,
                    conv ? "conv" : "dense", L->in.h, L->in.w, L->in.c, L->k, L->stride, L->pad,
                    L->rows, lo, n);
        free(in);
        free(want);
        free(got);
        free(split);
        hq_qlayer_free(L->q);
    }
}

static void test_networks(void) {
    for (int kind = 0; kind < 2; kind++)
        for (int quant = 1; quant <= 2; quant++) {
            hq_model m;
            tm_build(&m, kind, quant);
            char err[256];
            hq_ref_net *net = hq_ref_prepare(&m, err, sizeof err);
            CHECK(net != NULL);
            const int n = 150; /* two full batches of 64 and a remainder */
            size_t img = elems(m.input);
            uint8_t *images = malloc(n * img);
            random_bytes(images, n * img);
            int32_t *want = malloc((size_t)n * 10 * 4), *got = malloc((size_t)n * 10 * 4);
            size_t mid = 0, total = 0;
            naive_infer(&m, images, n, want, &mid, &total);
            /* The random requant parameters must exercise the interesting range. */
            CHECK(mid * 5 > total);
            for (int threads = 1; threads <= 2; threads++) {
                int preds[150];
                memset(got, 0, (size_t)n * 10 * 4);
                hq_ref_infer(net, images, n, got, preds, threads);
                CHECK(!memcmp(want, got, (size_t)n * 10 * 4));
                for (int i = 0; i < n; i++)
                    CHECK_EQ_INT(preds[i], hq_argmax_i32(want + i * 10, 10));
            }
            /* Layer by layer through hq_ref_run_layer gives the same logits. */
            const uint8_t *cur = images;
            uint8_t *bufs[HQ_MAX_LAYERS] = {0};
            for (int l = 0; l < m.n_layers; l++) {
                int last = l == m.n_layers - 1;
                bufs[l] = malloc((size_t)n * elems(m.layers[l].out));
                hq_ref_run_layer(net, l, cur, n, last ? NULL : bufs[l], last ? got : NULL);
                cur = bufs[l];
            }
            CHECK(!memcmp(want, got, (size_t)n * 10 * 4));
            for (int l = 0; l < m.n_layers; l++)
                free(bufs[l]);
            free(images);
            free(want);
            free(got);
            hq_ref_free(net);
            hq_container_free_model(&m);
        }
    /* A float-only model cannot run on the integer path. */
    hq_model f;
    tm_build(&f, 0, 0);
    char err[256] = "";
    CHECK(hq_ref_prepare(&f, err, sizeof err) == NULL);
    CHECK_MSG(err, "not quantized");
    hq_container_free_model(&f);
}

/* Large activations (256x256x64 = 4 MiB, two buffers alive: the conv's output and the
 * pool's 64 KiB, each sized by the largest output it holds) cap the batch at three images so
 * that a batch's buffers stay within 16 MiB; the logits are the same (two work items). */
static void test_batch_budget(void) {
    hq_model m;
    memset(&m, 0, sizeof m);
    strcpy(m.net, "cnn");
    m.width_mult = 1.0f;
    m.n_classes = 10;
    m.input = (hq_shape){1, 256, 256};
    tm_add(&m, HQ_LAYER_CONV, 64, 3, 1, 1);
    tm_add(&m, HQ_LAYER_MAXPOOL, 0, 8, 8, 0);
    tm_add(&m, HQ_LAYER_DENSE, 10, 0, 0, 0)->relu = 0;
    for (int i = 0; i < m.n_layers; i++) {
        hq_layer *L = &m.layers[i];
        if (L->kind == HQ_LAYER_MAXPOOL) {
            L->in_act_scale = L->out_act_scale = 0.02f;
            continue;
        }
        tm_floats(L);
        tm_quantize(L, i == m.n_layers - 1, 0);
    }
    strcpy(m.policy, "uniform8");
    char err[256];
    hq_ref_net *net = hq_ref_prepare(&m, err, sizeof err);
    CHECK(net != NULL);
    CHECK_EQ_INT(hq_ref_batch(net), 3);
    enum { N = 5 };
    size_t img = elems(m.input);
    uint8_t *images = malloc(N * img);
    random_bytes(images, N * img);
    int32_t want[N * 10], got[N * 10];
    size_t mid = 0, total = 0;
    naive_infer(&m, images, N, want, &mid, &total);
    CHECK_EQ_INT(hq_ref_infer(net, images, N, got, NULL, 1), 0);
    CHECK(!memcmp(want, got, sizeof got));
    hq_ref_free(net);
    free(images);
    hq_container_free_model(&m);
    /* the small test networks keep batches of 64 */
    tm_build(&m, 1, 1);
    net = hq_ref_prepare(&m, err, sizeof err);
    CHECK_EQ_INT(hq_ref_batch(net), 64);
    hq_ref_free(net);
    hq_container_free_model(&m);
}

/* Convs larger than one im2col band (REF_BAND_BYTES: 128 KiB of GEMM input), with a partial
 * last band: plain, grouped and depthwise, uniform and heterogeneous, through
 * hq_ref_layer_acc (accumulators) and hq_ref_run_layer (requantized, band by band) against
 * the unbanded split path and the naive loops. */
static void test_conv_bands(void) {
    static const int groups[] = {1, 2, 8};
    for (int gi = 0; gi < 3; gi++)
        for (int lo = 0; lo <= 2; lo += 2) {
            hq_model m;
            memset(&m, 0, sizeof m);
            strcpy(m.net, "cnn");
            m.width_mult = 1.0f;
            m.n_classes = 10;
            m.input = (hq_shape){8, 70, 70}; /* 4900 positions: 4 bands of K 72 (kp 80) */
            const int g = groups[gi];
            tm_set_conv(tm_add_src(&m, HQ_LAYER_CONV, 0, m.input), 8, 3, 1, 1, g);
            tm_add(&m, HQ_LAYER_DENSE, 10, 0, 0, 0)->relu = 0;
            tm_quantize(&m.layers[0], 0, lo);
            tm_quantize(&m.layers[1], 1, 0);
            hq_layer *L = &m.layers[0];
            const int n = 2, P = L->out.h * L->out.w;
            size_t nin = (size_t)n * elems(L->in), nacc = (size_t)n * P * L->rows;
            uint8_t *in = malloc(nin), *want_u8 = malloc(nacc), *got_u8 = malloc(nacc);
            random_bytes(in, nin);
            int32_t *want = malloc(nacc * 4), *got = malloc(nacc * 4);
            CHECK_EQ_INT(hq_ref_layer_acc_split(L, in, n, want), 0);
            if (g == 1) {
                naive_acc(L, in, n, got);
                CHECK(!memcmp(want, got, nacc * 4));
            }
            memset(got, 0, nacc * 4);
            CHECK_EQ_INT(hq_ref_layer_acc(L, in, n, got), 0);
            CHECK(!memcmp(want, got, nacc * 4));
            hq_ref_requant(L->q, L->rows, want, (size_t)n * P, want_u8);
            char err[256];
            hq_ref_net *net = hq_ref_prepare(&m, err, sizeof err);
            CHECK(net != NULL);
            memset(got_u8, 0, nacc);
            CHECK_EQ_INT(hq_ref_run_layer(net, 0, in, n, got_u8, NULL), 0);
            int same = !memcmp(want_u8, got_u8, nacc);
            CHECK(same);
            if (!same) fprintf(stderr, "  conv bands: groups %d lo %d differ\n", g, lo);
            hq_ref_free(net);
            free(in);
            free(want_u8);
            free(got_u8);
            free(want);
            free(got);
            for (int i = 0; i < m.n_layers; i++)
                hq_qlayer_free(m.layers[i].q);
        }
}

int main(void) {
    test_gemm_tiles();
    test_layer_tiles();
    test_networks();
    test_batch_budget();
    test_conv_bands();
    return check_report("test_reference");
}
