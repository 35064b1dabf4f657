/* Writes the smallest float model of issue 11: one 784 -> 10 dense layer whose weights are
 * small except W[0][255] = 1 and W[1][10] = -0.5, so a policy that keeps the two largest
 * weights high (select=magnitude, struct=none, frac 2/7840) puts the next high weight of
 * row 0 exactly 255 columns past the cursor: the coo gap that was miscounted.
 * usage: make_gap_model OUT.hqm [GAP]   (GAP: column of row 0's high weight, default 255) */
#include "container.h"
#include "train.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: make_gap_model OUT.hqm [GAP]\n");
        return 2;
    }
    int gap = argc == 3 ? atoi(argv[2]) : 255;
    if (gap < 0 || gap >= 784) {
        fprintf(stderr, "make_gap_model: GAP must be 0..783\n");
        return 2;
    }
    hq_model m;
    char err[256];
    int none[1] = {0};
    if (hq_model_init_mlp(&m, none, 0, 1.0f, 1, err, sizeof err)) {
        fprintf(stderr, "make_gap_model: %s\n", err);
        return 1;
    }
    hq_layer *L = &m.layers[0];
    unsigned long long s = 88172645463325252ull; /* xorshift64: deterministic small weights */
    for (int i = 0; i < L->rows * L->cols; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        L->w[i] = (float)((double)(s % 20001) / 1e6 - 0.01); /* [-0.01, 0.01] */
    }
    L->w[gap] = 1.0f;
    L->w[L->cols + 10] = -0.5f;
    int rc = hq_model_save(&m, argv[1], err, sizeof err);
    if (rc) fprintf(stderr, "make_gap_model: %s\n", err);
    hq_model_free(&m);
    return rc ? 1 : 0;
}
