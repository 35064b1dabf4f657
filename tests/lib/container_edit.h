/* Byte edits of .hqm files for the container tests (docs/format.md): a little-endian u32, and
 * the header's total length and the CRC recomputed after a deliberate edit, so that the
 * parser itself is exercised rather than its CRC check. */
#ifndef HQ_TEST_CONTAINER_EDIT_H
#define HQ_TEST_CONTAINER_EDIT_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

static inline void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* len: the whole file (header, chunks, CRC); the u64 length at offset 16 becomes len. */
static inline void reseal(uint8_t *buf, size_t len) {
    put32(buf + 16, (uint32_t)len);
    put32(buf + 20, 0);
    put32(buf + len - 4, (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)(len - 4)));
}

#endif
