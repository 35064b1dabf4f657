/* hqsim train: train a float MLP or CNN on Fashion-MNIST and save it as a .hqm model. */
#include "cli_util.h"
#include "commands.h"
#include "container.h"
#include "train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "train"
#define MAX_HIDDEN 8

static void help(void) {
    printf("usage: hqsim train --net mlp|cnn -o MODEL.hqm [options]\n"
           "\n"
           "Trains a float network on the 60,000 Fashion-MNIST training images, reports its\n"
           "accuracy on the 10,000 test images and saves it. Deterministic for a given seed\n"
           "and thread count.\n"
           "\n"
           "options:\n"
           "  --net mlp|cnn        network (MLP 784-256-128-10, or the 2-stage CNN)\n"
           "  -o, --output FILE    model file to write (required)\n"
           "  --hidden W1,W2,...   MLP hidden widths before --width-mult (default 256,128)\n"
           "  --width-mult X       scale every hidden width / channel count (default 1)\n"
           "  --epochs N           training epochs (default 15 for the MLP, 8 for the CNN)\n"
           "  --batch N            mini-batch size\n"
           "  --lr X               learning rate\n"
           "  --optimizer adam|sgd Adam (default) or SGD with momentum\n"
           "  --seed S             initialisation and shuffling seed (default 1)\n"
           "  --threads N          worker threads (default " CLI_THREADS_DEFAULT ")\n"
           "  --train-images N     train on the first N training images only (quick runs,\n"
           "                       tests; --limit is the old name)\n"
           "  --quiet              no per-epoch progress lines\n"
           "  -h, --help           this help\n" CLI_EXIT_HELP);
}

/* "256,128" -> {256, 128}. */
static int parse_hidden(const char *s, int *hidden, int *n) {
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 65536 || *n == MAX_HIDDEN || (*end && *end != ',')) return -1;
        hidden[(*n)++] = (int)v;
        p = *end ? end + 1 : end;
        if (*end == ',' && !*p) return -1;
    }
    return *n ? 0 : -1;
}

int cmd_train(int argc, char **argv) {
    const char *net = NULL, *out = NULL;
    int hidden[MAX_HIDDEN] = {256, 128}, n_hidden = 2, quiet = 0, hidden_given = 0;
    double width = 1.0;
    long long epochs = 0, batch = 0, seed = 1, threads = 0, limit = 0;
    double lr = 0;
    int optimizer = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (cli_is_help(a)) {
            help();
            return 0;
        } else if (!strcmp(a, "--net")) {
            if (!(v = cli_value(CMD, argc, argv, &i))) return 2;
            if (strcmp(v, "mlp") && strcmp(v, "cnn"))
                return cli_usage_error(CMD, "--net must be mlp or cnn");
            net = v;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!(out = cli_value(CMD, argc, argv, &i))) return 2;
        } else if (!strcmp(a, "--hidden")) {
            if (!(v = cli_value(CMD, argc, argv, &i))) return 2;
            if (parse_hidden(v, hidden, &n_hidden)) {
                fprintf(stderr,
                        "hqsim train: --hidden expects 1 to %d comma-separated widths in "
                        "[1, 65536], got '%s'\n",
                        MAX_HIDDEN, v);
                return 2;
            }
            hidden_given = 1;
        } else if (!strcmp(a, "--width-mult")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_double(CMD, a, v, 0.0625, 16, &width))
                return 2;
        } else if (!strcmp(a, "--epochs")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 1, 1000, &epochs))
                return 2;
        } else if (!strcmp(a, "--batch")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 1, 60000, &batch))
                return 2;
        } else if (!strcmp(a, "--lr")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_double(CMD, a, v, 1e-7, 10, &lr))
                return 2;
        } else if (!strcmp(a, "--optimizer")) {
            if (!(v = cli_value(CMD, argc, argv, &i))) return 2;
            if (!strcmp(v, "adam"))
                optimizer = 0;
            else if (!strcmp(v, "sgd"))
                optimizer = 1;
            else
                return cli_usage_error(CMD, "--optimizer must be adam or sgd");
        } else if (!strcmp(a, "--seed")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) ||
                cli_int(CMD, a, v, 0, 9007199254740991LL, &seed))
                return 2;
        } else if (!strcmp(a, "--threads")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 0, 256, &threads))
                return 2;
        } else if (!strcmp(a, "--train-images") || !strcmp(a, "--limit")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 1, 60000, &limit))
                return 2;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else {
            return cli_unknown(CMD, a);
        }
    }
    if (!net) return cli_usage_error(CMD, "--net mlp|cnn is required");
    if (!out) return cli_usage_error(CMD, "-o MODEL.hqm is required");
    if (hidden_given && strcmp(net, "mlp"))
        return cli_usage_error(CMD, "--hidden applies to --net mlp only");

    hq_train_opts o;
    hq_train_opts_default(&o, net);
    if (epochs) o.epochs = (int)epochs;
    if (batch) o.batch = (int)batch;
    if (lr > 0) o.lr = (float)lr;
    if (optimizer >= 0) o.optimizer = optimizer;
    o.seed = (unsigned long long)seed;
    o.threads = (int)threads;
    o.limit = (int)limit;
    o.verbose = !quiet;

    hq_dataset train = {0}, test = {0};
    if (cli_load_split(CMD, HQ_SPLIT_TRAIN, &train) || cli_load_split(CMD, HQ_SPLIT_TEST, &test)) {
        hq_dataset_free(&train);
        return CLI_EXIT_BAD_INPUT;
    }
    hq_model m;
    memset(&m, 0, sizeof m);
    char err[1024];
    int rc = !strcmp(net, "mlp")
                 ? hq_model_init_mlp(&m, hidden, n_hidden, (float)width, o.seed, err, sizeof err)
                 : hq_model_init_cnn(&m, (float)width, o.seed, err, sizeof err);
    if (rc) {
        fprintf(stderr, "hqsim train: %s\n", err);
        goto done;
    }
    /* Everything that would stop the model being saved is checked before the training. */
    if (hq_model_validate(&m, err, sizeof err)) {
        fprintf(stderr, "hqsim train: this model cannot be saved: %s (checked before training)\n",
                err);
        rc = CLI_EXIT_BAD_INPUT;
        goto done;
    }
    if (cli_check_output(CMD, out, "training")) {
        rc = CLI_EXIT_FAILED;
        goto done;
    }
    if (!quiet) {
        char topo[256];
        cli_topology(&m, topo, sizeof topo);
        fprintf(stderr, "train: %s %s", net, topo);
        fprintf(stderr, ", %d epochs, batch %d, %s, seed %llu, %s images\n", o.epochs, o.batch,
                o.optimizer ? "sgd" : "adam", o.seed, limit ? "limited" : "60000");
    }
    double t0 = cli_now();
    rc = hq_train(&m, &train, &o, err, sizeof err);
    double t_train = cli_now() - t0;
    if (rc) {
        fprintf(stderr, "hqsim train: %s\n", err);
        goto done;
    }
    int correct = hq_eval_float(&m, &test, 0, NULL);
    printf("trained %s in %.1f s: float test accuracy %.2f %% (%d / %d)\n", net, t_train,
           100.0 * correct / test.n, correct, test.n);
    rc = cli_save_model(CMD, &m, out);
    if (!rc) printf("wrote %s\n", out);
done:
    hq_model_free(&m);
    hq_dataset_free(&train);
    hq_dataset_free(&test);
    return rc == CLI_EXIT_BAD_INPUT ? rc : rc ? CLI_EXIT_FAILED : 0;
}
