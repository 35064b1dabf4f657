#include "accel/output_unit.h"

#include "hq_arith.h"

#include <algorithm>
#include <cstring>

namespace hq::accel {

int decode_row_params(const uint8_t *b, unsigned rows, RowParams *out, unsigned *bad_row) {
    for (unsigned r = 0; r < rows; r++, b += 12) {
        auto u32 = [&](int o) {
            return (uint32_t)b[o] | (uint32_t)b[o + 1] << 8 | (uint32_t)b[o + 2] << 16 |
                   (uint32_t)b[o + 3] << 24;
        };
        out[r].bias = (int32_t)u32(0);
        out[r].rq_mult = (int32_t)u32(4);
        out[r].rq_shift = b[8];
        if (out[r].rq_mult < 0 || out[r].rq_shift > HQ_RQ_MAX_SHIFT || b[9] || b[10] || b[11]) {
            *bad_row = r;
            return -1;
        }
    }
    return 0;
}

namespace {

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
/* compiled for several x86-64 levels, picked at load time (as sw/lib/reference.c) */
#define HQ_OUTPUT_CLONES                                                                           \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HQ_OUTPUT_CLONES
#endif

/* hq_requant_clamp without its branch on shift (the rounding term is 0 for shift 0, as in
 * the reference's requant_rows), so the row loop vectorises; bit-identical. */
HQ_OUTPUT_CLONES
void requant_row_tile(const int32_t *acc, unsigned nr, const int32_t *bias, const int32_t *mult,
                      const int64_t *round, const uint8_t *shift, int lo, int hi, uint8_t *out) {
    for (unsigned i = 0; i < nr; i++) {
        const int32_t a = (int32_t)((uint32_t)acc[i] + (uint32_t)bias[i]);
        const int64_t p = ((int64_t)a * mult[i] + round[i]) >> shift[i];
        out[i] = (uint8_t)(p < lo ? lo : p > hi ? hi : p);
    }
}

} // namespace

void finish_accumulators(const int32_t *acc, unsigned n_vec, unsigned r0, unsigned nr,
                         unsigned rows, const RowParams *p, OutputMode mode, uint8_t *u8,
                         int32_t *i32) {
    if (mode.kind == OutputMode::Int32) {
        for (unsigned v = 0; v < n_vec; v++)
            for (unsigned i = 0; i < nr; i++)
                i32[(size_t)v * rows + r0 + i] =
                    (int32_t)((uint32_t)acc[(size_t)v * nr + i] + (uint32_t)p[r0 + i].bias);
        return;
    }
    const int lo = mode.kind == OutputMode::Signed ? -128 : 0,
              hi = mode.kind == OutputMode::Signed ? 127 : mode.clamp_hi;
    /* the row tile's parameters as arrays, once for all its vectors; in chunks on the stack
     * (a row tile is 16 rows by default: four heap vectors per tile cost more than the
     * arithmetic of a batch-1 tile) */
    constexpr unsigned kChunk = 256;
    int32_t bias[kChunk], mult[kChunk];
    int64_t round[kChunk];
    uint8_t shift[kChunk];
    for (unsigned i0 = 0; i0 < nr; i0 += kChunk) {
        const unsigned n = std::min(kChunk, nr - i0);
        for (unsigned i = 0; i < n; i++) {
            const RowParams &rp = p[r0 + i0 + i];
            bias[i] = rp.bias;
            mult[i] = rp.rq_mult;
            shift[i] = rp.rq_shift;
            round[i] = rp.rq_shift ? (int64_t)1 << (rp.rq_shift - 1) : 0;
        }
        for (unsigned v = 0; v < n_vec; v++)
            requant_row_tile(acc + (size_t)v * nr + i0, n, bias, mult, round, shift, lo, hi,
                             u8 + (size_t)v * rows + r0 + i0);
    }
}

void RequantTable::build(const RowParams *p, unsigned rows) {
    bias.resize(rows);
    mult.resize(rows);
    round.resize(rows);
    shift.resize(rows);
    for (unsigned r = 0; r < rows; r++) {
        bias[r] = p[r].bias;
        mult[r] = p[r].rq_mult;
        shift[r] = p[r].rq_shift;
        round[r] = p[r].rq_shift ? (int64_t)1 << (p[r].rq_shift - 1) : 0;
    }
}

void finish_accumulators(const int32_t *acc, unsigned n_vec, unsigned r0, unsigned nr,
                         unsigned rows, const RequantTable &t, OutputMode mode, uint8_t *u8,
                         int32_t *i32) {
    if (mode.kind == OutputMode::Int32) {
        for (unsigned v = 0; v < n_vec; v++)
            for (unsigned i = 0; i < nr; i++)
                i32[(size_t)v * rows + r0 + i] =
                    (int32_t)((uint32_t)acc[(size_t)v * nr + i] + (uint32_t)t.bias[r0 + i]);
        return;
    }
    const int lo = mode.kind == OutputMode::Signed ? -128 : 0,
              hi = mode.kind == OutputMode::Signed ? 127 : mode.clamp_hi;
    for (unsigned v = 0; v < n_vec; v++)
        requant_row_tile(acc + (size_t)v * nr, nr, t.bias.data() + r0, t.mult.data() + r0,
                         t.round.data() + r0, t.shift.data() + r0, lo, hi,
                         u8 + (size_t)v * rows + r0);
}

void add_partial_sums(const uint8_t *psum, unsigned n_vec, unsigned r0, unsigned nr, unsigned rows,
                      int32_t *acc) {
    for (unsigned v = 0; v < n_vec; v++)
        for (unsigned i = 0; i < nr; i++) {
            const uint8_t *b = psum + ((size_t)v * rows + r0 + i) * 4;
            const uint32_t p =
                (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
            int32_t &a = acc[(size_t)v * nr + i];
            a = (int32_t)((uint32_t)a + p);
        }
}

void store_partial_sums(const int32_t *acc, unsigned n_vec, unsigned r0, unsigned nr, unsigned rows,
                        int32_t *i32) {
    for (unsigned v = 0; v < n_vec; v++)
        for (unsigned i = 0; i < nr; i++)
            i32[(size_t)v * rows + r0 + i] = acc[(size_t)v * nr + i];
}

void maxpool_u8(const uint8_t *in, unsigned h, unsigned w, unsigned c, unsigned pool,
                uint8_t *out) {
    const unsigned oh = h / pool, ow = w / pool;
    for (unsigned y = 0; y < oh; y++)
        for (unsigned x = 0; x < ow; x++) {
            uint8_t *o = out + ((size_t)y * ow + x) * c;
            std::memset(o, 0, c); /* codes are >= 0 */
            for (unsigned dy = 0; dy < pool; dy++)
                for (unsigned dx = 0; dx < pool; dx++) {
                    const uint8_t *s = in + ((size_t)(y * pool + dy) * w + x * pool + dx) * c;
                    for (unsigned ch = 0; ch < c; ch++) /* channel-contiguous: vectorises */
                        o[ch] = std::max(o[ch], s[ch]);
                }
        }
}

} // namespace hq::accel
