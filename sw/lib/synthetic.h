/* Deterministic synthetic inputs for models without a dataset (`hqsim run --synthetic-inputs`,
 * `hqsim eval --synthetic-inputs`, the workload zoo): no accuracy, but every image still goes
 * through the reference and the simulated accelerator and is compared bit for bit. */
#ifndef HQ_SYNTHETIC_H
#define HQ_SYNTHETIC_H

#include "dataset.h"
#include "hq_model.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fills d with n images of m's input shape (uint8 HWC; rows = h, cols = w * c, so rows * cols
 * is the element count) and labels HQ_SYNTHETIC_LABEL. Image i depends only on (i, its size):
 * smooth gradients plus xorshift noise, so the first layers see structured, nonzero input.
 * Returns 0, or -1 with a message (out of memory). Free with hq_dataset_free. */
int hq_synthetic_inputs(hq_dataset *d, const hq_model *m, int n, char *err, size_t errlen);

#define HQ_SYNTHETIC_LABEL 255 /* no class: accuracy is not defined on synthetic inputs */

#ifdef __cplusplus
}
#endif

#endif
