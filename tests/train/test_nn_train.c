/* hq_train on small subsets of Fashion-MNIST: the loss decreases (Adam, SGD, MLP, CNN), runs
 * are bit-identical (same seed, 1 vs 2 threads), the QAT hook is called and trains the
 * fake-quantized network, evaluation paths agree, and bad options are rejected with messages. */
#include "nn_loss.h"
#include "train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static hq_dataset train;

static void make_mlp(hq_model *m, float wm, unsigned long long seed) {
    char err[200];
    if (hq_model_init_mlp(m, NULL, 0, wm, seed, err, sizeof err)) {
        printf("FAIL init mlp: %s\n", err);
        exit(1);
    }
}

static void make_cnn(hq_model *m, float wm, unsigned long long seed) {
    char err[200];
    if (hq_model_init_cnn(m, wm, seed, err, sizeof err)) {
        printf("FAIL init cnn: %s\n", err);
        exit(1);
    }
}

/* Mean cross-entropy of m on the first n training images, through hq_forward_float_batch. */
static double mean_loss(const hq_model *m, int n) {
    int last = m->n_layers - 1;
    float *acts[HQ_MAX_LAYERS] = {0};
    acts[last] = malloc(sizeof(float) * n * m->n_classes);
    if (hq_forward_float_batch(m, train.images, n, last, acts)) {
        free(acts[last]);
        return NAN;
    }
    double loss = nn_softmax_xent(acts[last], train.labels, n, m->n_classes, 1.0f, NULL, NULL);
    free(acts[last]);
    return loss / n;
}

static int same_weights(const hq_model *a, const hq_model *b) {
    if (a->n_layers != b->n_layers) return 0;
    for (int l = 0; l < a->n_layers; l++) {
        const hq_layer *x = &a->layers[l], *y = &b->layers[l];
        if (!x->w) continue;
        if (memcmp(x->w, y->w, sizeof(float) * x->rows * x->cols) ||
            memcmp(x->b, y->b, sizeof(float) * x->rows))
            return 0;
    }
    return 1;
}

static void train_or_fail(hq_model *m, const hq_train_opts *o, const char *what) {
    char err[300];
    if (hq_train(m, &train, o, err, sizeof err))
        printf("FAIL %s: hq_train: %s\n", what, err), failures++;
}

static void test_loss_decreases(void) {
    const struct {
        const char *net;
        int optimizer, limit, epochs, batch;
        float lr;
    } cases[] = {{"mlp", 0, 2000, 2, 128, 1e-3f},
                 {"mlp", 1, 2000, 2, 128, 0.05f},
                 {"cnn", 0, 1000, 1, 32, 1e-3f}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hq_model m;
        if (!strcmp(cases[i].net, "cnn"))
            make_cnn(&m, 0.5f, 5);
        else
            make_mlp(&m, 0.5f, 5);
        hq_train_opts o;
        hq_train_opts_default(&o, cases[i].net);
        o.optimizer = cases[i].optimizer;
        o.lr = cases[i].lr;
        o.limit = cases[i].limit;
        o.epochs = cases[i].epochs;
        o.batch = cases[i].batch;
        double before = mean_loss(&m, o.limit);
        int acc_before = hq_eval_float(&m, &train, o.limit, NULL);
        train_or_fail(&m, &o, cases[i].net);
        double after = mean_loss(&m, o.limit);
        int acc_after = hq_eval_float(&m, &train, o.limit, NULL);
        printf("%s %s: loss %.3f -> %.3f, train acc %d -> %d of %d\n", cases[i].net,
               o.optimizer ? "sgd" : "adam", before, after, acc_before, acc_after, o.limit);
        CHECK(after < 0.6 * before, "%s loss did not drop enough: %.3f -> %.3f", cases[i].net,
              before, after);
        CHECK(acc_after > acc_before + o.limit / 4, "%s accuracy did not rise", cases[i].net);
        hq_model_free(&m);
    }
}

static double weight_norm2(const hq_model *m) {
    double s = 0.0;
    for (int l = 0; l < m->n_layers; l++)
        for (long i = 0; m->layers[l].w && i < (long)m->layers[l].rows * m->layers[l].cols; i++)
            s += (double)m->layers[l].w[i] * m->layers[l].w[i];
    return s;
}

