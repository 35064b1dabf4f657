/* RV32IM + Zicsr instruction-set simulator, machine mode only. Plain C, no SystemC:
 * the SystemC wrapper (rv32_cpu.cpp) and the host runner (tests/iss) both drive it.
 *
 * Memory goes through a callback interface (rv32_bus); regions the host can address
 * directly (DMI) are registered with rv32_iss_add_dmi() and served without a callback.
 * Instructions are pre-decoded into a direct-mapped cache validated by the raw word, so
 * self-modifying code needs no explicit flush. */
#ifndef HQ_RV32_ISS_H
#define HQ_RV32_ISS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kinds of bus access (slow path). */
typedef enum { RV32_ACCESS_FETCH = 0, RV32_ACCESS_LOAD = 1, RV32_ACCESS_STORE = 2 } rv32_access;

/* Bus callbacks. read/write return 0 on success, nonzero for an access fault (the ISS then
 * takes the matching access-fault trap). read_time returns mtime for the `time` CSR; when
 * NULL, `time` reads the cycle counter. */
typedef struct {
    void *ctx;
    int (*read)(void *ctx, uint32_t addr, void *buf, unsigned len, rv32_access kind);
    int (*write)(void *ctx, uint32_t addr, const void *buf, unsigned len);
    uint64_t (*read_time)(void *ctx);
} rv32_bus;

/* Why rv32_iss_run() returned. */
typedef enum {
    RV32_STOP_LIMIT = 0,  /* instruction or cycle budget used up */
    RV32_STOP_WFI,        /* wfi with no interrupt pending: the caller waits for one */
    RV32_STOP_EXIT,       /* HTIF tohost write of an odd value: rv32_iss_exit_code() */
    RV32_STOP_BREAKPOINT, /* pc reached a debugger breakpoint (not executed) */
    RV32_STOP_REQUESTED,  /* rv32_iss_request_stop() was called from a bus callback */
    RV32_STOP_TRAP_LOOP   /* the trap handler's first instruction raised an exception before
                             anything retired (e.g. mtvec 0 and nothing mapped there): the
                             run can never progress. pc = the handler; mepc/mcause/mtval
                             describe the trap that led there; rv32_iss_trap_loop() the
                             exception at the handler (not entered) */
    ,
    RV32_STOP_WATCHPOINT /* a load/store hit a debugger watchpoint (not executed; pc at
                            the instruction): rv32_iss_watch_hit() */
} rv32_stop;

/* Instruction classes of the cycles-per-instruction table. */
typedef enum {
    RV32_CLASS_ALU = 0,
    RV32_CLASS_MUL,
    RV32_CLASS_DIV,
    RV32_CLASS_LOAD,
    RV32_CLASS_STORE,
    RV32_CLASS_BRANCH_TAKEN,
    RV32_CLASS_BRANCH_NOT_TAKEN,
    RV32_CLASS_JUMP,
    RV32_CLASS_CSR,
    RV32_CLASS_SYSTEM, /* ecall, ebreak, mret, wfi, fence, and trap entry */
    RV32_CLASS_COUNT
} rv32_class;

/* Interrupt lines = their mip bit. */
#define RV32_IRQ_MSI (1u << 3)
#define RV32_IRQ_MTI (1u << 7)
#define RV32_IRQ_MEI (1u << 11)

/* DMI access rights. */
#define RV32_DMI_READ 1u
#define RV32_DMI_WRITE 2u
#define RV32_MAX_DMI 8

/* Debugger watchpoint kinds (gdb: watch = WRITE, rwatch = READ, awatch = both). */
#define RV32_WATCH_READ 1u
#define RV32_WATCH_WRITE 2u
#define RV32_MAX_WATCHPOINTS 4

/* Exception causes (mcause, interrupt bit clear). */
enum {
    RV32_EXC_INSN_MISALIGNED = 0,
    RV32_EXC_INSN_ACCESS = 1,
    RV32_EXC_ILLEGAL = 2,
    RV32_EXC_BREAKPOINT = 3,
    RV32_EXC_LOAD_MISALIGNED = 4,
    RV32_EXC_LOAD_ACCESS = 5,
    RV32_EXC_STORE_MISALIGNED = 6,
    RV32_EXC_STORE_ACCESS = 7,
    RV32_EXC_ECALL_M = 11
};

typedef struct rv32_iss rv32_iss;

rv32_iss *rv32_iss_create(const rv32_bus *bus);
void rv32_iss_destroy(rv32_iss *s);

/* Architectural reset: pc, x1..x31 = 0, CSRs to reset values; counters restart. */
void rv32_iss_reset(rv32_iss *s, uint32_t pc);

/* Cycles per instruction for each rv32_class (default: 1 everywhere). */
void rv32_iss_set_cpi(rv32_iss *s, const unsigned cpi[RV32_CLASS_COUNT]);

/* Misaligned loads/stores: trap (default, 1) or perform them as byte accesses (0). */
void rv32_iss_set_misaligned_traps(rv32_iss *s, int trap);

/* HTIF: a 32-bit store of an odd value v to addr ends the run with exit code v >> 1.
 * 0 disables. */
void rv32_iss_set_tohost(rv32_iss *s, uint32_t addr);

/* Direct memory: [base, base + size) is at host. Returns 0, or -1 if the table is full. */
int rv32_iss_add_dmi(rv32_iss *s, uint32_t base, uint64_t size, uint8_t *host, unsigned access);
/* Stores through the DMI region starting at base set map[(addr - base) >> shift] = 1, so
 * the memory behind it sees which pages were written (mem/memory_span_ext.h). Returns 0, or
 * -1 if no region starts at base. */
