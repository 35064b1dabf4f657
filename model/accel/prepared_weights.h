/* Decoded weights as the PE arrays hold them: one plane of int8 effective weights padded to a
 * multiple of kPeGemmPad columns (the operand format of pe_gemm.h; the decoders refuse a
 * lo_shift that would take a low weight outside int8), the high flags for the RTL tile, plus
 * each row's cost in array cycles per activation vector (from its high-precision weights, see
 * pe_array.h). Built once per decode and kept in the weight cache. */
#ifndef HQ_ACCEL_PREPARED_WEIGHTS_H
#define HQ_ACCEL_PREPARED_WEIGHTS_H

#include "accel/weight_decoder.h"

#include <cstdint>
#include <vector>

namespace hq::accel {

class PeArray;

struct PreparedWeights {
    unsigned rows = 0, cols = 0, kp = 0; /* kp: cols rounded up to kPeGemmPad */
    unsigned lo_bits = 0, hi_bits = 8;
    bool uniform() const { return lo_bits == 0; }
    std::vector<int8_t> w;          /* [rows][kp] effective weights: c << lo_shift or high */
    std::vector<uint8_t> is_hi;     /* [rows][cols] 1 = high; empty for a uniform layer */
    std::vector<uint8_t> lo_shift;  /* [rows] */
    unsigned nbeats = 0;            /* weight beats per row: ceil(cols / lanes) */
    std::vector<uint32_t> row_cost; /* [rows] busy cycles of the row per vector */
    uint64_t n_hi = 0, symbols = 0;
};

/* Widens d into p and computes the row costs with the array's timing rule. */
void prepare_weights(const DecodedWeights &d, const PeArray &array, PreparedWeights *p);

} // namespace hq::accel

#endif
