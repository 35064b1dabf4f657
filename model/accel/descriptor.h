/* The descriptor unit's decode and checks: 64 bytes of DRAM -> a validated layer command.
 * Every field is checked against the others and the array before any data moves, so a bad
 * descriptor stops the command with a status code (docs/regmap.md), never a wrong result. */
#ifndef HQ_ACCEL_DESCRIPTOR_H
#define HQ_ACCEL_DESCRIPTOR_H

#include "accel/accel_config.h"
#include "hq_accel_regmap.h"

#include <cstdint>
#include <string>

namespace hq::accel {

struct LayerDesc {
    hq_accel_desc raw{};
    /* derived */
    unsigned conv_h = 1, conv_w = 1;      /* GEMM output positions per image (before pooling) */
    uint32_t in_bytes = 0, out_bytes = 0; /* per image */
    bool weighted() const { return raw.op == HQ_ACCEL_OP_DENSE || raw.op == HQ_ACCEL_OP_CONV; }
    bool relu() const { return raw.flags & HQ_ACCEL_FLAG_RELU; }
    /* signed modes (docs/arith.md, section 7b): int8 inputs enter the array as x + 128;
     * int8 outputs without ReLU; the ReLU's upper clamp (0 = 255) */
    bool signed_in() const { return raw.flags & HQ_ACCEL_FLAG_SIGNED_IN; }
    bool signed_out() const { return raw.flags & HQ_ACCEL_FLAG_SIGNED_OUT; }
    bool byte_out() const { return relu() || signed_out(); } /* else int32 per output */
    unsigned clamp_hi() const { return raw.clamp_hi ? raw.clamp_hi : 255; }
    unsigned pool() const { return raw.pool > 1 ? raw.pool : 1; }
    /* K-split (docs/arith.md, K-splitting): partial sums in, partial sums out */
    bool psum_in() const { return raw.flags & HQ_ACCEL_FLAG_PSUM_IN; }
    bool psum_out() const { return raw.flags & HQ_ACCEL_FLAG_PSUM_OUT; }
    /* The partial-sum area follows the row parameters; images packed, int32 per output */
    uint64_t psum_addr() const {
        return (uint64_t)raw.param_addr +
               ((uint64_t)raw.rows * HQ_ACCEL_ROW_PARAM_BYTES + 63) / 64 * 64;
    }
    /* spatial tiles of a convolution: zero padding above / below the input rows */
    unsigned pad_top() const { return raw.flags & HQ_ACCEL_FLAG_NO_PAD_TOP ? 0 : raw.pad; }
    unsigned pad_bottom() const { return raw.flags & HQ_ACCEL_FLAG_NO_PAD_BOTTOM ? 0 : raw.pad; }
    uint32_t psum_bytes() const { return conv_h * conv_w * raw.rows * 4u; } /* per image */
};

struct DescCheck {
    unsigned code = HQ_ACCEL_ERR_NONE; /* ERR_* */
    std::string message;
};

/* Little-endian bytes -> struct (host-endian independent). */
hq_accel_desc desc_from_bytes(const uint8_t *b);
void desc_to_bytes(const hq_accel_desc &d, uint8_t *b);

/* Decodes and validates against the array configuration. */
DescCheck check_descriptor(const hq_accel_desc &raw, const AccelConfig &cfg, LayerDesc *out);

} // namespace hq::accel

#endif
