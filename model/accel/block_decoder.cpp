/* `block` (docs/layouts.md): each row is ceil(K/M) fixed-size blocks of M weights with N
 * high-value slots. lo >= 2: the marker code flags a high weight and the slots hold the values
 * in position order (unused slots must be 0); lo = 1: each slot carries a P-bit position and a
 * value, 0 = unused. One symbol = one block (the decompressor emits a block per step). */
#include "accel/bit_reader.h"
#include "accel/layout_registry.h"
#include "accel/weight_decoder.h"

#include <algorithm>

namespace hq::accel {

static unsigned position_bits(unsigned m) {
    unsigned p = 0;
    while ((1u << p) < m)
        p++;
    return p;
}

static std::string at(unsigned r, unsigned b) {
    return "row " + std::to_string(r) + " block " + std::to_string(b);
}

static std::string decode_block(const ImageHeader &h, const uint8_t *img, DecodedWeights *out) {
    const unsigned lo = h.lo, hi = h.hi, N = h.n, M = h.m;
    if (!lo || M < 2 || N > M)
        return "block: header lo=" + std::to_string(lo) + " N=" + std::to_string(N) +
               " M=" + std::to_string(M) + " invalid (lo >= 1, 2 <= M, N <= M)";
    const unsigned P = position_bits(M), nblk = (h.cols + M - 1) / M;
    const size_t block_bits =
        lo == 1 ? (size_t)M + (size_t)N * (P + hi) : (size_t)M * lo + (size_t)N * hi;
    const size_t bb = (block_bits + 7) / 8;
    std::string err;
    if (!image_section(h.payload, 8 * bb * nblk * h.rows, h.total, "block payload", &err))
        return err;
    const int qmax = (1 << (hi - 1)) - 1;
    std::vector<uint8_t> taken(M);
    for (unsigned r = 0; r < h.rows; r++)
        for (unsigned b = 0; b < nblk; b++) {
            const uint8_t *blk = img + h.payload + ((size_t)r * nblk + b) * bb;
            const unsigned base = b * M; /* first column */
            const unsigned valid = std::min<unsigned>(M, h.cols - b * M);
            if (lo >= 2) {
                unsigned slot = 0;
                for (unsigned j = 0; j < valid; j++) {
                    uint32_t pat = read_bits(blk, (size_t)j * lo, lo);
                    if (pat != marker_pattern(lo)) {
                        out->set_low(r, base + j, low_code(pat, lo));
                        continue;
                    }
                    if (slot == N)
                        return "block: " + at(r, b) + " marks more than N=" + std::to_string(N) +
                               " weights";
                    int v = read_signed_bits(blk, (size_t)M * lo + (size_t)slot * hi, hi);
                    if (v == 0 || v < -qmax)
                        return "block: " + at(r, b) + " slot " + std::to_string(slot) + " value " +
                               std::to_string(v) + " invalid";
                    out->set_high(r, base + j, v);
                    slot++;
                }
                for (unsigned s = slot; s < N; s++)
                    if (read_bits(blk, (size_t)M * lo + (size_t)s * hi, hi))
                        return "block: " + at(r, b) + " unused slot " + std::to_string(s) +
                               " is not 0";
            } else {
                for (unsigned j = 0; j < valid; j++)
                    out->set_low(r, base + j, low_code(read_bits(blk, j, 1), 1));
                std::fill(taken.begin(), taken.end(), 0);
                for (unsigned s = 0; s < N; s++) {
                    size_t sp = (size_t)M + (size_t)s * (P + hi);
                    unsigned j = read_bits(blk, sp, P);
                    int v = read_signed_bits(blk, sp + P, hi);
                    if (v == 0) continue; /* unused slot */
                    if (j >= valid || v < -qmax || taken[j])
                        return "block: " + at(r, b) + " slot " + std::to_string(s) + ": position " +
                               std::to_string(j) + " / value " + std::to_string(v) + " invalid";
                    taken[j] = 1;
                    out->set_high(r, base + j, v);
                }
            }
        }
    out->symbols = (uint64_t)h.rows * nblk;
    return "";
}

const LayoutDecoder kLayoutDecoder_BLOCK{HQ_ACCEL_LAYOUT_BLOCK, "block", "block", decode_block};

} // namespace hq::accel
