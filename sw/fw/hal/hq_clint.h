/* CLINT (SiFive layout): machine software interrupt, timer compare and the mtime counter. */
#ifndef HQ_FW_CLINT_H
#define HQ_FW_CLINT_H

#include "hq_mmio.h"
#include "hq_platform.h"

#define CLINT_MSIP (HQ_CLINT_BASE + 0x0000)
#define CLINT_MTIMECMP (HQ_CLINT_BASE + 0x4000)
#define CLINT_MTIME (HQ_CLINT_BASE + 0xbff8)

static inline uint64_t hq_clint_mtime(void) {
    uint32_t hi, lo;
    do {
        hi = mmio_read32(CLINT_MTIME + 4);
        lo = mmio_read32(CLINT_MTIME);
    } while (hi != mmio_read32(CLINT_MTIME + 4));
    return (uint64_t)hi << 32 | lo;
}

/* Write the high word to all-ones first so no spurious compare fires in between. */
static inline void hq_clint_set_mtimecmp(uint64_t t) {
    mmio_write32(CLINT_MTIMECMP + 4, 0xffffffffu);
    mmio_write32(CLINT_MTIMECMP, (uint32_t)t);
    mmio_write32(CLINT_MTIMECMP + 4, (uint32_t)(t >> 32));
}

static inline void hq_clint_set_msip(int on) {
    mmio_write32(CLINT_MSIP, on ? 1u : 0u);
}

#endif
