/* The accelerator's form of `hqsim run` (Q.hqm), callable from the C command line: sw/cli/cmd_run.c
 * parses the options of both forms of `run` and hands this one over. */
#ifndef HQ_ACCEL_CLI_H
#define HQ_ACCEL_CLI_H

#ifdef __cplusplus
extern "C" {
#endif

/* The options of `hqsim run Q.hqm` (see its --help); NULL / 0 = not given. */
typedef struct hq_model_run_args {
    const char *model_path;
    const char *arch, *pe_impl; /* --arch, --pe-impl */
    const char *accel_impl;     /* --accel-impl */
    const char *platform_path, *timing_path, *energy_path, *fw_path, *dataset_dir;
    int images, batch;    /* images 0: the whole test set; batch >= 1 */
    int synthetic_inputs; /* > 0: that many synthetic images (synthetic.h), no dataset */
    int poll, chain;
    int depthwise_cpu; /* --depthwise cpu: depthwise convs on the CPU fallback */
    const char *stats_path, *csv_path, *trace_path, *vcd_path, *png_dir;
    int trace_images; /* images in the --trace file (0 = all) */
    int json, quiet;
    const char *measure_path; /* --measure */
    int argc;                 /* the command line, for the measurement file's header */
    const char *const *argv;
} hq_model_run_args;

/* The registered PE array kinds (model/accel/array_registry.h) for the command line:
 * hq_accel_arch_names() is "uniform8, split or lanegroup"; hq_accel_arch_known(name) is 1 when
 * name is one of them. */
const char *hq_accel_arch_names(void);
int hq_accel_arch_known(const char *name);

/* Runs it, writes the summary and the output files; returns the exit status (see hqsim run
 * Q.hqm --help). */
int hq_accel_run_model(const hq_model_run_args *a);

#ifdef __cplusplus
}
#endif

#endif
