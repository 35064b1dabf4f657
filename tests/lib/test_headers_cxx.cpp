// Every C library header included by C++ with no extern "C" around it (issue 12): the
// include list is generated from sw/lib, and calls into several headers link only when the
// headers declare C linkage themselves.
#include "hq_lib_all_headers.h"

#include <cstdio>
#include <cstring>

int main() {
    int fail = 0;
    char err[128];
    if (hq_errf(err, sizeof err, "x=%d", 3) != -1 || std::strcmp(err, "x=3") != 0) {
        std::printf("FAIL: hq_errf gave '%s'\n", err);
        fail = 1;
    }
    hq_layout_kind k;
    if (hq_layout_parse("coo", &k, err, sizeof err) != 0 ||
        std::strcmp(hq_layout_name(k), "coo") != 0) {
        std::printf("FAIL: hq_layout_parse/hq_layout_name round trip of coo\n");
        fail = 1;
    }
    hq_policy pol;
    if (hq_policy_parse(&pol, "uniform8", err, sizeof err) != 0) {
        std::printf("FAIL: hq_policy_parse(uniform8): %s\n", err);
        fail = 1;
    }
    nn_rng a, b;
    nn_rng_seed(&a, 7);
    nn_rng_seed(&b, 7);
    if (nn_rng_next(&a) != nn_rng_next(&b)) {
        std::printf("FAIL: nn_rng is not deterministic\n");
        fail = 1;
    }
    hq_calib_opts co;
    hq_calib_opts_default(&co);
    hq_dataset d;
    std::memset(&d, 0, sizeof d);
    hq_dataset_free(&d);
    if (!fail) std::printf("ok: C library headers used from C++ directly\n");
    return fail;
}
