/* Fuzz target `policy`: quantization policy specs (sw/lib/quant/policy.c). A spec that parses
 * must resolve for any model size, and its canonical text must parse back to itself. */
#include "fuzz_outcome.h"
#include "quant/policy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_canonical(const hq_layer_policy *lp) {
    char text[256], again[256], err[512];
    hq_policy p2;
    hq_layer_policy_format(lp, text, sizeof text);
    if (hq_policy_parse(&p2, text, err, sizeof err))
        abort(); /* the canonical text of a valid policy must be valid */
    hq_layer_policy_format(&p2.base, again, sizeof again);
    if (strcmp(text, again)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *spec = malloc(size + 1);
    if (!spec) return 0;
    memcpy(spec, data, size);
    spec[size] = 0;
    hq_policy p;
    char err[512];
    hq_fuzz_accepted = hq_policy_parse(&p, spec, err, sizeof err) == 0;
    if (hq_fuzz_accepted) {
        for (int n = 1; n <= 12; n++) {
            int ok = hq_policy_check_layers(&p, n, err, sizeof err) == 0;
            (void)hq_policy_needs_saliency(&p, n);
            for (int i = 0; ok && i < n; i++) {
                hq_layer_policy lp = hq_policy_for_layer(&p, i, n);
                check_canonical(&lp);
            }
        }
    } else if (!err[0]) {
        abort(); /* a refusal always says why */
    }
    free(spec);
    return 0;
}
