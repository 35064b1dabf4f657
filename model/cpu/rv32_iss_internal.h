/* State of the ISS, shared by its translation units (rv32_iss.c, rv32_csr.c, rv32_trap.c).
 * Not part of the public interface. */
#ifndef HQ_RV32_ISS_INTERNAL_H
#define HQ_RV32_ISS_INTERNAL_H

#include "rv32_decode.h"
#include "rv32_iss.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the DMI fast paths assume a little-endian host"
#endif

#define RV32_ICACHE_ENTRIES (1u << 14) /* direct-mapped pre-decode cache, by pc >> 2 */
#define RV32_MAX_BREAKPOINTS 64
#define RV32_PMP_ENTRIES 16
#define RV32_TRIGGERS 4 /* Sdtrig mcontrol (type 2) triggers behind tselect */

/* pmpcfg bits */
#define PMP_R 0x01u
#define PMP_W 0x02u
#define PMP_X 0x04u
#define PMP_A 0x18u
#define PMP_L 0x80u
#define PMP_A_OFF 0x00u
#define PMP_A_TOR 0x08u
#define PMP_A_NA4 0x10u
#define PMP_A_NAPOT 0x18u

/* mcontrol (tdata1, type 2) bits used here */
#define MCONTROL_LOAD (1u << 0)
#define MCONTROL_STORE (1u << 1)
#define MCONTROL_EXECUTE (1u << 2)
#define MCONTROL_M (1u << 6)
#define MCONTROL_MATCH_SHIFT 7
#define MCONTROL_HIT (1u << 20)
#define MCONTROL_TYPE2 (2u << 28)

/* mstatus bits implemented in M-only mode. */
#define MSTATUS_MIE (1u << 3)
#define MSTATUS_MPIE (1u << 7)
#define MSTATUS_MPP (3u << 11)

typedef struct {
    uint32_t base;
    uint32_t last; /* inclusive, so a region may end at 0xffffffff */
    uint8_t *host;
    unsigned access;
    uint8_t *write_map; /* NULL, or the memory's page map that stores mark */
    unsigned map_shift;
} rv32_dmi_region;

struct rv32_iss {
    uint32_t x[33]; /* x[32] is the sink for writes to x0 */
    uint32_t pc;
    uint64_t instret, cycles;

    /* CSRs */
    uint32_t mstatus, mie, mip, mtvec, mepc, mcause, mtval, mscratch, mhartid;
    uint64_t mcycle_delta, minstret_delta; /* CSR value = counter + delta (writable CSRs) */

    int irq_check;      /* mip, mie or mstatus changed: look for an interrupt to take */
    int stop_requested; /* set by rv32_iss_request_stop() */
    int misaligned_traps;
    uint32_t tohost;
    int exited, exit_code;

    /* Trap entries since reset, and where the last one went with the instret it saw: an
     * exception raised at that target before anything retired is a trap loop. */
    uint64_t traps, trap_instret;
    uint32_t trap_target;
    uint32_t loop_cause, loop_tval; /* the exception at the target (RV32_STOP_TRAP_LOOP) */

    unsigned op_cycles[RV32_OP_COUNT]; /* CPI per op (branches: taken) */
    unsigned cpi_branch_not_taken, cpi_trap;
    int cpi_zero; /* some class costs 0 cycles: the fast loop's budget check needs >= 1 */

    rv32_dmi_region dmi[RV32_MAX_DMI];
    unsigned n_dmi;
    /* Last DMI regions hit by fetch, load and store: checked first (one compare). An
     * empty cache has span 0 at base 1, which no aligned access matches. */
    struct rv32_dmi_cache {
        uint32_t base, span; /* span = last - base */
        uint8_t *host;
        uint8_t *write_map; /* the region's */
        unsigned map_shift;
    } fetch_cache, load_cache, store_cache;

