/* Decoded weights as the PE arrays hold them: int16 planes padded to a multiple of 16 columns
 * (the operand format of the reference GEMM kernel, hq_ref_gemm_i16) plus each row's cost in
 * array cycles per activation vector (from its high-precision weights, see pe_array.h).
 * Built once per decode and kept in the weight cache. */
#ifndef HQ_ACCEL_PREPARED_WEIGHTS_H
#define HQ_ACCEL_PREPARED_WEIGHTS_H

#include "accel/weight_decoder.h"

#include <cstdint>
#include <vector>

namespace hq::accel {

class PeArray;

struct PreparedWeights {
    unsigned rows = 0, cols = 0, kp = 0; /* kp: cols rounded up to 16 */
    unsigned lo_bits = 0, hi_bits = 8;
    bool uniform() const { return lo_bits == 0; }
    std::vector<int16_t> lo, hi;    /* [rows][kp]; lo empty for a uniform layer */
    std::vector<uint8_t> lo_shift;  /* [rows] */
    unsigned nbeats = 0;            /* weight beats per row: ceil(cols / lanes) */
    std::vector<uint32_t> row_cost; /* [rows] busy cycles of the row per vector */
    uint64_t n_hi = 0, symbols = 0;
};

/* Widens d into p and computes the row costs with the array's timing rule. */
void prepare_weights(const DecodedWeights &d, const PeArray &array, PreparedWeights *p);

} // namespace hq::accel

#endif
