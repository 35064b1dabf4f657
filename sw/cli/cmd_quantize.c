/* hqsim quantize: apply a quantization policy to a float model and save the result. */
#include "cli_util.h"
#include "commands.h"
#include "container.h"
#include "layout/layout.h"
#include "layout/maps.h"
#include "ptq.h"
#include "quant/quantize.h"
#include "synthetic.h"
#include "train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "quantize"

/* ---- the policy table: one row per policy family ------------------------------------------
 * A row matches a --policy spec equal to its name, or (when it takes parameters) starting
 * with "<name>:". The function quantizes the float model m in place, using the calibration
 * images and options given, and sets m->policy. */
typedef int (*policy_fn)(hq_model *m, const char *spec, const hq_dataset *calib,
                         const hq_calib_opts *calib_opts, char *err, size_t errlen);

static int policy_uniform8(hq_model *m, const char *spec, const hq_dataset *calib,
                           const hq_calib_opts *calib_opts, char *err, size_t errlen) {
    (void)spec;
    return hq_ptq_uniform(m, calib, 8, calib_opts, err, errlen);
}

static const struct {
    const char *name;
    int takes_params;
    policy_fn fn;
    const char *summary;
} policies[] = {
    {"uniform8", 0, policy_uniform8, "int8 weights, per-output-channel symmetric scales"},
};
#define N_POLICIES (sizeof policies / sizeof policies[0])

static int find_policy(const char *spec) {
    for (size_t i = 0; i < N_POLICIES; i++) {
        size_t n = strlen(policies[i].name);
        if (!strcmp(spec, policies[i].name) ||
            (policies[i].takes_params && !strncmp(spec, policies[i].name, n) && spec[n] == ':'))
            return (int)i;
    }
    return -1;
}
/* ------------------------------------------------------------------------------------------ */

static void help(void) {
    char names[256];
    printf("usage: hqsim quantize MODEL.hqm --policy SPEC -o OUT.hqm [options]\n"
           "\n"
           "Post-training quantization: calibrates activation scales on training images,\n"
           "quantizes the weights with the policy, derives integer biases and requantization\n"
           "multipliers (docs/arith.md) and writes a model the integer reference can run.\n"
           "\n"
           "options:\n"
           "  --policy SPEC      quantization policy (required), one of:\n");
    for (size_t i = 0; i < N_POLICIES; i++)
        printf("                       %-12s %s\n", policies[i].name, policies[i].summary);
    printf("                       lo=..,hi=..,frac=..,select=..,struct=.. heterogeneous, and\n"
           "                       uniform4, uniform2, uniform1, with ;first=/;last=/;L<i>=\n"
           "                       per-layer overrides (sw/lib/quant/README.md)\n"
           "  --qat-epochs N     quantization-aware fine-tuning epochs first (default 0: PTQ)\n"
           "  --qat-lr X         QAT learning rate (default: the training default / 10)\n"
           "  --seed S           QAT shuffling seed (default 1)\n"
           "  --layout L         pack in layout L (%s), check\n"
           "                     that the independent decoder gives back the exact weights,\n"
           "                     record it and print its bits/weight; no file when it fails\n"
           "  --maps DIR         write one PNG weight map per layer into DIR\n",
           hq_layout_names(names, sizeof names, ", ", ", ", 0));
    printf("  -o, --output FILE  quantized model to write (required)\n"
           "  --calib N          calibration images, the first N training images (default %d)\n"
           "  --synthetic-inputs N  calibrate on N deterministic synthetic images of the\n"
           "                     model's input shape instead of the training set (models\n"
           "                     without a dataset, e.g. the workload zoo; no QAT)\n"
           "  --percentile P     clip activations at this percentile, 100 = max (default %g)\n"
           "  --train-images N   QAT on the first N training images (default: all 60,000)\n"
           "  --threads N        QAT worker threads (default " CLI_THREADS_DEFAULT ")\n"
           "  --quiet            no per-layer calibration lines\n"
           "  -h, --help         this help\n" CLI_EXIT_HELP,
           HQ_CALIB_DEFAULT_IMAGES, HQ_CALIB_DEFAULT_PERCENTILE);
}

