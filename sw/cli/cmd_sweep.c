/* hqsim sweep / hqsim pareto: design-space sweeps (docs/sweeps.md). The sweep tool is Python
 * on Snakemake, installed in share/hqsim/sweep and found from this executable's location like
 * the default configs; hqsim hands it the arguments and its own path, so every point runs
 * this same hqsim. */
#include "commands.h"

#include "platform_run.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"

static int run_sweep_tool(const char *verb, int argc, char **argv) {
    char tool[PATH_MAX], self[PATH_MAX];
    if (!hq_find_share_file("sweep/hqsweep.py", tool, sizeof tool)) {
        fprintf(stderr,
                "hqsim %s: the sweep tool share/hqsim/sweep/hqsweep.py was not found "
                "near the executable (install hqsim, or build it in its build tree)\n",
                verb);
        return 2;
    }
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "hqsim %s: cannot find this executable's path (/proc not mounted?)\n",
                verb);
        return 2;
    }
    self[n] = 0;
    /* python3 hqsweep.py VERB --hqsim SELF ARGS... (argv[0] is the subcommand name) */
    char **args = calloc((size_t)argc + 6, sizeof *args);
    if (!args) {
        fprintf(stderr, "hqsim %s: out of memory\n", verb);
        return 1;
    }
    int k = 0;
    args[k++] = PYTHON;
    args[k++] = tool;
    args[k++] = (char *)verb;
    args[k++] = "--hqsim";
    args[k++] = self;
    for (int i = 1; i < argc; i++)
        args[k++] = argv[i];
    args[k] = NULL;
    execv(PYTHON, args);
    fprintf(stderr, "hqsim %s: cannot run %s (Debian package python3): ", verb, PYTHON);
    perror("");
    free(args);
    return 2;
}

int cmd_sweep(int argc, char **argv) {
    return run_sweep_tool("sweep", argc, argv);
}

int cmd_pareto(int argc, char **argv) {
    return run_sweep_tool("pareto", argc, argv);
}
