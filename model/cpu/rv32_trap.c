/* Machine-mode trap entry and return. */
#include "rv32_iss_internal.h"

static void enter(rv32_iss *s, uint32_t mcause, uint32_t tval, uint32_t target) {
    uint32_t mie = s->mstatus & MSTATUS_MIE;
    s->mepc = s->pc;
    s->mcause = mcause;
    s->mtval = tval;
    /* MPIE <- MIE, MIE <- 0, MPP <- M (the only mode) */
    s->mstatus =
        (s->mstatus & ~(MSTATUS_MIE | MSTATUS_MPIE)) | (mie ? MSTATUS_MPIE : 0) | MSTATUS_MPP;
    s->pc = target;
    s->cycles += s->cpi_trap;
    s->irq_check = 1;
    s->traps++;
    s->trap_target = target;
    s->trap_instret = s->instret;
}

void rv32_trap_exception(rv32_iss *s, uint32_t cause, uint32_t tval) {
    enter(s, cause, tval, s->mtvec & ~3u); /* exceptions always go to the base */
}

int rv32_trap_take_interrupt(rv32_iss *s) {
    uint32_t pending = s->mip & s->mie;
    if (!pending || !(s->mstatus & MSTATUS_MIE)) return 0;
    /* priority: external > software > timer */
    uint32_t code = (pending & RV32_IRQ_MEI) ? 11 : (pending & RV32_IRQ_MSI) ? 3 : 7;
    uint32_t base = s->mtvec & ~3u;
    uint32_t target = (s->mtvec & 1) ? base + 4 * code : base;
    enter(s, 0x80000000u | code, 0, target);
    return 1;
}

const char *rv32_cause_name(uint32_t mcause) {
    static const char *const exc[] = {"instruction address misaligned",
                                      "instruction access fault",
                                      "illegal instruction",
                                      "breakpoint",
                                      "load address misaligned",
                                      "load access fault",
                                      "store address misaligned",
                                      "store access fault",
                                      "environment call from U-mode",
                                      "environment call from S-mode",
                                      "reserved",
                                      "environment call from M-mode"};
    if (mcause & 0x80000000u) {
        uint32_t code = mcause & 0x7fffffffu;
        return code == 3    ? "machine software interrupt"
               : code == 7  ? "machine timer interrupt"
               : code == 11 ? "machine external interrupt"
                            : "interrupt";
    }
    return mcause < sizeof exc / sizeof exc[0] ? exc[mcause] : "reserved";
}

void rv32_trap_mret(rv32_iss *s) {
    uint32_t mpie = s->mstatus & MSTATUS_MPIE;
    /* MIE <- MPIE, MPIE <- 1, MPP stays M */
    s->mstatus =
        (s->mstatus & ~MSTATUS_MIE) | (mpie ? MSTATUS_MIE : 0) | MSTATUS_MPIE | MSTATUS_MPP;
    s->pc = s->mepc;
    s->irq_check = 1;
}
