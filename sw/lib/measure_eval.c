/* Model runs for measurement files and their comparison (measure_eval.h). */
#define _GNU_SOURCE
#include "measure_eval.h"

#include "hq_error.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int is_file(const char *p) {
    struct stat st;
    return p && strcmp(p, "-") && strncmp(p, "builtin:", 8) && !stat(p, &st) && S_ISREG(st.st_mode);
}

/* The last non-empty line of a file (the child's error), into out. */
static void last_line(const char *path, char *out, size_t len) {
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[1024];
    while (fgets(line, sizeof line, f))
        if (line[0] && line[0] != '\n') {
            size_t k = strcspn(line, "\n");
            if (k >= len) k = len - 1;
            memcpy(out, line, k);
            out[k] = 0;
        }
    fclose(f);
}

static int check_hash(const char *path, const char *what, const char *file, const char *want,
                      char *err, size_t errlen) {
    char hex[65], e[512];
    if (hq_sha256_file(file, hex, e, sizeof e))
        return hq_errf(err, errlen, "%s: the %s it names: %s", path, what, e);
    if (strcmp(hex, want))
        return hq_errf(err, errlen,
                       "%s: %s %s has SHA-256 %.12s..., the measurement was made with %.12s... "
                       "(another file: give the measured one, or --no-hash-check)",
                       path, what, file, hex, want);
    return 0;
}

int hq_measure_model_rows(const char *path, const hq_measure_file *m, const hq_measure_eval_opts *o,
                          hq_measure_row **rows, char *err, size_t errlen) {
    *rows = NULL;
    const char *model = hq_measure_get(m, "model");
    const char *plat = o->platform ? o->platform : hq_measure_get(m, "platform");
    if (!is_file(model))
        return hq_errf(err, errlen, "%s: the model it names, %s, is not a readable file", path,
                       model);
    if (!is_file(plat))
        return hq_errf(err, errlen,
                       "%s: its platform '%s' is not a config file: give the platform the model "
                       "should run on with --platform",
                       path, plat);
    if (o->check_hashes) {
        if (check_hash(path, "model", model, hq_measure_get(m, "model_sha256"), err, errlen))
            return -1;
        const char *ph = hq_measure_get(m, "platform_sha256");
        if (!o->platform && strcmp(ph, "-") &&
            check_hash(path, "platform config", plat, ph, err, errlen))
            return -1;
    }
    char out[] = "/tmp/hqsim-measure-XXXXXX", log[] = "/tmp/hqsim-measure-log-XXXXXX";
    int fd = mkstemp(out);
    if (fd < 0) return hq_errf(err, errlen, "temporary file: %s", strerror(errno));
    close(fd);
    int lfd = mkstemp(log);
    if (lfd < 0) {
        unlink(out);
        return hq_errf(err, errlen, "temporary file: %s", strerror(errno));
    }
    const char *argv[32];
    int k = 0;
    argv[k++] = o->hqsim;
    argv[k++] = "run";
    argv[k++] = model;
    argv[k++] = "--arch";
    argv[k++] = hq_measure_get(m, "arch");
    argv[k++] = "--images";
    argv[k++] = hq_measure_get(m, "images");
    argv[k++] = "--batch";
    argv[k++] = hq_measure_get(m, "batch");
    argv[k++] = "--platform";
    argv[k++] = plat;
    if (o->timing) argv[k++] = "--timing", argv[k++] = o->timing;
    if (o->dataset) argv[k++] = "--dataset", argv[k++] = o->dataset;
    if (!strcmp(hq_measure_get(m, "chain"), "1")) argv[k++] = "--chain";
    const char *dw = hq_measure_get(m, "depthwise"); /* optional: array when absent */
    if (dw && !strcmp(dw, "cpu")) argv[k++] = "--depthwise", argv[k++] = "cpu";
    argv[k++] = "--quiet";
    argv[k++] = "--measure";
    argv[k++] = out;
    argv[k] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, lfd, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, o->hqsim, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(lfd);
    int status = 0;
    if (!rc)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    char why[600];
    last_line(log, why, sizeof why);
    unlink(log);
    if (rc || !WIFEXITED(status) || WEXITSTATUS(status)) {
        unlink(out);
        if (rc) return hq_errf(err, errlen, "cannot start %s: %s", o->hqsim, strerror(rc));
        return hq_errf(err, errlen, "%s: the model run failed (status %d): %s", path,
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1, why);
    }
    hq_measure_file mm;
    char e[600];
    rc = hq_measure_read(out, &mm, e, sizeof e);
    unlink(out);
    if (rc) return hq_errf(err, errlen, "%s: the model's measurement: %s", path, e);
    if (mm.n_rows != m->n_rows) {
        size_t n = mm.n_rows;
        hq_measure_free(&mm);
        return hq_errf(err, errlen, "%s: %zu commands measured, the model ran %zu", path, m->n_rows,
                       n);
    }
    for (size_t i = 0; i < m->n_rows; i++) {
        const hq_measure_row *a = &m->rows[i], *b = &mm.rows[i];
        if (a->batch != b->batch || a->layer != b->layer || a->descs != b->descs ||
            a->images != b->images || a->op != b->op || a->rows != b->rows || a->cols != b->cols) {
            hq_measure_free(&mm);
            return hq_errf(err, errlen,
                           "%s: row %zu (batch %u, layer %u, %u x %u) is not the model's "
                           "command (batch %u, layer %u, %u x %u): another model or batch size",
                           path, i + 1, a->batch, a->layer, a->rows, a->cols, b->batch, b->layer,
                           b->rows, b->cols);
        }
    }
    *rows = mm.rows;
    mm.rows = NULL;
    hq_measure_free(&mm);
    return 0;
}

