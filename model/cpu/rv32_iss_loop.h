/* The interpreter loop, included twice by rv32_iss.c: RV32_LOOP_NAME is the function,
 * RV32_LOOP_DEBUG 0 gives the fast copy (no breakpoints, trace, PMP or triggers), 1 the
 * checking copy. Not a header of its own: it uses rv32_iss.c's static helpers.
 *
 * Dispatch: with GCC and Clang each handler ends in its own indirect jump through a label
 * table (direct threading: one predictor entry per handler); elsewhere a switch of gotos.
 * pc, instret and cycles live in locals and are written back (SYNC_OUT) before any call
 * that may read or change them. The fast copy checks one thing per instruction, cycles
 * against `soon`: the cycle limit, or earlier the point where the step budget could run
 * out (every step costs at least one cycle: rv32_iss_run() takes the checking copy when a
 * CPI is 0). Reaching it goes to `top`, which checks both budgets exactly. The slow paths
 * (bus callbacks, CSRs, traps, mret) leave through `resync`, which takes a pending
 * interrupt and reloads the fetch region, as the old loop did at every step; a slow path
 * in the middle of an instruction sets `soon` to 0 and resync_pending, so the next check
 * goes there. */

/* GCC: GCSE and cross-jumping would merge the handlers' identical tails into one indirect
 * jump, and SLP vectorisation keeps instret and cycles in a vector register. */
#if defined(__GNUC__) && !defined(__clang__)
#define RV32_LOOP_ATTRS noinline, optimize("no-gcse", "no-crossjumping", "no-tree-slp-vectorize")
#else
#define RV32_LOOP_ATTRS noinline
#endif
static __attribute__((RV32_LOOP_ATTRS)) rv32_stop RV32_LOOP_NAME(rv32_iss *s, uint64_t max_insns,
                                                                 uint64_t cycle_limit) {
    enum { debug = RV32_LOOP_DEBUG };
    uint64_t instret = s->instret, cycles = s->cycles;
    /* The step budget (traps count too, so a trap loop cannot hang the caller) as a limit
     * on instret: each trap entry lowers it by one. Saturates: 2^64 steps never end. */
    uint64_t insn_limit = max_insns > UINT64_MAX - instret ? UINT64_MAX : instret + max_insns;
    uint64_t soon = 0; /* fast copy: cycles below this need no budget check (set at top) */
    int resync_pending = 0;
    uint32_t *const x = s->x;
    int step_over = s->step_over_breakpoint, resumed = 0;
    s->step_over_breakpoint = 0;
    s->stop_requested = 0;
    uint32_t pc = s->pc;
    /* the fetch region: pc - f_base <= f_lim holds the 4 bytes at pc (f_lim < 0: none) */
    uint32_t f_base = 0;
    int64_t f_lim = -1;
    const uint8_t *f_host = NULL;
    const rv32_dinsn *d = NULL;
    uint32_t raw;
    int exc = 0;
    uint32_t tval = 0;

#if defined(__GNUC__) && !defined(RV32_ISS_SWITCH_DISPATCH) /* the latter: to test the switch */
#define RV32_LABEL_ADDR(op, name, cls) &&L_##op,
    static const void *const table[RV32_OP_COUNT] = {RV32_OPS(RV32_LABEL_ADDR)};
#undef RV32_LABEL_ADDR
#define DISPATCH() goto *table[d->op]
#else
#define DISPATCH() goto dispatch_switch
#endif

/* the decode-cache entry of pc: index (pc >> 2) mod entries, 16-byte entries */
#define ICACHE_AT(pc_)                                                                             \
    ((rv32_dinsn *)((char *)s + offsetof(rv32_iss, icache) +                                       \
                    (((pc_) << 2) & ((RV32_ICACHE_ENTRIES - 1) * sizeof(rv32_dinsn)))))
#define SYNC_OUT() (s->pc = pc, s->instret = instret, s->cycles = cycles)
#define SYNC_IN() (pc = s->pc, instret = s->instret, cycles = s->cycles)
#define RETURN(why) return (SYNC_OUT(), (why))
/* a bus callback ran mid-instruction: resync at the next instruction boundary */
#define SLOW_DONE()                                                                                \
    do {                                                                                           \
        soon = 0, resync_pending = 1;                                                              \
    } while (0)
#define EXC(cause, value)                                                                          \
    do {                                                                                           \
        exc = (int)(cause);                                                                        \
        tval = (value);                                                                            \
        goto trap;                                                                                 \
    } while (0)
/* stop before a load/store for a debugger watchpoint; the next run performs it */
#define WATCH_STOP()                                                                               \
    do {                                                                                           \
        s->step_over_breakpoint = 1;                                                               \
        RETURN(RV32_STOP_WATCHPOINT);                                                              \
    } while (0)
/* retire: next pc, counters, and the trace hook in the checking copy */
#define RETIRE(npc_, cost_)                                                                        \
    do {                                                                                           \
        const uint32_t pc0_ = pc;                                                                  \
        pc = (npc_);                                                                               \
        instret++;                                                                                 \
        cycles += (cost_);                                                                         \
        if (debug && s->trace) {                                                                   \
            int w_ = writes_rd((rv32_op)d->op) && d->rd != RV32_REG_SINK;                          \
            s->pc = pc;                                                                            \
            s->trace(s->trace_ctx, instret, pc0_, d->raw, w_ ? d->rd : 0, w_ ? x[d->rd] : 0);      \
        }                                                                                          \
    } while (0)
#define STOP_AFTER(why, npc_, cost_)                                                               \
    do {                                                                                           \
        RETIRE(npc_, cost_);                                                                       \
        RETURN(why);                                                                               \
    } while (0)
/* the next instruction, inlined at the end of every handler (fast copy): budget, fetch
 * from the fetch region (pc is 4-aligned here: every jump checks it), decode-cache hit */
#define NEXT()                                                                                     \
    do {                                                                                           \
        if (debug) goto limit;                                                                     \
        if (UNLIKELY(cycles >= soon)) goto limit;                                                  \
        const uint32_t off_ = pc - f_base;                                                         \
        if (UNLIKELY((int64_t)off_ > f_lim)) goto fetch_slow;                                      \
        memcpy(&raw, f_host + off_, 4);                                                            \
        d = ICACHE_AT(pc);                                                                         \
        if (UNLIKELY(d->raw != raw)) goto decode;                                                  \
        DISPATCH();                                                                                \
    } while (0)
#define FINISH(npc_, cost_)                                                                        \
    do {                                                                                           \
        RETIRE(npc_, cost_);                                                                       \
        NEXT();                                                                                    \
    } while (0)
#define OP(name, expr)                                                                             \
    L_##name : {                                                                                   \
        const uint32_t a = x[d->rs1], b = x[d->rs2];                                               \
        const int32_t imm = d->imm;                                                                \
        (void)a, (void)b, (void)imm;                                                               \
        x[d->rd] = (expr);                                                                         \
        FINISH(pc + 4, d->cost);                                                                   \
    }

