/* hqsim export: an HQSim float model to ONNX (docs/onnx.md), through the Python tool
 * (onnx_tool.h); the model is loaded and validated here first. */
#include "cli_util.h"
#include "commands.h"
#include "container.h"
#include "onnx_tool.h"
#include "train.h"

#include <stdio.h>
#include <string.h>

#define CMD "export"

static void help(void) {
    printf("usage: hqsim export MODEL.hqm -o OUT.onnx\n"
           "\n"
           "Writes the float parameters of an HQSim model as an ONNX graph (opset 13): Conv\n"
           "(with group), MaxPool, AveragePool, GlobalAveragePool, Add, Flatten, Gemm, Relu\n"
           "and Clip (ReLU6) nodes; input 'input' [N, C, H, W] = float pixel / 255, output\n"
           "'logits'. hqsim import reads it back to the same model (docs/onnx.md).\n"
           "Quantized parameters are not exported (the float ones of a quantized model are).\n"
           "\n"
           "options:\n"
           "  -o, --output FILE  ONNX file to write (required; replaced atomically)\n"
           "  -h, --help         this help\n" CLI_EXIT_HELP);
}

int cmd_export(int argc, char **argv) {
    const char *in, *out;
    int st = onnx_tool_args(CMD, argc, argv, help, "model file", "a model file", "-o OUT.onnx", &in,
                            &out);
    if (st >= 0) return st;
    hq_model m;
    if (cli_load_model(CMD, in, &m)) return CLI_EXIT_BAD_INPUT;
    int has_float = cli_model_has_float(&m);
    hq_model_free(&m);
    if (!has_float) {
        fprintf(stderr,
                "hqsim export: %s: the model holds no float weights (export writes float "
                "models)\n",
                in);
        return CLI_EXIT_BAD_INPUT;
    }
    if (cli_check_output(CMD, out, "the export")) return CLI_EXIT_FAILED;
    const char *args[] = {in, out, NULL};
    int rc = onnx_tool_run(CMD, args);
    if (rc == 0) printf("exported %s: wrote %s\n", in, out);
    return rc;
}
