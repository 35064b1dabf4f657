/* traps: every synchronous trap class from C, checked in a handler: illegal instruction,
 * ecall (a system-call style round trip), ebreak, load/store access faults, and misaligned
 * load/store (either a trap with the right mcause/mtval or a correct hardware access, as
 * the ISA allows; QEMU does the access, HQSim traps by default). */
#include "hq_csr.h"
#include "hq_rt.h"

#include <stdio.h>
#include <stdlib.h>

#define UNMAPPED 0x08000000u

static volatile uint32_t last_cause, last_tval, n_traps;

uint32_t hq_trap_handler(uint32_t mcause, uint32_t mepc, uint32_t mtval, uint32_t *frame) {
    last_cause = mcause;
    last_tval = mtval;
    n_traps++;
    if (mcause == CAUSE_ECALL_M) frame[10] = frame[10] * 2 + frame[17]; /* a0 = 2 * a0 + a7 */
    if (mcause & MCAUSE_INTERRUPT) {
        printf("traps: unexpected interrupt\n");
        exit(9);
    }
    return mepc + 4; /* skip the faulting instruction (no compressed instructions) */
}

static int failures;

static void check(const char *what, int ok) {
    printf("traps: %-28s %s\n", what, ok ? "ok" : "FAIL");
    failures += !ok;
}

static int trapped_with(uint32_t before, uint32_t cause, uint32_t tval) {
    return n_traps == before + 1 && last_cause == cause && last_tval == tval;
}

int main(void) {
    uint32_t n;

    n = n_traps;
    __asm__ volatile(".word 0");
    check("illegal instruction", n_traps == n + 1 && last_cause == CAUSE_ILLEGAL);

    n = n_traps;
    register uint32_t a0 __asm__("a0") = 20;
    register uint32_t a7 __asm__("a7") = 2;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7));
    check("ecall round trip", n_traps == n + 1 && last_cause == CAUSE_ECALL_M && a0 == 42);

    n = n_traps;
    __asm__ volatile("ebreak");
    check("ebreak", n_traps == n + 1 && last_cause == CAUSE_BREAKPOINT);

    n = n_traps;
    (void)*(volatile uint32_t *)UNMAPPED;
    check("load access fault", trapped_with(n, CAUSE_LOAD_ACCESS, UNMAPPED));

    n = n_traps;
    *(volatile uint32_t *)(UNMAPPED + 4) = 1;
    check("store access fault", trapped_with(n, CAUSE_STORE_ACCESS, UNMAPPED + 4));

    /* inline asm: the compiler must not split the access into aligned pieces */
    static volatile uint8_t buf[8] __attribute__((aligned(4))) = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t mis = (uint32_t)(uintptr_t)(buf + 1), v = 0;
    n = n_traps;
    __asm__ volatile("lw %0, 0(%1)" : "+r"(v) : "r"(mis) : "memory");
    int trapped = trapped_with(n, CAUSE_LOAD_MISALIGNED, mis);
    check(trapped ? "misaligned load (trap)" : "misaligned load (hardware)",
          trapped || (n_traps == n && v == 0x05040302u));

    n = n_traps;
    __asm__ volatile("sw %0, 0(%1)" ::"r"(0xa1b2c3d4u), "r"(mis) : "memory");
    trapped = trapped_with(n, CAUSE_STORE_MISALIGNED, mis);
    check(trapped ? "misaligned store (trap)" : "misaligned store (hardware)",
          trapped || (n_traps == n && buf[1] == 0xd4 && buf[4] == 0xa1));

    printf("traps: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
