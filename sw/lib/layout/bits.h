/* Little-endian bit fields (docs/layouts.md, "Common conventions"): bit i of a stream is bit
 * i % 8 of byte i / 8; a field's least significant bit comes first. */
#ifndef HQ_LAYOUT_BITS_H
#define HQ_LAYOUT_BITS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline void hq_bits_put(uint8_t *buf, size_t pos, int width, uint32_t v) {
    for (int i = 0; i < width; i++, pos++)
        if ((v >> i) & 1u)
            buf[pos >> 3] |= (uint8_t)(1u << (pos & 7));
        else
            buf[pos >> 3] &= (uint8_t) ~(1u << (pos & 7));
}

static inline uint32_t hq_bits_get(const uint8_t *buf, size_t pos, int width) {
    uint32_t v = 0;
    for (int i = 0; i < width; i++, pos++)
        v |= (uint32_t)((buf[pos >> 3] >> (pos & 7)) & 1u) << i;
    return v;
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
