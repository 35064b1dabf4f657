#include "accel/weight_decoder.h"

#include "accel/hq_accel_regmap.h"

namespace hq::accel {

size_t block_bytes(unsigned lo, unsigned hi, unsigned n, unsigned m)
{
    if (lo == 1) {
        unsigned p = 0;
        while ((1u << p) < m)
            p++;
        return (m + n * (p + hi) + 7) / 8;
    }
    return (m * lo + n * hi + 7) / 8;
}

size_t expected_weight_bytes(const WeightFormat &f)
{
    switch (f.layout) {
    case HQ_ACCEL_LAYOUT_DENSE:
        return (size_t)f.rows * f.cols;
    case HQ_ACCEL_LAYOUT_BLOCK:
        if (!f.block_m)
            return 0;
        return (size_t)f.rows * ((f.cols + f.block_m - 1) / f.block_m) *
               block_bytes(f.lo_bits, f.hi_bits, f.block_n, f.block_m);
    default:
        return 0;
    }
}

size_t row_stride_bytes(const WeightFormat &f)
{
    if (f.layout != HQ_ACCEL_LAYOUT_DENSE && f.layout != HQ_ACCEL_LAYOUT_BLOCK)
        return 0;
    return f.rows ? expected_weight_bytes(f) / f.rows : 0;
}

std::string decode_weights(const WeightFormat &f, const uint8_t *bytes, size_t n,
                           DecodedWeights *out)
{
    if (!f.rows || !f.cols)
        return "weight matrix has no rows or columns";
    if (f.hi_bits != 4 && f.hi_bits != 8)
        return "high bit-width must be 4 or 8, got " + std::to_string(f.hi_bits);
    out->rows = f.rows;
    out->cols = f.cols;
    size_t count = (size_t)f.rows * f.cols;
    out->lo.assign(count, 0);
    out->hi.assign(count, 0);
    out->is_hi.assign(count, 0);
    out->n_hi = out->n_lo = out->symbols = 0;
    switch (f.layout) {
    case HQ_ACCEL_LAYOUT_DENSE:
        return decode_dense(f, bytes, n, out);
    case HQ_ACCEL_LAYOUT_BLOCK:
        return decode_block(f, bytes, n, out);
    default:
        return std::string("no decompressor for layout ") + std::to_string(f.layout) +
               " in this model yet";
    }
}

} // namespace hq::accel
