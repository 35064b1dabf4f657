/* End to end: the default MLP (784-256-128-10) trained on the first 20,000 training images for
 * 3 epochs with the default options must classify the whole 10,000-image test set far above
 * chance (10 %). The full-size targets are measured by benches/train. */
#include "dataset.h"
#include "train.h"

#include <omp.h>
#include <stdio.h>

#define MIN_ACCURACY 80.0 /* 3 epochs on 1/3 of the data; full training reaches ~89.5 % */

int main(void) {
    char err[512];
    hq_dataset train, test;
    if (hq_dataset_load(&train, NULL, HQ_SPLIT_TRAIN, err, sizeof err) ||
        hq_dataset_load(&test, NULL, HQ_SPLIT_TEST, err, sizeof err)) {
        printf("FAIL %s\n", err);
        return 1;
    }
    hq_model m;
    hq_train_opts o;
    hq_train_opts_default(&o, "mlp");
    o.limit = 20000;
    o.epochs = 3;
    o.verbose = 1;
    double t0 = omp_get_wtime();
    if (hq_model_init_mlp(&m, NULL, 0, 1.0f, o.seed, err, sizeof err) ||
        hq_train(&m, &train, &o, err, sizeof err)) {
        printf("FAIL %s\n", err);
        return 1;
    }
    int correct = hq_eval_float(&m, &test, 0, NULL);
    double acc = 100.0 * correct / test.n;
    printf("MLP, %d images x %d epochs: test accuracy %.2f %% (%d / %d), %.1f s\n", o.limit,
           o.epochs, acc, correct, test.n, omp_get_wtime() - t0);
    hq_model_free(&m);
    hq_dataset_free(&train);
    hq_dataset_free(&test);
    if (acc < MIN_ACCURACY) {
        printf("FAIL accuracy below %.1f %%\n", MIN_ACCURACY);
        return 1;
    }
    return 0;
}
