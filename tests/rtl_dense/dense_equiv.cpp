/* tests/rtl_dense: rtl/accel/hq_dense_decoder.v against its reference (hq_dense_decoder_ref.v,
 * the decoder before its buffer became a ring of bus words and its slots a compaction network)
 * on random streams: every width (lo 0..4, hi 4 or 8), escape markers, rowgroup high rows,
 * restarts with skipped bits, row limits, partial input words, clears and back-pressure on both
 * sides. Every output equal at every cycle (the beat's data whenever it is offered: out_data
 * without out_valid is no beat, and the new decoder leaves stale bits there), and enough beats,
 * rows and high-weight blocks seen. The first word after a restart that skips bits has at
 * least one byte, as from the read engine (hq_axi_rd sends no empty word): an empty one
 * underflows both decoders' fill.
 * Built per shape by CMakeLists.txt (DD_VHEADER, DD_VTOP, DD_IB).
 * usage: dense_equiv CYCLES SEED */
#include DD_VHEADER
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
    DD_VTOP t{&ctx};
    long beats = 0, rows = 0, words = 0, clears = 0, restarts = 0, bads = 0, wide = 0;
    long left = 0; /* cycles left in this episode */
    unsigned p_in = 100, p_out = 100, p_full = 100, p_zero = 0;
    bool skip_pending = false; /* a restart's skipped bits wait for the next word */
    for (long c = 0; c < cycles; c++) {
        t.clk = 0;
        t.clear = c == 0 || left == 0;
        t.restart = 0;
        if (t.clear) { /* a new episode: a layer's widths, K and the two sides' rates */
            static const unsigned rates[] = {100, 90, 50, 10};
            t.lo = rnd(5);
            t.hi = chance(50) ? 8 : 4;
            t.cols = chance(30) ? 1 + rnd(70) : 1 + rnd(600);
            t.markers = chance(25);
            t.hi_row = t.lo != 0 && chance(30);
            t.row_lim = chance(70) ? 0xFFFF : rnd(20);
            p_in = rates[rnd(4)];
            p_out = rates[rnd(4)];
            p_full = rates[rnd(4)];
            p_zero = rnd(4) * 30; /* share of zero bytes: few to many high weights */
            left = 1 + rnd(3000);
            clears++;
        } else if (chance(1)) { /* rowgroup: a new run of rows from another stream */
            t.restart = 1;
            t.skip = rnd(8);
            skip_pending = t.skip != 0;
            t.hi_row = t.lo != 0 && chance(50);
            t.row_lim = chance(50) ? 0xFFFF : rnd(40);
            restarts++;
        }
        left--;
        t.lo_shift = rnd(8);
        t.in_valid = chance(p_in);
        uint8_t bytes[sizeof t.in_data];
        for (uint8_t &b : bytes)
            b = chance(p_zero) ? 0 : (uint8_t)rnd(256);
        std::memcpy(&t.in_data, bytes, sizeof t.in_data);
        const unsigned lo = chance(p_full) ? 0 : rnd(DD_IB);
        t.in_lo = lo;
        t.in_n = chance(p_full) ? DD_IB - lo : rnd(DD_IB - lo + 1);
        if (skip_pending && t.in_n == 0) t.in_n = 1;
        t.out_ready = chance(p_out);
        t.eval();
        const bool data_eq =
            !t.ref_out_valid || std::memcmp(&t.out_data, &t.ref_out_data, sizeof t.out_data) == 0;
        if (t.in_ready != t.ref_in_ready || t.out_valid != t.ref_out_valid ||
            t.out_last != t.ref_out_last || t.bad != t.ref_bad || t.row != t.ref_row || !data_eq) {
            std::fprintf(stderr,
                         "cycle %ld: hq_dense_decoder differs from the reference (in_ready "
                         "%d/%d, out_valid %d/%d, out_last %d/%d, bad %d/%d, row %d/%d, "
                         "out_data %s; lo %d hi %d markers %d hi_row %d)\n",
                         c, t.in_ready, t.ref_in_ready, t.out_valid, t.ref_out_valid, t.out_last,
                         t.ref_out_last, t.bad, t.ref_bad, t.row, t.ref_row,
                         data_eq ? "equal" : "differs", t.lo, t.hi, t.markers, t.hi_row);
            return 1;
        }
        if (!t.clear && !t.restart && t.out_valid && t.out_ready) {
            beats++;
            rows += t.out_last;
            wide += (t.lo == 0 || t.hi_row) && p_zero == 0;
        }
        bads += t.bad && !t.clear;
        const bool word_in = !t.clear && !t.restart && t.in_valid && t.in_ready;
        words += word_in;
        if (t.clear || word_in) skip_pending = false;
        t.clk = 1;
        t.eval();
    }
    t.final();
    std::printf("%ld cycles equal: %ld input words, %ld beats (%ld of all-high fields), %ld rows, "
                "%ld clears, %ld restarts, %ld cycles with bad set\n",
                cycles, words, beats, wide, rows, clears, restarts, bads);
    if (beats < cycles / 20 || rows < 100 || wide < 100 || clears < 20 || restarts < 20 ||
        bads == 0) {
        std::fprintf(stderr, "too little exercised\n");
        return 1;
    }
    return 0;
}