resync:
    if (UNLIKELY(s->irq_check)) {
        s->irq_check = 0;
        SYNC_OUT();
        rv32_trap_take_interrupt(s);
        SYNC_IN();
    }
    f_base = s->fetch_cache.base;
    f_lim = (int64_t)s->fetch_cache.span - 3;
    f_host = s->fetch_cache.host;

top: /* an instruction with every check (entry, after a slow path, and the checking copy) */
    if (UNLIKELY(instret >= insn_limit || cycles >= cycle_limit)) RETURN(RV32_STOP_LIMIT);
    if (!debug) { /* at most insn_limit - instret steps, each of at least one cycle */
        const uint64_t left = insn_limit - instret;
        soon = cycles + left < cycles ? UINT64_MAX : cycles + left;
        if (soon > cycle_limit) soon = cycle_limit;
    }
    if (debug) {
        /* the instruction a debugger resumes at skips its breakpoint and watchpoints */
        resumed = step_over;
        if (s->n_breakpoints != 0 && !step_over && is_breakpoint(s, pc)) {
            s->step_over_breakpoint = 1;
            RETURN(RV32_STOP_BREAKPOINT);
        }
        step_over = 0;
        /* execute triggers, then PMP execute permission */
        if (s->checks) {
            if ((s->trig_kinds & MCONTROL_EXECUTE) &&
                rv32_trigger_match(s, MCONTROL_EXECUTE, pc) >= 0)
                EXC(RV32_EXC_BREAKPOINT, pc);
            if (s->pmp_locked && (pc & 3) == 0 && !rv32_pmp_allows(s, pc, 4, PMP_X))
                EXC(RV32_EXC_INSN_ACCESS, pc);
        }
    }
    if (LIKELY((pc & 3) == 0 && (int64_t)(pc - f_base) <= f_lim)) {
        memcpy(&raw, f_host + (pc - f_base), 4);
        goto lookup;
    }

fetch_slow : { /* another DMI region, a misaligned pc, or the bus */
    const uint8_t *fp = dmi_find(s, pc, 4, RV32_DMI_READ, &s->fetch_cache);
    if (LIKELY(fp != NULL && (pc & 3) == 0)) {
        memcpy(&raw, fp, 4);
        f_base = s->fetch_cache.base;
        f_lim = (int64_t)s->fetch_cache.span - 3;
        f_host = s->fetch_cache.host;
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
        SLOW_DONE();
    }
}
lookup:
    d = ICACHE_AT(pc);
    if (LIKELY(d->raw == raw)) DISPATCH();
