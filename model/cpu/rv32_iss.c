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
    for (unsigned i = 0; i < RV32_ICACHE_ENTRIES; i++)
        rv32_decode(0, &s->icache[i]);
    rv32_iss_set_cpi(s, ones);
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
    s->cpi_zero = 0;
    for (int c = 0; c < RV32_CLASS_COUNT; c++)
        s->cpi_zero |= cpi[c] == 0;
    for (unsigned i = 0; i < RV32_ICACHE_ENTRIES; i++) /* decoded entries carry the CPI */
        s->icache[i].cost = s->op_cycles[s->icache[i].op];
}

void rv32_iss_set_force_checked(rv32_iss *s, int on) {
    s->force_checked = on;
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

_Static_assert(sizeof(rv32_dinsn) == 16, "the run loop indexes the decode cache by pc << 2");

/* Decode into the cache; the entry carries the op's CPI (branches: taken). */
static void decode_insn(const rv32_iss *s, uint32_t raw, rv32_dinsn *d) {
    rv32_decode(raw, d);
    d->cost = s->op_cycles[d->op];
}

/* The two copies of the run loop, each its own function so that each is register-allocated
 * on its own. */
#define RV32_LOOP_NAME run_fast
#define RV32_LOOP_DEBUG 0
#include "rv32_iss_loop.h"
#undef RV32_LOOP_NAME
#undef RV32_LOOP_DEBUG
#define RV32_LOOP_NAME run_checked
#define RV32_LOOP_DEBUG 1
#include "rv32_iss_loop.h"
#undef RV32_LOOP_NAME
#undef RV32_LOOP_DEBUG

static rv32_stop run_slice(rv32_iss *s, uint64_t max_insns, uint64_t cycle_limit) {
    if (s->n_breakpoints != 0 || s->trace != NULL || s->step_over_breakpoint || s->checks ||
        s->force_checked || s->cpi_zero)
        return run_checked(s, max_insns, cycle_limit);
    rv32_stop why = run_fast(s, max_insns, cycle_limit);
    if (why == RV32_STOP_SWITCH) /* continue in the copy with the checks */
        why = run_checked(s, s->steps_left, cycle_limit);
    return why;
}

rv32_stop rv32_iss_run(rv32_iss *s, uint64_t max_insns, uint64_t cycle_limit) {
    for (;;) {
        const uint64_t steps = s->instret + s->traps;
        const rv32_stop why = run_slice(s, max_insns, cycle_limit);
        /* a cycle limit the caller passes (rv32_iss_set_chain): the next slice, as the
         * caller would run it; a step budget used up returns */
        const uint64_t done = s->instret + s->traps - steps;
        if (why != RV32_STOP_LIMIT || done >= max_insns || !s->chain_quantum ||
            s->cycles < cycle_limit || s->cycles >= s->chain_until)
            return why;
        s->chain_count++;
        s->chain_last = s->cycles;
        cycle_limit = s->cycles + s->chain_quantum;
        max_insns -= done;
    }
}

void rv32_iss_set_chain(rv32_iss *s, uint64_t quantum, uint64_t until) {
    s->chain_quantum = quantum;
    s->chain_until = until;
}

uint64_t rv32_iss_chain_take(rv32_iss *s, uint64_t *last) {
    const uint64_t n = s->chain_count;
    *last = s->chain_last;
    s->chain_count = 0;
    return n;
}
