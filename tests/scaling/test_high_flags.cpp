/* HighFlagStore (sw/app/high_flags.h, issue 16): a layer's high flags to bits and back are
 * the same flags, the bytes are freed while stashed, a uniform layer (no flags) is left
 * alone, and drop frees both forms. */
#include "high_flags.h"

extern "C" {
#include "container.h"
}

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const char *what) {
    if (!ok) {
        std::printf("FAIL: %s\n", what);
        failures++;
    }
}

} // namespace

/* SystemC's main calls it (hqapp links libsystemc) */
extern "C" int sc_main(int, char **) {
    hq_model m;
    std::memset(&m, 0, sizeof m);
    m.n_layers = 2;
    const int rows[2] = {7, 3}, cols[2] = {131, 64}; /* 917 flags: not a multiple of 64 */
    std::mt19937 rng(7);
    std::vector<uint8_t> want;
    for (int i = 0; i < 2; i++) {
        hq_layer &L = m.layers[i];
        L.kind = HQ_LAYER_DENSE;
        L.rows = rows[i];
        L.cols = cols[i];
        L.q = hq_qlayer_alloc(&L, i == 0 ? 2 : 0, 8); /* layer 1 uniform: no flags */
        if (!L.q) return 2;
    }
    const size_t n = (size_t)rows[0] * cols[0];
    for (size_t k = 0; k < n; k++)
        want.push_back(m.layers[0].q->is_hi[k] = (uint8_t)(rng() % 5 == 0));
    check(m.layers[1].q->is_hi == nullptr, "a uniform layer has no flags");

    hq::accel::HighFlagStore s(&m);
    s.stash_all();
    check(m.layers[0].q->is_hi == nullptr, "stashed: the bytes are freed");
    check(s.bit_bytes() == (n + 63) / 64 * 8, "stashed: a bit per weight");
    check(s.restore(1), "restore of a layer without flags");
    check(m.layers[1].q->is_hi == nullptr, "a uniform layer stays without flags");
    check(s.restore(0) && m.layers[0].q->is_hi, "restored");
    check(std::memcmp(m.layers[0].q->is_hi, want.data(), n) == 0, "the same flags back");
    check(s.restore(0), "a second restore keeps the bytes");
    s.stash(0);
    check(s.restore(0) && std::memcmp(m.layers[0].q->is_hi, want.data(), n) == 0,
          "stashed again, the same flags back");
    s.drop(0);
    check(m.layers[0].q->is_hi == nullptr && s.bit_bytes() == 0, "dropped: bytes and bits");
    check(s.restore(0) && m.layers[0].q->is_hi == nullptr, "nothing to restore after drop");
    hq_container_free_model(&m);
    if (failures) return 1;
    std::printf("test_high_flags: ok\n");
    return 0;
}
