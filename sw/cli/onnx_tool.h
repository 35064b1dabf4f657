/* The ONNX tool behind hqsim import / export: sw/onnx/hq_onnx.py on the onnx Python package
 * (Debian python3-onnx), installed in share/hqsim/onnx and found like the sweep tool. */
#ifndef HQ_CLI_ONNX_TOOL_H
#define HQ_CLI_ONNX_TOOL_H

/* Runs /usr/bin/python3 hq_onnx.py VERB ARGS... (args NULL-terminated) and waits. Returns 0
 * when it succeeded, 2 when it refused the input (it printed why), 1 on any other failure
 * (message printed as "hqsim <verb>: ..."). */
int onnx_tool_run(const char *verb, const char *const *args);

#endif
