/* Helpers shared by the hqsim subcommands: strict option-value parsing with clear messages,
 * a monotonic clock, and dataset/model loading that reports errors the same way everywhere. */
#ifndef HQ_CLI_UTIL_H
#define HQ_CLI_UTIL_H

#include "dataset.h"
#include "hq_model.h"

#include <stddef.h>

/* Exit statuses shared by every subcommand (run adds its own: see hqsim run --help). */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILED = 1, CLI_EXIT_BAD_INPUT = 2 };
#define CLI_EXIT_HELP                                                                              \
    "\nexit status: 0 done; 1 the work failed (e.g. an output file could not be written);\n"       \
    "2 usage error, or a bad input file (model, dataset): nothing was done\n"

/* What --threads 0 (the default) means; main.c makes idle OpenMP threads sleep. */
#define CLI_THREADS_DEFAULT "0: all cores, idle threads sleep"

/* Returns argv[*i + 1] and advances *i, or prints "hqsim <cmd>: <flag> needs a value" and
 * returns NULL. */
const char *cli_value(const char *cmd, int argc, char **argv, int *i);

/* Parse a whole string as a number within [min, max]; on failure print
 * "hqsim <cmd>: <flag> expects ... in [min, max], got '<s>'" and return -1. */
int cli_int(const char *cmd, const char *flag, const char *s, long long min, long long max,
            long long *out);
int cli_double(const char *cmd, const char *flag, const char *s, double min, double max,
               double *out);

/* Prints "hqsim <cmd>: unknown option '<arg>' (see hqsim <cmd> --help)" and returns 2. */
int cli_unknown(const char *cmd, const char *arg);
/* Prints "hqsim <cmd>: <msg> (see hqsim <cmd> --help)" and returns 2. */
int cli_usage_error(const char *cmd, const char *msg);

int cli_is_help(const char *arg);
double cli_now(void); /* seconds, monotonic */
/* The running hqsim executable (to run the model in a child process); 0 or -1. */
int cli_self_exe(char *buf, size_t len);

/* Load with the error printed as "hqsim <cmd>: <message>"; return 0 or -1. */
int cli_load_split(const char *cmd, hq_split split, hq_dataset *d);
int cli_load_model(const char *cmd, const char *path, hq_model *m);
int cli_save_model(const char *cmd, const hq_model *m, const char *path);
/* Before long work: the output path can be written (out_file.h hq_out_check); prints
 * "hqsim <cmd>: <why> (checked before <work>)" and returns -1 if not. */
int cli_check_output(const char *cmd, const char *path, const char *work);

/* 1 when every weighted layer holds quantized parameters (integer reference applies). */
int cli_model_is_quantized(const hq_model *m);
/* 1 when every weighted layer holds float parameters. */
int cli_model_has_float(const hq_model *m);

/* "784-256-128-10" for an MLP; "conv16-pool2-conv32-pool2-128-10" style otherwise. */
void cli_topology(const hq_model *m, char *buf, size_t len);

#endif
