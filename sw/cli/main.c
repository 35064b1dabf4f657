/* hqsim: the command-line front end. A thin layer over libhq (sw/lib) and the SystemC model. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} command;

static const command commands[] = {
    {"train", cmd_train, "train a float MLP or CNN on Fashion-MNIST"},
    {"quantize", cmd_quantize, "quantize a model with a policy (uniform or heterogeneous)"},
    {"eval", cmd_eval, "evaluate a model on the test set (float or integer reference)"},
    {"info", cmd_info, "describe a model file"},
    {"import", cmd_import, "convert an ONNX or QONNX network to a model (docs/onnx.md)"},
    {"export", cmd_export, "write a float model as ONNX"},
    {"pack", cmd_pack, "pack a quantized model's weights into a DRAM layout"},
    {"run", cmd_run, "run firmware or a model on the virtual platform"},
    {"sweep", cmd_sweep, "run a design-space sweep on Snakemake (docs/sweeps.md)"},
    {"pareto", cmd_pareto, "extract and plot the Pareto front of a sweep's results"},
    {"compare", cmd_compare, "model vs measured cycles per layer and image (measurement files)"},
    {"calibrate", cmd_calibrate, "fit the timing config to measurement files"},
    {"board", cmd_board, "write the FPGA board driver's DRAM image file (docs/board.md)"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: hqsim <command> [options]   (hqsim <command> --help for details)\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
    /* OpenMP's idle threads spin by default (OMP_WAIT_POLICY unset); with one core busy with
     * another process, that spinning made 2 training epochs take several times longer than
     * one thread. libgomp reads the policy once, when it is loaded, so hqsim sets "passive"
     * and executes itself again, once; a user's own setting is kept. */
    if (!getenv("OMP_WAIT_POLICY") && !setenv("OMP_WAIT_POLICY", "passive", 1))
        execv("/proc/self/exe", argv); /* returns only on failure: run as we are */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "hqsim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
