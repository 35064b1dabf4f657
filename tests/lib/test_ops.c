/* The operators of docs/arith.md section 7a: residual add, max/average/global average pooling
 * with stride and padding, grouped and depthwise conv, ReLU6, int8 activations and the layer
 * graph. Boundary values come from the text; a small graph network is checked against a
 * naive interpreter of the text, and its container round trip and corruptions. */
#include "check.h"
#include "container.h"
#include "layer_ops.h"
#include "reference.h"
#include "test_models.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void test_add_params(void) {
    int32_t ma, mb;
    int sh;
    /* equal scales: M = 1 = 0.5 * 2^1, shift 30, both 2^30 */
    CHECK_EQ_INT(hq_add_params(0.02f, 0.02f, 0.02f, &ma, &mb, &sh), 0);
    CHECK_EQ_INT(ma, 1 << 30);
    CHECK_EQ_INT(mb, 1 << 30);
    CHECK_EQ_INT(sh, 30);
    /* M_a = 1/2, M_b = 1/4: shift 31 from the larger, 2^30 and 2^29 */
    CHECK_EQ_INT(hq_add_params(0.5f, 0.25f, 1.0f, &ma, &mb, &sh), 0);
    CHECK_EQ_INT(sh, 31);
    CHECK_EQ_INT(ma, 1 << 30);
    CHECK_EQ_INT(mb, 1 << 29);
    /* max(M) >= 2^31 is refused; a tiny M keeps shift 62 */
    CHECK(hq_add_params(1.0f, 1.0f, ldexpf(1.0f, -31), &ma, &mb, &sh) != 0);
    CHECK_EQ_INT(hq_add_params(1.0f, 1.0f, ldexpf(1.0f, 40), &ma, &mb, &sh), 0);
    CHECK_EQ_INT(sh, 62);
    CHECK_EQ_INT(ma, 1 << 22);
    CHECK(hq_add_params(0.0f, 1.0f, 1.0f, &ma, &mb, &sh) != 0);
}

static void test_add_requant(void) {
    const int32_t h = 1 << 30;                                     /* M = 1/2 at shift 31 */
    CHECK_EQ_INT(hq_add_requant(1, 0, h, h, 31, 0, 255), 1);       /* 0.5 rounds up */
    CHECK_EQ_INT(hq_add_requant(-1, 0, h, h, 31, -128, 127), 0);   /* -0.5 rounds up to 0 */
    CHECK_EQ_INT(hq_add_requant(-3, 0, h, h, 31, -128, 127), -1);  /* -1.5 -> -1 */
    CHECK_EQ_INT(hq_add_requant(255, 255, h, h, 30, 0, 255), 255); /* 510 saturates */
    CHECK_EQ_INT(hq_add_requant(-128, -128, h, h, 30, -128, 127), -128);
    CHECK_EQ_INT(hq_add_requant(100, -50, h, h, 30, 0, 255), 50);
    CHECK_EQ_INT(hq_add_requant(100, -150, h, h, 30, 0, 255), 0); /* ReLU */
    CHECK_EQ_INT(hq_add_requant(100, 50, h, h, 30, 0, 120), 120); /* ReLU6 at q6 = 120 */
    CHECK_EQ_INT(hq_add_requant(3, 4, 2, 5, 0, 0, 255), 26);      /* shift 0: no rounding term */
    uint8_t a[3] = {200, 0x80, 10}, b[3] = {100, 0xff, 20}, y[3];
    hq_ref_add(a, 0, b, 1, 3, h, h, 30, -128, 127, y); /* a unsigned, b int8, signed output */
    CHECK_EQ_INT((int8_t)y[0], 127);                   /* 200 + 100 */
    CHECK_EQ_INT((int8_t)y[1], 127);                   /* 128 + (-1) */
    CHECK_EQ_INT((int8_t)y[2], 30);
}

