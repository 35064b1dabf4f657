/* The accelerator's form of `hqsim run` (Q.hqm), callable from the C command line
 * (sw/cli/cmd_run.c). */
#ifndef HQ_ACCEL_CLI_H
#define HQ_ACCEL_CLI_H

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if argv (argv[0] = "run") asks for the model form: no --fw, and the first argument or an
 * argument ending in ".hqm" names a model file. */
int hq_accel_run_requested(int argc, char **argv);
/* Runs it; returns the exit status (see hqsim run Q.hqm --help). */
int hq_accel_cmd_run(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
