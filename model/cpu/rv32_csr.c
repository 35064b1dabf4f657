/* Zicsr: the machine-mode CSRs of an M-only RV32IM hart. */
#include "rv32_iss_internal.h"

#define MISA_RV32IM 0x40001100u /* MXL = 1 (32-bit), extensions I and M */
#define MIE_MASK (RV32_IRQ_MSI | RV32_IRQ_MTI | RV32_IRQ_MEI)

enum {
    CSR_MSTATUS = 0x300,
    CSR_MISA = 0x301,
    CSR_MIE = 0x304,
    CSR_MTVEC = 0x305,
    CSR_MSTATUSH = 0x310,
    CSR_MSCRATCH = 0x340,
    CSR_MEPC = 0x341,
    CSR_MCAUSE = 0x342,
    CSR_MTVAL = 0x343,
    CSR_MIP = 0x344,
    CSR_MCYCLE = 0xb00,
    CSR_MINSTRET = 0xb02,
    CSR_MCYCLEH = 0xb80,
    CSR_MINSTRETH = 0xb82,
    CSR_CYCLE = 0xc00,
    CSR_TIME = 0xc01,
    CSR_INSTRET = 0xc02,
    CSR_CYCLEH = 0xc80,
    CSR_TIMEH = 0xc81,
    CSR_INSTRETH = 0xc82,
    CSR_MVENDORID = 0xf11,
    CSR_MARCHID = 0xf12,
    CSR_MIMPID = 0xf13,
    CSR_MHARTID = 0xf14,
    CSR_MCONFIGPTR = 0xf15
};

static uint64_t mcycle(const rv32_iss *s) {
    return s->cycles + s->mcycle_delta;
}
static uint64_t minstret(const rv32_iss *s) {
    return s->instret + s->minstret_delta;
}
static uint64_t mtime(const rv32_iss *s) {
    return s->bus.read_time ? s->bus.read_time(s->bus.ctx) : s->cycles;
}

/* Unimplemented hardware performance counters exist and read as zero (the spec allows it). */
static int is_hpm(unsigned csr) {
    unsigned lo = csr & 0x1f;
    unsigned hi = csr & ~0x1fu;
    return lo >= 3 && (hi == 0xb00 || hi == 0xb80 || hi == 0xc00 || hi == 0xc80 || hi == 0x320);
}

int rv32_iss_read_csr(rv32_iss *s, unsigned csr, uint32_t *v) {
    switch (csr) {
    case CSR_MSTATUS: *v = s->mstatus; return 0;
    case CSR_MISA: *v = MISA_RV32IM; return 0;
    case CSR_MIE: *v = s->mie; return 0;
    case CSR_MTVEC: *v = s->mtvec; return 0;
    case CSR_MSTATUSH: *v = 0; return 0;
    case CSR_MSCRATCH: *v = s->mscratch; return 0;
    case CSR_MEPC: *v = s->mepc; return 0;
    case CSR_MCAUSE: *v = s->mcause; return 0;
    case CSR_MTVAL: *v = s->mtval; return 0;
    case CSR_MIP: *v = s->mip; return 0;
    case CSR_MCYCLE:
    case CSR_CYCLE: *v = (uint32_t)mcycle(s); return 0;
    case CSR_MCYCLEH:
    case CSR_CYCLEH: *v = (uint32_t)(mcycle(s) >> 32); return 0;
    case CSR_MINSTRET:
    case CSR_INSTRET: *v = (uint32_t)minstret(s); return 0;
    case CSR_MINSTRETH:
    case CSR_INSTRETH: *v = (uint32_t)(minstret(s) >> 32); return 0;
    case CSR_TIME: *v = (uint32_t)mtime(s); return 0;
    case CSR_TIMEH: *v = (uint32_t)(mtime(s) >> 32); return 0;
    case CSR_MVENDORID:
    case CSR_MARCHID:
    case CSR_MIMPID:
    case CSR_MCONFIGPTR: *v = 0; return 0;
    case CSR_MHARTID: *v = s->mhartid; return 0;
    default:
        if (is_hpm(csr)) {
            *v = 0;
            return 0;
        }
        if (rv32_pmp_read_csr(s, csr, v) == 0) return 0;
        return rv32_trigger_read_csr(s, csr, v);
    }
}

