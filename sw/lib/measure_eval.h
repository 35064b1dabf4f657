/* Model vs measurement (docs/measurements.md): runs the SystemC model (`hqsim run --measure`,
 * a child process: SystemC elaborates once per process) on what a measurement file measured,
 * with a given timing config, and compares the cycles command by command, per layer and per
 * image. Used by `hqsim compare` and `hqsim calibrate`. */
#ifndef HQ_MEASURE_EVAL_H
#define HQ_MEASURE_EVAL_H

#include "measure.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *hqsim;    /* the hqsim executable that runs the model */
    const char *timing;   /* timing config of the model runs (NULL: hqsim's default) */
    const char *platform; /* platform config (NULL: the file's own; needed for files whose
                             platform is not a config file, such as rtl-bench) */
    const char *dataset;  /* dataset directory (NULL: default) */
    int check_hashes;     /* model (and platform) must have the file's SHA-256 */
} hq_measure_eval_opts;

/* Checks that the files the measurement names are at hand (hashes) and runs the model on
 * it; *rows (malloc'd) gets the model's rows, which must be the same commands. Returns 0, or
 * -1 with a message naming the measurement file. */
int hq_measure_model_rows(const char *path, const hq_measure_file *m, const hq_measure_eval_opts *o,
                          hq_measure_row **rows, char *err, size_t errlen);

/* Errors of model against measurement (relative: (model - measured) / measured). */
typedef struct {
    size_t n_layers;       /* distinct layer indices */
    double layer_mean_abs; /* over layers (each summed over the batches) */
    double layer_max_abs;
    double row_mean_abs, row_max_abs; /* over commands */
    double image_rel;                 /* total cycles per image */
    double measured_per_image, model_per_image;
    double sum_sq; /* sum over commands of the squared relative error (the fit's cost) */
} hq_measure_cmp;

/* Compares n rows of the same commands; layer_rel[] (may be NULL) gets the relative error
 * of each layer index 0..n_layers-1 (at most max_layers). */
void hq_measure_compare(const hq_measure_row *measured, const hq_measure_row *model, size_t n,
                        hq_measure_cmp *c, double *layer_rel, size_t max_layers);

#ifdef __cplusplus
}
#endif

#endif