static void test_relu6_and_avg(void) {
    CHECK_EQ_INT(hq_relu6_code(6.0f / 255.0f), 255);
    CHECK_EQ_INT(hq_relu6_code(0.05f), 120);
    CHECK_EQ_INT(hq_relu6_code(1.0f), 6);
    CHECK_EQ_INT(hq_relu6_code(0.0001f), 255);
    CHECK_EQ_INT(hq_avg_round(5, 2), 3);   /* 2.5 -> 3 */
    CHECK_EQ_INT(hq_avg_round(-5, 2), -2); /* -2.5 -> -2 (half up) */
    CHECK_EQ_INT(hq_avg_round(-7, 2), -3); /* -3.5 -> -3 */
    CHECK_EQ_INT(hq_avg_round(-8, 3), -3); /* -2.67 -> -3 */
    CHECK_EQ_INT(hq_avg_round(1, 3), 0);
    CHECK_EQ_INT(hq_avg_round(2, 3), 1);
    CHECK_EQ_INT(hq_avg_round(255 * 49, 49), 255);
}

static void test_pools(void) {
    /* one channel 4x4: values 1..16 row-major */
    uint8_t img[16], out[16];
    for (int i = 0; i < 16; i++)
        img[i] = (uint8_t)(i + 1);
    hq_layer L = {0};
    L.kind = HQ_LAYER_AVGPOOL;
    L.in = (hq_shape){1, 4, 4};
    L.k = 3;
    L.stride = 2;
    L.pad = 1;
    L.out = (hq_shape){1, 2, 2};
    hq_ref_pool(&L, 0, img, 1, out);
    /* corner (0,0): window rows/cols -1..1, inside {1,2,5,6} = 14 over 4 -> 3.5 -> 4 */
    CHECK_EQ_INT(out[0], 4);
    /* (0,1): rows -1..1, cols 1..3: {2,3,4,6,7,8} = 30 / 6 = 5 */
    CHECK_EQ_INT(out[1], 5);
    /* (1,1): rows 1..3, cols 1..3: 6+7+8+10+11+12+14+15+16 = 99 / 9 = 11 */
    CHECK_EQ_INT(out[3], 11);
    L.count_pad = 1;
    hq_ref_pool(&L, 0, img, 1, out);
    CHECK_EQ_INT(out[0], 2); /* 14 / 9 = 1.56 -> 2 */
    CHECK_EQ_INT(out[1], 3); /* 30 / 9 = 3.33 -> 3 */
    CHECK_EQ_INT(out[3], 11);
    /* max pooling with padding over an all-negative int8 image: padding is not a 0 */
    uint8_t neg[16];
    for (int i = 0; i < 16; i++)
        neg[i] = (uint8_t)(int8_t)(-100 + i);
    L.kind = HQ_LAYER_MAXPOOL;
    L.count_pad = 0;
    hq_ref_pool(&L, 1, neg, 1, out);
    CHECK_EQ_INT((int8_t)out[0], -100 + 5);  /* max of {0,1,4,5} */
    CHECK_EQ_INT((int8_t)out[3], -100 + 15); /* max of the 3x3 at (1..3, 1..3) */
    /* global average pooling: two channels of a 2x3 image */
    uint8_t g[12] = {1, 0x80, 2, 0x80, 3, 0x80, 4, 0xff, 5, 0xff, 6, 0xfe};
    hq_layer G = {0};
    G.kind = HQ_LAYER_GAP;
    G.in = (hq_shape){2, 2, 3};
    G.out = (hq_shape){2, 1, 1};
    hq_ref_pool(&G, 1, g, 1, out);
    CHECK_EQ_INT((int8_t)out[0], 4);   /* 21 / 6 = 3.5 -> 4 */
    CHECK_EQ_INT((int8_t)out[1], -65); /* (-384 - 4) / 6 = -64.67 -> -65 */
}

/* ---------------------------------------------------------------- a graph network */

/* ---- a naive interpreter of docs/arith.md section 7a (int codes in int arrays) */

static int clamp_i(long long v, int lo, int hi) {
    return v < lo ? lo : v > hi ? hi : (int)v;
}

