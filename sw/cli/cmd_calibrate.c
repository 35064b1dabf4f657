/* hqsim calibrate: fits the timing-config parameters the RTL's cycle rules do not fix to
 * measurement files (docs/measurements.md) with GSL's Nelder-Mead simplex (the model is run
 * as a child process per evaluation, so no derivatives), and writes the timing config with its
 * provenance. Reports model vs measured before and after on the fit set and a held-out set. */
#include "cli_util.h"
#include "commands.h"
#include "measure_eval.h"
#include "measure_report.h"
#include "platform_run.h"

#include "gsl_ondemand.h" /* GSL, loaded by the first fit */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD "calibrate"
#define MAX_PARAMS 16

/* The timing config's free parameters (docs/accel.md): object, key, range, integer, and the
 * value a base config without the key starts from (NAN: the key is required). */
typedef struct {
    const char *name, *object, *key;
    double min, max;
    int integer;
    double absent;
    int stream; /* a stream.* term: fitted by default when the base has stream.enabled */
} param_def;

static const param_def kParams[] = {
    {"descriptor.fetch_cycles", "descriptor", "fetch_cycles", 0, 10000, 1, NAN, 0},
    {"output.results_per_cycle", "output", "results_per_cycle", 1, 4096, 1, NAN, 0},
    /* configs written before issue 15's row-parameter term lack it: 0 is the old timing */
    {"row_params.cycles_per_row", "row_params", "cycles_per_row", 0, 10000, 1, 0, 0},
    {"row_params.tail_cycles_per_row", "row_params", "tail_cycles_per_row", 0, 10000, 0, 0, 0},
    /* issue 15's RTL-sequence terms (docs/accel.md, Streaming); absent: 0, off */
    {"stream.row_cycles", "stream", "row_cycles", 0, 10000, 0, 0, 1},
    {"stream.int32_row_cycles", "stream", "int32_row_cycles", 0, 10000, 0, 0, 1},
    {"stream.image_cycles", "stream", "image_cycles", 0, 1e6, 1, 0, 1},
    {"stream.position_cycles", "stream", "position_cycles", 0, 10000, 0, 0, 1},
    {"stream.vector_cycles", "stream", "vector_cycles", 0, 10000, 0, 0, 1},
    {"stream.transfer_cycles", "stream", "transfer_cycles", 0, 10000, 1, 0, 1},
    {"stream.transfer_tail_cycles", "stream", "transfer_tail_cycles", 0, 10000, 1, 0, 1},
    {"stream.word_tail_cycles_per_byte", "stream", "word_tail_cycles_per_byte", 0, 10000, 0, 0, 1},
    {"stream.write_byte_cycles", "stream", "write_byte_cycles", 0, 10000, 0, 0, 1},
    {"decompressor.dense", "decompressor", "dense", 0.01, 4096, 0, NAN, 0},
    {"decompressor.coo", "decompressor", "coo", 0.01, 4096, 0, NAN, 0},
    {"decompressor.block", "decompressor", "block", 0.01, 4096, 0, NAN, 0},
    {"decompressor.rowgroup", "decompressor", "rowgroup", 0.01, 4096, 0, NAN, 0},
    {"decompressor.escape", "decompressor", "escape", 0.01, 4096, 0, NAN, 0},
};
#define FIRST_RATE 13 /* kParams from here on: the decompressor rates, fitted per layout */
#define N_DEFS (sizeof kParams / sizeof kParams[0])

