/* hqsim info: describe a model file (topology, parameters, quantization, scales). */
#include "cli_util.h"
#include "commands.h"
#include "container.h"
#include "layout/layout.h"
#include "train.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CMD "info"

static void help(void) {
    printf("usage: hqsim info MODEL.hqm [--json]\n"
           "\n"
           "Describes a model: network, policy, layout, and per layer its shapes, weight and\n"
           "MAC counts, activation scales and quantization (bit-widths, share of high-precision\n"
           "weights, weight-scale and requantization ranges).\n"
           "\n"
           "options:\n"
           "  --json       print one JSON object instead of the table\n"
           "  -h, --help   this help\n" CLI_EXIT_HELP);
}

static const char *kind_name(hq_layer_kind k) {
    static const char *names[] = {"?", "dense", "conv", "maxpool", "add", "avgpool", "gap"};
    return k >= HQ_LAYER_DENSE && k <= HQ_LAYER_GAP ? names[k] : "?";
}

static size_t macs(const hq_layer *l) {
    size_t pos = l->kind == HQ_LAYER_CONV ? (size_t)l->out.h * l->out.w : 1;
    return hq_layer_weights(l) * pos;
}

typedef struct {
    size_t n_hi;
    float ws_min, ws_max;
    int sh_min, sh_max;
} qstats;

static qstats quant_stats(const hq_layer *l) {
    const hq_qlayer *q = l->q;
    qstats s = {0, q->w_scale[0], q->w_scale[0], q->rq_shift[0], q->rq_shift[0]};
    /* the one hi-fraction count (docs/layouts.md, Metrics): a uniform layer counts 0 */
    s.n_hi = (size_t)hq_layout_n_hi(q, (long)hq_layer_weights(l));
    for (int r = 0; r < l->rows; r++) {
        s.ws_min = q->w_scale[r] < s.ws_min ? q->w_scale[r] : s.ws_min;
        s.ws_max = q->w_scale[r] > s.ws_max ? q->w_scale[r] : s.ws_max;
        s.sh_min = q->rq_shift[r] < s.sh_min ? q->rq_shift[r] : s.sh_min;
        s.sh_max = q->rq_shift[r] > s.sh_max ? q->rq_shift[r] : s.sh_max;
    }
    return s;
}

static int print_json(const char *path, const hq_model *m, long long bytes) {
    json_t *layers = json_array();
    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *l = &m->layers[i];
        json_t *o =
            json_pack("{s:i, s:s, s:[i,i,i], s:[i,i,i], s:b, s:I, s:I, s:f, s:f}", "index", i,
                      "kind", kind_name(l->kind), "in", l->in.h, l->in.w, l->in.c, "out", l->out.h,
                      l->out.w, l->out.c, "relu", l->relu, "weights",
                      (json_int_t)hq_layer_weights(l), "macs", (json_int_t)macs(l), "in_act_scale",
                      (double)l->in_act_scale, "out_act_scale", (double)l->out_act_scale);
        if (l->kind == HQ_LAYER_CONV)
            json_object_set_new(
                o, "kernel",
                json_pack("{s:i, s:i, s:i}", "k", l->k, "stride", l->stride, "pad", l->pad));
        if (l->q) {
            qstats s = quant_stats(l);
            json_object_set_new(o, "quant",
                                json_pack("{s:i, s:i, s:f, s:f, s:f}", "lo_bits", l->q->lo_bits,
                                          "hi_bits", l->q->hi_bits, "hi_fraction",
                                          (double)s.n_hi / (double)hq_layer_weights(l),
                                          "w_scale_min", (double)s.ws_min, "w_scale_max",
                                          (double)s.ws_max));
        }
        json_array_append_new(layers, o);
    }
    json_t *root =
        json_pack("{s:s, s:I, s:s, s:f, s:i, s:s, s:s, s:b, s:b, s:o}", "model", path, "bytes",
                  (json_int_t)bytes, "net", m->net, "width_mult", (double)m->width_mult, "classes",
                  m->n_classes, "policy", m->policy, "layout", m->layout, "float",
                  cli_model_has_float(m), "quantized", cli_model_is_quantized(m), "layers", layers);
    char *s = root ? json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(root);
    if (!s) {
        fprintf(stderr, "hqsim info: cannot build the JSON output\n");
        return 1;
    }
    printf("%s\n", s);
    free(s);
    return 0;
}

static void print_table(const char *path, const hq_model *m, long long bytes) {
    char topo[256];
    cli_topology(m, topo, sizeof topo);
    printf("%s: %lld bytes\n", path, bytes);
    printf("  net      %s %s, width x%g, %d classes\n", m->net, topo, m->width_mult, m->n_classes);
    printf("  params   %s%s%s\n", cli_model_has_float(m) ? "float" : "",
           cli_model_has_float(m) && cli_model_is_quantized(m) ? " + " : "",
           cli_model_is_quantized(m) ? "quantized" : "");
    printf("  policy   %s\n", m->policy[0] ? m->policy : "(none: float model)");
    printf("  layout   %s\n", m->layout[0] ? m->layout : "(none: not packed)");
    printf("\n  #  kind     input(HxWxC)  output(HxWxC)  weights    MACs/img  relu  "
           "act scale in -> out    quantization\n");
    size_t tw = 0, tm = 0;
    for (int i = 0; i < m->n_layers; i++) {
        const hq_layer *l = &m->layers[i];
        char in[32], out[32], q[160] = "";
        snprintf(in, sizeof in, "%dx%dx%d", l->in.h, l->in.w, l->in.c);
        snprintf(out, sizeof out, "%dx%dx%d", l->out.h, l->out.w, l->out.c);
        if (l->q) {
            qstats s = quant_stats(l);
            int n = snprintf(q, sizeof q, "int%d", l->q->hi_bits);
            if (l->q->lo_bits)
                n = snprintf(q, sizeof q, "%d/%d-bit, %.2f %% high", l->q->lo_bits, l->q->hi_bits,
                             100.0 * s.n_hi / hq_layer_weights(l));
            snprintf(q + n, sizeof q - n, ", w_scale %.3g..%.3g, shift %d..%d", s.ws_min, s.ws_max,
                     s.sh_min, s.sh_max);
        }
        /* a float model has no activation scales yet (0): shown as "-" */
        char sin[16] = "-", sout[16] = "-";
        if (l->in_act_scale > 0) snprintf(sin, sizeof sin, "%.3g", l->in_act_scale);
        if (l->out_act_scale > 0) snprintf(sout, sizeof sout, "%.3g", l->out_act_scale);
        printf("  %-2d %-8s %-13s %-14s %-10zu %-9zu %-5s %-9s -> %-9s  %s\n", i,
               kind_name(l->kind), in, out, hq_layer_weights(l), macs(l),
               l->relu == 2   ? "relu6"
               : l->relu == 1 ? "yes"
                              : "no",
               sin, sout, q);
        tw += hq_layer_weights(l);
        tm += macs(l);
    }
    printf("  total: %zu weights, %zu MACs per image\n", tw, tm);
}

int cmd_info(int argc, char **argv) {
    const char *path = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            help();
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = 1;
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
    struct stat st;
    long long bytes = stat(path, &st) ? -1 : (long long)st.st_size;
    int rc = 0;
    if (json)
        rc = print_json(path, &m, bytes);
    else
        print_table(path, &m, bytes);
    hq_model_free(&m);
    return rc;
}
