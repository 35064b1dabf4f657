/* Gives layer L of a quantized model the output scale S (and its readers the same input scale)
 * without touching the integer parameters: a ReLU6 layer then clamps at a code of 6.0 below
 * 255 (docs/arith.md section 7a), which PTQ never produces (it clips ReLU6 at 6.0).
 * usage: set_act_scale IN.hqm LAYER SCALE OUT.hqm */
#include "container.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: set_act_scale IN.hqm LAYER SCALE OUT.hqm\n");
        return 2;
    }
    static hq_model m;
    char err[256];
    if (hq_model_load(&m, argv[1], err, sizeof err)) {
        fprintf(stderr, "set_act_scale: %s\n", err);
        return 1;
    }
    const int li = atoi(argv[2]);
    const float s = strtof(argv[3], NULL);
    if (li < 0 || li >= m.n_layers - 1 || !(s > 0)) {
        fprintf(stderr, "set_act_scale: LAYER must be a hidden layer, SCALE > 0\n");
        hq_container_free_model(&m);
        return 2;
    }
    m.layers[li].out_act_scale = s;
    for (int i = li + 1; i < m.n_layers; i++)
        if (hq_layer_src(&m, i) == li) m.layers[i].in_act_scale = s;
    int rc = hq_model_save(&m, argv[4], err, sizeof err);
    if (rc) fprintf(stderr, "set_act_scale: %s\n", err);
    hq_container_free_model(&m);
    return rc ? 1 : 0;
}
