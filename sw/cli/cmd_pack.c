/* hqsim pack: pack a quantized model's weights into a DRAM layout, verify the result with
 * the independent decoder, and report what every layer costs (docs/layouts.md). */
#include "cli_util.h"
#include "commands.h"
#include "layout/layout.h"
#include "layout/maps.h"
#include "out_file.h"
#include "train.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "pack"

static void help(void) {
    char names[256];
    printf("usage: hqsim pack MODEL.hqm [--layout L] [-o WEIGHTS.bin] [options]\n"
           "\n"
           "Packs every weighted layer of a quantized model into one layer image (header,\n"
           "lo_shift table, layout sections, padding to the DRAM burst), decodes each image\n"
           "again with the independent decoder and checks it equals the quantized weights,\n"
           "then reports per layer: bytes, bits/weight (every byte counted), DRAM bursts,\n"
           "high-precision fraction and the order-0 entropy bound. Uniform layers always use\n"
           "dense. The byte format is docs/layouts.md.\n"
           "\n"
           "options:\n"
           "  --layout L         %s\n"
           "                     (default: the model's layout, else block if it has\n"
           "                     high-precision weights, else dense)\n"
           "  -o, --output FILE  write the layer images, concatenated in layer order\n"
           "  --burst B          DRAM burst in bytes, a power of two 16..4096 (default %d)\n"
           "  --block N:M        block slots N per M weights; nm:N:M as in the policy's\n"
           "                     struct=nm:N:M is the same (default: the policy's nm:N:M,\n"
           "                     else M=32 and N = the most high weights found in a block)\n"
           "  --maps DIR         also write one PNG weight map per layer into DIR\n"
           "  --json             print one JSON object instead of the table\n"
           "  -h, --help         this help\n" CLI_EXIT_HELP,
           hq_layout_names(names, sizeof names, " | ", " | ", 0), HQ_LAYOUT_DEFAULT_BURST);
}

/* "N:M", or "nm:N:M" as in a policy's struct=nm:N:M. */
static int parse_nm(const char *v, int *n, int *m) {
    if (!strncmp(v, "nm:", 3)) v += 3;
    char *end;
    long a = strtol(v, &end, 10);
    if (end == v || *end != ':') return -1;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end || a < 0 || a > 255 || b < 2 || b > 4096 || a > b) return -1;
    *n = (int)a;
    *m = (int)b;
    return 0;
}

/* Decodes every image and compares with the model: the packer/decoder cross-check. */
static int verify(const hq_model *m, const hq_packed_model *pm, char *err, size_t errlen) {
    for (int i = 0; i < pm->n; i++) {
        const hq_layer *L = &m->layers[pm->layer_index[i]];
        hq_decoded_layer d;
        if (hq_layout_decode(pm->img[i].data, pm->img[i].size, &d, err, errlen)) return -1;
        int same = hq_decoded_equals(&d, L->q, L->rows, L->cols);
        hq_decoded_layer_free(&d);
        if (!same) {
            snprintf(err, errlen, "layer %d: decoded weights differ from the model (bug)",
                     pm->layer_index[i]);
            return -1;
        }
    }
    return 0;
}

static json_t *layer_json(const hq_model *m, const hq_packed_model *pm, int i) {
    const hq_layout_stats *s = &pm->img[i].st;
    const hq_layer *L = &m->layers[pm->layer_index[i]];
    json_t *bits = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "header", (json_int_t)s->header_bits,
                             "shifts", (json_int_t)s->shift_bits, "codes", (json_int_t)s->code_bits,
                             "index", (json_int_t)s->index_bits, "hi_values",
                             (json_int_t)s->hi_value_bits, "padding", (json_int_t)s->padding_bits);
    return json_pack("{s:i, s:i, s:i, s:s, s:i, s:i, s:i, s:i, s:I, s:I, s:f, s:f, s:f, s:f, "
                     "s:I, s:o}",
                     "layer", pm->layer_index[i], "rows", L->rows, "cols", L->cols, "layout",
                     hq_layout_name(s->kind), "lo", L->q->lo_bits, "hi", L->q->hi_bits, "block_n",
                     s->block_n, "block_m", s->block_m, "bytes", (json_int_t)s->bytes, "bursts",
                     (json_int_t)s->bursts, "bits_per_weight", s->bits_per_weight, "hi_fraction",
                     s->hi_fraction, "entropy_bpw", s->entropy_bpw, "overhead_bpw",
                     s->bits_per_weight - s->entropy_bpw, "n_hi", (json_int_t)s->n_hi, "bits",
                     bits);
}

static int print_json(const char *path, const hq_model *m, const hq_packed_model *pm,
                      const char *layout, int burst) {
    json_t *layers = json_array();
    for (int i = 0; i < pm->n; i++)
        json_array_append_new(layers, layer_json(m, pm, i));
    double rq_bpw = 8.0 * (double)pm->rq_bytes / (double)pm->weights;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:i, s:f, s:f, s:I, s:I, s:I, s:f, s:f, s:o}", "model", path, "policy",
        m->policy, "layout", layout, "burst", burst, "bits_per_weight", pm->bits_per_weight,
        "hi_fraction", pm->hi_fraction, "weights", (json_int_t)pm->weights, "weight_bytes",
        (json_int_t)pm->weight_bytes, "bias_requant_bytes", (json_int_t)pm->rq_bytes,
        "bias_requant_bits_per_weight", rq_bpw, "bits_per_weight_with_bias_requant",
        pm->bits_per_weight + rq_bpw, "layers", layers);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(o);
    if (!s) {
        fprintf(stderr, "hqsim pack: cannot build the JSON output\n");
        return -1;
    }
    printf("%s\n", s);
    free(s);
    return 0;
}

