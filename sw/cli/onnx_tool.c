/* onnx_tool_run (onnx_tool.h): fork + exec of the Python ONNX tool, so the calling command
 * can validate and save its result afterwards (import) or report its status (export). */
#include "onnx_tool.h"

#include "cli_util.h"
#include "platform_run.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"

int onnx_tool_args(const char *verb, int argc, char **argv, void (*help)(void),
                   const char *file_kind, const char *a_file, const char *out_usage,
                   const char **in, const char **out) {
    const char *v;
    char msg[128];
    *in = *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            help();
            return 0;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!(v = cli_value(verb, argc, argv, &i))) return 2;
            *out = v;
        } else if (a[0] == '-' && a[1]) {
            return cli_unknown(verb, a);
        } else if (*in) {
            snprintf(msg, sizeof msg, "exactly one %s expected", file_kind);
            return cli_usage_error(verb, msg);
        } else {
            *in = a;
        }
    }
    if (!*in) {
        snprintf(msg, sizeof msg, "%s is required", a_file);
        return cli_usage_error(verb, msg);
    }
    if (!*out) {
        snprintf(msg, sizeof msg, "%s is required", out_usage);
        return cli_usage_error(verb, msg);
    }
    return -1;
}

int onnx_tool_run(const char *verb, const char *const *args) {
    char tool[PATH_MAX];
    if (!hq_find_share_file("onnx/hq_onnx.py", tool, sizeof tool)) {
        fprintf(stderr,
                "hqsim %s: the ONNX tool share/hqsim/onnx/hq_onnx.py was not found near the "
                "executable (install hqsim, or build it in its build tree)\n",
                verb);
        return 1;
    }
    const char *argv[16] = {PYTHON, tool, verb};
    int n = 3;
    for (int i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "hqsim %s: cannot start %s (%s)\n", verb, PYTHON, strerror(errno));
        return 1;
    }
    if (pid == 0) {
        execv(PYTHON, (char *const *)argv);
        fprintf(stderr, "hqsim %s: cannot run %s (Debian package python3): %s\n", verb, PYTHON,
                strerror(errno));
        _exit(1);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "hqsim %s: waiting for the ONNX tool: %s\n", verb, strerror(errno));
            return 1;
        }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 2) return 2;
    fprintf(stderr, "hqsim %s: the ONNX tool %s failed (%s %d)\n", verb, tool,
            WIFEXITED(st) ? "exit status" : "signal",
            WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    return 1;
}
