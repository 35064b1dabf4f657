/* tests/rtl_escape: rtl/accel/hq_escape_decoder.v against its reference
 * (hq_escape_decoder_ref.v, the decoder before its window became a ring of section words) on
 * random beats and value sections: 4- and 8-bit values (zeros and -2^(hi-1)
 * among them), few to all-marker blocks, sections that run out, back-pressure on both sides.
 * Every output equal at every cycle, and enough beats, filled slots and errors seen.
 * Built per shape by CMakeLists.txt (ES_VHEADER, ES_VTOP, ES_LANES, ES_M, ES_LO).
 * usage: escape_equiv CYCLES SEED */
#include ES_VHEADER
#include <verilated.h>

#include "equiv_random.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

/* bytes per block of the beat: M codes of LO bits and N = M values of 8 bits */
constexpr unsigned kBlockBytes = (ES_M * ES_LO + ES_M * 8 + 7) / 8;

void set_bits(uint8_t *bytes, unsigned pos, unsigned width, unsigned value) {
    for (unsigned k = 0; k < width; k++) {
        const unsigned bit = pos + k;
        bytes[bit / 8] =
            (uint8_t)((bytes[bit / 8] & ~(1u << (bit % 8))) | (((value >> k) & 1u) << (bit % 8)));
    }
}

} // namespace

int main(int argc, char **argv) {
    long cycles = 0;
    if (!equiv_args(argc, argv, &cycles)) return 2;
    VerilatedContext ctx;
    ES_VTOP t{&ctx};
    std::vector<uint32_t> mem(4096);
    long beats = 0, filled = 0, clears = 0, bads = 0;
    long left = 0;
    unsigned p_in = 100, p_out = 100, p_marker = 10, p_zero = 0;
    bool pend = false;
    uint32_t pend_addr = 0;
    for (long c = 0; c < cycles; c++) {
        t.clk = 0;
        t.clear = c == 0 || left == 0;
        if (t.clear) { /* a new layer: its value section and the rates */
            static const unsigned rates[] = {100, 90, 50, 10};
            t.hi = chance(50) ? 8 : 4;
            t.vbytes = chance(70) ? 4 * (unsigned)mem.size() : rnd(4 * (unsigned)mem.size());
            p_zero = chance(70) ? 0 : 1 + rnd(3);
            for (uint32_t &w : mem) {
                w = 0;
                for (unsigned k = 0; k < 8; k++) { /* nonzero nibbles unless p_zero */
                    unsigned nib = 1 + rnd(15);
                    if (rnd(1000) < p_zero) nib = chance(50) ? 0 : 8;
                    w |= nib << (4 * k);
                }
            }
            p_in = rates[rnd(4)];
            p_out = rates[rnd(4)];
            p_marker = chance(20) ? 100 : rnd(4) * 15;
            left = 1 + rnd(2000);
            pend = false;
            clears++;
        }
        left--;
        t.rd_data = pend ? mem[pend_addr % mem.size()] : (uint32_t)rnd(0xFFFFFFFFu);
        t.in_valid = chance(p_in);
        t.in_last = chance(20);
        uint8_t bytes[sizeof t.in_data];
        for (uint8_t &b : bytes)
            b = (uint8_t)rnd(256);
        for (unsigned lane = 0; lane < ES_LANES; lane++) { /* markers or other low codes */
            const unsigned code = chance(p_marker) ? 1u << (ES_LO - 1) : rnd(1u << (ES_LO - 1));
            set_bits(bytes, (lane / ES_M) * kBlockBytes * 8 + (lane % ES_M) * ES_LO, ES_LO, code);
        }
        std::memcpy(&t.in_data, bytes, sizeof t.in_data);
        t.out_ready = chance(p_out);
        t.eval();
        const bool data_eq = std::memcmp(&t.out_data, &t.ref_out_data, sizeof t.out_data) == 0;
        if (t.rd_en != t.ref_rd_en || t.rd_addr != t.ref_rd_addr || t.in_ready != t.ref_in_ready ||
            t.out_valid != t.ref_out_valid || t.out_last != t.ref_out_last || t.bad != t.ref_bad ||
            !data_eq) {
            std::fprintf(stderr,
                         "cycle %ld: hq_escape_decoder differs from the reference (rd_en %d/%d, "
                         "rd_addr %u/%u, in_ready %d/%d, out_valid %d/%d, out_last %d/%d, "
                         "bad %d/%d, out_data %s; hi %d)\n",
                         c, t.rd_en, t.ref_rd_en, t.rd_addr, t.ref_rd_addr, t.in_ready,
                         t.ref_in_ready, t.out_valid, t.ref_out_valid, t.out_last, t.ref_out_last,
                         t.bad, t.ref_bad, data_eq ? "equal" : "differs", t.hi);
            return 1;
        }
        if (!t.clear && t.out_valid && t.out_ready) {
            beats++;
            filled += p_marker > 0;
        }
        bads += t.bad && !t.clear;
        pend = !t.clear && t.rd_en;
        pend_addr = t.rd_addr;
        t.clk = 1;
        t.eval();
    }
    t.final();
    std::printf("%ld cycles equal: %ld beats (%ld with markers), %ld clears, %ld cycles with bad "
                "set\n",
                cycles, beats, filled, clears, bads);
    if (beats < cycles / 50 || filled < beats / 2 || clears < 20 || bads == 0 ||
        bads > cycles * 9 / 10) {
        std::fprintf(stderr, "too little exercised\n");
        return 1;
    }
    return 0;
}