static void naive_layer(const hq_model *m, int li, int *const *acts, const int *in, int *out,
                        int32_t *logits) {
    const hq_layer *L = &m->layers[li];
    int lo, hi;
    hq_act_clamp(L, &lo, &hi);
    const int C = L->in.c, H = L->in.h, W = L->in.w;
    if (L->kind == HQ_LAYER_CONV || L->kind == HQ_LAYER_DENSE) {
        int g = hq_layer_groups(L), Cg = C / g, Rg = L->rows / g;
        int k = L->kind == HQ_LAYER_CONV ? L->k : 1, P = L->out.h * L->out.w;
        for (int p = 0; p < P; p++)
            for (int r = 0; r < L->rows; r++) {
                long long acc = L->q->bias[r];
                if (L->kind == HQ_LAYER_DENSE) {
                    for (int c = 0; c < L->cols; c++)
                        acc += (long long)L->q->w[(size_t)r * L->cols + c] * in[c];
                } else {
                    int oy = p / L->out.w, ox = p % L->out.w, grp = r / Rg;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                            for (int c = 0; c < Cg; c++) {
                                int y = oy * L->stride - L->pad + ky;
                                int x = ox * L->stride - L->pad + kx;
                                if (y < 0 || y >= H || x < 0 || x >= W) continue;
                                acc += (long long)
                                           L->q->w[(size_t)r * L->cols + (ky * k + kx) * Cg + c] *
                                       in[(y * W + x) * C + grp * Cg + c];
                            }
                }
                if (li == m->n_layers - 1) {
                    logits[r] = (int32_t)acc;
                    continue;
                }
                long long v = acc * L->q->rq_mult[r];
                int s = L->q->rq_shift[r];
                if (s) v = (v + (1LL << (s - 1))) >> s;
                out[p * L->rows + r] = clamp_i(v, lo, hi);
            }
    } else if (L->kind == HQ_LAYER_ADD) {
        int32_t ma, mb;
        int sh;
        hq_add_params(L->in_act_scale, m->layers[L->src2 - 1].out_act_scale, L->out_act_scale, &ma,
                      &mb, &sh);
        const int *b = acts[L->src2 - 1];
        for (size_t j = 0; j < hq_shape_elems(L->out); j++) {
            long long v = (long long)in[j] * ma + (long long)b[j] * mb;
            out[j] = clamp_i((v + (1LL << (sh - 1))) >> sh, lo, hi);
        }
    } else {
        int gap = L->kind == HQ_LAYER_GAP, kh = gap ? H : L->k, kw = gap ? W : L->k;
        int s = gap ? 1 : L->stride, pad = gap ? 0 : L->pad;
        for (int oy = 0; oy < L->out.h; oy++)
            for (int ox = 0; ox < L->out.w; ox++)
                for (int c = 0; c < C; c++) {
                    int best = -1000, sum = 0, n = 0;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++) {
                            int y = oy * s - pad + ky, x = ox * s - pad + kx;
                            if (y < 0 || y >= H || x < 0 || x >= W) continue;
                            int v = in[(y * W + x) * C + c];
                            best = v > best ? v : best;
                            sum += v;
                            n++;
                        }
                    int d = L->count_pad ? kh * kw : n;
                    out[(oy * L->out.w + ox) * C + c] =
                        L->kind == HQ_LAYER_MAXPOOL ? best : (int)floor((double)sum / d + 0.5);
                }
    }
}

