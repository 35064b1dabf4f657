/* SiFive test finisher: ends the simulation (QEMU virt and HQSim). */
#ifndef HQ_FW_FINISHER_H
#define HQ_FW_FINISHER_H

#include "hq_mmio.h"
#include "hq_platform.h"

#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u /* exit code in bits 31:16 */

static inline __attribute__((noreturn)) void hq_finish(int code) {
    mmio_write32(HQ_FINISHER_BASE,
                 code == 0 ? FINISHER_PASS : ((uint32_t)code << 16) | FINISHER_FAIL);
    for (;;)
        __asm__ volatile("wfi");
}

#endif