static uint64_t replace_half(uint64_t v, uint32_t half, int high) {
    return high ? (v & 0xffffffffu) | (uint64_t)half << 32 : (v & ~(uint64_t)0xffffffffu) | half;
}

int rv32_iss_write_csr(rv32_iss *s, unsigned csr, uint32_t v) {
    rv32_trap_loop_forget(s);
    if ((csr >> 10) == 3) /* csr[11:10] == 3: read-only by encoding */
        return -1;
    switch (csr) {
    case CSR_MSTATUS:
        s->mstatus = (v & (MSTATUS_MIE | MSTATUS_MPIE)) | MSTATUS_MPP;
        s->irq_check = 1;
        return 0;
    case CSR_MISA:
    case CSR_MSTATUSH: return 0; /* WARL, fixed */
    case CSR_MIE:
        s->mie = v & MIE_MASK;
        s->irq_check = 1;
        return 0;
    case CSR_MTVEC: s->mtvec = v & ~2u; return 0; /* modes: 0 direct, 1 vectored */
    case CSR_MSCRATCH: s->mscratch = v; return 0;
    case CSR_MEPC: s->mepc = v & ~3u; return 0;
    case CSR_MCAUSE: s->mcause = v; return 0;
    case CSR_MTVAL: s->mtval = v; return 0;
    case CSR_MIP: return 0; /* MSIP/MTIP/MEIP are driven by the interrupt lines */
    case CSR_MCYCLE:
    case CSR_MCYCLEH:
        s->mcycle_delta = replace_half(mcycle(s), v, csr == CSR_MCYCLEH) - s->cycles;
        return 0;
    case CSR_MINSTRET:
    case CSR_MINSTRETH:
        /* the writing instruction itself does not count: compensate its retirement */
        s->minstret_delta = replace_half(minstret(s), v, csr == CSR_MINSTRETH) - s->instret - 1;
        return 0;
    default:
        if (is_hpm(csr) || rv32_pmp_write_csr(s, csr, v) == 0) return 0;
        return rv32_trigger_write_csr(s, csr, v);
    }
}

int rv32_csr_exec(rv32_iss *s, const rv32_dinsn *d) {
    unsigned csr = (unsigned)d->imm & 0xfff;
    int imm_form = d->op >= RV32_OP_CSRRWI;
    uint32_t src = imm_form ? d->rs1 : s->x[d->rs1];
    int is_write_op = d->op == RV32_OP_CSRRW || d->op == RV32_OP_CSRRWI;
    int writes = is_write_op || d->rs1 != 0; /* csrrs/c with x0 / zero imm do not write */
    uint32_t old = 0;

    if (rv32_iss_read_csr(s, csr, &old) != 0) return -1;
    if (writes) {
        uint32_t nv = is_write_op                                           ? src
                      : (d->op == RV32_OP_CSRRS || d->op == RV32_OP_CSRRSI) ? old | src
                                                                            : old & ~src;
        if (rv32_iss_write_csr(s, csr, nv) != 0) return -1;
    }
    s->x[d->rd] = old;
    return 0;
}

void rv32_csr_reset(rv32_iss *s) {
    s->mstatus = MSTATUS_MPP;
    s->mie = 0;
    s->mtvec = 0;
    s->mepc = s->mcause = s->mtval = s->mscratch = 0;
    s->mcycle_delta = s->minstret_delta = 0;
    s->irq_check = 1;
    rv32_pmp_reset(s);
    rv32_trigger_reset(s);
}
