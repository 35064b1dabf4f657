/* hqsim eval: accuracy of a model on the Fashion-MNIST test set, through the integer
 * reference (quantized models) or the float forward pass (float models, or --float). */
#include "cli_util.h"
#include "commands.h"
#include "container.h"
#include "layout/layout.h"
#include "reference.h"
#include "synthetic.h"
#include "train.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "eval"

static void help(void) {
    printf("usage: hqsim eval MODEL.hqm [options]\n"
           "\n"
           "Classifies the Fashion-MNIST test images. A quantized model runs through the\n"
           "bit-exact integer reference (docs/arith.md); a float model through the float\n"
           "forward pass.\n"
           "\n"
           "options:\n"
           "  --images N     first N test images only (default: all 10,000; --limit is\n"
           "                 the old name)\n"
           "  --float        use the float path even if the model is quantized\n"
           "  --synthetic-inputs N  N deterministic synthetic images of the model's input\n"
           "                 shape instead of the test set (no accuracy: for timing, and\n"
           "                 models without a dataset such as the workload zoo)\n"
           "  --threads N    worker threads (default " CLI_THREADS_DEFAULT ")\n"
           "  --json         print one JSON object: model, net, policy, path (integer|float),\n"
           "                 images, correct, accuracy (fraction), seconds (inference),\n"
           "                 total_seconds (whole command); quantized models add layout,\n"
           "                 bits_per_weight (all layers, all metadata) and hi_fraction\n"
           "  -h, --help     this help\n" CLI_EXIT_HELP);
}

/* --synthetic-inputs: inference time only (synthetic.h has no labels). */
static int eval_synthetic(const hq_model *m, const char *path, int n, int integer, int threads,
                          int json, double t_start) {
    hq_dataset d;
    char err[1024] = "";
    if (hq_synthetic_inputs(&d, m, n, err, sizeof err)) {
        fprintf(stderr, "hqsim eval: %s\n", err);
        return CLI_EXIT_FAILED;
    }
    double t0 = cli_now();
    int rc = 0;
    if (integer) {
        hq_ref_net *net = hq_ref_prepare(m, err, sizeof err);
        if (!net || hq_ref_infer(net, d.images, n, NULL, NULL, threads)) rc = -1;
        hq_ref_free(net);
    } else {
        rc = hq_eval_float(m, &d, n, NULL) < 0 ? -1 : 0;
    }
    double t_inf = cli_now() - t0;
    hq_dataset_free(&d);
    if (rc) {
        fprintf(stderr, "hqsim eval: %s: %s\n", path, err[0] ? err : "out of memory");
        return CLI_EXIT_FAILED;
    }
    if (json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:n, s:f, s:f}", "model", path, "net",
                              m->net, "policy", m->policy, "path", integer ? "integer" : "float",
                              "images", n, "synthetic_inputs", 1, "accuracy", "seconds", t_inf,
                              "total_seconds", cli_now() - t_start);
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
        if (s) printf("%s\n", s);
        free(s);
        json_decref(o);
        if (!s) return CLI_EXIT_FAILED;
    } else
        printf("%s: %s path, %s: %d synthetic images (no accuracy) in %.3f s\n", path,
               integer ? "integer" : "float", m->policy[0] ? m->policy : "float model", n, t_inf);
    return 0;
}

int cmd_eval(int argc, char **argv) {
    double t_start = cli_now();
    const char *path = NULL;
    long long limit = 0, threads = 0, synthetic = 0;
    int json = 0, force_float = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (cli_is_help(a)) {
            help();
            return 0;
        } else if (!strcmp(a, "--images") || !strcmp(a, "--limit")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 1, 10000, &limit))
                return 2;
        } else if (!strcmp(a, "--threads")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 0, 256, &threads))
                return 2;
        } else if (!strcmp(a, "--synthetic-inputs")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 1, 1000000, &synthetic))
                return 2;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--float")) {
            force_float = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_unknown(CMD, a);
        } else if (path) {
            return cli_usage_error(CMD, "exactly one model file expected");
        } else {
            path = a;
        }
    }
    if (!path) return cli_usage_error(CMD, "a model file is required");

    hq_model m;
    if (cli_load_model(CMD, path, &m)) return CLI_EXIT_BAD_INPUT;
    int integer = cli_model_is_quantized(&m) && !force_float;
    if (!integer && !cli_model_has_float(&m)) {
        fprintf(stderr, "hqsim eval: %s: %s\n", path,
                force_float ? "--float given but the model holds no float weights"
                            : "the model holds neither complete float nor quantized weights");
        hq_model_free(&m);
        return CLI_EXIT_BAD_INPUT;
    }
    if (synthetic) {
        int rc = eval_synthetic(&m, path, (int)synthetic, integer, (int)threads, json, t_start);
        hq_model_free(&m);
        return rc;
    }
    hq_dataset test;
    if (cli_load_split(CMD, HQ_SPLIT_TEST, &test)) {
        hq_model_free(&m);
        return CLI_EXIT_BAD_INPUT;
    }
    int n = limit > 0 && limit < test.n ? (int)limit : test.n;
    char err[1024] = "";
    double t0 = cli_now();
    int correct;
    if (integer) {
        correct = hq_ref_eval(&m, &test, n, NULL, (int)threads, err, sizeof err);
    } else {
        correct = hq_eval_float(&m, &test, n, NULL);
        if (correct < 0) snprintf(err, sizeof err, "float evaluation failed");
    }
    double t_inf = cli_now() - t0;
    int rc = 0;
    if (correct < 0) {
        fprintf(stderr, "hqsim eval: %s: %s\n", path, err);
        rc = 1;
    } else if (json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:f, s:f, s:f}", "model", path, "net",
                              m.net, "policy", m.policy, "path", integer ? "integer" : "float",
                              "images", n, "correct", correct, "accuracy", (double)correct / n,
                              "seconds", t_inf, "total_seconds", cli_now() - t_start);
        double bpw, hi_frac;
        if (o && integer && !hq_layout_model_bits(&m, &bpw, &hi_frac, err, sizeof err)) {
            json_object_set_new(o, "layout", json_string(hq_layout_name(hq_layout_of_model(&m))));
            json_object_set_new(o, "bits_per_weight", json_real(bpw));
            json_object_set_new(o, "hi_fraction", json_real(hi_frac));
        }
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
        if (s) {
            printf("%s\n", s);
            free(s);
        } else {
            fprintf(stderr, "hqsim eval: cannot build the JSON output\n");
            rc = 1;
        }
        json_decref(o);
    } else {
        printf("%s: %s path, %s: %.2f %% (%d / %d test images) in %.3f s\n", path,
               integer ? "integer" : "float", m.policy[0] ? m.policy : "float model",
               100.0 * correct / n, correct, n, t_inf);
    }
    hq_dataset_free(&test);
    hq_model_free(&m);
    return rc;
}