static void help(void) {
    printf("usage: hqsim calibrate FIT.csv [MORE.csv...] -o TIMING.json [options]\n"
           "\n"
           "Fits the timing-config parameters that the RTL's cycle rules do not fix to\n"
           "measurement files (docs/measurements.md): minimizes the sum over the fit files'\n"
           "commands of the squared relative cycle error, (model - measured) / measured, with\n"
           "GSL's Nelder-Mead simplex; each evaluation runs the model (hqsim run --measure) on\n"
           "every fit file. Writes the base timing config with the fitted values and a\n"
           "\"source\" object (files, their SHA-256, date, fitted values, residuals), and\n"
           "prints model vs measured per layer and per image before and after, on the fit set\n"
           "and the held-out set.\n"
           "\n"
           "parameters (--params; default: descriptor.fetch_cycles, output.results_per_cycle,\n"
           "row_params.cycles_per_row and tail_cycles_per_row, with stream.enabled in the\n"
           "base config the stream.* cycles, and the decompressor rate of each layout in the\n"
           "fit files; the simplex starts from the best of a ladder of values per parameter;\n"
           "buffers.weight_store_beats, stream.im2col_bytes_per_cycle and\n"
           "stream.read_beat_bytes are the hardware's, set in the base config):\n");
    for (size_t i = 0; i < N_DEFS; i++)
        printf("  %s\n", kParams[i].name);
    printf("\noptions:\n"
           "  -o, --output FILE  the calibrated timing config (required)\n"
           "  --holdout FILE     a held-out measurement file (repeatable): reported, not fitted\n"
           "  --timing FILE      base timing config (default: hqsim run's default.json); its\n"
           "                     other values (array, buffers, clock) must describe the\n"
           "                     measured hardware\n"
           "  --params LIST      comma-separated parameters to fit\n"
           "  --platform FILE    platform config for the model runs (default: each file's\n"
           "                     own; required for the RTL bench's files)\n"
           "  --dataset DIR      Fashion-MNIST directory (default: the Debian package's)\n"
           "  --max-evals N      model evaluations at most (default 150)\n"
           "  --table FILE       write the before/after tables to FILE too\n"
           "  --png FILE         bar chart of each layer's error before and after (PNG)\n"
           "  --no-hash-check    do not require the model/platform files to have the\n"
           "                     SHA-256 the measurement file names\n"
           "  -h, --help         this help\n"
           "\n"
           "exit status: 0 calibrated; 1 an output could not be written or the fit failed;\n"
           "2 usage error, or a bad or inconsistent measurement file, base config or model\n"
           "run\n");
}

typedef struct {
    const char *path;
    hq_measure_file m;
    hq_measure_row *before, *after;
} mfile;

typedef struct {
    json_t *base;
    const param_def *p[MAX_PARAMS];
    size_t np;
    mfile *fit;
    size_t nfit;
    hq_measure_eval_opts o;
    char tmp[64];
    int evals, max_evals, failed;
    char err[1024];
    /* evaluated points (after rounding): values and cost */
    double (*seen)[MAX_PARAMS + 1];
    size_t nseen;
} ctx;

static double clampv(const param_def *d, double v) {
    if (v < d->min) v = d->min;
    if (v > d->max) v = d->max;
    return d->integer ? round(v) : v;
}

/* x (log1p space) to parameter values. */
static void values_of(const ctx *c, const gsl_vector *x, double *v) {
    for (size_t i = 0; i < c->np; i++)
        v[i] = clampv(c->p[i], expm1(gsl_vector_get(x, i)));
}

/* The base config with values v, as a new JSON object. */
static json_t *config_with(const ctx *c, const double *v) {
    json_t *j = json_deep_copy(c->base);
    for (size_t i = 0; i < c->np; i++) {
        json_t *o = json_object_get(j, c->p[i]->object);
        if (!json_is_object(o)) {
            o = json_object();
            json_object_set_new(j, c->p[i]->object, o);
        }
        json_object_set_new(o, c->p[i]->key,
                            c->p[i]->integer ? json_integer((json_int_t)v[i]) : json_real(v[i]));
    }
    return j;
}

/* Runs the model on files with values v; fills rows (when want_rows) and returns the cost
 * (sum of squared relative errors), or -1 with c->err set. */
