/* The accuracy study of issue 3 (a benchmark, not a test): for one float model and a list
 * of policies, post-training quantization and optionally QAT, integer-reference accuracy on
 * the full test set, and bits/weight in every layout. Appends one CSV row per policy (and
 * one row per layer and layout to a second CSV) as soon as it is measured, so a partial run
 * is still usable. Driven by benches/quant/run_study. */
#include "container.h"
#include "layout/layout.h"
#include "quant/quantize.h"
#include "reference.h"
#include "train.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f) {
    fprintf(f, "usage: quant_study --model FLOAT.hqm --policies FILE --csv OUT.csv\n"
               "                   [--layers-csv OUT.csv] [--qat-epochs N] [--calib N] [--seed S]\n"
               "Policies file: one policy spec per line, followed by ' qat' to also run QAT;\n"
               "'#' starts a comment. Rows are appended to the CSVs (headers written if new).\n");
}

/* A whole-string integer in [lo, hi], or -1 with a message. */
static int parse_int(const char *flag, const char *s, long lo, long hi, long *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "quant_study: %s expects an integer in [%ld, %ld], got '%s'\n", flag, lo,
                hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int clone(const hq_model *src, hq_model *dst, char *err, size_t errlen) {
    uint8_t *buf;
    size_t len;
    if (hq_container_write_mem(src, &buf, &len, err, errlen)) return -1;
    int rc = hq_container_read_mem(dst, buf, len, err, errlen);
    free(buf);
    return rc;
}

static FILE *open_csv(const char *path, const char *header) {
    FILE *f = fopen(path, "a+");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    if (ftell(f) == 0) fprintf(f, "%s\n", header);
    return f;
}

/* Packs q-model m in every layout: bpw[k] (-1 if the layout cannot hold it); per-layer rows. */
static void cost_layouts(const hq_model *m, const char *net, FILE *lcsv, double bpw[],
                         double *entropy, double *rq_bpw, size_t *weights) {
    for (int k = 0; k < HQ_LAYOUT_COUNT; k++) {
        hq_layout_opts o;
        hq_layout_opts_default(&o, (hq_layout_kind)k);
        hq_packed_model pm;
        char err[512];
        bpw[k] = -1;
        if (hq_layout_pack_model(m, &o, &pm, err, sizeof err)) continue;
        bpw[k] = pm.bits_per_weight;
        *rq_bpw = 8.0 * (double)pm.rq_bytes / (double)pm.weights;
        *weights = pm.weights;
        double h = 0;
        for (int i = 0; i < pm.n; i++) {
            const hq_layout_stats *s = &pm.img[i].st;
            const hq_layer *L = &m->layers[pm.layer_index[i]];
            h += s->entropy_bpw * (double)s->weights;
            if (lcsv)
                fprintf(lcsv, "%s,\"%s\",%s,%d,%d,%d,%s,%zu,%.5f,%.5f,%.5f,%.5f\n", net, m->policy,
                        hq_layout_name((hq_layout_kind)k), pm.layer_index[i], L->rows, L->cols,
                        hq_layout_name(s->kind), s->bytes, s->bits_per_weight, s->entropy_bpw,
                        s->bits_per_weight - s->entropy_bpw, s->hi_fraction);
        }
        *entropy = h / (double)pm.weights;
        hq_packed_model_free(&pm);
    }
}

static double accuracy(const hq_model *m, const hq_dataset *test) {
    char err[512];
    int c = hq_ref_eval(m, test, 0, NULL, 0, err, sizeof err);
    if (c < 0) {
        fprintf(stderr, "quant_study: integer reference: %s\n", err);
        return -1;
    }
    return 100.0 * c / test->n;
}

int main(int argc, char **argv) {
    const char *model = NULL, *policies = NULL, *csv = NULL, *lcsv_path = NULL;
    hq_quant_opts qo;
    hq_quant_opts_default(&qo);
    long qat_epochs = 2, calib = qo.calib_images, seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            fprintf(stderr, "quant_study: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--model"))
            model = v;
        else if (!strcmp(a, "--policies"))
            policies = v;
        else if (!strcmp(a, "--csv"))
            csv = v;
        else if (!strcmp(a, "--layers-csv"))
            lcsv_path = v;
        else if (!strcmp(a, "--qat-epochs")) {
            if (parse_int(a, v, 1, 1000, &qat_epochs)) return 2;
        } else if (!strcmp(a, "--calib")) {
            if (parse_int(a, v, 1, 60000, &calib)) return 2;
        } else if (!strcmp(a, "--seed")) {
            if (parse_int(a, v, 0, 1L << 62, &seed)) return 2;
        } else {
            fprintf(stderr, "quant_study: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!model || !policies || !csv) {
        fprintf(stderr, "quant_study: --model, --policies and --csv are required\n");
        usage(stderr);
        return 2;
    }
    qo.calib_images = (int)calib;
    qo.seed = (unsigned long long)seed;
    char err[1024];
    hq_model fm;
    hq_dataset train, test;
    if (hq_model_load(&fm, model, err, sizeof err) ||
        hq_dataset_load(&train, NULL, HQ_SPLIT_TRAIN, err, sizeof err) ||
        hq_dataset_load(&test, NULL, HQ_SPLIT_TEST, err, sizeof err)) {
        fprintf(stderr, "quant_study: %s\n", err);
        return 1;
    }
    FILE *pf = fopen(policies, "r");
    char head[1024] = "net,width_mult,policy,float_acc,ptq_acc,qat_acc,qat_epochs,"
                      "qat_seconds,qat_cpu_seconds,hi_fraction,entropy_bpw";
    for (int k = 0; k < HQ_LAYOUT_COUNT; k++) /* one column per registered layout */
        snprintf(head + strlen(head), sizeof head - strlen(head), ",bpw_%s",
                 hq_layout_name((hq_layout_kind)k));
    snprintf(head + strlen(head), sizeof head - strlen(head), ",rq_bpw,weights");
    FILE *out = open_csv(csv, head);
    FILE *lcsv = lcsv_path ? open_csv(lcsv_path, "net,policy,requested_layout,layer,rows,cols,"
                                                 "layout,bytes,bits_per_weight,entropy_bpw,"
                                                 "overhead_bpw,hi_fraction")
                           : NULL;
    if (!pf || !out || (lcsv_path && !lcsv)) {
        fprintf(stderr, "quant_study: cannot open %s or the CSV outputs\n", policies);
        return 1;
    }
    double float_acc = 100.0 * hq_eval_float(&fm, &test, 0, NULL) / test.n;
    fprintf(stderr, "quant_study: %s (%s x%g): float %.2f %%\n", model, fm.net,
            (double)fm.width_mult, float_acc);
    char line[512];
    while (fgets(line, sizeof line, pf)) {
        char spec[256] = "", flag[16] = "";
        if (line[0] == '#' || sscanf(line, "%255s %15s", spec, flag) < 1) continue;
        int do_qat = !strcmp(flag, "qat");
        hq_model q;
        double bpw[HQ_LAYOUT_COUNT], entropy = 0, rq = 0, ptq_acc = -1, qat_acc = -1, secs = 0,
                                     cpu = 0;
        size_t weights = 0;
        if (clone(&fm, &q, err, sizeof err)) break;
        qo.qat_epochs = 0;
        if (hq_quantize_model(&q, spec, &train, &qo, err, sizeof err)) {
            fprintf(stderr, "quant_study: %s: %s\n", spec, err);
            hq_model_free(&q);
            continue;
        }
        ptq_acc = accuracy(&q, &test);
        cost_layouts(&q, fm.net, lcsv, bpw, &entropy, &rq, &weights);
        double model_bpw, hi_frac = 0;
        if (hq_layout_model_bits(&q, &model_bpw, &hi_frac, err, sizeof err))
            fprintf(stderr, "quant_study: %s: %s\n", spec, err);
        hq_model_free(&q);
        if (do_qat) {
            if (clone(&fm, &q, err, sizeof err)) break;
            qo.qat_epochs = (int)qat_epochs;
            qo.verbose = 1;
            double t0 = omp_get_wtime();
            clock_t c0 = clock(); /* all threads of the process */
            if (hq_quantize_model(&q, spec, &train, &qo, err, sizeof err))
                fprintf(stderr, "quant_study: %s (qat): %s\n", spec, err);
            else
                qat_acc = accuracy(&q, &test);
            secs = omp_get_wtime() - t0;
            cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
            qo.verbose = 0;
            hq_model_free(&q);
        }
        fprintf(out, "%s,%g,\"%s\",%.2f,%.2f,", fm.net, (double)fm.width_mult, spec, float_acc,
                ptq_acc);
        if (do_qat)
            fprintf(out, "%.2f,%ld,%.1f,%.1f,", qat_acc, qat_epochs, secs, cpu);
        else
            fprintf(out, ",,,,");
        fprintf(out, "%.5f,%.5f", hi_frac, entropy);
        for (int k = 0; k < HQ_LAYOUT_COUNT; k++)
            if (bpw[k] >= 0)
                fprintf(out, ",%.5f", bpw[k]);
            else
                fprintf(out, ",");
        fprintf(out, ",%.5f,%zu\n", rq, weights);
        fflush(out);
        if (lcsv) fflush(lcsv);
        fprintf(stderr, "quant_study: %-60s ptq %6.2f %%  qat %6.2f %%  block %.4f b/w\n", spec,
                ptq_acc, qat_acc, bpw[HQ_LAYOUT_BLOCK]);
    }
    fclose(pf);
    fclose(out);
    if (lcsv) fclose(lcsv);
    hq_model_free(&fm);
    hq_dataset_free(&train);
    hq_dataset_free(&test);
    return 0;
}
