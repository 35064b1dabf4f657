/* Gradient checks: every layer kind's backward pass against central finite differences of its
 * forward pass on tiny shapes, the softmax cross-entropy gradient, a whole CNN through
 * nn_net, and the im2col convolution against a direct convolution loop. */
#include "nn_layers.h"
#include "nn_loss.h"
#include "nn_net.h"
#include "nn_rng.h"
#include "train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H 1e-3f

static int failures, checks;

static void fill(nn_rng *r, float *v, long n, float scale) {
    for (long i = 0; i < n; i++)
        v[i] = (2.0f * nn_rng_uniform(r) - 1.0f) * scale;
}

static void compare(const char *what, int index, double numeric, double analytic) {
    checks++;
    if (fabs(numeric - analytic) > 5e-3 + 2e-2 * fabs(analytic)) {
        printf("FAIL %s[%d]: finite difference %.6f, backward %.6f\n", what, index, numeric,
               analytic);
        failures++;
    }
}

/* Test harness for one layer: loss = sum(y * r) with a fixed random r, so dL/dy = r. */
typedef struct {
    hq_layer L;
    int n;
    float *x, *w, *y, *r, *col;
    int32_t *argmax;
} layer_case;

static void forward(layer_case *c) {
    switch (c->L.kind) {
    case HQ_LAYER_DENSE: nn_dense_forward(&c->L, c->w, c->x, c->y, c->n, 1); break;
    case HQ_LAYER_CONV: nn_conv_forward(&c->L, c->w, c->x, c->col, c->y, c->n, 1); break;
    case HQ_LAYER_MAXPOOL: nn_maxpool_forward(&c->L, c->x, c->y, c->argmax, c->n, 1); break;
    default: break; /* the kinds of docs/arith.md section 7a are not trained */
    }
}

static double loss(layer_case *c) {
    forward(c);
    double s = 0.0;
    long ny = (long)c->n * nn_shape_size(c->L.out);
    for (long i = 0; i < ny; i++)
        s += (double)c->y[i] * c->r[i];
    return s;
}

/* Central difference of the loss with respect to v[i]. */
static double numeric_grad(layer_case *c, float *v, long i) {
    float keep = v[i];
    v[i] = keep + H;
    double up = loss(c);
    v[i] = keep - H;
    double down = loss(c);
    v[i] = keep;
    return (up - down) / (2.0 * H);
}

static void check_layer(const char *name, hq_layer L, int n, unsigned seed) {
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    layer_case c = {.L = L, .n = n};
    long nx = (long)n * nn_shape_size(L.in), ny = (long)n * nn_shape_size(L.out);
    long nw = (long)L.rows * L.cols;
    long ncol = (long)n * L.out.h * L.out.w * (L.cols ? L.cols : 1);
    c.x = malloc(sizeof(float) * nx);
    c.y = malloc(sizeof(float) * ny);
    c.r = malloc(sizeof(float) * ny);
    c.w = malloc(sizeof(float) * (nw ? nw : 1));
    c.L.b = malloc(sizeof(float) * (L.rows ? L.rows : 1));
    c.col = malloc(sizeof(float) * ncol);
    c.argmax = malloc(sizeof(int32_t) * ny);
    fill(&rng, c.x, nx, 1.0f);
    fill(&rng, c.w, nw, 0.5f);
    fill(&rng, c.L.b, L.rows, 0.2f);
    fill(&rng, c.r, ny, 1.0f);

    float *dy = malloc(sizeof(float) * ny), *dx = malloc(sizeof(float) * nx);
    float *dw = malloc(sizeof(float) * (nw ? nw : 1)),
          *db = malloc(sizeof(float) * (L.rows ? L.rows : 1));
    float *dcol = malloc(sizeof(float) * ncol);
    forward(&c);
    memcpy(dy, c.r, sizeof(float) * ny);
    if (L.relu) nn_relu_backward(c.y, dy, ny);
    char what[64];
    switch (L.kind) {
    case HQ_LAYER_DENSE: nn_dense_backward(&c.L, c.w, c.x, dy, dx, dw, db, n, 1); break;
    case HQ_LAYER_CONV: nn_conv_backward(&c.L, c.w, c.col, dy, dcol, dx, dw, db, n, 1); break;
    case HQ_LAYER_MAXPOOL: nn_maxpool_backward(&c.L, dy, c.argmax, dx, n, 1); break;
    default: break;
    }
    for (long i = 0; i < nx; i++) {
        snprintf(what, sizeof what, "%s dx", name);
        compare(what, (int)i, numeric_grad(&c, c.x, i), dx[i]);
    }
    for (long i = 0; i < nw; i++) {
        snprintf(what, sizeof what, "%s dw", name);
        compare(what, (int)i, numeric_grad(&c, c.w, i), dw[i]);
    }
    for (long i = 0; i < L.rows; i++) {
        snprintf(what, sizeof what, "%s db", name);
        compare(what, (int)i, numeric_grad(&c, c.L.b, i), db[i]);
    }
    free(c.x), free(c.y), free(c.r), free(c.w), free(c.L.b), free(c.col), free(c.argmax);
    free(dy), free(dx), free(dw), free(db), free(dcol);
}