static double evaluate(ctx *c, const double *v, mfile *files, size_t n, int after) {
    json_t *j = config_with(c, v);
    const int bad = json_dump_file(j, c->tmp, JSON_INDENT(2));
    json_decref(j);
    if (bad) {
        snprintf(c->err, sizeof c->err, "%s: cannot write the trial timing config", c->tmp);
        return -1;
    }
    hq_measure_eval_opts o = c->o;
    o.timing = c->tmp;
    double cost = 0;
    for (size_t f = 0; f < n; f++) {
        hq_measure_row *rows = NULL;
        if (hq_measure_model_rows(files[f].path, &files[f].m, &o, &rows, c->err, sizeof c->err))
            return -1;
        hq_measure_cmp cmp;
        hq_measure_compare(files[f].m.rows, rows, files[f].m.n_rows, &cmp, NULL, 0);
        cost += cmp.sum_sq;
        hq_measure_row **dst = after ? &files[f].after : &files[f].before;
        free(*dst);
        *dst = rows;
    }
    return cost;
}

/* The fit cost at values v (rounded and clamped), each point evaluated once. */
static double cost_at(ctx *c, const double *v) {
    for (size_t i = 0; i < c->nseen; i++)
        if (!memcmp(c->seen[i], v, c->np * sizeof *v)) return c->seen[i][c->np];
    if (c->failed || c->evals >= c->max_evals) return GSL_POSINF;
    c->evals++;
    double cost = evaluate(c, v, c->fit, c->nfit, 1);
    if (cost < 0) {
        c->failed = 1;
        return GSL_POSINF;
    }
    void *p = realloc(c->seen, (c->nseen + 1) * sizeof *c->seen);
    if (p) {
        c->seen = p;
        memcpy(c->seen[c->nseen], v, c->np * sizeof *v);
        c->seen[c->nseen++][c->np] = cost;
    }
    return cost;
}

static double cost_fn(const gsl_vector *x, void *arg) {
    ctx *c = arg;
    double v[MAX_PARAMS];
    values_of(c, x, v);
    return cost_at(c, v);
}

/* One pass of ladder_scan (below). */
static void ladder_pass(ctx *c, const double *ladder, size_t nl, double *best, double *fbest) {
    for (size_t i = 0; i < c->np && !c->failed && c->evals < c->max_evals; i++) {
        double cand[8];
        size_t n = 0;
        if (c->p[i]->min == 0)
            for (size_t k = 0; k < nl && n < 6; k++)
                cand[n++] = ladder[k];
        cand[n++] = best[i] / 2;
        cand[n++] = best[i] * 2;
        const double at = best[i];
        for (size_t k = 0; k < n; k++) {
            double v[MAX_PARAMS];
            memcpy(v, best, sizeof v);
            v[i] = clampv(c->p[i], cand[k]);
            if (v[i] == at) continue;
            const double f = cost_at(c, v);
            if (f < *fbest) *fbest = f, memcpy(best, v, sizeof v);
        }
    }
}

/* The simplex's start: each parameter in turn set to the best of a fixed ladder of values
 * (cycle terms: 0, 2, 5, 10, 20, 40; all: half and double the current value), the others
 * held, in passes until one changes nothing (at most 3). A cycle term that only shows once
 * one path outlasts another (a conv position's rows against its im2col vector) sits on a
 * plateau where a simplex cannot see it, while another term takes its cost; the ladder
 * reaches past the threshold. Deterministic: same files, same start. */
static void ladder_scan(ctx *c, double *best, double *fbest) {
    static const double ladder[] = {0, 2, 5, 10, 20, 40};
    double before = *fbest;
    for (int pass = 0; pass < 3; pass++, before = *fbest) {
        ladder_pass(c, ladder, sizeof ladder / sizeof *ladder, best, fbest);
        if (!(*fbest < before)) break;
    }
}

static double base_value(const ctx *c, const param_def *d) {
    json_t *o = json_object_get(c->base, d->object);
    json_t *v = o ? json_object_get(o, d->key) : NULL;
    return json_is_number(v) ? json_number_value(v) : v ? NAN : d->absent;
}

