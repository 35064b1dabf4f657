/* Shared helpers of the hqsim subcommands (cli_util.h). */
#include "cli_util.h"

#include "container.h"
#include "out_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

const char *cli_value(const char *cmd, int argc, char **argv, int *i) {
    if (*i + 1 >= argc) {
        fprintf(stderr, "hqsim %s: %s needs a value (see hqsim %s --help)\n", cmd, argv[*i], cmd);
        return NULL;
    }
    return argv[++*i];
}

int cli_int(const char *cmd, const char *flag, const char *s, long long min, long long max,
            long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max) {
        fprintf(stderr, "hqsim %s: %s expects an integer in [%lld, %lld], got '%s'\n", cmd, flag,
                min, max, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_double(const char *cmd, const char *flag, const char *s, double min, double max,
               double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < min || v > max) {
        fprintf(stderr, "hqsim %s: %s expects a number in [%g, %g], got '%s'\n", cmd, flag, min,
                max, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_unknown(const char *cmd, const char *arg) {
    fprintf(stderr, "hqsim %s: unknown option '%s' (see hqsim %s --help)\n", cmd, arg, cmd);
    return 2;
}

int cli_usage_error(const char *cmd, const char *msg) {
    fprintf(stderr, "hqsim %s: %s (see hqsim %s --help)\n", cmd, msg, cmd);
    return 2;
}

int cli_is_help(const char *arg) {
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

double cli_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int cli_load_split(const char *cmd, hq_split split, hq_dataset *d) {
    char err[1024];
    if (hq_dataset_load(d, NULL, split, err, sizeof err)) {
        fprintf(stderr, "hqsim %s: %s\n", cmd, err);
        return -1;
    }
    return 0;
}

int cli_load_model(const char *cmd, const char *path, hq_model *m) {
    char err[1024];
    if (hq_model_load(m, path, err, sizeof err)) {
        fprintf(stderr, "hqsim %s: %s\n", cmd, err);
        return -1;
    }
    return 0;
}

int cli_save_model(const char *cmd, const hq_model *m, const char *path) {
    char err[1024];
    if (hq_model_save(m, path, err, sizeof err)) {
        fprintf(stderr, "hqsim %s: %s\n", cmd, err);
        return -1;
    }
    return 0;
}

int cli_check_output(const char *cmd, const char *path, const char *work) {
    char err[1024];
    if (hq_out_check(path, err, sizeof err)) {
        fprintf(stderr, "hqsim %s: %s (checked before %s)\n", cmd, err, work);
        return -1;
    }
    return 0;
}

static int weighted(const hq_layer *l) {
    return l->kind == HQ_LAYER_DENSE || l->kind == HQ_LAYER_CONV;
}

int cli_model_is_quantized(const hq_model *m) {
    for (int i = 0; i < m->n_layers; i++)
        if (weighted(&m->layers[i]) && !m->layers[i].q) return 0;
    return 1;
}

int cli_model_has_float(const hq_model *m) {
    for (int i = 0; i < m->n_layers; i++)
        if (weighted(&m->layers[i]) && !m->layers[i].w) return 0;
    return 1;
}

void cli_topology(const hq_model *m, char *buf, size_t len) {
    size_t n = (size_t)snprintf(buf, len, "%d", m->input.c * m->input.h * m->input.w);
    if (m->input.c != 1 || m->layers[0].kind != HQ_LAYER_DENSE)
        n = (size_t)snprintf(buf, len, "%dx%dx%d", m->input.h, m->input.w, m->input.c);
    for (int i = 0; i < m->n_layers && n < len; i++) {
        const hq_layer *l = &m->layers[i];
        if (l->kind == HQ_LAYER_DENSE)
            n += (size_t)snprintf(buf + n, len - n, "-%d", l->rows);
        else if (l->kind == HQ_LAYER_CONV)
            n += (size_t)snprintf(buf + n, len - n, "-%sconv%dx%d:%d", l->groups > 1 ? "g" : "",
                                  l->k, l->k, l->rows);
        else if (l->kind == HQ_LAYER_ADD)
            n += (size_t)snprintf(buf + n, len - n, "-add");
        else if (l->kind == HQ_LAYER_GAP)
            n += (size_t)snprintf(buf + n, len - n, "-gap");
        else
            n += (size_t)snprintf(buf + n, len - n, "-%s%d",
                                  l->kind == HQ_LAYER_AVGPOOL ? "avg" : "pool", l->k);
    }
}

int cli_self_exe(char *buf, size_t len) {
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n < 0) return -1;
    buf[n] = 0;
    return 0;
}