    /* PMP: M-only hart, so only locked entries restrict accesses. pmp_locked is set while
     * any locked entry is active (A != OFF); only then does the run loop check PMP. */
    uint8_t pmpcfg[RV32_PMP_ENTRIES];
    uint32_t pmpaddr[RV32_PMP_ENTRIES];
    unsigned pmp_g; /* granularity 2^(G+2) bytes */
    int pmp_locked;

    /* Debug triggers (Sdtrig, mcontrol); trig_kinds ORs the execute/load/store bits of the
     * triggers enabled in M-mode, so nothing is matched while it is zero. */
    uint32_t tselect, tdata1[RV32_TRIGGERS], tdata2[RV32_TRIGGERS];
    unsigned trig_kinds;

    /* Debugger watchpoints (gdb Z2/Z3/Z4), outside the firmware-visible triggers. */
    struct rv32_watch {
        uint32_t addr, len;
        unsigned kind; /* RV32_WATCH_READ | RV32_WATCH_WRITE */
    } watch[RV32_MAX_WATCHPOINTS];
    unsigned n_watch;
    uint32_t watch_hit_addr;
    unsigned watch_hit_kind;

    /* Set when PMP, triggers or watchpoints need the checking copy of the run loop; the
     * fast copy leaves at the CSR write that sets it. */
    int checks;
    int force_checked;   /* rv32_iss_set_force_checked(): the checking copy always */
    uint64_t steps_left; /* handed from the fast copy to the checking one */
    /* rv32_iss_set_chain(): boundaries passed inside one run (count, the last one's cycle
     * count) */
    uint64_t chain_quantum, chain_until, chain_count, chain_last;

    uint32_t breakpoints[RV32_MAX_BREAKPOINTS];
    unsigned n_breakpoints;
    int step_over_breakpoint;

    rv32_trace_fn trace;
    void *trace_ctx;

    rv32_bus bus;
    rv32_dinsn icache[RV32_ICACHE_ENTRIES];
};

/* Forget the last trap target (reset, or pc / CSR changed from outside the program). */
static inline void rv32_trap_loop_forget(rv32_iss *s) {
    s->trap_instret = UINT64_MAX;
}

/* Enter the trap handler for an exception (cause < 32) at the current pc. */
void rv32_trap_exception(rv32_iss *s, uint32_t cause, uint32_t tval);
/* If an enabled interrupt is pending, enter its handler and return 1. */
int rv32_trap_take_interrupt(rv32_iss *s);
/* mret */
void rv32_trap_mret(rv32_iss *s);

/* Execute a CSR instruction; returns 0, or -1 for an illegal access. */
int rv32_csr_exec(rv32_iss *s, const rv32_dinsn *d);
void rv32_csr_reset(rv32_iss *s);

/* PMP and trigger CSRs (rv32_pmp.c, rv32_trigger.c): 0, or -1 if csr is not theirs. */
int rv32_pmp_read_csr(const rv32_iss *s, unsigned csr, uint32_t *v);
int rv32_pmp_write_csr(rv32_iss *s, unsigned csr, uint32_t v);
void rv32_pmp_reset(rv32_iss *s);
int rv32_trigger_read_csr(const rv32_iss *s, unsigned csr, uint32_t *v);
int rv32_trigger_write_csr(rv32_iss *s, unsigned csr, uint32_t v);
void rv32_trigger_reset(rv32_iss *s);

/* Recompute s->checks from PMP, triggers and watchpoints. */
void rv32_iss_update_checks(rv32_iss *s);
/* 1 if PMP lets M-mode access [addr, addr + len) with permission perm (PMP_R/W/X). */
int rv32_pmp_allows(const rv32_iss *s, uint32_t addr, unsigned len, unsigned perm);
/* Index of a trigger of kind (MCONTROL_EXECUTE/LOAD/STORE) matching addr, or -1. */
int rv32_trigger_match(rv32_iss *s, unsigned kind, uint32_t addr);

#endif
