/* The accumulate / requantize / ReLU unit (docs/arith.md, include/hq/hq_arith.h) and the
 * max-pooling stage of the output path. */
#ifndef HQ_ACCEL_OUTPUT_UNIT_H
#define HQ_ACCEL_OUTPUT_UNIT_H

#include <cstdint>
#include <vector>

namespace hq::accel {

/* One layer's per-row parameters as read from PARAM_ADDR (12 bytes each in memory). */
struct RowParams {
    int32_t bias, rq_mult;
    uint8_t rq_shift;
};
/* Decodes `rows` records; returns -1 (and the bad row in *bad_row) when a field is outside the
 * contract (rq_mult < 0, rq_shift > 62) or a reserved byte is not 0. */
int decode_row_params(const uint8_t *bytes, unsigned rows, RowParams *out, unsigned *bad_row);

/* What the output unit makes of an accumulator (docs/arith.md, sections 6 and 7b). */
struct OutputMode {
    enum Kind { Int32, Relu, Signed } kind = Int32;
    int clamp_hi = 255; /* Relu: the upper clamp (CLAMP_HI, ReLU6's q6) */
};

/* acc[v][i] for rows [r0, r0+nr): add the bias, then requantize into u8[v * rows + r0 + i]
 * (Relu: clamp [0, clamp_hi]; Signed: clamp [-128, 127], the two's complement byte) or
 * (Int32, the logits) store int32 into i32[v * rows + r0 + i]. */
void finish_accumulators(const int32_t *acc, unsigned n_vec, unsigned r0, unsigned nr,
                         unsigned rows, const RowParams *p, OutputMode mode, uint8_t *u8,
                         int32_t *i32);

/* A layer's row parameters as the requantizer's operand arrays (bias, multiplier, rounding
 * term, shift per row), made once per parameter set instead of once per row tile and image. */
struct RequantTable {
    std::vector<int32_t> bias, mult;
    std::vector<int64_t> round;
    std::vector<uint8_t> shift;
    void build(const RowParams *p, unsigned rows);
};
/* finish_accumulators with the table of all `rows` rows: the same results. */
void finish_accumulators(const int32_t *acc, unsigned n_vec, unsigned r0, unsigned nr,
                         unsigned rows, const RequantTable &t, OutputMode mode, uint8_t *u8,
                         int32_t *i32);

/* K-split (docs/arith.md): acc[v][i] += the little-endian int32 partial sum
 * psum[v * rows + r0 + i] of the earlier K chunks (wrapping). */
void add_partial_sums(const uint8_t *psum, unsigned n_vec, unsigned r0, unsigned nr, unsigned rows,
                      int32_t *acc);
/* A K chunk before the last: acc[v][i] as it is (no bias) into i32[v * rows + r0 + i]. */
void store_partial_sums(const int32_t *acc, unsigned n_vec, unsigned r0, unsigned nr, unsigned rows,
                        int32_t *i32);

/* Max pooling, window = stride = pool, floor (trailing rows/cols dropped); uint8 HWC. */
void maxpool_u8(const uint8_t *in, unsigned h, unsigned w, unsigned c, unsigned pool, uint8_t *out);

} // namespace hq::accel

#endif