/* Weight decay shrinks the weights (decoupled for Adam, L2 for SGD) and still trains. */
static void test_weight_decay(void) {
    for (int optimizer = 0; optimizer < 2; optimizer++) {
        hq_model plain, decayed;
        make_mlp(&plain, 0.5f, 6);
        make_mlp(&decayed, 0.5f, 6);
        hq_train_opts o;
        hq_train_opts_default(&o, "mlp");
        o.optimizer = optimizer;
        o.lr = optimizer ? 0.05f : 5e-3f;
        o.limit = 1000;
        o.epochs = 2;
        o.batch = 25;
        o.lr_schedule = 0;
        train_or_fail(&plain, &o, "no weight decay");
        /* Decoupled decay shrinks by (1 - lr * wd) per step: 80 steps of 2.5e-3 for Adam. */
        o.weight_decay = optimizer ? 0.05f : 0.5f;
        train_or_fail(&decayed, &o, "weight decay");
        double n0 = weight_norm2(&plain), n1 = weight_norm2(&decayed);
        int acc = hq_eval_float(&decayed, &train, o.limit, NULL);
        printf("%s weight decay %g: |w|^2 %.1f -> %.1f, %d of %d correct\n",
               optimizer ? "sgd" : "adam", (double)o.weight_decay, n0, n1, acc, o.limit);
        CHECK(n1 < 0.9 * n0, "weight decay did not shrink the weights");
        CHECK(acc > o.limit / 2, "training with weight decay failed");
        hq_model_free(&plain), hq_model_free(&decayed);
    }
}

static void train_copy(hq_model *m, const char *net, int threads, unsigned long long seed,
                       int limit) {
    if (!strcmp(net, "cnn"))
        make_cnn(m, 0.5f, seed);
    else
        make_mlp(m, 0.5f, seed);
    hq_train_opts o;
    hq_train_opts_default(&o, net);
    o.limit = limit;
    o.epochs = 1;
    o.batch = 50; /* a partial last batch is exercised too */
    o.threads = threads;
    o.seed = seed;
    train_or_fail(m, &o, net);
}

static void test_determinism(void) {
    const char *nets[] = {"mlp", "cnn"};
    for (int i = 0; i < 2; i++) {
        int limit = i ? 230 : 1030;
        hq_model a, b, c, d;
        train_copy(&a, nets[i], 1, 7, limit);
        train_copy(&b, nets[i], 1, 7, limit);
        train_copy(&c, nets[i], 2, 7, limit);
        train_copy(&d, nets[i], 1, 8, limit);
        CHECK(same_weights(&a, &b), "%s: two runs with the same seed differ", nets[i]);
        CHECK(same_weights(&a, &c), "%s: 1 thread and 2 threads differ", nets[i]);
        CHECK(!same_weights(&a, &d), "%s: different seeds give identical weights", nets[i]);
        hq_model_free(&a), hq_model_free(&b), hq_model_free(&c), hq_model_free(&d);
    }
}

/* QAT hooks. */
typedef struct {
    int calls, bad_shape;
} hook_stats;

static void identity_hook(void *ctx, int layer, const float *w, float *w_q, int rows, int cols) {
    hook_stats *s = ctx;
    s->calls++;
    (void)layer;
    memcpy(w_q, w, sizeof(float) * rows * cols);
}

/* Binary weights: sign(w) times the row's mean magnitude (as in XNOR-Net). */
static void binarize_hook(void *ctx, int layer, const float *w, float *w_q, int rows, int cols) {
    hook_stats *s = ctx;
    s->calls++;
    (void)layer;
    for (int r = 0; r < rows; r++) {
        double mean = 0.0;
        for (int c = 0; c < cols; c++)
            mean += fabsf(w[r * cols + c]);
        mean /= cols;
        for (int c = 0; c < cols; c++)
            w_q[r * cols + c] = w[r * cols + c] >= 0.0f ? (float)mean : (float)-mean;
    }
}

