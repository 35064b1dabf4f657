/* The ONNX tool behind hqsim import / export: sw/onnx/hq_onnx.py on the onnx Python package
 * (Debian python3-onnx), installed in share/hqsim/onnx and found like the sweep tool. */
#ifndef HQ_CLI_ONNX_TOOL_H
#define HQ_CLI_ONNX_TOOL_H

/* Runs /usr/bin/python3 hq_onnx.py VERB ARGS... (args NULL-terminated) and waits. Returns 0
 * when it succeeded, 2 when it refused the input (it printed why), 1 on any other failure
 * (message printed as "hqsim <verb>: ..."). */
int onnx_tool_run(const char *verb, const char *const *args);

/* The command line import and export share: FILE -o OUT, -h. file_kind names the input ("ONNX
 * file", "model file"), a_file the same with its article, out_usage the -o argument
 * ("-o OUT.hqm"). Returns -1 with *in and *out set, or the exit status the command returns
 * (0 after printing help, 2 on a usage error, with its message). */
int onnx_tool_args(const char *verb, int argc, char **argv, void (*help)(void),
                   const char *file_kind, const char *a_file, const char *out_usage,
                   const char **in, const char **out);

#endif
