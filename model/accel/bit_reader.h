/* Little-endian bit-field reads (docs/layouts.md: bit i of a stream is bit i%8 of byte i/8). */
#ifndef HQ_ACCEL_BIT_READER_H
#define HQ_ACCEL_BIT_READER_H

#include <cstddef>
#include <cstdint>

namespace hq::accel {

/* Unsigned field of `width` (<= 32) bits starting at bit `pos` of p. */
inline uint32_t read_bits(const uint8_t *p, size_t pos, unsigned width) {
    uint64_t v = 0;
    size_t byte = pos / 8;
    unsigned shift = pos % 8, got = 0;
    while (got < width + shift) {
        v |= (uint64_t)p[byte++] << got;
        got += 8;
    }
    v >>= shift;
    return width >= 32 ? (uint32_t)v : (uint32_t)(v & ((1ull << width) - 1));
}

/* The same field, sign-extended from `width` bits. */
inline int32_t read_signed_bits(const uint8_t *p, size_t pos, unsigned width) {
    uint32_t u = read_bits(p, pos, width);
    uint32_t sign = 1u << (width - 1);
    return (int32_t)(u ^ sign) - (int32_t)sign;
}

} // namespace hq::accel

#endif