static void test_fake_quant(void) {
    hq_model plain, ident, bin;
    hq_train_opts o;
    hq_train_opts_default(&o, "mlp");
    o.limit = 1500;
    o.epochs = 2;
    make_mlp(&plain, 0.5f, 3);
    make_mlp(&ident, 0.5f, 3);
    make_mlp(&bin, 0.5f, 3);
    train_or_fail(&plain, &o, "plain");
    hook_stats s = {0, 0};
    o.fake_quant = identity_hook;
    o.fake_quant_ctx = &s;
    train_or_fail(&ident, &o, "identity hook");
    int batches = (o.limit + o.batch - 1) / o.batch;
    CHECK(s.calls == o.epochs * batches * 3, "hook called %d times, expected %d", s.calls,
          o.epochs * batches * 3);
    CHECK(same_weights(&plain, &ident), "identity fake-quant changed the result");

    hook_stats sb = {0, 0};
    o.fake_quant = binarize_hook;
    o.fake_quant_ctx = &sb;
    train_or_fail(&bin, &o, "binarize hook");
    CHECK(!same_weights(&plain, &bin), "binarized training gave float weights");
    /* The network being optimised is the binarized one: evaluate it with binarized weights. */
    int float_correct_bin = 0, qat_correct_bin = 0;
    for (int pass = 0; pass < 2; pass++) {
        hq_model *m = pass ? &bin : &plain;
        for (int l = 0; l < m->n_layers; l++) {
            hq_layer *L = &m->layers[l];
            binarize_hook(&sb, l, L->w, L->w, L->rows, L->cols);
        }
        int correct = hq_eval_float(m, &train, o.limit, NULL);
        *(pass ? &qat_correct_bin : &float_correct_bin) = correct;
    }
    printf("binarized weights: float-trained %d, QAT-trained %d of %d correct\n", float_correct_bin,
           qat_correct_bin, o.limit);
    CHECK(qat_correct_bin > o.limit / 2, "QAT-trained binary network only %d of %d",
          qat_correct_bin, o.limit);
    CHECK(qat_correct_bin > float_correct_bin, "QAT did not beat binarizing after training");
    hq_model_free(&plain), hq_model_free(&ident), hq_model_free(&bin);
}

static void test_eval_paths(void) {
    hq_model m;
    make_cnn(&m, 0.5f, 4);
    enum { N = 300 };
    int preds[N];
    int correct = hq_eval_float(&m, &train, N, preds);
    int last = m.n_layers - 1;
    float *acts[HQ_MAX_LAYERS] = {0};
    acts[0] = malloc(sizeof(float) * N * 28 * 28 * m.layers[0].out.c);
    acts[last] = malloc(sizeof(float) * N * m.n_classes);
    CHECK(hq_forward_float_batch(&m, train.images, N, last, acts) == 0, "forward failed");
    int agree = 0, correct2 = 0;
    for (int i = 0; i < N; i++) {
        int p = nn_argmax(acts[last] + i * m.n_classes, m.n_classes);
        agree += p == preds[i];
        correct2 += p == train.labels[i];
    }
    CHECK(agree == N && correct == correct2, "eval and forward disagree (%d of %d)", agree, N);
    int relu_ok = 1;
    for (long i = 0; i < (long)N * 28 * 28 * m.layers[0].out.c; i++)
        relu_ok &= acts[0][i] >= 0.0f;
    CHECK(relu_ok, "conv1 activations are not ReLU outputs");
    CHECK(hq_forward_float_batch(&m, train.images, N, m.n_layers, acts) == -1,
          "upto beyond the last layer accepted");
    hq_dataset small = train;
    small.rows = 27;
    CHECK(hq_eval_float(&m, &small, 10, NULL) == -1, "eval accepted 27 x 28 images");
    free(acts[0]), free(acts[last]);
    hq_model_free(&m);
}

static void nan_hook(void *ctx, int layer, const float *w, float *w_q, int rows, int cols) {
    (void)ctx, (void)layer, (void)w;
    for (long i = 0; i < (long)rows * cols; i++)
        w_q[i] = NAN;
}

static void expect_reject(hq_model *m, const hq_dataset *d, const hq_train_opts *o,
                          const char *needle, const char *what) {
    char err[300] = "";
    int rc = hq_train(m, d, o, err, sizeof err);
    CHECK(rc == -1, "%s accepted", what);
    CHECK(strstr(err, needle) != NULL, "%s: message '%s' does not mention '%s'", what, err, needle);
}