static int load_files(const char **paths, size_t n, mfile *out, const char *set) {
    for (size_t i = 0; i < n; i++) {
        char err[1024];
        out[i].path = paths[i];
        if (hq_measure_read(paths[i], &out[i].m, err, sizeof err)) {
            fprintf(stderr, "hqsim %s: %s file: %s\n", CMD, set, err);
            return -1;
        }
    }
    return 0;
}

static void report(FILE *f, const char *set, mfile *files, size_t n, json_t *res, size_t *nbars,
                   char ***labels, double **b, double **a) {
    double sum_mean_b = 0, sum_mean_a = 0, max_b = 0, max_a = 0, img_b = 0, img_a = 0;
    size_t layers = 0;
    for (size_t i = 0; i < n; i++) {
        mfile *m = &files[i];
        char title[1200];
        snprintf(title, sizeof title, "%s set: %s (source %s, %s images, batch %s)", set, m->path,
                 hq_measure_get(&m->m, "source"), hq_measure_get(&m->m, "images"),
                 hq_measure_get(&m->m, "batch"));
        hq_measure_table(f, title, m->m.rows, m->before, m->after, m->m.n_rows);
        hq_measure_cmp cb, ca;
        double lb[256], la[256];
        hq_measure_compare(m->m.rows, m->before, m->m.n_rows, &cb, lb, 256);
        hq_measure_compare(m->m.rows, m->after, m->m.n_rows, &ca, la, 256);
        sum_mean_b += cb.layer_mean_abs * (double)cb.n_layers;
        sum_mean_a += ca.layer_mean_abs * (double)ca.n_layers;
        layers += cb.n_layers;
        max_b = fmax(max_b, cb.layer_max_abs), max_a = fmax(max_a, ca.layer_max_abs);
        img_b = fmax(img_b, fabs(cb.image_rel)), img_a = fmax(img_a, fabs(ca.image_rel));
        const size_t nl = cb.n_layers < 256 ? cb.n_layers : 256;
        if (labels) {
            *labels = realloc(*labels, (*nbars + nl) * sizeof **labels);
            *b = realloc(*b, (*nbars + nl) * sizeof **b);
            *a = realloc(*a, (*nbars + nl) * sizeof **a);
            for (size_t l = 0; l < nl && *labels && *b && *a; l++) {
                char lab[96];
                snprintf(lab, sizeof lab, "%s %zu layer %zu", set, i + 1, l);
                (*labels)[*nbars] = strdup(lab);
                (*b)[*nbars] = 100 * lb[l];
                (*a)[(*nbars)++] = 100 * la[l];
            }
        }
    }
    if (!n) return;
    fprintf(f,
            "%s set (%zu files, %zu layers): per layer mean |error| %.2f %% -> %.2f %%, max "
            "%.2f %% -> %.2f %%; per image max |error| %.2f %% -> %.2f %%\n\n",
            set, n, layers, 100 * sum_mean_b / (double)layers, 100 * sum_mean_a / (double)layers,
            100 * max_b, 100 * max_a, 100 * img_b, 100 * img_a);
    if (res) {
        json_t *r = json_object();
        json_object_set_new(r, "files", json_integer((json_int_t)n));
        json_object_set_new(r, "layer_mean_abs_error_before", json_real(sum_mean_b / layers));
        json_object_set_new(r, "layer_mean_abs_error_after", json_real(sum_mean_a / layers));
        json_object_set_new(r, "layer_max_abs_error_before", json_real(max_b));
        json_object_set_new(r, "layer_max_abs_error_after", json_real(max_a));
        json_object_set_new(r, "image_max_abs_error_before", json_real(img_b));
        json_object_set_new(r, "image_max_abs_error_after", json_real(img_a));
        json_object_set_new(res, set, r);
    }
}

