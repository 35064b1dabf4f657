#include "accel/output_unit.h"

#include "hq_arith.h"

#include <algorithm>

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

void finish_accumulators(const int32_t *acc, unsigned n_vec, unsigned r0, unsigned nr,
                         unsigned rows, const RowParams *p, OutputMode mode, uint8_t *u8,
                         int32_t *i32) {
    const int lo = mode.kind == OutputMode::Signed ? -128 : 0,
              hi = mode.kind == OutputMode::Signed ? 127 : mode.clamp_hi;
    for (unsigned v = 0; v < n_vec; v++)
        for (unsigned i = 0; i < nr; i++) {
            const RowParams &rp = p[r0 + i];
            int32_t a = (int32_t)((uint32_t)acc[(size_t)v * nr + i] + (uint32_t)rp.bias);
            size_t o = (size_t)v * rows + r0 + i;
            if (mode.kind == OutputMode::Int32)
                i32[o] = a;
            else
                u8[o] = (uint8_t)hq_requant_clamp(a, rp.rq_mult, rp.rq_shift, lo, hi);
        }
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
        for (unsigned x = 0; x < ow; x++)
            for (unsigned ch = 0; ch < c; ch++) {
                uint8_t m = 0;
                for (unsigned dy = 0; dy < pool; dy++)
                    for (unsigned dx = 0; dx < pool; dx++)
                        m = std::max(m, in[((size_t)(y * pool + dy) * w + x * pool + dx) * c + ch]);
                out[((size_t)y * ow + x) * c + ch] = m;
            }
}

} // namespace hq::accel
