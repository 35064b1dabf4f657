/* The RV32IM interpreter: fetch through DMI or the bus, pre-decoded dispatch, loads and
 * stores with DMI fast paths, traps and interrupts (see rv32_iss.h). */
#include "rv32_iss_internal.h"

#include <stdlib.h>
#include <string.h>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static void clear_dmi_caches(rv32_iss *s);

/* Internal: the fast copy of the run loop saw checks switched on (s->steps_left). */
#define RV32_STOP_SWITCH ((rv32_stop)100)

void rv32_iss_update_checks(rv32_iss *s) {
    s->checks = s->pmp_locked || s->trig_kinds != 0 || s->n_watch != 0;
}

rv32_iss *rv32_iss_create(const rv32_bus *bus) {
    rv32_iss *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->bus = *bus;
    s->misaligned_traps = 1;
    clear_dmi_caches(s);
    unsigned ones[RV32_CLASS_COUNT];
    for (int i = 0; i < RV32_CLASS_COUNT; i++)
        ones[i] = 1;
    rv32_iss_set_cpi(s, ones);
    for (unsigned i = 0; i < RV32_ICACHE_ENTRIES; i++)
        rv32_decode(0, &s->icache[i]);
    rv32_iss_reset(s, 0);
    return s;
}

void rv32_iss_destroy(rv32_iss *s) {
    free(s);
}

void rv32_iss_reset(rv32_iss *s, uint32_t pc) {
    memset(s->x, 0, sizeof s->x);
    s->pc = pc;
    s->instret = s->cycles = 0;
    s->traps = 0;
    rv32_trap_loop_forget(s);
    s->mip = 0;
    s->exited = s->exit_code = 0;
    s->stop_requested = 0;
    s->step_over_breakpoint = 0;
    rv32_csr_reset(s);
}

void rv32_iss_set_cpi(rv32_iss *s, const unsigned cpi[RV32_CLASS_COUNT]) {
    for (int op = 0; op < RV32_OP_COUNT; op++)
        s->op_cycles[op] = cpi[rv32_op_class((rv32_op)op)];
    s->cpi_branch_not_taken = cpi[RV32_CLASS_BRANCH_NOT_TAKEN];
    s->cpi_trap = cpi[RV32_CLASS_SYSTEM];
}

void rv32_iss_set_misaligned_traps(rv32_iss *s, int trap) {
    s->misaligned_traps = trap;
}
void rv32_iss_set_tohost(rv32_iss *s, uint32_t addr) {
    s->tohost = addr;
}
void rv32_iss_request_stop(rv32_iss *s) {
    s->stop_requested = 1;
}
void rv32_iss_add_cycles(rv32_iss *s, uint64_t n) {
    s->cycles += n;
}

int rv32_iss_add_dmi(rv32_iss *s, uint32_t base, uint64_t size, uint8_t *host, unsigned access) {
    if (size == 0 || !host || (uint64_t)base + size - 1 > 0xffffffffu) return -1;
    uint32_t last = (uint32_t)(base + size - 1);
    for (unsigned i = 0; i < s->n_dmi; i++) /* refresh a region granted again */
        if (s->dmi[i].base == base && s->dmi[i].last == last) {
            s->dmi[i].host = host;
            s->dmi[i].access = access;
            s->dmi[i].write_map = NULL;
            clear_dmi_caches(s);
            return 0;
        }
    if (s->n_dmi == RV32_MAX_DMI) return -1;
    s->dmi[s->n_dmi++] = (rv32_dmi_region){base, last, host, access, NULL, 0};
    return 0;
}

int rv32_iss_set_dmi_write_map(rv32_iss *s, uint32_t base, uint8_t *map, unsigned shift) {
    for (unsigned i = 0; i < s->n_dmi; i++)
        if (s->dmi[i].base == base) {
            s->dmi[i].write_map = map;
            s->dmi[i].map_shift = shift;
            clear_dmi_caches(s);
            return 0;
        }
    return -1;
}

static void clear_dmi_caches(rv32_iss *s) {
    static const struct rv32_dmi_cache empty = {1, 0, NULL, NULL, 0};
    s->fetch_cache = s->load_cache = s->store_cache = empty;
}

