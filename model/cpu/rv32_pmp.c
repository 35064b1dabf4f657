/* Physical memory protection (privileged spec, "PMP"): 16 entries, OFF/TOR/NA4/NAPOT, the
 * lock bit, and the granularity rules for reading pmpaddr. The hart runs in M-mode only
 * (no U-mode, so no MPRV): unlocked entries never restrict it, locked ones do. */
#include "rv32_iss_internal.h"

#define CSR_PMPCFG0 0x3a0u
#define CSR_PMPADDR0 0x3b0u

static unsigned mode(uint8_t cfg) {
    return cfg & PMP_A;
}

static void update_locked(rv32_iss *s) {
    s->pmp_locked = 0;
    for (unsigned i = 0; i < RV32_PMP_ENTRIES; i++)
        if ((s->pmpcfg[i] & PMP_L) && mode(s->pmpcfg[i]) != PMP_A_OFF) s->pmp_locked = 1;
    rv32_iss_update_checks(s);
}

/* pmpaddr as read: with G >= 2, NAPOT reads bits G-2..0 as ones; with G >= 1, OFF and TOR
 * read bits G-1..0 as zeros. The stored value keeps every bit written. */
static uint32_t read_addr(const rv32_iss *s, unsigned i) {
    uint32_t v = s->pmpaddr[i];
    unsigned g = s->pmp_g;
    if (mode(s->pmpcfg[i]) == PMP_A_NAPOT) {
        if (g >= 2) v |= (1u << (g - 1)) - 1;
    } else if (g >= 1)
        v &= ~((1u << g) - 1);
    return v;
}

/* A locked entry, or the base of a locked TOR entry above it, cannot be changed. */
static int addr_locked(const rv32_iss *s, unsigned i) {
    if (s->pmpcfg[i] & PMP_L) return 1;
    return i + 1 < RV32_PMP_ENTRIES && (s->pmpcfg[i + 1] & PMP_L) &&
           mode(s->pmpcfg[i + 1]) == PMP_A_TOR;
}

static uint8_t legal_cfg(const rv32_iss *s, uint8_t cfg) {
    cfg &= PMP_L | PMP_A | PMP_X | PMP_W | PMP_R; /* bits 6:5 are zero */
    if ((cfg & (PMP_R | PMP_W)) == PMP_W)         /* R=0 W=1 is reserved */
        cfg &= (uint8_t)~PMP_W;
    if (s->pmp_g >= 1 && mode(cfg) == PMP_A_NA4) /* NA4 needs 4-byte granularity */
        cfg |= PMP_A_NAPOT;
    return cfg;
}

int rv32_pmp_read_csr(const rv32_iss *s, unsigned csr, uint32_t *v) {
    if (csr >= CSR_PMPCFG0 && csr < CSR_PMPCFG0 + 16) {
        unsigned n = csr - CSR_PMPCFG0;
        *v = 0; /* pmpcfg4..15 (entries 16..63) are not implemented: zero */
        if (n < RV32_PMP_ENTRIES / 4)
            for (unsigned b = 0; b < 4; b++)
                *v |= (uint32_t)s->pmpcfg[4 * n + b] << (8 * b);
        return 0;
    }
    if (csr >= CSR_PMPADDR0 && csr < CSR_PMPADDR0 + 64) {
        unsigned i = csr - CSR_PMPADDR0;
        *v = i < RV32_PMP_ENTRIES ? read_addr(s, i) : 0;
        return 0;
    }
    return -1;
}

int rv32_pmp_write_csr(rv32_iss *s, unsigned csr, uint32_t v) {
    if (csr >= CSR_PMPCFG0 && csr < CSR_PMPCFG0 + 16) {
        unsigned n = csr - CSR_PMPCFG0;
        if (n < RV32_PMP_ENTRIES / 4) {
            for (unsigned b = 0; b < 4; b++) {
                unsigned i = 4 * n + b;
                if (!(s->pmpcfg[i] & PMP_L)) /* locked until reset */
                    s->pmpcfg[i] = legal_cfg(s, (uint8_t)(v >> (8 * b)));
            }
            update_locked(s);
        }
        return 0;
    }
    if (csr >= CSR_PMPADDR0 && csr < CSR_PMPADDR0 + 64) {
        unsigned i = csr - CSR_PMPADDR0;
        if (i < RV32_PMP_ENTRIES && !addr_locked(s, i))
            s->pmpaddr[i] = v; /* RV32: bits 33:2 of the address, all writable */
        return 0;
    }
    return -1;
}

void rv32_pmp_reset(rv32_iss *s) {
    for (unsigned i = 0; i < RV32_PMP_ENTRIES; i++) {
        s->pmpcfg[i] = 0;
        s->pmpaddr[i] = 0;
    }
    update_locked(s);
}

void rv32_iss_set_pmp_granularity(rv32_iss *s, unsigned g) {
    s->pmp_g = g > 30 ? 30 : g;
}

/* The byte range [*lo, *hi) entry i covers (34-bit physical addresses); 0 when OFF. */
static int entry_range(const rv32_iss *s, unsigned i, uint64_t *lo, uint64_t *hi) {
    uint32_t a = s->pmpaddr[i];
    uint64_t gran = (uint64_t)4 << s->pmp_g;
    switch (mode(s->pmpcfg[i])) {
    case PMP_A_TOR:
        *lo = ((uint64_t)(i ? s->pmpaddr[i - 1] : 0) << 2) & ~(gran - 1);
        *hi = ((uint64_t)a << 2) & ~(gran - 1);
        return 1;
    case PMP_A_NA4:
        *lo = (uint64_t)a << 2;
        *hi = *lo + 4;
        return 1;
    case PMP_A_NAPOT: {
        unsigned ones = 0; /* trailing ones encode the size: 2^(ones + 3) bytes */
        while (ones < 32 && (a >> ones) & 1)
            ones++;
        uint64_t size = (uint64_t)8 << ones;
        *lo = ((uint64_t)a << 2) & ~(size - 1);
        *hi = *lo + size;
        return 1;
    }
    default: return 0;
    }
}

int rv32_pmp_allows(const rv32_iss *s, uint32_t addr, unsigned len, unsigned perm) {
    uint64_t lo = addr, hi = (uint64_t)addr + len;
    for (unsigned i = 0; i < RV32_PMP_ENTRIES; i++) {
        uint64_t b, e;
        if (!entry_range(s, i, &b, &e) || hi <= b || lo >= e) continue;
        if (lo < b || hi > e) /* the lowest matching entry must cover every byte */
            return 0;
        if (!(s->pmpcfg[i] & PMP_L)) /* unlocked entries do not apply to M-mode */
            return 1;
        return (s->pmpcfg[i] & perm) != 0;
    }
    return 1; /* no entry matches: M-mode accesses succeed */
}