static void print_table(const char *path, const hq_model *m, const hq_packed_model *pm,
                        const char *layout, int burst) {
    printf("%s: policy %s, layout %s, %d-byte bursts (decoded and verified)\n", path,
           m->policy[0] ? m->policy : "-", layout, burst);
    printf("%-5s %-9s %-8s %-5s %9s %7s %8s %8s %8s %8s\n", "layer", "shape", "layout", "N:M",
           "bytes", "bursts", "bits/w", "hi %", "H0 b/w", "over");
    for (int i = 0; i < pm->n; i++) {
        const hq_layout_stats *s = &pm->img[i].st;
        const hq_layer *L = &m->layers[pm->layer_index[i]];
        char shape[24], nm[16] = "-";
        snprintf(shape, sizeof shape, "%dx%d", L->rows, L->cols);
        if (s->kind == HQ_LAYOUT_BLOCK) snprintf(nm, sizeof nm, "%d:%d", s->block_n, s->block_m);
        printf("%-5d %-9s %-8s %-5s %9zu %7zu %8.4f %8.3f %8.4f %8.4f\n", pm->layer_index[i], shape,
               hq_layout_name(s->kind), nm, s->bytes, s->bursts, s->bits_per_weight,
               100 * s->hi_fraction, s->entropy_bpw, s->bits_per_weight - s->entropy_bpw);
    }
    double rq_bpw = 8.0 * (double)pm->rq_bytes / (double)pm->weights;
    printf("total: %zu weights in %zu bytes = %.4f bits/weight, %.3f %% high; bias+requant "
           "%zu bytes (+%.4f b/w) -> %.4f b/w\n",
           pm->weights, pm->weight_bytes, pm->bits_per_weight, 100 * pm->hi_fraction, pm->rq_bytes,
           rq_bpw, pm->bits_per_weight + rq_bpw);
}

static int write_images(const char *out, const hq_packed_model *pm) {
    char err[1024];
    hq_out o;
    if (hq_out_open(&o, out, HQ_OUT_ATOMIC, err, sizeof err)) {
        fprintf(stderr, "hqsim pack: %s\n", err);
        return -1;
    }
    for (int i = 0; i < pm->n; i++)
        fwrite(pm->img[i].data, 1, pm->img[i].size, o.f); /* errors are seen by hq_out_close */
    if (hq_out_close(&o, err, sizeof err)) {
        fprintf(stderr, "hqsim pack: %s\n", err);
        return -1;
    }
    return 0;
}

int cmd_pack(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *layout = NULL, *maps = NULL;
    int json = 0;
    long long burst = HQ_LAYOUT_DEFAULT_BURST;
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_DENSE);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (cli_is_help(a)) {
            help();
            return 0;
        } else if (!strcmp(a, "--layout")) {
            if (!(layout = cli_value(CMD, argc, argv, &i))) return 2;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!(out = cli_value(CMD, argc, argv, &i))) return 2;
        } else if (!strcmp(a, "--maps")) {
            if (!(maps = cli_value(CMD, argc, argv, &i))) return 2;
        } else if (!strcmp(a, "--burst")) {
            if (!(v = cli_value(CMD, argc, argv, &i)) || cli_int(CMD, a, v, 16, 4096, &burst))
                return 2;
            if (burst & (burst - 1)) return cli_usage_error(CMD, "--burst must be a power of two");
        } else if (!strcmp(a, "--block")) {
            if (!(v = cli_value(CMD, argc, argv, &i))) return 2;
            if (parse_nm(v, &o.block_n, &o.block_m))
                return cli_usage_error(CMD, "--block expects N:M (or nm:N:M) with N in [0, 255], "
                                            "M in [2, 4096], N <= M");
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_unknown(CMD, a);
        } else if (in) {
            return cli_usage_error(CMD, "exactly one input model expected");
        } else {
            in = a;
        }
    }
    if (!in) return cli_usage_error(CMD, "an input model is required");
    char err[1024];
    if (layout && hq_layout_parse(layout, &o.kind, err, sizeof err)) {
        fprintf(stderr, "hqsim pack: --layout: %s\n", err);
        return 2;
    }
    hq_model m;
    if (cli_load_model(CMD, in, &m)) return CLI_EXIT_BAD_INPUT;
    int rc = CLI_EXIT_FAILED;
    hq_packed_model pm;
    memset(&pm, 0, sizeof pm);
    if (!cli_model_is_quantized(&m)) {
        fprintf(stderr, "hqsim pack: %s is not quantized (run hqsim quantize first)\n", in);
        rc = CLI_EXIT_BAD_INPUT;
        goto done;
    }
    if (!layout) o.kind = hq_layout_of_model(&m);
    o.burst = (int)burst;
    if (hq_layout_pack_model(&m, &o, &pm, err, sizeof err) || verify(&m, &pm, err, sizeof err)) {
        fprintf(stderr, "hqsim pack: %s: %s\n", in, err);
        goto done;
    }
    if (out && write_images(out, &pm)) goto done;
    if (maps && hq_map_write_model(&m, maps, !json, err, sizeof err)) {
        fprintf(stderr, "hqsim pack: %s\n", err);
        goto done;
    }
    if (json)
        rc = print_json(in, &m, &pm, hq_layout_name(o.kind), (int)burst) ? 1 : 0;
    else {
        print_table(in, &m, &pm, hq_layout_name(o.kind), (int)burst);
        if (out) printf("wrote %s (%zu bytes)\n", out, pm.weight_bytes);
        rc = 0;
    }
done:
    hq_packed_model_free(&pm);
    hq_model_free(&m);
    return rc;
}
