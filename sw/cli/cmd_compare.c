/* hqsim compare: the model's cycles against measurement files (docs/measurements.md), per
 * layer and per image, with one timing config; the report of hqsim calibrate without the fit. */
#include "cli_util.h"
#include "commands.h"
#include "measure_eval.h"
#include "measure_report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "compare"

static void help(void) {
    printf("usage: hqsim compare MEASURED.csv [MORE.csv...] [options]\n"
           "\n"
           "Runs the SystemC model (hqsim run --measure) on what each measurement file\n"
           "measured (its model, arch, images, batch and platform; docs/measurements.md) and\n"
           "compares the cycles command by command: per layer (summed over the batches) and\n"
           "per image, relative error = (model - measured) / measured.\n"
           "\n"
           "options:\n"
           "  --timing FILE      timing config of the model (default: hqsim run's default)\n"
           "  --platform FILE    platform config for the model runs (default: each file's\n"
           "                     own; required for files whose platform is not a config file,\n"
           "                     such as the RTL bench's memory model)\n"
           "  --dataset DIR      Fashion-MNIST directory (default: the Debian package's)\n"
           "  --threshold PCT    exit 1 if a layer's |error| is above PCT %%\n"
           "  --table FILE       write the table to FILE too\n"
           "  --png FILE         bar chart of each layer's error (PNG)\n"
           "  --no-hash-check    do not require the model/platform files to have the\n"
           "                     SHA-256 the measurement file names\n"
           "  -h, --help         this help\n"
           "\n"
           "exit status: 0 compared (and within --threshold); 1 a layer's error is above\n"
           "--threshold, or an output could not be written; 2 usage error, or a bad or\n"
           "inconsistent measurement file, or a model run that failed\n");
}

int cmd_compare(int argc, char **argv) {
    hq_measure_eval_opts o = {.check_hashes = 1};
    const char *table = NULL, *png = NULL;
    double threshold = -1;
    const char **files = calloc((size_t)argc, sizeof *files);
    int nf = 0;
    if (!files) return CLI_EXIT_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            help();
            free(files);
            return 0;
        }
        const char **dst = !strcmp(a, "--timing")     ? &o.timing
                           : !strcmp(a, "--platform") ? &o.platform
                           : !strcmp(a, "--dataset")  ? &o.dataset
                           : !strcmp(a, "--table")    ? &table
                           : !strcmp(a, "--png")      ? &png
                                                      : NULL;
        if (dst) {
            if (!(*dst = cli_value(CMD, argc, argv, &i))) goto usage;
        } else if (!strcmp(a, "--threshold")) {
            const char *v = cli_value(CMD, argc, argv, &i);
            if (!v || cli_double(CMD, a, v, 0, 1e6, &threshold)) goto usage;
        } else if (!strcmp(a, "--no-hash-check")) {
            o.check_hashes = 0;
        } else if (a[0] == '-' && a[1]) {
            free(files);
            return cli_unknown(CMD, a);
        } else {
            files[nf++] = a;
        }
    }
    if (!nf) {
        free(files);
        return cli_usage_error(CMD, "give at least one measurement file");
    }
    char self[PATH_MAX];
    if (cli_self_exe(self, sizeof self)) {
        fprintf(stderr, "hqsim %s: cannot find the hqsim executable\n", CMD);
        free(files);
        return CLI_EXIT_FAILED;
    }
    o.hqsim = self;
    FILE *tf = NULL;
    if (table && !(tf = fopen(table, "w"))) {
        fprintf(stderr, "hqsim %s: %s: cannot write\n", CMD, table);
        free(files);
        return CLI_EXIT_FAILED;
    }
    int rc = 0;
    double worst = 0;
    size_t nbars = 0;
    char **labels = NULL;
    double *bars = NULL;
    for (int f = 0; f < nf && !rc; f++) {
        char err[1024];
        hq_measure_file m;
        hq_measure_row *model = NULL;
        if (hq_measure_read(files[f], &m, err, sizeof err) ||
            (hq_measure_model_rows(files[f], &m, &o, &model, err, sizeof err) &&
             (hq_measure_free(&m), 1))) {
            fprintf(stderr, "hqsim %s: %s\n", CMD, err);
            rc = CLI_EXIT_BAD_INPUT;
            break;
        }
        hq_measure_cmp c;
        double lr[256];
        hq_measure_compare(m.rows, model, m.n_rows, &c, lr, 256);
        char title[1200];
        snprintf(title, sizeof title, "%s (source %s, %s images, batch %s) vs timing %s", files[f],
                 hq_measure_get(&m, "source"), hq_measure_get(&m, "images"),
                 hq_measure_get(&m, "batch"), o.timing ? o.timing : "default");
        hq_measure_table(stdout, title, m.rows, model, NULL, m.n_rows);
        if (tf) hq_measure_table(tf, title, m.rows, model, NULL, m.n_rows);
        printf("  layers: mean |error| %.2f %%, max %.2f %%; per image %+.2f %%\n\n",
               100 * c.layer_mean_abs, 100 * c.layer_max_abs, 100 * c.image_rel);
        if (tf)
            fprintf(tf, "  layers: mean |error| %.2f %%, max %.2f %%; per image %+.2f %%\n\n",
                    100 * c.layer_mean_abs, 100 * c.layer_max_abs, 100 * c.image_rel);
        if (c.layer_max_abs > worst) worst = c.layer_max_abs;
        const size_t nl = c.n_layers < 256 ? c.n_layers : 256;
        labels = realloc(labels, (nbars + nl) * sizeof *labels);
        bars = realloc(bars, (nbars + nl) * sizeof *bars);
        for (size_t l = 0; l < nl && labels && bars; l++) {
            char lab[64];
            snprintf(lab, sizeof lab, "file %d layer %zu", f + 1, l);
            labels[nbars] = strdup(lab);
            bars[nbars++] = 100 * lr[l];
        }
        free(model);
        hq_measure_free(&m);
    }
    if (tf && fclose(tf) && !rc) {
        fprintf(stderr, "hqsim %s: %s: write error\n", CMD, table);
        rc = CLI_EXIT_FAILED;
    }
    if (!rc && png) {
        char err[512];
        if (hq_measure_png(png, "model vs measured cycles per layer", nbars,
                           (const char *const *)labels, bars, NULL, err, sizeof err)) {
            fprintf(stderr, "hqsim %s: %s\n", CMD, err);
            rc = CLI_EXIT_FAILED;
        }
    }
    if (!rc && threshold >= 0 && 100 * worst > threshold) {
        fprintf(stderr, "hqsim %s: a layer's error is %.2f %%, above --threshold %g %%\n", CMD,
                100 * worst, threshold);
        rc = CLI_EXIT_FAILED;
    }
    for (size_t i = 0; i < nbars; i++)
        free(labels[i]);
    free(labels);
    free(bars);
    free(files);
    return rc;
usage:
    free(files);
    return CLI_EXIT_BAD_INPUT;
}
