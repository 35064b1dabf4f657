/* hqsim import: an ONNX or QONNX network to a .hqm model (docs/onnx.md). The Python tool
 * (onnx_tool.h) maps the graph to HQSim layers and writes a float model plus the QONNX
 * quantization it found; this command validates the model, quantizes the layers QONNX
 * describes with the library's own arithmetic (ptq.h) and saves it. */
#include "cli_util.h"
#include "commands.h"
#include "container.h"
#include "onnx_tool.h"
#include "ptq.h"
#include "train.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "import"

static void help(void) {
    printf(
        "usage: hqsim import MODEL.onnx -o OUT.hqm\n"
        "\n"
        "Converts an ONNX network (opset >= 11) into an HQSim model (docs/onnx.md).\n"
        "Float ONNX: Conv (square kernel, equal strides/pads, groups incl. depthwise),\n"
        "Gemm/MatMul (+Add bias), BatchNormalization (folded into the layer before it),\n"
        "Relu, Clip(0, 6) (ReLU6), Add of two layer outputs (residual), MaxPool and\n"
        "AveragePool (square window, stride, padding), GlobalAveragePool, Flatten/Reshape,\n"
        "Identity, Dropout; a node may read any earlier layer's output. The result is a\n"
        "float model (quantize it with hqsim quantize). QONNX: Quant nodes on every weight (8 or\n"
        "4 bits, signed, per-channel or per-tensor scale, zero point 0) and on every layer\n"
        "input (unsigned 8-bit) give a quantized model (uniform8/uniform4 layers) that\n"
        "needs no calibration. Any other operator or attribute is an error naming the\n"
        "node and the operator; nothing is written then.\n"
        "The network's input is the image as float pixel / 255 in NCHW order, the\n"
        "output the logits.\n"
        "\n"
        "options:\n"
        "  -o, --output FILE  model to write (required)\n"
        "  -h, --help         this help\n" CLI_EXIT_HELP);
}

/* The quantization QONNX described (quant.json from the tool) applied to the float model. */
static int apply_quant(hq_model *m, json_t *q, char *err, size_t errlen) {
    json_t *layers = json_object_get(q, "layers");
    if (!layers) return 0; /* a float model */
    if (!json_is_array(layers) || json_array_size(layers) != (size_t)m->n_layers)
        return snprintf(err, errlen, "quantization description does not match the layers"), -1;
    int base_bits = 0, n_weighted = 0;
    char overrides[160] = "";
    for (int i = 0; i < m->n_layers; i++) {
        json_t *e = json_array_get(layers, (size_t)i);
        hq_layer *L = &m->layers[i];
        int last = i == m->n_layers - 1;
        L->in_act_scale = (float)json_number_value(json_object_get(e, "in_act_scale"));
        L->out_act_scale = (float)json_number_value(json_object_get(e, "out_act_scale"));
        if (!L->w) continue;
        int bits = (int)json_integer_value(json_object_get(e, "bits"));
        json_t *sc = json_object_get(e, "w_scale");
        if ((bits != 4 && bits != 8) || json_array_size(sc) != (size_t)L->rows)
            return snprintf(err, errlen, "layer %d: bad quantization description", i), -1;
        hq_qlayer *ql = hq_qlayer_alloc(L, 0, bits);
        if (!ql) return snprintf(err, errlen, "out of memory"), -1;
        L->q = ql;
        int qmax = (1 << (bits - 1)) - 1;
        for (int r = 0; r < L->rows; r++) {
            ql->w_scale[r] = (float)json_number_value(json_array_get(sc, (size_t)r));
            for (int c = 0; c < L->cols; c++) {
                size_t j = (size_t)r * L->cols + c;
                ql->w[j] = (int8_t)hq_ptq_round_weight(L->w[j], ql->w_scale[r], qmax);
            }
        }
        if (hq_ptq_finalize_layer(L, i, last, err, errlen)) return -1;
        if (!base_bits) base_bits = bits;
        if (bits != base_bits) {
            size_t n = strlen(overrides);
            if (snprintf(overrides + n, sizeof overrides - n, ";L%d=uniform%d", n_weighted, bits) >=
                (int)(sizeof overrides - n))
                return snprintf(err, errlen, "too many per-layer bit widths for a policy"), -1;
        }
        n_weighted++;
    }
    if ((size_t)snprintf(m->policy, sizeof m->policy, "uniform%d%s", base_bits, overrides) >=
        sizeof m->policy)
        return snprintf(err, errlen, "too many per-layer bit widths for a policy"), -1;
    return 0;
}

int cmd_import(int argc, char **argv) {
    const char *in, *out;
    int st =
        onnx_tool_args(CMD, argc, argv, help, "ONNX file", "an ONNX file", "-o OUT.hqm", &in, &out);
    if (st >= 0) return st;
    if (access(in, R_OK)) {
        fprintf(stderr, "hqsim import: %s: cannot read it\n", in);
        return CLI_EXIT_BAD_INPUT;
    }
    if (cli_check_output(CMD, out, "the import")) return CLI_EXIT_FAILED;

    char dir[] = "/tmp/hqsim-import-XXXXXX", hqm[PATH_MAX], qjson[PATH_MAX];
    if (!mkdtemp(dir)) {
        perror("hqsim import: cannot create a temporary directory");
        return CLI_EXIT_FAILED;
    }
    snprintf(hqm, sizeof hqm, "%s/model.hqm", dir);
    snprintf(qjson, sizeof qjson, "%s/quant.json", dir);
    const char *args[] = {in, hqm, qjson, NULL};
    int rc = onnx_tool_run(CMD, args);
    hq_model m;
    memset(&m, 0, sizeof m);
    char err[1024] = "";
    json_t *q = NULL;
    if (rc == 0) {
        if (hq_model_load(&m, hqm, err, sizeof err) || !(q = json_load_file(qjson, 0, NULL)) ||
            apply_quant(&m, q, err, sizeof err)) {
            fprintf(stderr, "hqsim import: %s: %s\n", in, err[0] ? err : "no quantization file");
            rc = CLI_EXIT_FAILED;
        } else if (cli_save_model(CMD, &m, out)) {
            rc = CLI_EXIT_FAILED;
        } else {
            char topo[512];
            cli_topology(&m, topo, sizeof topo);
            printf("imported %s: %d layers (%s), %s: wrote %s\n", in, m.n_layers, topo,
                   m.policy[0] ? m.policy : "float", out);
        }
    }
    json_decref(q);
    hq_model_free(&m);
    unlink(hqm);
    unlink(qjson);
    rmdir(dir);
    return rc;
}
