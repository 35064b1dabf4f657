/* `dense` layout: int8 row-major [rows][cols], one weight per byte, every weight on the high
 * grid (the uniform int8 baseline). One symbol = one weight. */
#include "accel/weight_decoder.h"

namespace hq::accel {

std::string decode_dense(const WeightFormat &f, const uint8_t *bytes, size_t n, DecodedWeights *out)
{
    size_t count = (size_t)f.rows * f.cols;
    if (n != count)
        return "dense weight stream is " + std::to_string(n) + " bytes, expected rows*cols = " +
               std::to_string(count);
    int lim = (1 << (f.hi_bits - 1)) - 1;
    for (size_t i = 0; i < count; i++) {
        int v = (int8_t)bytes[i];
        if (v < -lim || v > lim)
            return "dense weight " + std::to_string(i) + " = " + std::to_string(v) +
                   " is outside the int" + std::to_string(f.hi_bits) + " grid";
        out->hi[i] = (int8_t)v;
        out->is_hi[i] = 1;
    }
    out->n_hi = count;
    out->symbols = count;
    return "";
}

} // namespace hq::accel
