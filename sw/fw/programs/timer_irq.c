/* timer_irq: periodic CLINT timer interrupts while the hart sleeps in wfi (direct mtvec),
 * then a software interrupt through a vectored mtvec. Exit 0 when both behave. */
#include "hq_clint.h"
#include "hq_csr.h"
#include "hq_finisher.h"
#include "hq_rt.h"

#include <stdio.h>

#define TICKS 5
#define PERIOD (HQ_MTIME_HZ / 1000) /* 1 ms of mtime */

static volatile unsigned ticks, soft_irqs;
static volatile uint64_t next_deadline;

uint32_t hq_trap_handler(uint32_t mcause, uint32_t mepc, uint32_t mtval, uint32_t *frame) {
    (void)mtval;
    (void)frame;
    if (mcause == (MCAUSE_INTERRUPT | IRQ_M_TIMER)) {
        ticks++;
        next_deadline += PERIOD;
        hq_clint_set_mtimecmp(ticks < TICKS ? next_deadline : UINT64_MAX);
        return mepc;
    }
    printf("timer_irq: unexpected trap mcause=0x%08lx\n", (unsigned long)mcause);
    hq_finish(4);
}

/* Vectored mode: entry 3 (machine software interrupt) of this table. */
void vector_table(void);
void soft_irq_entry(void);
__asm__(".align 6\n"
        "vector_table:\n"
        "  .rept 3\n  j vector_bad\n  .endr\n"
        "  j soft_irq_entry\n"
        "  .rept 12\n  j vector_bad\n  .endr\n"
        "vector_bad:\n"
        "  li a0, 5\n  call hq_finish_c\n"
        "soft_irq_entry:\n"
        "  addi sp, sp, -16\n  sw ra, 12(sp)\n  sw a0, 8(sp)\n  sw a1, 4(sp)\n"
        "  call on_soft_irq\n"
        "  lw ra, 12(sp)\n  lw a0, 8(sp)\n  lw a1, 4(sp)\n  addi sp, sp, 16\n"
        "  mret\n");

void on_soft_irq(void);
void hq_finish_c(int code);
void on_soft_irq(void) {
    soft_irqs++;
    hq_clint_set_msip(0);
}
void hq_finish_c(int code) {
    hq_finish(code);
}

int main(void) {
    uint64_t start = hq_clint_mtime();
    next_deadline = start + PERIOD;
    hq_clint_set_mtimecmp(next_deadline);
    csr_set(mie, MIE_MTIE);
    csr_set(mstatus, MSTATUS_MIE);
    unsigned sleeps = 0;
    while (ticks < TICKS) {
        __asm__ volatile("wfi");
        sleeps++;
    }
    uint64_t elapsed = hq_clint_mtime() - start;
    csr_clear(mie, MIE_MTIE);
    printf("timer_irq: %u ticks after %lu mtime units, %u wakeups\n", ticks, (unsigned long)elapsed,
           sleeps);
    if (elapsed < (uint64_t)TICKS * PERIOD) {
        printf("timer_irq: FAIL, interrupts came early\n");
        return 1;
    }

    csr_write(mtvec, (uint32_t)(uintptr_t)vector_table | 1u);
    csr_set(mie, MIE_MSIE);
    hq_clint_set_msip(1);
    for (int i = 0; i < 1000 && soft_irqs == 0; i++)
        __asm__ volatile("nop");
    csr_clear(mie, MIE_MSIE);
    printf("timer_irq: %u software interrupt(s) through the vector table\n", soft_irqs);
    if (soft_irqs != 1) {
        printf("timer_irq: FAIL\n");
        return 2;
    }
    printf("timer_irq: PASS\n");
    return 0;
}