static int parse_params(ctx *c, const char *list) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *s = strtok(buf, ","); s; s = strtok(NULL, ",")) {
        const param_def *d = NULL;
        for (size_t i = 0; i < N_DEFS; i++)
            if (!strcmp(kParams[i].name, s)) d = &kParams[i];
        if (!d) {
            fprintf(stderr, "hqsim %s: --params: unknown parameter '%s' (see hqsim %s --help)\n",
                    CMD, s, CMD);
            return -1;
        }
        if (c->np == MAX_PARAMS) return -1;
        c->p[c->np++] = d;
    }
    return c->np ? 0 : -1;
}

int cmd_calibrate(int argc, char **argv) {
    ctx c;
    memset(&c, 0, sizeof c);
    c.o.check_hashes = 1;
    c.max_evals = 150;
    const char *out = NULL, *timing = NULL, *params = NULL, *table = NULL, *png = NULL;
    const char **fitp = calloc((size_t)argc, sizeof *fitp),
               **holdp = calloc((size_t)argc, sizeof *holdp);
    size_t nfit = 0, nhold = 0;
    int rc = CLI_EXIT_BAD_INPUT;
    mfile *fit = NULL, *hold = NULL;
    if (!fitp || !holdp) goto done;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            help();
            rc = 0;
            goto done;
        }
        const char **dst = !strcmp(a, "-o") || !strcmp(a, "--output") ? &out
                           : !strcmp(a, "--timing")                   ? &timing
                           : !strcmp(a, "--params")                   ? &params
                           : !strcmp(a, "--platform")                 ? &c.o.platform
                           : !strcmp(a, "--dataset")                  ? &c.o.dataset
                           : !strcmp(a, "--table")                    ? &table
                           : !strcmp(a, "--png")                      ? &png
                                                                      : NULL;
        if (dst) {
            if (!(*dst = cli_value(CMD, argc, argv, &i))) goto done;
        } else if (!strcmp(a, "--holdout")) {
            if (!(holdp[nhold++] = cli_value(CMD, argc, argv, &i))) goto done;
        } else if (!strcmp(a, "--max-evals")) {
            long long v;
            const char *s = cli_value(CMD, argc, argv, &i);
            if (!s || cli_int(CMD, a, s, 1, 100000, &v)) goto done;
            c.max_evals = (int)v;
        } else if (!strcmp(a, "--no-hash-check")) {
            c.o.check_hashes = 0;
        } else if (a[0] == '-' && a[1]) {
            rc = cli_unknown(CMD, a);
            goto done;
        } else {
            fitp[nfit++] = a;
        }
    }
    if (!nfit) {
        rc = cli_usage_error(CMD, "give at least one measurement file to fit");
        goto done;
    }
    if (!out) {
        rc = cli_usage_error(CMD, "-o TIMING.json is required");
        goto done;
    }
    char self[PATH_MAX], defbuf[PATH_MAX + 64];
    if (cli_self_exe(self, sizeof self)) {
        fprintf(stderr, "hqsim %s: cannot find the hqsim executable\n", CMD);
        goto done;
    }
    c.o.hqsim = self;
    if (!timing &&
        !(timing = hq_find_default_config(NULL, "timing/default.json", defbuf, sizeof defbuf))) {
        fprintf(stderr, "hqsim %s: no default timing config found; pass --timing FILE\n", CMD);
        goto done;
    }
    json_error_t je;
    if (!(c.base = json_load_file(timing, 0, &je)) || !json_is_object(c.base)) {
        fprintf(stderr, "hqsim %s: %s:%d: %s\n", CMD, timing, je.line,
                c.base ? "not a JSON object" : je.text);
        goto done;
    }
    fit = calloc(nfit, sizeof *fit);
    hold = calloc(nhold ? nhold : 1, sizeof *hold);
    if (!fit || !hold || load_files(fitp, nfit, fit, "fit") ||
        load_files(holdp, nhold, hold, "held-out"))
        goto done;
    c.fit = fit;
    c.nfit = nfit;
    if (params) {
        if (parse_params(&c, params)) goto done;
    } else {
        json_t *sm = json_object_get(c.base, "stream");
        const int streaming = json_is_true(json_object_get(sm, "enabled"));
        for (size_t i = 0; i < FIRST_RATE; i++)
            if (!kParams[i].stream || streaming) c.p[c.np++] = &kParams[i];
        for (size_t i = FIRST_RATE; i < N_DEFS; i++) {
            int used = 0;
            for (size_t f = 0; f < nfit; f++)
                for (size_t r = 0; r < fit[f].m.n_rows; r++)
                    used |=
                        !strcmp(hq_measure_layout_name(fit[f].m.rows[r].layout), kParams[i].key) &&
                        fit[f].m.rows[r].op != 3;
            if (used && c.np < MAX_PARAMS) c.p[c.np++] = &kParams[i];
        }
    }
    if (cli_check_output(CMD, out, "the fit")) goto done;
    snprintf(c.tmp, sizeof c.tmp, "/tmp/hqsim-calibrate-XXXXXX");
    int fd = mkstemp(c.tmp);
    if (fd < 0) {
        fprintf(stderr, "hqsim %s: cannot create a temporary file\n", CMD);
        goto done;
    }
    close(fd);

    /* Before: the base config. */
    double v0[MAX_PARAMS], best[MAX_PARAMS];
    for (size_t i = 0; i < c.np; i++) {
        v0[i] = base_value(&c, c.p[i]);
        if (!isfinite(v0[i])) {
            fprintf(stderr, "hqsim %s: %s: no numeric %s to start from\n", CMD, timing,
                    c.p[i]->name);
            goto cleanup;
        }
    }
    const double cost0 = evaluate(&c, v0, fit, nfit, 0);
    if (cost0 < 0 || (nhold && evaluate(&c, v0, hold, nhold, 0) < 0)) {
        fprintf(stderr, "hqsim %s: %s\n", CMD, c.err);
        goto cleanup;
    }

    /* The fit: Nelder-Mead in log1p space (rates and cycle counts are positive and span
     * orders of magnitude), with GSL loaded now (gsl_ondemand.h). */
    char gerr[512];
    if (hq_gsl_load(gerr, sizeof gerr)) {
        fprintf(stderr, "hqsim %s: %s\n", CMD, gerr);
        rc = CLI_EXIT_FAILED; /* the input is fine: the work cannot be done here */
        goto cleanup;
    }
    /* GSL's default handler aborts, for example when the simplex is set up after the
     * evaluation budget is spent (the cost is then +inf): check the return codes instead. */
    gsl_error_handler_t *gsl_handler = gsl_set_error_handler_off();
    gsl_vector *x = gsl_vector_alloc(c.np), *step = gsl_vector_alloc(c.np);
    gsl_multimin_function fn = {cost_fn, c.np, &c};
    gsl_multimin_fminimizer *s =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, c.np);
    double fbest = cost0;
    memcpy(best, v0, sizeof best);
    ladder_scan(&c, best, &fbest);
    /* Restarted from the best point with smaller simplices: the integer parameters make the
     * cost piecewise constant, where one simplex can shrink onto a plateau. */
    const double steps[] = {0.7, 0.25, 0.08};
    for (size_t r = 0;
         r < sizeof steps / sizeof *steps && fbest > 0 && !c.failed && c.evals < c.max_evals; r++) {
        for (size_t i = 0; i < c.np; i++) {
            gsl_vector_set(x, i, log1p(best[i]));
            /* A term that is off (0) may only show above a threshold (the row-parameter path
             * under the DMA's pace): the first simplex probes it at 10, not at 1. */
            gsl_vector_set(step, i, r == 0 && v0[i] == 0 ? log1p(10.0) : steps[r]);
        }
        if (gsl_multimin_fminimizer_set(s, &fn, x, step)) break; /* budget spent or failed */
        int iter = 0;
        while (!c.failed && c.evals < c.max_evals && iter++ < 10 * c.max_evals) {
            if (gsl_multimin_fminimizer_iterate(s)) break;
            double v[MAX_PARAMS];
            values_of(&c, gsl_multimin_fminimizer_x(s), v);
            if (s->fval < fbest) fbest = s->fval, memcpy(best, v, sizeof best);
            if (fbest == 0 ||
                gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-3) == GSL_SUCCESS)
                break;
        }
    }
    gsl_multimin_fminimizer_free(s);
    gsl_vector_free(x);
    gsl_vector_free(step);
    gsl_set_error_handler(gsl_handler);
    if (c.failed) {
        fprintf(stderr, "hqsim %s: %s\n", CMD, c.err);
        rc = CLI_EXIT_BAD_INPUT;
        goto cleanup;
    }
    if (fbest >= cost0) memcpy(best, v0, sizeof best), fbest = cost0;

    /* Which parameters the fit set could see: a 50 % change that leaves the cost alone. */
    json_t *blind = json_array();
    for (size_t i = 0; i < c.np; i++) {
        double v[MAX_PARAMS];
        memcpy(v, best, sizeof v);
        /* + 1 where 1.5 x would not move it: an integer, or a fractional value at 0 */
        v[i] = clampv(c.p[i], best[i] * 1.5 + (c.p[i]->integer || best[i] == 0 ? 1 : 0));
        mfile *tmp = calloc(nfit, sizeof *tmp);
        if (!tmp) break;
        memcpy(tmp, fit, nfit * sizeof *tmp);
        for (size_t f = 0; f < nfit; f++)
            tmp[f].before = tmp[f].after = NULL;
        const double cv = evaluate(&c, v, tmp, nfit, 1);
        for (size_t f = 0; f < nfit; f++)
            free(tmp[f].after);
        free(tmp);
        if (cv >= 0 && fabs(cv - fbest) <= 1e-12 * (1 + fbest))
            json_array_append_new(blind, json_string(c.p[i]->name));
    }

    /* A parameter the fit set cannot see keeps its base value (the simplex only wandered). */
    if (json_array_size(blind)) {
        double v[MAX_PARAMS];
        memcpy(v, best, sizeof v);
        for (size_t i = 0; i < c.np; i++)
            for (size_t k = 0; k < json_array_size(blind); k++)
                if (!strcmp(json_string_value(json_array_get(blind, k)), c.p[i]->name))
                    v[i] = v0[i];
        const double cv = evaluate(&c, v, fit, nfit, 1);
        if (cv >= 0 && fabs(cv - fbest) <= 1e-12 * (1 + fbest)) memcpy(best, v, sizeof best);
    }
    /* After: the best values on both sets. */
    if (evaluate(&c, best, fit, nfit, 1) < 0 || (nhold && evaluate(&c, best, hold, nhold, 1) < 0)) {
        fprintf(stderr, "hqsim %s: %s\n", CMD, c.err);
        goto cleanup;
    }
    printf("fitted with GSL nmsimplex2, %d model evaluations, cost %.6g -> %.6g:\n", c.evals, cost0,
           fbest);
    for (size_t i = 0; i < c.np; i++)
        printf("  %-26s %g -> %g\n", c.p[i]->name, v0[i], best[i]);
    if (json_array_size(blind)) {
        printf("  no effect on the fit set (value not determined by it):");
        for (size_t i = 0; i < json_array_size(blind); i++)
            printf(" %s", json_string_value(json_array_get(blind, i)));
        printf("\n");
    }
    printf("\n");
    json_t *res = json_object();
    size_t nbars = 0;
    char **labels = NULL;
    double *bb = NULL, *ba = NULL;
    report(stdout, "fit", fit, nfit, res, &nbars, &labels, &bb, &ba);
    report(stdout, "held-out", hold, nhold, res, &nbars, &labels, &bb, &ba);
    FILE *tf = table ? fopen(table, "w") : NULL;
    if (table && !tf) fprintf(stderr, "hqsim %s: %s: cannot write\n", CMD, table);
    if (tf) {
        report(tf, "fit", fit, nfit, NULL, NULL, NULL, NULL, NULL);
        report(tf, "held-out", hold, nhold, NULL, NULL, NULL, NULL, NULL);
        fclose(tf);
    }
    rc = table && !tf ? CLI_EXIT_FAILED : 0;
    if (png) {
        char err[512];
        if (hq_measure_png(png, "cycle error per layer, before and after calibration", nbars,
                           (const char *const *)labels, bb, ba, err, sizeof err)) {
            fprintf(stderr, "hqsim %s: %s\n", CMD, err);
            rc = CLI_EXIT_FAILED;
        }
    }
    for (size_t i = 0; i < nbars; i++)
        free(labels[i]);
    free(labels);
    free(bb);
    free(ba);

    /* The calibrated config with its provenance. */
    json_t *cfg = config_with(&c, best);
    json_t *src = json_object();
    json_t *old = json_object_get(c.base, "source");
    json_object_set_new(src, "calibrated_by", json_string("hqsim calibrate (GSL nmsimplex2)"));
    time_t now = time(NULL);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    json_object_set_new(src, "date", json_string(date));
    char sha[65], e[512];
    json_object_set_new(src, "base", json_string(timing));
    json_object_set_new(src, "base_sha256",
                        json_string(hq_sha256_file(timing, sha, e, sizeof e) ? "-" : sha));
    if (old) json_object_set(src, "base_source", old);
    json_t *files = json_array();
    for (int set = 0; set < 2; set++)
        for (size_t i = 0; i < (set ? nhold : nfit); i++) {
            mfile *m = set ? &hold[i] : &fit[i];
            json_t *f = json_object();
            json_object_set_new(f, "file", json_string(m->path));
            json_object_set_new(f, "sha256",
                                json_string(hq_sha256_file(m->path, sha, e, sizeof e) ? "-" : sha));
            json_object_set_new(f, "set", json_string(set ? "held-out" : "fit"));
            json_object_set_new(f, "source", json_string(hq_measure_get(&m->m, "source")));
            json_object_set_new(f, "model", json_string(hq_measure_get(&m->m, "model")));
            json_array_append_new(files, f);
        }
    json_object_set_new(src, "measurements", files);
    json_t *fitted = json_object();
    for (size_t i = 0; i < c.np; i++)
        json_object_set_new(fitted, c.p[i]->name,
                            json_pack("{s:f,s:f}", "before", v0[i], "after", best[i]));
    json_object_set_new(src, "fitted", fitted);
    json_object_set_new(src, "not_determined", blind);
    json_object_set_new(src, "cost", json_pack("{s:f,s:f}", "before", cost0, "after", fbest));
    json_object_set_new(src, "residuals", res);
    json_object_set_new(cfg, "source", src);
    json_t *cm = json_object_get(c.base, "comment");
    char comment[2048];
    snprintf(comment, sizeof comment,
             "Calibrated by hqsim calibrate on %s from %s (see source). %s", date, timing,
             json_is_string(cm) ? json_string_value(cm) : "");
    json_object_set_new(cfg, "comment", json_string(comment));
    char *text = json_dumps(cfg, JSON_INDENT(2));
    json_decref(cfg);
    FILE *of = text ? fopen(out, "w") : NULL;
    if (!of || fputs(text, of) < 0 || fputc('\n', of) < 0 || fclose(of)) {
        fprintf(stderr, "hqsim %s: %s: cannot write\n", CMD, out);
        rc = CLI_EXIT_FAILED;
    } else {
        printf("wrote %s\n", out);
    }
    free(text);
cleanup:
    unlink(c.tmp);
done:
    for (size_t i = 0; fit && i < nfit; i++) {
        hq_measure_free(&fit[i].m);
        free(fit[i].before);
        free(fit[i].after);
    }
    for (size_t i = 0; hold && i < nhold; i++) {
        hq_measure_free(&hold[i].m);
        free(hold[i].before);
        free(hold[i].after);
    }
    free(fit);
    free(hold);
    free(fitp);
    free(holdp);
    free(c.seen);
    if (c.base) json_decref(c.base);
    return rc;
}