void hq_measure_compare(const hq_measure_row *meas, const hq_measure_row *model, size_t n,
                        hq_measure_cmp *c, double *layer_rel, size_t max_layers) {
    memset(c, 0, sizeof *c);
    size_t nl = 0;
    for (size_t i = 0; i < n; i++)
        if (meas[i].layer + 1 > nl) nl = meas[i].layer + 1;
    double *lm = calloc(nl ? nl : 1, sizeof *lm), *lp = calloc(nl ? nl : 1, sizeof *lp);
    double tm = 0, tp = 0, images = 0;
    for (size_t i = 0; i < n; i++) {
        const double a = (double)meas[i].cycles, b = (double)model[i].cycles;
        const double r = a > 0 ? (b - a) / a : (b > 0 ? 1 : 0);
        c->row_mean_abs += fabs(r);
        if (fabs(r) > c->row_max_abs) c->row_max_abs = fabs(r);
        c->sum_sq += r * r;
        if (lm && lp) lm[meas[i].layer] += a, lp[meas[i].layer] += b;
        tm += a, tp += b;
        if (meas[i].layer == meas[0].layer) images += meas[i].images;
    }
    if (n) c->row_mean_abs /= (double)n;
    for (size_t l = 0; l < nl && lm && lp; l++) {
        if (lm[l] == 0 && lp[l] == 0) continue;
        const double r = lm[l] > 0 ? (lp[l] - lm[l]) / lm[l] : 1;
        if (layer_rel && c->n_layers < max_layers) layer_rel[c->n_layers] = r;
        c->n_layers++;
        c->layer_mean_abs += fabs(r);
        if (fabs(r) > c->layer_max_abs) c->layer_max_abs = fabs(r);
    }
    if (c->n_layers) c->layer_mean_abs /= (double)c->n_layers;
    if (images > 0) c->measured_per_image = tm / images, c->model_per_image = tp / images;
    c->image_rel = tm > 0 ? (tp - tm) / tm : 0;
    free(lm);
    free(lp);
}
