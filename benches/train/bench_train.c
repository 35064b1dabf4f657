/* bench_train: trains the float MLP or CNN on the full Fashion-MNIST training set and reports
 * test accuracy on the full 10,000-image test set and the wall-clock training time.
 * Prints one JSON object on stdout (progress on stderr). */
#include "dataset.h"
#include "train.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f) {
    fprintf(f, "usage: bench_train [--net mlp|cnn] [--epochs N] [--batch N] [--lr X] [--sgd]\n"
               "                   [--width-mult X] [--threads N] [--seed N] [--limit N]\n"
               "                   [--data DIR] [--min-acc PCT] [--max-seconds S] [--quiet]\n"
               "Trains on the Fashion-MNIST training set (60,000 images, or --limit), evaluates\n"
               "on the whole test set, prints {net, epochs, train_s, test_acc, ...} as JSON.\n"
               "Defaults are hq_train_opts_default(net). --min-acc / --max-seconds: exit 1 when\n"
               "the test accuracy is lower / the training takes longer (targets).\n");
}

/* FNV-1a over every float parameter: two runs trained identically print the same value. */
static unsigned long long weights_hash(const hq_model *m) {
    unsigned long long h = 1469598103934665603ULL;
    for (int l = 0; l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (!L->w) continue;
        const unsigned char *p[2] = {(const void *)L->w, (const void *)L->b};
        size_t len[2] = {sizeof(float) * L->rows * L->cols, sizeof(float) * L->rows};
        for (int t = 0; t < 2; t++)
            for (size_t i = 0; i < len[t]; i++)
                h = (h ^ p[t][i]) * 1099511628211ULL;
    }
    return h;
}

static int parse_num(const char *flag, const char *s, double lo, double hi, double *out) {
    char *end;
    double v = s ? strtod(s, &end) : 0.0;
    if (!s || *end || end == s || v < lo || v > hi) {
        fprintf(stderr, "bench_train: %s needs a number in [%g, %g], got '%s'\n", flag, lo, hi,
                s ? s : "");
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv) {
    const char *net = "mlp", *dir = NULL;
    double epochs = -1, batch = -1, lr = -1, wm = 1, threads = 0, seed = 1, limit = 0, min_acc = 0,
           max_s = 0;
    int sgd = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--net") && v && (!strcmp(v, "mlp") || !strcmp(v, "cnn"))) {
            net = v, i++;
        } else if (!strcmp(a, "--data") && v) {
            dir = v, i++;
        } else if (!strcmp(a, "--epochs")) {
            r = parse_num(a, v, 1, 1000, &epochs), i++;
        } else if (!strcmp(a, "--batch")) {
            r = parse_num(a, v, 1, 65536, &batch), i++;
        } else if (!strcmp(a, "--lr")) {
            r = parse_num(a, v, 1e-9, 10, &lr), i++;
        } else if (!strcmp(a, "--width-mult")) {
            r = parse_num(a, v, 0.01, 8, &wm), i++;
        } else if (!strcmp(a, "--threads")) {
            r = parse_num(a, v, 0, 1024, &threads), i++;
        } else if (!strcmp(a, "--seed")) {
            r = parse_num(a, v, 0, 1e15, &seed), i++;
        } else if (!strcmp(a, "--limit")) {
            r = parse_num(a, v, 0, 60000, &limit), i++;
        } else if (!strcmp(a, "--min-acc")) {
            r = parse_num(a, v, 0, 100, &min_acc), i++;
        } else if (!strcmp(a, "--max-seconds")) {
            r = parse_num(a, v, 0, 1e6, &max_s), i++;
        } else if (!strcmp(a, "--sgd")) {
            sgd = 1;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else {
            fprintf(stderr, "bench_train: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
        if (r) return 2;
    }

    char err[512];
    hq_dataset train, test;
    if (hq_dataset_load(&train, dir, HQ_SPLIT_TRAIN, err, sizeof err) ||
        hq_dataset_load(&test, dir, HQ_SPLIT_TEST, err, sizeof err)) {
        fprintf(stderr, "bench_train: %s\n", err);
        return 1;
    }
    hq_train_opts o;
    hq_train_opts_default(&o, net);
    if (epochs > 0) o.epochs = (int)epochs;
    if (batch > 0) o.batch = (int)batch;
    if (lr > 0) o.lr = (float)lr;
    if (sgd) o.optimizer = 1, o.lr = lr > 0 ? (float)lr : 0.05f;
    o.threads = (int)threads;
    o.seed = (unsigned long long)seed;
    o.limit = (int)limit;
    o.verbose = !quiet;

    hq_model m;
    int rc = !strcmp(net, "cnn")
                 ? hq_model_init_cnn(&m, (float)wm, o.seed, err, sizeof err)
                 : hq_model_init_mlp(&m, NULL, 0, (float)wm, o.seed, err, sizeof err);
    double t0 = omp_get_wtime();
    clock_t cpu0 = clock();
    if (!rc) rc = hq_train(&m, &train, &o, err, sizeof err);
    double train_s = omp_get_wtime() - t0;
    /* CPU seconds of all threads: unlike wall time, barely affected by other users' load. */
    double cpu_s = (double)(clock() - cpu0) / CLOCKS_PER_SEC;
    if (rc) {
        fprintf(stderr, "bench_train: %s\n", err);
        return 1;
    }
    t0 = omp_get_wtime();
    int correct = hq_eval_float(&m, &test, 0, NULL);
    double eval_s = omp_get_wtime() - t0;
    double acc = 100.0 * correct / test.n;
    long params = 0;
    for (int l = 0; l < m.n_layers; l++)
        params +=
            (long)m.layers[l].rows * m.layers[l].cols + (m.layers[l].w ? m.layers[l].rows : 0);
    printf("{\"net\": \"%s\", \"width_mult\": %g, \"params\": %ld, \"epochs\": %d, \"batch\": %d, "
           "\"lr\": %g, \"optimizer\": \"%s\", \"threads\": %d, \"seed\": %llu, "
           "\"train_images\": %d, \"train_s\": %.2f, \"train_cpu_s\": %.2f, \"test_images\": %d, "
           "\"test_acc\": %.2f, "
           "\"eval_s\": %.2f, \"weights_fnv1a\": \"%016llx\"}\n",
           net, wm, params, o.epochs, o.batch, (double)o.lr, o.optimizer ? "sgd" : "adam",
           o.threads ? o.threads : omp_get_max_threads(), o.seed,
           o.limit > 0 && o.limit < train.n ? o.limit : train.n, train_s, cpu_s, test.n, acc,
           eval_s, weights_hash(&m));
    hq_model_free(&m);
    hq_dataset_free(&train);
    hq_dataset_free(&test);
    int missed = 0;
    if (correct < 0 || acc < min_acc) {
        fprintf(stderr, "bench_train: test accuracy %.2f %% below --min-acc %.2f %%\n", acc,
                min_acc);
        missed = 1;
    }
    if (max_s > 0 && train_s > max_s) {
        fprintf(stderr, "bench_train: training took %.1f s, more than --max-seconds %.0f\n",
                train_s, max_s);
        missed = 1;
    }
    return missed;
}