void rv32_iss_invalidate_dmi(rv32_iss *s, uint64_t lo, uint64_t hi) {
    unsigned n = 0;
    for (unsigned i = 0; i < s->n_dmi; i++)
        if (s->dmi[i].last < lo || s->dmi[i].base > hi) s->dmi[n++] = s->dmi[i];
    s->n_dmi = n;
    clear_dmi_caches(s);
}

void rv32_iss_set_irq(rv32_iss *s, uint32_t mask, int level) {
    s->mip = level ? (s->mip | mask) : (s->mip & ~mask);
    s->irq_check = 1;
}

int rv32_iss_add_breakpoint(rv32_iss *s, uint32_t pc) {
    for (unsigned i = 0; i < s->n_breakpoints; i++)
        if (s->breakpoints[i] == pc) return 0;
    if (s->n_breakpoints == RV32_MAX_BREAKPOINTS) return -1;
    s->breakpoints[s->n_breakpoints++] = pc;
    return 0;
}

int rv32_iss_remove_breakpoint(rv32_iss *s, uint32_t pc) {
    for (unsigned i = 0; i < s->n_breakpoints; i++)
        if (s->breakpoints[i] == pc) {
            s->breakpoints[i] = s->breakpoints[--s->n_breakpoints];
            return 0;
        }
    return -1;
}

void rv32_iss_set_trace(rv32_iss *s, rv32_trace_fn fn, void *ctx) {
    s->trace = fn;
    s->trace_ctx = ctx;
}

uint32_t rv32_iss_get_pc(const rv32_iss *s) {
    return s->pc;
}
void rv32_iss_set_pc(rv32_iss *s, uint32_t pc) {
    s->pc = pc;
    rv32_trap_loop_forget(s);
}
uint32_t rv32_iss_get_reg(const rv32_iss *s, unsigned i) {
    return i && i < 32 ? s->x[i] : 0;
}
void rv32_iss_set_reg(rv32_iss *s, unsigned i, uint32_t v) {
    if (i && i < 32) s->x[i] = v;
}
uint64_t rv32_iss_instret(const rv32_iss *s) {
    return s->instret;
}
uint64_t rv32_iss_cycles(const rv32_iss *s) {
    return s->cycles;
}
int rv32_iss_exited(const rv32_iss *s) {
    return s->exited;
}
int rv32_iss_exit_code(const rv32_iss *s) {
    return s->exit_code;
}
uint64_t rv32_iss_traps(const rv32_iss *s) {
    return s->traps;
}
void rv32_iss_trap_loop(const rv32_iss *s, uint32_t *cause, uint32_t *tval) {
    *cause = s->loop_cause;
    *tval = s->loop_tval;
}

/* Host pointer for [addr, addr + len) if one DMI region with the right access holds it;
 * the region becomes the cached one for this kind of access. */
static uint8_t *dmi_find(rv32_iss *s, uint32_t addr, unsigned len, unsigned acc,
                         struct rv32_dmi_cache *cache) {
    for (unsigned i = 0; i < s->n_dmi; i++) {
        const rv32_dmi_region *r = &s->dmi[i];
        uint32_t off = addr - r->base;
        if (off <= r->last - r->base && r->last - r->base - off >= len - 1 && (r->access & acc)) {
            *cache = (struct rv32_dmi_cache){r->base, r->last - r->base, r->host, r->write_map,
                                             r->map_shift};
            return r->host + off;
        }
    }
    return NULL;
}

/* The cached region's host pointer for an access of len bytes, or NULL. */
static inline uint8_t *dmi_hit(const struct rv32_dmi_cache *c, uint32_t addr, uint32_t len) {
    uint32_t off = addr - c->base;
    return (off <= c->span && c->span - off >= len - 1) ? c->host + off : NULL;
}

/* A store through the cached region: its page is marked in the memory's map. */
static inline void dmi_wrote(const struct rv32_dmi_cache *c, uint32_t addr) {
    if (c->write_map) c->write_map[(addr - c->base) >> c->map_shift] = 1;
}