int rv32_iss_set_dmi_write_map(rv32_iss *s, uint32_t base, uint8_t *map, unsigned shift);
/* Drop every DMI region that overlaps [lo, hi] (inclusive, as TLM invalidations are). */
void rv32_iss_invalidate_dmi(rv32_iss *s, uint64_t lo, uint64_t hi);

/* Interrupt lines: set the mip bits in mask to the given level. */
void rv32_iss_set_irq(rv32_iss *s, uint32_t mask, int level);

/* Execute until max_insns more steps (a step retires an instruction or takes a trap) are
 * done, the cycle counter reaches cycle_limit, or an event (rv32_stop). */
rv32_stop rv32_iss_run(rv32_iss *s, uint64_t max_insns, uint64_t cycle_limit);

/* Added (issue 16): quantum boundaries the caller would pass without stopping. With
 * quantum > 0, reaching the cycle limit at a cycle count below `until` does not return: the
 * run records the boundary and goes on with a new limit of that count + quantum, as a caller
 * would that called rv32_iss_run() again with a slice of `quantum` cycles. quantum = 0 (the
 * default): return at the limit. Callable from bus callbacks (e.g. 0 when a device access may
 * have changed what the caller decided from). */
void rv32_iss_set_chain(rv32_iss *s, uint64_t quantum, uint64_t until);
/* The boundaries recorded since the last call (0: none); *last = the cycle count of the last
 * one. */
uint64_t rv32_iss_chain_take(rv32_iss *s, uint64_t *last);

/* Testing: run every instruction through the checking copy of the run loop (the one used
 * with breakpoints, trace, PMP or triggers) instead of the fast one. Nothing observable
 * differs; tests compare the two. */
void rv32_iss_set_force_checked(rv32_iss *s, int on);

/* Ask a running rv32_iss_run() to return RV32_STOP_REQUESTED after the current access;
 * callable from bus callbacks. */
void rv32_iss_request_stop(rv32_iss *s);

/* Add stall cycles (e.g. memory latency reported by a bus target, or time slept in wfi). */
void rv32_iss_add_cycles(rv32_iss *s, uint64_t n);

/* Debugger breakpoints (checked before an instruction executes). The next run after a stop
 * at a breakpoint steps over it. Return 0, or -1 (table full / not found). */
int rv32_iss_add_breakpoint(rv32_iss *s, uint32_t pc);
int rv32_iss_remove_breakpoint(rv32_iss *s, uint32_t pc);

/* Debugger watchpoints on [addr, addr + len): a load (READ) or store (WRITE) touching the
 * range stops the run before the access (RV32_STOP_WATCHPOINT); the next run performs it.
 * Return 0, or -1 (table full, len 0, bad kind / not found). */
int rv32_iss_add_watchpoint(rv32_iss *s, uint32_t addr, uint32_t len, unsigned kind);
int rv32_iss_remove_watchpoint(rv32_iss *s, uint32_t addr, uint32_t len, unsigned kind);
/* After RV32_STOP_WATCHPOINT: the watchpoint hit (its address and kind). */
void rv32_iss_watch_hit(const rv32_iss *s, uint32_t *addr, unsigned *kind);

/* PMP granularity: regions of 2^(G+2) bytes (default G = 0, 4 bytes; G <= 30). Affects
 * how pmpaddr reads back and whether NA4 is selectable. Call before running. */
void rv32_iss_set_pmp_granularity(rv32_iss *s, unsigned g);

/* Optional per-instruction trace, called after each retired instruction; rd is the
 * destination register (0 when none) and rd_value its new value. */
typedef void (*rv32_trace_fn)(void *ctx, uint64_t instret, uint32_t pc, uint32_t insn, unsigned rd,
                              uint32_t rd_value);
void rv32_iss_set_trace(rv32_iss *s, rv32_trace_fn fn, void *ctx);

/* State access. */
uint32_t rv32_iss_get_pc(const rv32_iss *s);
void rv32_iss_set_pc(rv32_iss *s, uint32_t pc);
uint32_t rv32_iss_get_reg(const rv32_iss *s, unsigned i);       /* x0..x31 */
void rv32_iss_set_reg(rv32_iss *s, unsigned i, uint32_t value); /* writes to x0 ignored */
/* CSR access as an instruction would do it; return 0, or -1 for a missing CSR (read) or a
 * missing / read-only one (write). */
int rv32_iss_read_csr(rv32_iss *s, unsigned csr, uint32_t *value);
int rv32_iss_write_csr(rv32_iss *s, unsigned csr, uint32_t value);
uint64_t rv32_iss_instret(const rv32_iss *s); /* retired instructions since reset */
uint64_t rv32_iss_cycles(const rv32_iss *s);  /* cycles since reset (CPI + stalls) */
int rv32_iss_exited(const rv32_iss *s);
int rv32_iss_exit_code(const rv32_iss *s);
uint64_t rv32_iss_traps(const rv32_iss *s); /* trap entries (exceptions + interrupts) */
/* After RV32_STOP_TRAP_LOOP: the cause and tval of the exception raised at the handler. */
void rv32_iss_trap_loop(const rv32_iss *s, uint32_t *cause, uint32_t *tval);

/* Name of an mcause value ("illegal instruction", "machine timer interrupt", ...). */
const char *rv32_cause_name(uint32_t mcause);

/* Mnemonic of a raw instruction word ("illegal" when it does not decode). */
const char *rv32_mnemonic(uint32_t insn);

#ifdef __cplusplus
}
#endif

#endif
