/* Debug triggers (Sdtrig): tselect, tdata1/2/3 and tinfo with RV32_TRIGGERS address-match
 * triggers of type 2 (mcontrol): execute, load and store, match equal / NAPOT / >= / <,
 * timing "before", action 0 (breakpoint exception). No debug mode, so action 1 and dmode
 * stay 0. Also the debugger's own watchpoints (gdb Z2/Z3/Z4). */
#include "rv32_iss_internal.h"

enum { CSR_TSELECT = 0x7a0, CSR_TDATA1, CSR_TDATA2, CSR_TDATA3, CSR_TINFO };

#define MCONTROL_MATCH (0xfu << MCONTROL_MATCH_SHIFT)
#define WRITABLE                                                                                   \
    (MCONTROL_HIT | MCONTROL_MATCH | MCONTROL_M | MCONTROL_EXECUTE | MCONTROL_STORE | MCONTROL_LOAD)

static void update_kinds(rv32_iss *s) {
    s->trig_kinds = 0;
    for (unsigned i = 0; i < RV32_TRIGGERS; i++)
        if (s->tdata1[i] & MCONTROL_M)
            s->trig_kinds |= s->tdata1[i] & (MCONTROL_EXECUTE | MCONTROL_LOAD | MCONTROL_STORE);
    rv32_iss_update_checks(s);
}

int rv32_trigger_read_csr(const rv32_iss *s, unsigned csr, uint32_t *v) {
    switch (csr) {
    case CSR_TSELECT: *v = s->tselect; return 0;
    case CSR_TDATA1: *v = s->tdata1[s->tselect]; return 0;
    case CSR_TDATA2: *v = s->tdata2[s->tselect]; return 0;
    case CSR_TDATA3: *v = 0; return 0;
    case CSR_TINFO: *v = 1u << 2; return 0; /* type 2 only */
    default: return -1;
    }
}

int rv32_trigger_write_csr(rv32_iss *s, unsigned csr, uint32_t v) {
    switch (csr) {
    case CSR_TSELECT:
        if (v < RV32_TRIGGERS) /* WARL: a missing trigger leaves tselect unchanged */
            s->tselect = v;
        return 0;
    case CSR_TDATA1: {
        uint32_t nv = MCONTROL_TYPE2 | (v & WRITABLE);
        if (((nv & MCONTROL_MATCH) >> MCONTROL_MATCH_SHIFT) > 3) /* only match 0..3 */
            nv &= ~MCONTROL_MATCH;
        s->tdata1[s->tselect] = nv;
        update_kinds(s);
        return 0;
    }
    case CSR_TDATA2: s->tdata2[s->tselect] = v; return 0;
    case CSR_TDATA3:
    case CSR_TINFO: return 0;
    default: return -1;
    }
}

void rv32_trigger_reset(rv32_iss *s) {
    s->tselect = 0;
    for (unsigned i = 0; i < RV32_TRIGGERS; i++) {
        s->tdata1[i] = MCONTROL_TYPE2;
        s->tdata2[i] = 0;
    }
    update_kinds(s);
}

static int value_matches(uint32_t tdata1, uint32_t t2, uint32_t addr) {
    switch ((tdata1 & MCONTROL_MATCH) >> MCONTROL_MATCH_SHIFT) {
    case 0: return addr == t2;
    case 1: { /* NAPOT: compare above the lowest zero bit of tdata2 */
        uint32_t mask = t2 ^ (t2 + 1);
        return (addr & ~mask) == (t2 & ~mask);
    }
    case 2: return addr >= t2;
    default: return addr < t2;
    }
}

int rv32_trigger_match(rv32_iss *s, unsigned kind, uint32_t addr) {
    /* Without tcontrol, M-mode breakpoint triggers fire only with mstatus.MIE set, so a
     * trap handler is not re-entered by its own accesses (Sdtrig, action 0). */
    if (!(s->mstatus & MSTATUS_MIE)) return -1;
    for (unsigned i = 0; i < RV32_TRIGGERS; i++) {
        uint32_t t1 = s->tdata1[i];
        if ((t1 & MCONTROL_M) && (t1 & kind) && value_matches(t1, s->tdata2[i], addr)) {
            s->tdata1[i] |= MCONTROL_HIT;
            return (int)i;
        }
    }
    return -1;
}

int rv32_iss_add_watchpoint(rv32_iss *s, uint32_t addr, uint32_t len, unsigned kind) {
    if (len == 0 || kind == 0 || (kind & ~(RV32_WATCH_READ | RV32_WATCH_WRITE))) return -1;
    for (unsigned i = 0; i < s->n_watch; i++)
        if (s->watch[i].addr == addr && s->watch[i].len == len && s->watch[i].kind == kind)
            return 0;
    if (s->n_watch == RV32_MAX_WATCHPOINTS) return -1;
    s->watch[s->n_watch++] = (struct rv32_watch){addr, len, kind};
    rv32_iss_update_checks(s);
    return 0;
}

int rv32_iss_remove_watchpoint(rv32_iss *s, uint32_t addr, uint32_t len, unsigned kind) {
    for (unsigned i = 0; i < s->n_watch; i++)
        if (s->watch[i].addr == addr && s->watch[i].len == len && s->watch[i].kind == kind) {
            s->watch[i] = s->watch[--s->n_watch];
            rv32_iss_update_checks(s);
            return 0;
        }
    return -1;
}

void rv32_iss_watch_hit(const rv32_iss *s, uint32_t *addr, unsigned *kind) {
    *addr = s->watch_hit_addr;
    *kind = s->watch_hit_kind;
}