static hq_layer dense(int in, int out, int relu) {
    return (hq_layer){.kind = HQ_LAYER_DENSE,
                      .in = {in, 1, 1},
                      .out = {out, 1, 1},
                      .rows = out,
                      .cols = in,
                      .relu = relu};
}

static hq_layer conv(hq_shape in, int out_c, int k, int stride, int pad, int relu) {
    hq_shape out = {out_c, (in.h + 2 * pad - k) / stride + 1, (in.w + 2 * pad - k) / stride + 1};
    return (hq_layer){.kind = HQ_LAYER_CONV,
                      .in = in,
                      .out = out,
                      .k = k,
                      .stride = stride,
                      .pad = pad,
                      .rows = out_c,
                      .cols = k * k * in.c,
                      .relu = relu};
}

static hq_layer maxpool(hq_shape in, int k) {
    return (hq_layer){
        .kind = HQ_LAYER_MAXPOOL, .in = in, .out = {in.c, in.h / k, in.w / k}, .k = k, .stride = k};
}

/* The im2col convolution against the textbook loop over (oy, ox, oc, ky, kx, c). */
static void check_conv_direct(void) {
    nn_rng rng;
    nn_rng_seed(&rng, 7);
    hq_layer L = conv((hq_shape){3, 7, 6}, 5, 3, 2, 1, 0);
    int n = 2;
    long nx = (long)n * nn_shape_size(L.in), ny = (long)n * nn_shape_size(L.out);
    float *x = malloc(sizeof(float) * nx), *w = malloc(sizeof(float) * L.rows * L.cols);
    float *y = malloc(sizeof(float) * ny),
          *col = malloc(sizeof(float) * n * L.out.h * L.out.w * L.cols);
    L.b = malloc(sizeof(float) * L.rows);
    fill(&rng, x, nx, 1.0f);
    fill(&rng, w, (long)L.rows * L.cols, 1.0f);
    fill(&rng, L.b, L.rows, 1.0f);
    nn_conv_forward(&L, w, x, col, y, n, 2);
    for (int img = 0; img < n; img++)
        for (int oy = 0; oy < L.out.h; oy++)
            for (int ox = 0; ox < L.out.w; ox++)
                for (int oc = 0; oc < L.out.c; oc++) {
                    double s = L.b[oc];
                    for (int ky = 0; ky < L.k; ky++)
                        for (int kx = 0; kx < L.k; kx++)
                            for (int c = 0; c < L.in.c; c++) {
                                int iy = oy * L.stride - L.pad + ky,
                                    ix = ox * L.stride - L.pad + kx;
                                if (iy < 0 || ix < 0 || iy >= L.in.h || ix >= L.in.w) continue;
                                s += (double)w[oc * L.cols + (ky * L.k + kx) * L.in.c + c] *
                                     x[img * nn_shape_size(L.in) + (iy * L.in.w + ix) * L.in.c + c];
                            }
                    float got = y[img * nn_shape_size(L.out) + (oy * L.out.w + ox) * L.out.c + oc];
                    checks++;
                    if (fabs(got - s) > 1e-5 * (1 + fabs(s))) {
                        printf("FAIL conv direct (%d,%d,%d,%d): %f vs %f\n", img, oy, ox, oc, got,
                               s);
                        failures++;
                    }
                }
    free(x), free(w), free(y), free(col), free(L.b);
}

