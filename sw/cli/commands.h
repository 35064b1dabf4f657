/* One entry point per hqsim subcommand (sw/cli/cmd_<name>.c). Each parses its own
 * arguments (argv[0] is the subcommand name), supports --help, and returns the exit status. */
#ifndef HQ_CLI_COMMANDS_H
#define HQ_CLI_COMMANDS_H

int cmd_train(int argc, char **argv);
int cmd_quantize(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_pareto(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_board(int argc, char **argv);

#endif
