/* Machine-mode CSR access and trap-cause names for the firmware. */
#ifndef HQ_FW_CSR_H
#define HQ_FW_CSR_H

#include <stdint.h>

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        uint32_t v_;                                                                               \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_));                                             \
        v_;                                                                                        \
    })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"r"((uint32_t)(val)))
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"r"((uint32_t)(bits)))
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"r"((uint32_t)(bits)))

#define MSTATUS_MIE (1u << 3)
#define MIE_MSIE (1u << 3)
#define MIE_MTIE (1u << 7)
#define MIE_MEIE (1u << 11)
#define MCAUSE_INTERRUPT 0x80000000u

enum {
    CAUSE_INSN_MISALIGNED = 0,
    CAUSE_INSN_ACCESS = 1,
    CAUSE_ILLEGAL = 2,
    CAUSE_BREAKPOINT = 3,
    CAUSE_LOAD_MISALIGNED = 4,
    CAUSE_LOAD_ACCESS = 5,
    CAUSE_STORE_MISALIGNED = 6,
    CAUSE_STORE_ACCESS = 7,
    CAUSE_ECALL_M = 11
};
enum { IRQ_M_SOFT = 3, IRQ_M_TIMER = 7, IRQ_M_EXT = 11 };

static inline uint64_t rdcycle64(void) {
    uint32_t hi, lo, hi2;
    do {
        hi = csr_read(mcycleh);
        lo = csr_read(mcycle);
        hi2 = csr_read(mcycleh);
    } while (hi != hi2);
    return (uint64_t)hi << 32 | lo;
}

static inline uint64_t rdinstret64(void) {
    uint32_t hi, lo, hi2;
    do {
        hi = csr_read(minstreth);
        lo = csr_read(minstret);
        hi2 = csr_read(minstreth);
    } while (hi != hi2);
    return (uint64_t)hi << 32 | lo;
}

#endif