static void test_graph_network(void) {
    hq_model m;
    tm_build_graph(&m);
    char err[256] = "";
    CHECK_EQ_INT(hq_model_validate(&m, err, sizeof err), 0);
    if (err[0]) fprintf(stderr, "validate: %s\n", err);
    CHECK_EQ_INT(hq_act_signed(&m, 1), 1);
    CHECK_EQ_INT(hq_act_signed(&m, 2), 0);
    CHECK_EQ_INT(hq_act_signed(&m, 3), 1);
    CHECK_EQ_INT(hq_act_signed(&m, 4), 0);
    enum { N = 20 };
    size_t in_elems = hq_shape_elems(m.input);
    uint8_t *images = malloc(N * in_elems);
    for (size_t j = 0; j < N * in_elems; j++)
        images[j] = (uint8_t)test_range(0, 255);
    hq_ref_net *net = hq_ref_prepare(&m, err, sizeof err);
    CHECK(net != NULL);
    int32_t got[N * 10], want[N * 10];
    CHECK_EQ_INT(hq_ref_infer(net, images, N, got, NULL, 1), 0);
    hq_ref_free(net);
    int *acts[HQ_MAX_LAYERS] = {0}, in0[72];
    int clamps = 0;
    for (int i = 0; i < N; i++) {
        for (size_t j = 0; j < in_elems; j++)
            in0[j] = images[i * in_elems + j];
        for (int li = 0; li < m.n_layers; li++) {
            free(acts[li]);
            acts[li] = calloc(hq_shape_elems(m.layers[li].out), sizeof(int));
            int src = hq_layer_src(&m, li);
            naive_layer(&m, li, acts, src < 0 ? in0 : acts[src], acts[li], want + i * 10);
        }
        for (size_t j = 0; j < hq_shape_elems(m.layers[4].out); j++)
            clamps += acts[4][j] == 120; /* the ReLU6 clamp is exercised */
    }
    for (int li = 0; li < m.n_layers; li++)
        free(acts[li]);
    CHECK(clamps > 0);
    CHECK(!memcmp(got, want, sizeof got));
    /* container round trip: version 2, LEXT chunks, identical logits */
    uint8_t *buf;
    size_t len;
    CHECK_EQ_INT(hq_container_write_mem(&m, &buf, &len, err, sizeof err), 0);
    CHECK_EQ_INT(buf[8], 2);
    hq_model back;
    CHECK_EQ_INT(hq_container_read_mem(&back, buf, len, err, sizeof err), 0);
    CHECK_EQ_INT(back.layers[3].src2, 2);
    CHECK_EQ_INT(back.layers[4].groups, 4);
    CHECK_EQ_INT(back.layers[6].count_pad, 1);
    net = hq_ref_prepare(&back, err, sizeof err);
    CHECK_EQ_INT(hq_ref_infer(net, images, N, got, NULL, 2), 0);
    CHECK(!memcmp(got, want, sizeof got));
    hq_ref_free(net);
    hq_container_free_model(&back);
    free(buf);
    /* a plain chain is still written as version 1 */
    hq_model cnn;
    tm_build(&cnn, 1, 1);
    CHECK_EQ_INT(hq_container_write_mem(&cnn, &buf, &len, err, sizeof err), 0);
    CHECK_EQ_INT(buf[8], 1);
    free(buf);
    hq_container_free_model(&cnn);
    free(images);
    hq_container_free_model(&m);
}

/* Every invalid graph field is refused by the writer's validation. */
static void test_graph_rejects(void) {
    struct {
        const char *needle;
        int layer, field, value;
    } cases[] = {
        {"not an earlier layer", 3, 0, 5}, /* src2 of the add points forward */
        {"not an earlier layer", 2, 1, 4}, /* src points forward */
        {"groups", 4, 2, 3},               /* 3 groups do not divide 4 channels */
        {"relu flag 3", 4, 3, 3},          /* activation 3 */
        {"count_pad", 6, 4, 2},            /* count_pad 2 */
        {"out of range", 5, 5, 0},         /* maxpool stride 0 */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        hq_model m;
        tm_build_graph(&m);
        hq_layer *L = &m.layers[cases[c].layer];
        int v = cases[c].value;
        switch (cases[c].field) {
        case 0: L->src2 = v; break;
        case 1: L->src = v; break;
        case 2: L->groups = v; break;
        case 3: L->relu = v; break;
        case 4: L->count_pad = v; break;
        case 5: L->stride = v; break;
        }
        char err[256] = "";
        uint8_t *buf = NULL;
        size_t len;
        CHECK(hq_container_write_mem(&m, &buf, &len, err, sizeof err) != 0);
        CHECK_MSG(err, cases[c].needle);
        free(buf);
        hq_container_free_model(&m);
    }
}

/* test_ops SEED_PATH: also writes the graph network as a container fuzz seed
 * (tests/fuzz/seeds/container/accept-graph.hqm). */
static void write_seed(const char *path) {
    hq_model m;
    tm_build_graph(&m);
    char err[256];
    CHECK_EQ_INT(hq_model_save(&m, path, err, sizeof err), 0);
    hq_container_free_model(&m);
}

int main(int argc, char **argv) {
    if (argc > 1) write_seed(argv[1]);
    test_add_params();
    test_add_requant();
    test_relu6_and_avg();
    test_pools();
    test_graph_network();
    test_graph_rejects();
    return check_report("test_ops");
}