static inline uint32_t get_le(const uint8_t *p, unsigned len) {
    if (len == 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    if (len == 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    return *p;
}

static inline void put_le(uint8_t *p, unsigned len, uint32_t v) {
    if (len == 4)
        memcpy(p, &v, 4);
    else if (len == 2) {
        uint16_t h = (uint16_t)v;
        memcpy(p, &h, 2);
    } else
        *p = (uint8_t)v;
}

/* One aligned (or byte) access: DMI or bus. Returns 0 or nonzero for an access fault. */
static int read_mem(rv32_iss *s, uint32_t addr, unsigned len, uint32_t *v, rv32_access kind) {
    uint8_t *p = dmi_find(s, addr, len, RV32_DMI_READ, &s->load_cache);
    if (LIKELY(p != NULL)) {
        *v = get_le(p, len);
        return 0;
    }
    uint8_t buf[4] = {0};
    if (s->bus.read(s->bus.ctx, addr, buf, len, kind) != 0) return 1;
    *v = get_le(buf, len);
    return 0;
}

static int write_mem(rv32_iss *s, uint32_t addr, unsigned len, uint32_t v) {
    uint8_t *p = dmi_find(s, addr, len, RV32_DMI_WRITE, &s->store_cache);
    if (LIKELY(p != NULL)) {
        put_le(p, len, v);
        dmi_wrote(&s->store_cache, addr);
        return 0;
    }
    uint8_t buf[4];
    put_le(buf, len, v);
    return s->bus.write(s->bus.ctx, addr, buf, len) != 0;
}

/* Load with alignment handling; returns 0, or the exception cause to raise. */
static int load(rv32_iss *s, uint32_t addr, unsigned len, uint32_t *v) {
    if (LIKELY((addr & (len - 1)) == 0))
        return read_mem(s, addr, len, v, RV32_ACCESS_LOAD) ? RV32_EXC_LOAD_ACCESS : 0;
    if (s->misaligned_traps) return RV32_EXC_LOAD_MISALIGNED;
    uint32_t r = 0;
    for (unsigned i = 0; i < len; i++) {
        uint32_t b;
        if (read_mem(s, addr + i, 1, &b, RV32_ACCESS_LOAD)) return RV32_EXC_LOAD_ACCESS;
        r |= b << (8 * i);
    }
    *v = r;
    return 0;
}

static int store(rv32_iss *s, uint32_t addr, unsigned len, uint32_t v) {
    if (LIKELY((addr & (len - 1)) == 0))
        return write_mem(s, addr, len, v) ? RV32_EXC_STORE_ACCESS : 0;
    if (s->misaligned_traps) return RV32_EXC_STORE_MISALIGNED;
    for (unsigned i = 0; i < len; i++)
        if (write_mem(s, addr + i, 1, v >> (8 * i))) return RV32_EXC_STORE_ACCESS;
    return 0;
}

static int is_breakpoint(const rv32_iss *s, uint32_t pc) {
    for (unsigned i = 0; i < s->n_breakpoints; i++)
        if (s->breakpoints[i] == pc) return 1;
    return 0;
}

static int writes_rd(rv32_op op) {
    int c = rv32_op_class(op);
    return op != RV32_OP_ILLEGAL && c != RV32_CLASS_STORE && c != RV32_CLASS_BRANCH_TAKEN &&
           (c != RV32_CLASS_SYSTEM);
}

static uint32_t div_s(uint32_t a, uint32_t b) {
    if (b == 0) return 0xffffffffu;
    if (a == 0x80000000u && b == 0xffffffffu) return a; /* overflow */
    return (uint32_t)((int32_t)a / (int32_t)b);
}
static uint32_t rem_s(uint32_t a, uint32_t b) {
    if (b == 0) return a;
    if (a == 0x80000000u && b == 0xffffffffu) return 0;
    return (uint32_t)((int32_t)a % (int32_t)b);
}

/* PMP, triggers and debugger watchpoints for a load or store, before the access (in the
 * priority order of the privileged spec). Returns 0, an exception cause, or -1 for a
 * watchpoint hit (not when skip_watch: the access the debugger resumes at). */
static int data_checks(rv32_iss *s, uint32_t addr, unsigned len, unsigned kind, int skip_watch) {
    if (!skip_watch) {
        unsigned wk = kind == MCONTROL_LOAD ? RV32_WATCH_READ : RV32_WATCH_WRITE;
        for (unsigned i = 0; i < s->n_watch; i++) {
            const struct rv32_watch *w = &s->watch[i];
            if ((w->kind & wk) && (uint64_t)addr < (uint64_t)w->addr + w->len &&
                (uint64_t)addr + len > w->addr) {
                s->watch_hit_addr = w->addr;
                s->watch_hit_kind = w->kind;
                return -1;
            }
        }
    }
    if ((s->trig_kinds & kind) && rv32_trigger_match(s, kind, addr) >= 0)
        return RV32_EXC_BREAKPOINT;
    /* a misaligned access that traps reports that first */
    if (s->pmp_locked && ((addr & (len - 1)) == 0 || !s->misaligned_traps) &&
        !rv32_pmp_allows(s, addr, len, kind == MCONTROL_LOAD ? PMP_R : PMP_W))
        return kind == MCONTROL_LOAD ? RV32_EXC_LOAD_ACCESS : RV32_EXC_STORE_ACCESS;
    return 0;
}

/* The interpreter loop. `debug` is a compile-time constant at both call sites: the copy
 * without breakpoints and trace has neither check in its loop. */
static inline __attribute__((always_inline)) rv32_stop
run_loop(rv32_iss *s, uint64_t max_insns, uint64_t cycle_limit, const int debug) {
    /* traps count against the budget too, so a trap loop (e.g. mtvec pointing at a hole)
     * cannot hang the caller */
    uint64_t steps_left = max_insns;
    uint32_t *const x = s->x;
    int step_over = s->step_over_breakpoint;
    s->step_over_breakpoint = 0;
    s->stop_requested = 0;
    /* The counters live in registers; the struct copy is refreshed around every call that
     * may read or change it (traps, CSRs, bus callbacks, returns). */
    uint64_t instret = s->instret, cycles = s->cycles;
#define SYNC_OUT() (s->instret = instret, s->cycles = cycles)
#define SYNC_IN() (instret = s->instret, cycles = s->cycles)
#define RETURN(why) return (SYNC_OUT(), (why))
/* leave the instruction through a trap, or retire it and then stop */
#define EXC(cause, value)                                                                          \
    do {                                                                                           \
        exc = (cause);                                                                             \
        tval = (value);                                                                            \
        goto trap;                                                                                 \
    } while (0)
#define STOP_AFTER(why)                                                                            \
    do {                                                                                           \
        stop = (why);                                                                              \
        goto retire_and_stop;                                                                      \
    } while (0)
/* stop before a load/store for a debugger watchpoint; the next run performs it */
#define WATCH_STOP()                                                                               \
    do {                                                                                           \
        s->step_over_breakpoint = 1;                                                               \
        RETURN(RV32_STOP_WATCHPOINT);                                                              \
    } while (0)
/* Retires the instruction: next pc, counters, and the trace hook in debug runs. */
#define RETIRE()                                                                                   \
    do {                                                                                           \
        s->pc = npc;                                                                               \
        instret++;                                                                                 \
        cycles += cost;                                                                            \
        if (debug && s->trace) {                                                                   \
            int w = writes_rd((rv32_op)d->op) && d->rd != RV32_REG_SINK;                           \
            s->trace(s->trace_ctx, instret, pc, raw, w ? d->rd : 0, w ? x[d->rd] : 0);             \
        }                                                                                          \
    } while (0)

    for (;;) {
        if (UNLIKELY(s->irq_check)) {
            s->irq_check = 0;
            SYNC_OUT();
            rv32_trap_take_interrupt(s);
            SYNC_IN();
        }
        if (UNLIKELY(steps_left == 0 || cycles >= cycle_limit)) RETURN(RV32_STOP_LIMIT);
        steps_left--;
        const uint32_t pc = s->pc;
        /* the instruction a debugger resumes at skips its breakpoint and watchpoints */
        const int resumed = step_over;
        if (debug) {
            if (s->n_breakpoints != 0 && !step_over && is_breakpoint(s, pc)) {
                s->step_over_breakpoint = 1;
                RETURN(RV32_STOP_BREAKPOINT);
            }
            step_over = 0;
        }
        int exc;
        uint32_t tval;
        rv32_stop stop;

        /* execute triggers, then PMP execute permission (the fast copy has neither on) */
        if (debug && s->checks) {
            if ((s->trig_kinds & MCONTROL_EXECUTE) &&
                rv32_trigger_match(s, MCONTROL_EXECUTE, pc) >= 0)
                EXC(RV32_EXC_BREAKPOINT, pc);
            if (s->pmp_locked && (pc & 3) == 0 && !rv32_pmp_allows(s, pc, 4, PMP_X))
                EXC(RV32_EXC_INSN_ACCESS, pc);
        }

        /* fetch */
        uint32_t raw;
        const uint8_t *fp = dmi_hit(&s->fetch_cache, pc, 4);
        if (UNLIKELY(fp == NULL)) fp = dmi_find(s, pc, 4, RV32_DMI_READ, &s->fetch_cache);
        if (LIKELY(fp != NULL && (pc & 3) == 0)) {
            memcpy(&raw, fp, 4);
        } else if (pc & 3) {
            EXC(RV32_EXC_INSN_MISALIGNED, pc);
        } else {
            uint8_t buf[4];
            SYNC_OUT();
            int fault = s->bus.read(s->bus.ctx, pc, buf, 4, RV32_ACCESS_FETCH) != 0;
            SYNC_IN();
            if (fault) EXC(RV32_EXC_INSN_ACCESS, pc);
            memcpy(&raw, buf, 4);
            if (UNLIKELY(s->stop_requested)) RETURN(RV32_STOP_REQUESTED);
        }
        rv32_dinsn *const d = &s->icache[(pc >> 2) & (RV32_ICACHE_ENTRIES - 1)];
        if (UNLIKELY(d->raw != raw)) rv32_decode(raw, d);

        const uint32_t a = x[d->rs1], b = x[d->rs2];
        const int32_t imm = d->imm;
        uint32_t npc = pc + 4;
        unsigned cost = s->op_cycles[d->op];

        switch ((rv32_op)d->op) {
        case RV32_OP_LUI: x[d->rd] = (uint32_t)imm; break;
        case RV32_OP_AUIPC: x[d->rd] = pc + (uint32_t)imm; break;
        case RV32_OP_JAL:
            npc = pc + (uint32_t)imm;
            if (npc & 3) EXC(RV32_EXC_INSN_MISALIGNED, npc);
            x[d->rd] = pc + 4;
            break;
        case RV32_OP_JALR:
            npc = (a + (uint32_t)imm) & ~1u;
            if (npc & 3) EXC(RV32_EXC_INSN_MISALIGNED, npc);
            x[d->rd] = pc + 4;
            break;
#define BRANCH(cond)                                                                               \
    if (cond) {                                                                                    \
        npc = pc + (uint32_t)imm;                                                                  \
        if (npc & 3) EXC(RV32_EXC_INSN_MISALIGNED, npc);                                           \
    } else                                                                                         \
        cost = s->cpi_branch_not_taken;                                                            \
    break;
        case RV32_OP_BEQ: BRANCH(a == b)
        case RV32_OP_BNE: BRANCH(a != b)
        case RV32_OP_BLT: BRANCH((int32_t)a < (int32_t)b)
        case RV32_OP_BGE: BRANCH((int32_t)a >= (int32_t)b)
        case RV32_OP_BLTU: BRANCH(a < b)
        case RV32_OP_BGEU: BRANCH(a >= b)
#undef BRANCH
/* DMI fast path first; otherwise the slow path with alignment handling and the bus */
#define LOAD(len, conv)                                                                            \
    {                                                                                              \
        uint32_t addr = a + (uint32_t)imm, v = 0;                                                  \
        if (debug && s->checks) {                                                                  \
            int c = data_checks(s, addr, len, MCONTROL_LOAD, resumed);                             \
            if (c < 0) WATCH_STOP();                                                               \
            if (c) EXC(c, addr);                                                                   \
        }                                                                                          \
        const uint8_t *p = dmi_hit(&s->load_cache, addr, len);                                     \
        if (LIKELY(p != NULL && (addr & (len - 1)) == 0)) {                                        \
            v = get_le(p, len);                                                                    \
            x[d->rd] = conv;                                                                       \
            break;                                                                                 \
        }                                                                                          \
        SYNC_OUT();                                                                                \
        int e = load(s, addr, len, &v);                                                            \
        SYNC_IN();                                                                                 \
        if (e) EXC(e, addr);                                                                       \
        x[d->rd] = conv;                                                                           \
        if (UNLIKELY(s->stop_requested)) STOP_AFTER(RV32_STOP_REQUESTED);                          \
        break;                                                                                     \
    }
        case RV32_OP_LB: LOAD(1, (uint32_t)(int32_t)(int8_t)v)
        case RV32_OP_LH: LOAD(2, (uint32_t)(int32_t)(int16_t)v)
        case RV32_OP_LW: LOAD(4, v)
        case RV32_OP_LBU: LOAD(1, v)
        case RV32_OP_LHU: LOAD(2, v)
#undef LOAD
#define STORE(len)                                                                                 \
    {                                                                                              \
        uint32_t addr = a + (uint32_t)imm;                                                         \
        if (debug && s->checks) {                                                                  \
            int c = data_checks(s, addr, len, MCONTROL_STORE, resumed);                            \
            if (c < 0) WATCH_STOP();                                                               \
            if (c) EXC(c, addr);                                                                   \
        }                                                                                          \
        uint8_t *p = dmi_hit(&s->store_cache, addr, len);                                          \
        int slow = !(LIKELY(p != NULL && (addr & (len - 1)) == 0));                                \
        if (!slow) {                                                                               \
            put_le(p, len, b);                                                                     \
            dmi_wrote(&s->store_cache, addr);                                                      \
        } else {                                                                                   \
            SYNC_OUT();                                                                            \
            int e = store(s, addr, len, b);                                                        \
            SYNC_IN();                                                                             \
            if (e) EXC(e, addr);                                                                   \
        }                                                                                          \
        if (UNLIKELY(addr == s->tohost) && len == 4 && s->tohost && (b & 1)) {                     \
            s->exited = 1;                                                                         \
            s->exit_code = (int)(b >> 1);                                                          \
            STOP_AFTER(RV32_STOP_EXIT);                                                            \
        }                                                                                          \
        if (slow && UNLIKELY(s->stop_requested)) STOP_AFTER(RV32_STOP_REQUESTED);                  \
        break;                                                                                     \
    }
        case RV32_OP_SB: STORE(1)
        case RV32_OP_SH: STORE(2)
        case RV32_OP_SW: STORE(4)
#undef STORE
        case RV32_OP_ADDI: x[d->rd] = a + (uint32_t)imm; break;
        case RV32_OP_SLTI: x[d->rd] = (int32_t)a < imm; break;
        case RV32_OP_SLTIU: x[d->rd] = a < (uint32_t)imm; break;
        case RV32_OP_XORI: x[d->rd] = a ^ (uint32_t)imm; break;
        case RV32_OP_ORI: x[d->rd] = a | (uint32_t)imm; break;
        case RV32_OP_ANDI: x[d->rd] = a & (uint32_t)imm; break;
        case RV32_OP_SLLI: x[d->rd] = a << imm; break;
        case RV32_OP_SRLI: x[d->rd] = a >> imm; break;
        case RV32_OP_SRAI: x[d->rd] = (uint32_t)((int32_t)a >> imm); break;
        case RV32_OP_ADD: x[d->rd] = a + b; break;
        case RV32_OP_SUB: x[d->rd] = a - b; break;
        case RV32_OP_SLL: x[d->rd] = a << (b & 31); break;
        case RV32_OP_SLT: x[d->rd] = (int32_t)a < (int32_t)b; break;
        case RV32_OP_SLTU: x[d->rd] = a < b; break;
        case RV32_OP_XOR: x[d->rd] = a ^ b; break;
        case RV32_OP_SRL: x[d->rd] = a >> (b & 31); break;
        case RV32_OP_SRA: x[d->rd] = (uint32_t)((int32_t)a >> (b & 31)); break;
        case RV32_OP_OR: x[d->rd] = a | b; break;
        case RV32_OP_AND: x[d->rd] = a & b; break;
        case RV32_OP_MUL: x[d->rd] = a * b; break;
        case RV32_OP_MULH:
            x[d->rd] = (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b) >> 32);
            break;
        case RV32_OP_MULHSU:
            x[d->rd] = (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)(uint64_t)b) >> 32);
            break;
        case RV32_OP_MULHU: x[d->rd] = (uint32_t)(((uint64_t)a * b) >> 32); break;
        case RV32_OP_DIV: x[d->rd] = div_s(a, b); break;
        case RV32_OP_DIVU: x[d->rd] = b ? a / b : 0xffffffffu; break;
        case RV32_OP_REM: x[d->rd] = rem_s(a, b); break;
        case RV32_OP_REMU: x[d->rd] = b ? a % b : a; break;
        case RV32_OP_FENCE:
        case RV32_OP_FENCE_I: break; /* one hart, raw-checked icache */
        case RV32_OP_ECALL: EXC(RV32_EXC_ECALL_M, 0);
        case RV32_OP_EBREAK: EXC(RV32_EXC_BREAKPOINT, pc);
        case RV32_OP_MRET:
            instret++;
            cycles += cost;
            rv32_trap_mret(s);
            if (debug && s->trace) s->trace(s->trace_ctx, instret, pc, raw, 0, 0);
            continue;
        case RV32_OP_WFI:
            if ((s->mip & s->mie) == 0) STOP_AFTER(RV32_STOP_WFI);
            break;
        case RV32_OP_CSRRW:
        case RV32_OP_CSRRS:
        case RV32_OP_CSRRC:
        case RV32_OP_CSRRWI:
        case RV32_OP_CSRRSI:
        case RV32_OP_CSRRCI: {
            s->pc = pc;
            SYNC_OUT();
            int e = rv32_csr_exec(s, d);
            SYNC_IN();
            if (e != 0) EXC(RV32_EXC_ILLEGAL, raw);
            if (!debug && UNLIKELY(s->checks)) { /* PMP or a trigger now on */
                RETIRE();
                s->steps_left = steps_left;
                RETURN(RV32_STOP_SWITCH);
            }
            break;
        }
        case RV32_OP_ILLEGAL:
        default: EXC(RV32_EXC_ILLEGAL, raw);
        }

        RETIRE();
        continue;

    retire_and_stop:
        RETIRE();
        RETURN(stop);

    trap:
        s->pc = pc;
        SYNC_OUT();
        if (UNLIKELY(pc == s->trap_target && instret == s->trap_instret)) {
            /* The handler's first instruction traps to the same handler: with interrupts
             * off and nothing retired, the state repeats forever (e.g. mtvec still 0). */
            s->loop_cause = (uint32_t)exc;
            s->loop_tval = tval;
            RETURN(RV32_STOP_TRAP_LOOP);
        }
        rv32_trap_exception(s, (uint32_t)exc, tval);
        SYNC_IN();
    }
#undef SYNC_OUT
#undef SYNC_IN
#undef RETURN
#undef EXC
#undef STOP_AFTER
#undef WATCH_STOP
#undef RETIRE
}

/* One function per copy, so that each is register-allocated on its own. */
static __attribute__((noinline)) rv32_stop run_fast(rv32_iss *s, uint64_t n, uint64_t limit) {
    return run_loop(s, n, limit, 0);
}
static __attribute__((noinline)) rv32_stop run_checked(rv32_iss *s, uint64_t n, uint64_t limit) {
    return run_loop(s, n, limit, 1);
}

rv32_stop rv32_iss_run(rv32_iss *s, uint64_t max_insns, uint64_t cycle_limit) {
    if (s->n_breakpoints != 0 || s->trace != NULL || s->step_over_breakpoint || s->checks)
        return run_checked(s, max_insns, cycle_limit);
    rv32_stop why = run_fast(s, max_insns, cycle_limit);
    if (why == RV32_STOP_SWITCH) /* continue in the copy with the checks */
        why = run_checked(s, s->steps_left, cycle_limit);
    return why;
}
