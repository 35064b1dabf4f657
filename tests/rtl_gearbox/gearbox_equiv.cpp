/* tests/rtl_gearbox: rtl/accel/hq_gearbox.v against its byte-loop reference (hq_gearbox_ref.v)
 * on random inputs (segment sizes, partial input words, clears, back-pressure on both sides):
 * every output equal at every cycle, and enough beats, segment ends and partial beats seen.
 * Built per (IB, OB) by CMakeLists.txt (GB_VHEADER, GB_VTOP, GB_IB, GB_OB).
 * usage: gearbox_equiv CYCLES SEED */
#include GB_VHEADER
#include <verilated.h>

#include "equiv_random.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char **argv) {
    long cycles = 0;
    if (!equiv_args(argc, argv, &cycles)) return 2;
    VerilatedContext ctx;
    GB_VTOP t{&ctx};
    long beats = 0, lasts = 0, partial = 0, words = 0, clears = 0;
    long left = 0;                                  /* cycles left in this episode */
    unsigned p_in = 100, p_out = 100, p_full = 100; /* percentages of the episode */
    for (long c = 0; c < cycles; c++) {
        t.clk = 0;
        t.clear = c == 0 || left == 0;
        if (t.clear) { /* a new episode: a segment size and the two sides' rates */
            static const unsigned rates[] = {100, 90, 50, 10};
            const unsigned kind = rnd(4);
            t.seg_bytes = kind == 0   ? 1 + rnd(GB_OB)
                          : kind == 1 ? GB_OB * (1 + rnd(4))
                          : kind == 2 ? 1 + rnd(4 * GB_OB + 7)
                                      : 1 + rnd(5000);
            p_in = rates[rnd(4)];
            p_out = rates[rnd(4)];
            p_full = rates[rnd(4)];
            left = 1 + rnd(3000);
            clears++;
        }
        left--;
        t.in_valid = chance(p_in);
        uint8_t bytes[sizeof t.in_data];
        for (uint8_t &b : bytes)
            b = (uint8_t)rnd(256);
        std::memcpy(&t.in_data, bytes, sizeof t.in_data);
        const unsigned lo = chance(p_full) ? 0 : rnd(GB_IB);
        t.in_lo = lo;
        t.in_n = chance(p_full) ? GB_IB - lo : rnd(GB_IB - lo + 1);
        t.out_ready = chance(p_out);
        t.eval();
        if (t.in_ready != t.ref_in_ready || t.out_valid != t.ref_out_valid ||
            t.out_last != t.ref_out_last ||
            std::memcmp(&t.out_data, &t.ref_out_data, sizeof t.out_data) != 0) {
            std::fprintf(stderr,
                         "cycle %ld: hq_gearbox differs from the reference (in_ready %d/%d, "
                         "out_valid %d/%d, out_last %d/%d, out_data %s)\n",
                         c, t.in_ready, t.ref_in_ready, t.out_valid, t.ref_out_valid, t.out_last,
                         t.ref_out_last,
                         std::memcmp(&t.out_data, &t.ref_out_data, sizeof t.out_data) ? "differs"
                                                                                      : "equal");
            return 1;
        }
        if (!t.clear && t.out_valid && t.out_ready) {
            beats++;
            lasts += t.out_last;
            partial += t.out_last && t.seg_bytes % GB_OB != 0;
        }
        words += !t.clear && t.in_valid && t.in_ready;
        t.clk = 1;
        t.eval();
    }
    t.final();
    std::printf("IB %d OB %d: %ld cycles equal: %ld input words, %ld beats, %ld segment ends "
                "(%ld partial), %ld clears\n",
                GB_IB, GB_OB, cycles, words, beats, lasts, partial, clears);
    if (beats < cycles / 20 || lasts < 100 || partial < 50 || clears < 20) {
        std::fprintf(stderr, "too little exercised\n");
        return 1;
    }
    return 0;
}
