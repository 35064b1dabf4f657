/* `block` layout (docs/layouts.md): each row is ceil(K/M) fixed-size blocks of M weights with
 * at most N high-precision slots. lo >= 2: the marker code flags a high weight and the slots
 * hold the values in position order; lo = 1: each slot carries its own position.
 * One symbol = one block (the decompressor emits a block per step). */
#include "accel/bit_reader.h"
#include "accel/weight_decoder.h"

namespace hq::accel {

static std::string where(unsigned r, unsigned b)
{
    return "block " + std::to_string(b) + " of row " + std::to_string(r);
}

std::string decode_block(const WeightFormat &f, const uint8_t *bytes, size_t n, DecodedWeights *out)
{
    const unsigned lo = f.lo_bits, hi = f.hi_bits, N = f.block_n, M = f.block_m;
    if (lo < 1 || lo > 4)
        return "block layout needs low bits 1..4, got " + std::to_string(lo);
    if (M < 2 || M > 255 || N < 1 || N > M)
        return "block layout needs 1 <= N <= M, 2 <= M <= 255 (got N=" + std::to_string(N) +
               ", M=" + std::to_string(M) + ")";
    const size_t bb = block_bytes(lo, hi, N, M);
    const unsigned nblk = (f.cols + M - 1) / M;
    const size_t want = (size_t)f.rows * nblk * bb;
    if (n != want)
        return "block weight stream is " + std::to_string(n) + " bytes, expected " +
               std::to_string(want) + " (" + std::to_string(f.rows) + " rows x " +
               std::to_string(nblk) + " blocks x " + std::to_string(bb) + " bytes)";
    const int hi_lim = (1 << (hi - 1)) - 1;
    const int marker = -(1 << (lo - 1));
    unsigned pbits = 0;
    while ((1u << pbits) < M)
        pbits++;
    for (unsigned r = 0; r < f.rows; r++) {
        for (unsigned b = 0; b < nblk; b++) {
            const uint8_t *blk = bytes + ((size_t)r * nblk + b) * bb;
            const size_t base = (size_t)r * f.cols + (size_t)b * M;
            const unsigned valid = b + 1 < nblk ? M : f.cols - b * M;
            auto put_hi = [&](unsigned j, int v) -> std::string {
                if (v < -hi_lim || v > hi_lim)
                    return where(r, b) + ": high value " + std::to_string(v) +
                           " is outside the int" + std::to_string(hi) + " grid";
                if (j < valid) {
                    out->hi[base + j] = (int8_t)v;
                    out->lo[base + j] = 0;
                    out->is_hi[base + j] = 1;
                }
                return "";
            };
            if (lo >= 2) {
                unsigned slot = 0;
                for (unsigned j = 0; j < M; j++) {
                    int c = read_signed_bits(blk, (size_t)j * lo, lo);
                    if (c == marker) {
                        if (slot >= N)
                            return where(r, b) + ": more than N=" + std::to_string(N) +
                                   " high-precision markers";
                        int v = read_signed_bits(blk, (size_t)M * lo + (size_t)slot * hi, hi);
                        slot++;
                        std::string e = put_hi(j, v);
                        if (!e.empty())
                            return e;
                    } else if (j < valid) {
                        out->lo[base + j] = (int8_t)c;
                    }
                }
            } else {
                for (unsigned j = 0; j < valid; j++)
                    out->lo[base + j] = read_bits(blk, j, 1) ? 1 : -1;
                uint64_t used[4] = {0, 0, 0, 0}; /* positions < M <= 255 */
                for (unsigned s = 0; s < N; s++) {
                    size_t at = (size_t)M + (size_t)s * (pbits + hi);
                    unsigned pos = read_bits(blk, at, pbits);
                    int v = read_signed_bits(blk, at + pbits, hi);
                    if (v == 0)
                        continue; /* unused slot */
                    if (pos >= M)
                        return where(r, b) + ": slot position " + std::to_string(pos) +
                               " is outside the block of M=" + std::to_string(M);
                    if (used[pos / 64] >> (pos % 64) & 1)
                        return where(r, b) + ": two slots name position " + std::to_string(pos);
                    used[pos / 64] |= 1ull << (pos % 64);
                    std::string e = put_hi(pos, v);
                    if (!e.empty())
                        return e;
                }
            }
        }
    }
    for (size_t i = 0; i < out->is_hi.size(); i++)
        out->n_hi += out->is_hi[i];
    out->n_lo = out->is_hi.size() - out->n_hi;
    out->symbols = (uint64_t)f.rows * nblk;
    return "";
}

} // namespace hq::accel