decode:
    decode_insn(s, raw, ICACHE_AT(pc));
    d = ICACHE_AT(pc);
    DISPATCH();

#if !defined(__GNUC__) || defined(RV32_ISS_SWITCH_DISPATCH)
dispatch_switch:
    switch ((rv32_op)d->op) {
#define RV32_CASE_GOTO(op, name, cls)                                                              \
    case RV32_OP_##op: goto L_##op;
        RV32_OPS(RV32_CASE_GOTO)
#undef RV32_CASE_GOTO
    default: goto L_ILLEGAL;
    }
#endif

L_LUI:
    x[d->rd] = (uint32_t)d->imm;
    FINISH(pc + 4, d->cost);
L_AUIPC:
    x[d->rd] = pc + (uint32_t)d->imm;
    FINISH(pc + 4, d->cost);
L_JAL : {
    const uint32_t t = pc + (uint32_t)d->imm;
    if (UNLIKELY(t & 3)) EXC(RV32_EXC_INSN_MISALIGNED, t);
    x[d->rd] = pc + 4;
    FINISH(t, d->cost);
}
L_JALR : {
    const uint32_t t = (x[d->rs1] + (uint32_t)d->imm) & ~1u;
    if (UNLIKELY(t & 3)) EXC(RV32_EXC_INSN_MISALIGNED, t);
    x[d->rd] = pc + 4;
    FINISH(t, d->cost);
}
#define BRANCH(name, cond)                                                                         \
    L_##name : {                                                                                   \
        const uint32_t a = x[d->rs1], b = x[d->rs2];                                               \
        if (cond) {                                                                                \
            const uint32_t t = pc + (uint32_t)d->imm;                                              \
            if (UNLIKELY(t & 3)) EXC(RV32_EXC_INSN_MISALIGNED, t);                                 \
            FINISH(t, d->cost);                                                                    \
        }                                                                                          \
        FINISH(pc + 4, s->cpi_branch_not_taken);                                                   \
    }
    BRANCH(BEQ, a == b)
    BRANCH(BNE, a != b)
    BRANCH(BLT, (int32_t)a < (int32_t)b)
    BRANCH(BGE, (int32_t)a >= (int32_t)b)
    BRANCH(BLTU, a < b)
    BRANCH(BGEU, a >= b)
#undef BRANCH

/* DMI fast path first (one bounds compare and the alignment); otherwise the slow path with
 * alignment handling and the bus */
#define LOAD(name, len, conv)                                                                      \
    L_##name : {                                                                                   \
        const uint32_t addr = x[d->rs1] + (uint32_t)d->imm;                                        \
        uint32_t v = 0;                                                                            \
        if (debug && s->checks) {                                                                  \
            int c = data_checks(s, addr, len, MCONTROL_LOAD, resumed);                             \
            if (c < 0) WATCH_STOP();                                                               \
            if (c) EXC(c, addr);                                                                   \
        }                                                                                          \
        const uint32_t off = addr - s->load_cache.base;                                            \
        if (LIKELY((uint64_t)off + (len - 1) <= s->load_cache.span && (addr & (len - 1)) == 0)) {  \
            v = get_le(s->load_cache.host + off, len);                                             \
            x[d->rd] = (conv);                                                                     \
            FINISH(pc + 4, d->cost);                                                               \
        }                                                                                          \
        SYNC_OUT();                                                                                \
        int e = load(s, addr, len, &v);                                                            \
        SYNC_IN();                                                                                 \
        if (e) EXC(e, addr);                                                                       \
        x[d->rd] = (conv);                                                                         \
        if (UNLIKELY(s->stop_requested)) STOP_AFTER(RV32_STOP_REQUESTED, pc + 4, d->cost);         \
        SLOW_DONE();                                                                               \
        FINISH(pc + 4, d->cost);                                                                   \
    }
    LOAD(LB, 1, (uint32_t)(int32_t)(int8_t)v)
    LOAD(LH, 2, (uint32_t)(int32_t)(int16_t)v)
    LOAD(LW, 4, v)
    LOAD(LBU, 1, v)
    LOAD(LHU, 2, v)
#undef LOAD

#define TOHOST(len, b)                                                                             \
    if (UNLIKELY(addr == s->tohost) && len == 4 && s->tohost && ((b)&1)) {                         \
        s->exited = 1;                                                                             \
        s->exit_code = (int)((b) >> 1);                                                            \
        STOP_AFTER(RV32_STOP_EXIT, pc + 4, d->cost);                                               \
    }
