/* Reports of `hqsim compare` / `hqsim calibrate`: a text table of model vs measured cycles per
 * layer and per image, and a PNG bar chart of the relative errors (figure.h). */
#ifndef HQ_MEASURE_REPORT_H
#define HQ_MEASURE_REPORT_H

#include "measure.h"

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Per layer (summed over batches, divided by the images) and per image: measured cycles, the
 * model's with the first timing config (before) and, when after is not NULL, with the second;
 * relative errors in %. */
void hq_measure_table(FILE *f, const char *title, const hq_measure_row *measured,
                      const hq_measure_row *before, const hq_measure_row *after, size_t n);

/* One bar group per label: the relative error in % of before (and after, when not NULL).
 * Returns 0, or -1 with a message. */
int hq_measure_png(const char *path, const char *title, size_t n, const char *const *labels,
                   const double *before, const double *after, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