int cmd_quantize(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *spec = NULL;
    hq_calib_opts co;
    hq_calib_opts_default(&co);
    co.verbose = 1;
    long long calib_n = co.n_images, synthetic = 0, qat_epochs = 0, seed = 1, train_images = 0,
              threads = 0;
    double qat_lr = 0;
    const char *layout = NULL, *maps = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (cli_is_help(a)) {
            help();
            return 0;
        } else if (!strcmp(a, "--synthetic-inputs")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 1, 60000, &synthetic))
                return 2;
        } else if (!strcmp(a, "--policy")) {
            if (!(spec = cli_value(CMD, argc, argv, &i))) return 2;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!(out = cli_value(CMD, argc, argv, &i))) return 2;
        } else if (!strcmp(a, "--calib")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 1, 60000, &calib_n))
                return 2;
        } else if (!strcmp(a, "--percentile")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) ||
                cli_double(CMD, a, v, 50, 100, &co.percentile))
                return 2;
        } else if (!strcmp(a, "--qat-epochs")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 0, 1000, &qat_epochs))
                return 2;
        } else if (!strcmp(a, "--qat-lr")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_double(CMD, a, v, 1e-7, 1, &qat_lr))
                return 2;
        } else if (!strcmp(a, "--seed")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 0, 1LL << 62, &seed))
                return 2;
        } else if (!strcmp(a, "--layout")) {
            if (!(layout = cli_value(CMD, argc, argv, &i))) return 2;
        } else if (!strcmp(a, "--maps")) {
            if (!(maps = cli_value(CMD, argc, argv, &i))) return 2;
        } else if (!strcmp(a, "--train-images")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) ||
                cli_int(CMD, a, v, 1, 60000, &train_images))
                return 2;
        } else if (!strcmp(a, "--threads")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 0, 256, &threads))
                return 2;
        } else if (!strcmp(a, "--quiet")) {
            co.verbose = 0;
        } else if (a[0] == '-' && a[1]) {
            return cli_unknown(CMD, a);
        } else if (in) {
            return cli_usage_error(CMD, "exactly one input model expected");
        } else {
            in = a;
        }
    }
    co.n_images = (int)calib_n;
    if (!in) return cli_usage_error(CMD, "an input model is required");
    if (!spec) return cli_usage_error(CMD, "--policy is required");
    if (!out) return cli_usage_error(CMD, "-o OUT.hqm is required");
    /* One limit for a policy text, checked before any work: what the model stores. */
    const size_t policy_max = sizeof((hq_model *)0)->policy - 1;
    if (strlen(spec) > policy_max) {
        fprintf(stderr, "hqsim quantize: --policy: %zu characters; a model stores at most %zu\n",
                strlen(spec), policy_max);
        return CLI_EXIT_BAD_INPUT;
    }
    int p = find_policy(spec);
    hq_policy hpol; /* every other spec, and any QAT, goes to sw/lib/quant */
    char perr[512];
    int hetero = p < 0 || qat_epochs > 0;
    if (hetero && hq_policy_parse(&hpol, spec, perr, sizeof perr)) {
        fprintf(stderr, "hqsim quantize: --policy: %s\n", perr);
        return 2;
    }
    hq_layout_kind lk;
    if (layout && hq_layout_parse(layout, &lk, perr, sizeof perr)) {
        fprintf(stderr, "hqsim quantize: --layout: %s\n", perr);
        return 2;
    }
    if (p < 0 && !hetero) {
        fprintf(stderr, "hqsim quantize: unknown policy '%s'; known:", spec);
        for (size_t i = 0; i < N_POLICIES; i++)
            fprintf(stderr, " %s", policies[i].name);
        fprintf(stderr, "\n");
        return 2;
    }

    if (cli_check_output(CMD, out, "quantizing")) return CLI_EXIT_FAILED;
    hq_model m;
    if (cli_load_model(CMD, in, &m)) return CLI_EXIT_BAD_INPUT;
    if (!cli_model_has_float(&m)) {
        fprintf(stderr, "hqsim quantize: %s holds no float weights to quantize\n", in);
        hq_model_free(&m);
        return CLI_EXIT_BAD_INPUT;
    }
    hq_dataset train;
    char serr[256];
    if (synthetic && qat_epochs) {
        hq_model_free(&m);
        return cli_usage_error(CMD, "--synthetic-inputs has no labels: no --qat-epochs with it");
    }
    if (synthetic) {
        if (hq_synthetic_inputs(&train, &m, (int)synthetic, serr, sizeof serr)) {
            fprintf(stderr, "hqsim quantize: %s\n", serr);
            hq_model_free(&m);
            return CLI_EXIT_FAILED;
        }
        if (co.n_images > (int)synthetic) co.n_images = (int)synthetic;
    } else if (cli_load_split(CMD, HQ_SPLIT_TRAIN, &train)) {
        hq_model_free(&m);
        return CLI_EXIT_BAD_INPUT;
    }
    char err[1024];
    double t0 = cli_now();
    int rc;
    if (hetero) {
        hq_quant_opts qo;
        hq_quant_opts_default(&qo);
        qo.calib_images = co.n_images;
        qo.percentile = co.percentile;
        qo.qat_epochs = (int)qat_epochs;
        qo.qat_lr = (float)qat_lr;
        qo.seed = (unsigned long long)seed;
        qo.qat_limit = (int)train_images;
        qo.threads = (int)threads;
        qo.verbose = co.verbose;
        rc = hq_quantize_model(&m, spec, &train, &qo, err, sizeof err);
    } else {
        rc = policies[p].fn(&m, spec, &train, &co, err, sizeof err);
    }
    hq_packed_model pm;
    if (!rc && layout && !(rc = hq_layout_assign(&m, layout, &pm, err, sizeof err))) {
        printf("layout %s (packed, decoded and verified): %.4f bits/weight (all metadata), "
               "%.3f %% high weights\n",
               m.layout, pm.bits_per_weight, 100 * pm.hi_fraction);
        hq_packed_model_free(&pm);
    }
    if (!rc && maps) rc = hq_map_write_model(&m, maps, co.verbose, err, sizeof err);
    if (rc)
        fprintf(stderr, "hqsim quantize: %s\n", err);
    else
        rc = cli_save_model(CMD, &m, out);
    if (!rc)
        printf("quantized %s with %s (%d calibration images, p%g) in %.2f s: wrote %s\n", in,
               m.policy, co.n_images, co.percentile, cli_now() - t0, out);
    hq_dataset_free(&train);
    hq_model_free(&m);
    return rc ? 1 : 0;
}