static void check_softmax(void) {
    nn_rng rng;
    nn_rng_seed(&rng, 9);
    enum { N = 3, C = 6 };
    float z[N * C], g[N * C];
    uint8_t labels[N] = {0, 5, 2};
    fill(&rng, z, N * C, 3.0f);
    nn_softmax_xent(z, labels, N, C, 1.0f, g, NULL);
    for (int i = 0; i < N * C; i++) {
        float keep = z[i];
        z[i] = keep + H;
        double up = nn_softmax_xent(z, labels, N, C, 1.0f, NULL, NULL);
        z[i] = keep - H;
        double down = nn_softmax_xent(z, labels, N, C, 1.0f, NULL, NULL);
        z[i] = keep;
        compare("softmax dz", i, (up - down) / (2.0 * H), g[i]);
    }
}

/* The whole CNN (conv, pool, conv, pool, dense, dense) through nn_net with the real loss. */
static double net_loss(nn_net *net, const hq_model *m, const float *const *w, const uint8_t *y,
                       int n) {
    nn_net_forward(net, m, w, n, m->n_layers - 1);
    return nn_softmax_xent(net->act[m->n_layers - 1], y, n, m->n_classes, 1.0f, NULL, NULL);
}

static void check_network(void) {
    char err[200];
    hq_model m;
    if (hq_model_init_cnn(&m, 0.25f, 3, err, sizeof err)) {
        printf("FAIL init: %s\n", err);
        failures++;
        return;
    }
    enum { N = 2 };
    uint8_t images[N * 784], labels[N] = {3, 8};
    nn_rng rng;
    nn_rng_seed(&rng, 11);
    for (int i = 0; i < N * 784; i++)
        images[i] = (uint8_t)nn_rng_below(&rng, 256);
    nn_net net;
    nn_net_alloc(&net, &m, N, 1, 2);
    nn_net_load_images(&net, &m, images, NULL, N);
    const float *w[HQ_MAX_LAYERS];
    for (int l = 0; l < m.n_layers; l++)
        w[l] = m.layers[l].w;
    int last = m.n_layers - 1;
    nn_net_forward(&net, &m, w, N, last);
    nn_softmax_xent(net.act[last], labels, N, m.n_classes, 1.0f, net.dact[last], NULL);
    nn_net_backward(&net, &m, w, N);
    for (int l = 0; l < m.n_layers; l++) {
        hq_layer *L = &m.layers[l];
        if (!L->w) continue;
        char what[32];
        snprintf(what, sizeof what, "cnn layer %d dw", l);
        for (int t = 0; t < 12; t++) { /* a sample of weights and biases of each layer */
            long i = nn_rng_below(&rng, (uint32_t)(L->rows * L->cols));
            float keep = L->w[i];
            L->w[i] = keep + H;
            double up = net_loss(&net, &m, w, labels, N);
            L->w[i] = keep - H;
            double down = net_loss(&net, &m, w, labels, N);
            L->w[i] = keep;
            compare(what, (int)i, (up - down) / (2.0 * H), net.gw[l][i]);
        }
        snprintf(what, sizeof what, "cnn layer %d db", l);
        for (int i = 0; i < L->rows && i < 4; i++) {
            float keep = L->b[i];
            L->b[i] = keep + H;
            double up = net_loss(&net, &m, w, labels, N);
            L->b[i] = keep - H;
            double down = net_loss(&net, &m, w, labels, N);
            L->b[i] = keep;
            compare(what, i, (up - down) / (2.0 * H), net.gb[l][i]);
        }
    }
    nn_net_free(&net);
    hq_model_free(&m);
}

int main(void) {
    check_layer("dense", dense(7, 5, 0), 3, 1);
    check_layer("dense+relu", dense(9, 6, 1), 4, 2);
    check_layer("conv3x3 pad1", conv((hq_shape){3, 5, 6}, 4, 3, 1, 1, 0), 2, 3);
    check_layer("conv3x3 pad1+relu", conv((hq_shape){2, 6, 5}, 3, 3, 1, 1, 1), 2, 4);
    check_layer("conv2x2 stride2", conv((hq_shape){3, 6, 7}, 2, 2, 2, 0, 0), 2, 5);
    check_layer("conv5x5 pad2", conv((hq_shape){1, 7, 7}, 3, 5, 1, 2, 0), 1, 6);
    check_layer("maxpool2", maxpool((hq_shape){3, 4, 6}, 2), 2, 7);
    check_layer("maxpool2 odd", maxpool((hq_shape){2, 5, 5}, 2), 2, 8);
    check_layer("maxpool3", maxpool((hq_shape){2, 6, 6}, 3), 1, 9);
    check_softmax();
    check_conv_direct();
    check_network();
    printf("%d gradient/forward checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
