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

/* mstatus bits implemented in M-only mode. */
#define MSTATUS_MIE (1u << 3)
#define MSTATUS_MPIE (1u << 7)
#define MSTATUS_MPP (3u << 11)

typedef struct {
    uint32_t base;
    uint32_t last; /* inclusive, so a region may end at 0xffffffff */
    uint8_t *host;
    unsigned access;
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

    rv32_dmi_region dmi[RV32_MAX_DMI];
    unsigned n_dmi;
    /* Last DMI regions hit by fetch, load and store: checked first (one compare). An
     * empty cache has span 0 at base 1, which no aligned access matches. */
    struct rv32_dmi_cache {
        uint32_t base, span; /* span = last - base */
        uint8_t *host;
    } fetch_cache, load_cache, store_cache;

    uint32_t breakpoints[RV32_MAX_BREAKPOINTS];
    unsigned n_breakpoints;
    int step_over_breakpoint;

    rv32_trace_fn trace;
    void *trace_ctx;

    rv32_bus bus;
    rv32_dinsn icache[RV32_ICACHE_ENTRIES];
};

/* Forget the last trap target (reset, or pc / CSR changed from outside the program). */
static inline void rv32_trap_loop_forget(rv32_iss *s) { s->trap_instret = UINT64_MAX; }

/* Enter the trap handler for an exception (cause < 32) at the current pc. */
void rv32_trap_exception(rv32_iss *s, uint32_t cause, uint32_t tval);
/* If an enabled interrupt is pending, enter its handler and return 1. */
int rv32_trap_take_interrupt(rv32_iss *s);
/* mret */
void rv32_trap_mret(rv32_iss *s);

/* Execute a CSR instruction; returns 0, or -1 for an illegal access. */
int rv32_csr_exec(rv32_iss *s, const rv32_dinsn *d);
void rv32_csr_reset(rv32_iss *s);

#endif