static void test_bad_options(void) {
    hq_model m, copy;
    make_mlp(&m, 0.25f, 1);
    make_mlp(&copy, 0.25f, 1);
    hq_train_opts good, o;
    hq_train_opts_default(&good, "mlp");
    good.limit = 100;
#define BAD(field, value, needle)                                                                  \
    o = good;                                                                                      \
    o.field = value;                                                                               \
    expect_reject(&m, &train, &o, needle, #field " = " #value)
    BAD(epochs, 0, "epochs");
    BAD(batch, 0, "batch");
    BAD(batch, -5, "batch");
    BAD(lr, 0.0f, "learning rate");
    BAD(lr, -1e-3f, "learning rate");
    BAD(lr, NAN, "learning rate");
    BAD(optimizer, 2, "optimizer");
    BAD(momentum, 1.0f, "momentum");
    BAD(weight_decay, -0.1f, "weight decay");
    BAD(threads, -1, "threads");
    BAD(limit, -1, "limit");
    BAD(lr_schedule, 5, "lr_schedule");
#undef BAD
    expect_reject(&m, NULL, &good, "training set", "NULL dataset");
    hq_dataset d = train;
    d.cols = 27;
    expect_reject(&m, &d, &good, "27", "27-column images");
    d = train;
    d.n = 20;
    d.labels = malloc(20);
    memcpy(d.labels, train.labels, 20);
    d.labels[13] = 10;
    expect_reject(&m, &d, &good, "label 10", "label out of range");
    free(d.labels);
    int keep = m.layers[1].cols;
    m.layers[1].cols = 3;
    expect_reject(&m, &train, &good, "layer 1", "inconsistent model");
    m.layers[1].cols = keep;
    CHECK(same_weights(&m, &copy), "a rejected call modified the model");
    o = good; /* a broken QAT hook makes the loss NaN: reported, not silently kept */
    o.fake_quant = nan_hook;
    expect_reject(&m, &train, &o, "diverged", "NaN weights");
    hq_model_free(&m), hq_model_free(&copy);

    char err[200] = "";
    int hidden_bad[] = {64, 0};
    CHECK(hq_model_init_mlp(&m, hidden_bad, 2, 1.0f, 1, err, sizeof err) == -1 &&
              strstr(err, "hidden width"),
          "zero hidden width accepted (%s)", err);
    CHECK(hq_model_init_mlp(&m, NULL, 0, 0.0f, 1, err, sizeof err) == -1 &&
              strstr(err, "width_mult"),
          "width_mult 0 accepted (%s)", err);
    CHECK(hq_model_init_mlp(&m, hidden_bad, 40, 1.0f, 1, err, sizeof err) == -1,
          "40 hidden layers accepted");
    CHECK(hq_model_init_cnn(&m, -1.0f, 1, err, sizeof err) == -1, "negative width accepted");
    CHECK(hq_model_init_cnn(&m, NAN, 1, err, sizeof err) == -1, "NaN width accepted");
}

static void test_init(void) {
    hq_model m;
    int hidden[] = {100, 50, 20};
    make_mlp(&m, 1.0f, 1);
    CHECK(m.n_layers == 3 && m.layers[0].rows == 256 && m.layers[1].rows == 128 &&
              m.layers[2].rows == 10 && m.layers[0].relu && !m.layers[2].relu,
          "default MLP is not 784-256-128-10");
    hq_model_free(&m);
    char err[200];
    CHECK(hq_model_init_mlp(&m, hidden, 3, 1.5f, 1, err, sizeof err) == 0 && m.n_layers == 4 &&
              m.layers[0].rows == 150 && m.layers[1].rows == 75 && m.layers[2].rows == 30 &&
              m.layers[3].cols == 30,
          "width_mult 1.5 of 100-50-20 is not 150-75-30");
    hq_model_free(&m);
    make_cnn(&m, 1.0f, 1);
    CHECK(m.n_layers == 6 && m.layers[0].kind == HQ_LAYER_CONV &&
              m.layers[1].kind == HQ_LAYER_MAXPOOL && m.layers[2].out.c == 32 &&
              m.layers[3].out.h == 7 && m.layers[4].cols == 7 * 7 * 32,
          "CNN topology unexpected");
    /* hq_model_free releases quantized arrays too (checked by the sanitizer build). */
    m.layers[0].q = calloc(1, sizeof(hq_qlayer));
    m.layers[0].q->w = malloc(16);
    m.layers[0].q->w_scale = malloc(16);
    hq_model_free(&m);
    CHECK(m.n_layers == 0, "hq_model_free left layers");
}

int main(void) {
    char err[512];
    if (hq_dataset_load(&train, NULL, HQ_SPLIT_TRAIN, err, sizeof err)) {
        printf("FAIL cannot load the training set: %s\n", err);
        return 1;
    }
    test_init();
    test_bad_options();
    test_loss_decreases();
    test_determinism();
    test_weight_decay();
    test_fake_quant();
    test_eval_paths();
    hq_dataset_free(&train);
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
