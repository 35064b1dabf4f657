/* Fashion-MNIST from the Debian package dataset-fashion-mnist (gzip IDX files). */
#ifndef HQ_DATASET_H
#define HQ_DATASET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int n;           /* number of images */
    int rows, cols;  /* 28 x 28 */
    uint8_t *images; /* n * rows * cols pixels, row-major, one image after another */
    uint8_t *labels; /* n labels in [0, 9] */
} hq_dataset;

typedef enum { HQ_SPLIT_TRAIN, HQ_SPLIT_TEST } hq_split;

/* Loads a split from dir (NULL = HQSIM_DATASET_DIR or the environment variable
 * HQSIM_DATASET_DIR). Returns 0, or -1 with a message naming the file, the problem and the
 * Debian package in err. */
int hq_dataset_load(hq_dataset *d, const char *dir, hq_split split, char *err, size_t errlen);
/* Loads one images/labels pair of IDX .gz files (for tests with small hand-made files). */
int hq_dataset_load_files(hq_dataset *d, const char *images_gz, const char *labels_gz, char *err,
                          size_t errlen);
void hq_dataset_free(hq_dataset *d);

#ifdef __cplusplus
}
#endif

#endif