#define STORE(name, len)                                                                           \
    L_##name : {                                                                                   \
        const uint32_t addr = x[d->rs1] + (uint32_t)d->imm, b = x[d->rs2];                         \
        if (debug && s->checks) {                                                                  \
            int c = data_checks(s, addr, len, MCONTROL_STORE, resumed);                            \
            if (c < 0) WATCH_STOP();                                                               \
            if (c) EXC(c, addr);                                                                   \
        }                                                                                          \
        const uint32_t off = addr - s->store_cache.base;                                           \
        if (LIKELY((uint64_t)off + (len - 1) <= s->store_cache.span && (addr & (len - 1)) == 0)) { \
            put_le(s->store_cache.host + off, len, b);                                             \
            if (s->store_cache.write_map)                                                          \
                s->store_cache.write_map[off >> s->store_cache.map_shift] = 1;                     \
            TOHOST(len, b)                                                                         \
            FINISH(pc + 4, d->cost);                                                               \
        }                                                                                          \
        SYNC_OUT();                                                                                \
        int e = store(s, addr, len, b);                                                            \
        SYNC_IN();                                                                                 \
        if (e) EXC(e, addr);                                                                       \
        TOHOST(len, b)                                                                             \
        if (UNLIKELY(s->stop_requested)) STOP_AFTER(RV32_STOP_REQUESTED, pc + 4, d->cost);         \
        SLOW_DONE();                                                                               \
        FINISH(pc + 4, d->cost);                                                                   \
    }
    STORE(SB, 1)
    STORE(SH, 2)
    STORE(SW, 4)
#undef STORE
#undef TOHOST

    OP(ADDI, a + (uint32_t)imm)
    OP(SLTI, (int32_t)a < imm)
    OP(SLTIU, a < (uint32_t)imm)
    OP(XORI, a ^ (uint32_t)imm)
    OP(ORI, a | (uint32_t)imm)
    OP(ANDI, a & (uint32_t)imm)
    OP(SLLI, a << imm)
    OP(SRLI, a >> imm)
    OP(SRAI, (uint32_t)((int32_t)a >> imm))
    OP(ADD, a + b)
    OP(SUB, a - b)
    OP(SLL, a << (b & 31))
    OP(SLT, (int32_t)a < (int32_t)b)
    OP(SLTU, a < b)
    OP(XOR, a ^ b)
    OP(SRL, a >> (b & 31))
    OP(SRA, (uint32_t)((int32_t)a >> (b & 31)))
    OP(OR, a | b)
    OP(AND, a & b)
    OP(MUL, a * b)
    OP(MULH, (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b) >> 32))
    OP(MULHSU, (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)(uint64_t)b) >> 32))
    OP(MULHU, (uint32_t)(((uint64_t)a * b) >> 32))
    OP(DIV, div_s(a, b))
    OP(DIVU, b ? a / b : 0xffffffffu)
    OP(REM, rem_s(a, b))
    OP(REMU, b ? a % b : a)

L_FENCE:
L_FENCE_I: /* one hart, raw-checked decode cache */
    FINISH(pc + 4, d->cost);
L_ECALL:
    EXC(RV32_EXC_ECALL_M, 0);
L_EBREAK:
    EXC(RV32_EXC_BREAKPOINT, pc);
L_MRET : {
    const uint32_t pc0 = pc;
    instret++;
    cycles += d->cost;
    rv32_trap_mret(s);
    pc = s->pc;
    if (debug && s->trace) s->trace(s->trace_ctx, instret, pc0, d->raw, 0, 0);
    goto resync;
}
L_WFI:
    if ((s->mip & s->mie) == 0) STOP_AFTER(RV32_STOP_WFI, pc + 4, d->cost);
    FINISH(pc + 4, d->cost);
L_CSRRW:
L_CSRRS:
L_CSRRC:
L_CSRRWI:
L_CSRRSI:
L_CSRRCI : {
    SYNC_OUT();
    int e = rv32_csr_exec(s, d);
    SYNC_IN();
    if (e != 0) EXC(RV32_EXC_ILLEGAL, d->raw);
    if (!debug && UNLIKELY(s->checks)) { /* PMP or a trigger now on */
        RETIRE(pc + 4, d->cost);
        s->steps_left = insn_limit - instret;
        RETURN(RV32_STOP_SWITCH);
    }
    RETIRE(pc + 4, d->cost);
    goto resync;
}
L_ILLEGAL:
    EXC(RV32_EXC_ILLEGAL, d->raw);

limit: /* a budget may be used up (fast copy), or a slow path wants a resync */
    if (resync_pending) {
        resync_pending = 0;
        goto resync;
    }
    goto top;

trap:
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
    insn_limit -= insn_limit != UINT64_MAX; /* the step the trap took */
    goto resync;

#undef RV32_LOOP_ATTRS
#undef DISPATCH
#undef ICACHE_AT
#undef SYNC_OUT
#undef SYNC_IN
#undef RETURN
#undef SLOW_DONE
#undef EXC
#undef WATCH_STOP
#undef RETIRE
#undef STOP_AFTER
#undef NEXT
#undef FINISH
#undef OP
}
