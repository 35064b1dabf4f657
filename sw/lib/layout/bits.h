/* Little-endian bit fields (docs/layouts.md, "Common conventions"): bit i of a stream is bit
 * i % 8 of byte i / 8; a field's least significant bit comes first. */
#ifndef HQ_LAYOUT_BITS_H
#define HQ_LAYOUT_BITS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A field of width 1..32 bits spans at most five bytes: it is written and read a byte at a
 * time (packing a 100M-weight layer bit by bit took seconds). Bits of v above width are
 * ignored; only the bytes holding the field are touched. */
static inline void hq_bits_put(uint8_t *buf, size_t pos, int width, uint32_t v) {
    if (width <= 0) return;
    const uint64_t mask = width >= 32 ? 0xffffffffu : (1u << width) - 1u;
    const int sh = (int)(pos & 7);
    const uint64_t m = mask << sh, val = ((uint64_t)v & mask) << sh;
    uint8_t *p = buf + (pos >> 3);
    for (int k = 0, n = (sh + width + 7) >> 3; k < n; k++)
        p[k] = (uint8_t)((p[k] & ~(uint8_t)(m >> (8 * k))) | (uint8_t)(val >> (8 * k)));
}

static inline uint32_t hq_bits_get(const uint8_t *buf, size_t pos, int width) {
    if (width <= 0) return 0;
    const uint64_t mask = width >= 32 ? 0xffffffffu : (1u << width) - 1u;
    const int sh = (int)(pos & 7);
    const uint8_t *p = buf + (pos >> 3);
    uint64_t w = 0;
    for (int k = 0, n = (sh + width + 7) >> 3; k < n; k++)
        w |= (uint64_t)p[k] << (8 * k);
    return (uint32_t)((w >> sh) & mask);
}

/* Sign-extends the low `width` bits of v. */
static inline int32_t hq_bits_sext(uint32_t v, int width) {
    uint32_t m = 1u << (width - 1);
    v &= (width >= 32) ? 0xffffffffu : ((1u << width) - 1u);
    return (int32_t)((v ^ m) - m);
}

static inline void hq_put_u16(uint8_t *p, unsigned v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void hq_put_u32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline unsigned hq_get_u16(const uint8_t *p) {
    return p[0] | (unsigned)p[1] << 8;
}
static inline uint32_t hq_get_u32(const uint8_t *p) {
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#ifdef __cplusplus
}
#endif

#endif
