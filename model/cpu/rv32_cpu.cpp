/* SystemC/TLM-2.0 wrapper of the RV32IM ISS (see rv32_cpu.h): a loosely-timed initiator
 * with a quantum keeper that skips the synchronisations nothing can observe, DMI for fetch
 * and RAM data, CPI-table timing, interrupt inputs, wfi as a wait on an interrupt event,
 * per-instruction trace and the GDB stub. */
#include "rv32_cpu.h"

#include "gdb_stub.h"
#include "mem/memory_span_ext.h"
#include "rv32_iss.h"

#include "out_file.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace hq {

using sc_core::sc_time;

struct Rv32Cpu::Impl final : GdbTarget {
    Rv32Cpu &cpu;
    CpuConfig cfg;
    rv32_iss *iss = nullptr;
    /* The quantum keeper (tlm_quantumkeeper's arithmetic, kept here so that a boundary can be
     * passed without waiting). offset = the CPU's local time - sc_time_stamp(), the delay of
     * its next transaction; skipped = the part of it from boundaries passed without waiting
     * (offset - skipped is what tlm_quantumkeeper's local time would be); next_sync =
     * tlm_quantumkeeper's next sync point (absolute). */
    sc_time offset, skipped, next_sync;
    sc_time stamp; /* sc_time_stamp(), read again after everything that may wait */
    sc_time horizon = sc_core::sc_max_time(); /* never skip a boundary at or past this */
    sc_time quantum;                          /* the global quantum, read when run() starts */
    /* Boundaries before idle_until may be passed: the next activity of another process, found
     * when epoch was idle_epoch. epoch counts what can change that: a wait, a transaction. */
    sc_time idle_until;
    uint64_t epoch = 1, idle_epoch = 0;
    bool skip_idle = true;
    bool just_skipped = false;  /* the last slice ended at a boundary passed without waiting */
    uint64_t chain_quantum = 0; /* the quantum in cycles if whole, else 0: no chaining */
    uint64_t syncs = 0, skips = 0;
    sc_time period;
    uint64_t accounted_cycles = 0; /* ISS cycles already added to the quantum keeper */
    uint32_t reset_pc = 0x80000000u;
    uint32_t tohost = 0;
    bool limit_hit = false;
    bool trap_loop = false;
    bool io_write_sync = false; /* a device register was written: synchronise */
    bool gdb_interrupt = false; /* Ctrl-C arrived while sleeping in wfi */
    bool exited = false;
    int exit_code = 0;
    FILE *trace = nullptr;
    sc_core::sc_event irq_event;
    std::function<uint64_t(const sc_time &)> mtime_at;
    std::unique_ptr<GdbStub> gdb;
    tlm::tlm_generic_payload trans;

    Impl(Rv32Cpu &c, const CpuConfig &config) : cpu(c), cfg(config) {
        period = sc_time(1.0 / cfg.clock_hz, sc_core::SC_SEC);
        rv32_bus bus{this, &Impl::bus_read, &Impl::bus_write, &Impl::read_time};
        iss = rv32_iss_create(&bus);
        if (!iss) throw std::runtime_error(std::string(cpu.name()) + ": out of memory");
        unsigned cpi[RV32_CLASS_COUNT];
        cpi[RV32_CLASS_ALU] = cfg.cpi_alu;
        cpi[RV32_CLASS_MUL] = cfg.cpi_mul;
        cpi[RV32_CLASS_DIV] = cfg.cpi_div;
        cpi[RV32_CLASS_LOAD] = cfg.cpi_load;
        cpi[RV32_CLASS_STORE] = cfg.cpi_store;
        cpi[RV32_CLASS_BRANCH_TAKEN] = cfg.cpi_branch_taken;
        cpi[RV32_CLASS_BRANCH_NOT_TAKEN] = cfg.cpi_branch_not_taken;
        cpi[RV32_CLASS_JUMP] = cfg.cpi_jump;
        cpi[RV32_CLASS_CSR] = cfg.cpi_csr;
        cpi[RV32_CLASS_SYSTEM] = cfg.cpi_system;
        rv32_iss_set_cpi(iss, cpi);
        rv32_iss_set_misaligned_traps(iss, cfg.misaligned_traps);
        /* testing: the ISS's checking loop for every instruction (README, Speed) */
        const char *checked = std::getenv("HQSIM_ISS_CHECKED_LOOP");
        rv32_iss_set_force_checked(iss, checked && *checked && std::strcmp(checked, "0") != 0);
        if (!cfg.trace_insns_path.empty()) {
            char err[512];
            trace = hq_out_open_stream(cfg.trace_insns_path.c_str(), err, sizeof err);
            if (!trace) throw std::runtime_error(std::string(cpu.name()) + ": trace file " + err);
            rv32_iss_set_trace(iss, &Impl::trace_line, this);
        }
    }

    ~Impl() override {
        if (trace) fclose(trace);
        rv32_iss_destroy(iss);
    }

    /* ---- time ---- */

    /* Move the cycles the ISS counted since the last call into the quantum keeper. */
    void account_cycles() {
        settle_chain();
        uint64_t now = rv32_iss_cycles(iss);
        if (now > accounted_cycles) offset += cycles_time(now - accounted_cycles);
        accounted_cycles = now;
    }

    sc_time cycles_time(uint64_t n) const { return period * static_cast<double>(n); }
    /* t / period, whole cycles, as sc_time's double division gives it; in integers where that
     * is the same value (operands far below 2^53), for the per-quantum path */
    uint64_t whole_cycles(const sc_time &t) const {
        const uint64_t v = t.value(), p = period.value();
        if (v < (UINT64_C(1) << 32) && p < (UINT64_C(1) << 32) && p) return v / p;
        return static_cast<uint64_t>(t / period);
    }

    sc_time local_now() {
        account_cycles();
        return sc_core::sc_time_stamp() + offset;
    }

    /* ---- synchronisation ---- */

    /* Boundaries the ISS passed inside one run (rv32_iss_set_chain): the state boundary()
     * would have left at the last one. */
    void settle_chain() {
        uint64_t last;
        const uint64_t n = rv32_iss_chain_take(iss, &last);
        if (!n) return;
        /* the sum of the slices' period * n, each exact: in integers */
        offset += sc_time::from_value(period.value() * (last - accounted_cycles));
        accounted_cycles = last;
        skipped = offset;
        set_sync_point();
        skips += n;
    }
    /* After a boundary passed without waiting the next slices are whole quanta, and their
     * ends are boundaries too (the quantum is a whole number of cycles): let the ISS pass
     * those before the next activity of another process without returning. */
    void arm_chain() {
        if (!just_skipped || !chain_quantum || idle_epoch != epoch) return;
        const sc_time at = stamp + offset;
        if (idle_until <= at) return;
        const uint64_t p = period.value(), d = (idle_until - at).value();
        uint64_t until = UINT64_MAX; /* boundaries at cycle counts below this are idle */
        const uint64_t n = d / p + (d % p != 0);
        if (idle_until != sc_core::sc_max_time() && n < (UINT64_C(1) << 40))
            until = accounted_cycles + n;
        rv32_iss_set_chain(iss, chain_quantum, until);
    }

    sc_time quantum_local() const { return offset - skipped; }
    bool need_sync() const { return stamp + offset >= next_sync; }
    /* tlm_quantumkeeper::reset() at the CPU's local time: the next multiple of the quantum */
    void set_sync_point() {
        const sc_time now = stamp + offset;
        next_sync = now + (quantum - now % quantum);
    }
    /* Wait up to the last boundary passed without waiting, where the CPU would be without
     * skipping: from here every wait, transaction and stop sees the same sc_time_stamp() and
     * delay as before. Nothing else runs in that wait (nothing was pending up to there). */
    void catch_up() {
        if (skipped == sc_core::SC_ZERO_TIME) return;
        sc_core::wait(skipped);
        stamp = sc_core::sc_time_stamp();
        epoch++;
        offset -= skipped;
        skipped = sc_core::SC_ZERO_TIME;
    }
    /* tlm_quantumkeeper::sync() */
    void sync() {
        catch_up();
        sc_core::wait(offset);
        stamp = sc_core::sc_time_stamp();
        epoch++;
        offset = sc_core::SC_ZERO_TIME;
        set_sync_point();
        syncs++;
    }
    /* A quantum boundary: other processes could run here only if one has activity pending
     * at or before it (a timed event, a delta notification, a signal update); with none, the
     * wait would return at once with nothing changed, so run on and count the boundary as
     * passed. A later boundary with activity pending waits as before (catch_up first). */
    void boundary() {
        if (!skip_idle || gdb) return sync();
        if (idle_epoch != epoch) { /* time_to_pending is 0 with activity at this time */
            idle_until = std::min(stamp + sc_core::sc_time_to_pending_activity(), horizon);
            idle_epoch = epoch;
        }
        if (stamp + offset < idle_until) {
            skipped = offset;
            set_sync_point();
            skips++;
            just_skipped = true;
        } else
            sync();
    }

    static uint64_t read_time(void *ctx) {
        Impl *self = static_cast<Impl *>(ctx);
        sc_time t = self->local_now();
        if (self->mtime_at) return self->mtime_at(t);
        return static_cast<uint64_t>(t / sc_time(100, sc_core::SC_NS)); /* 10 MHz */
    }

    /* ---- memory ---- */

    int transport(tlm::tlm_command cmd, uint32_t addr, uint8_t *buf, unsigned len) {
        account_cycles();
        rv32_iss_set_chain(iss, 0, 0); /* what it may change was not known when armed */
        epoch++;                       /* the target may notify events or wait */
        catch_up(); /* the target sees sc_time_stamp() and delay as without skipping */
        sc_time before = offset;
        sc_time delay = before;
        trans.set_command(cmd);
        trans.set_address(addr);
        trans.set_data_ptr(buf);
        trans.set_data_length(len);
        trans.set_streaming_width(len);
        trans.set_byte_enable_ptr(nullptr);
        trans.set_dmi_allowed(false);
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        const sc_time at = sc_core::sc_time_stamp();
        cpu.socket->b_transport(trans, delay);
        /* The target may have waited (part of) the delay to synchronise, e.g. the CLINT and
         * PLIC before a level change: the transaction ends at waited + delay after `at`, and
         * what was waited is no longer the CPU's to add (its local time stays the same). */
        const sc_time waited = sc_core::sc_time_stamp() - at, end = waited + delay;
        stamp = sc_core::sc_time_stamp();
        if (end > before) { /* target latency stalls the core: whole cycles */
            uint64_t stall = static_cast<uint64_t>((end - before) / period + 0.999999);
            rv32_iss_add_cycles(iss, stall);
            account_cycles();
        }
        /* offset >= waited: before + the stall covers the end */
        offset = offset > waited ? offset - waited : sc_core::SC_ZERO_TIME;
        if (sc_core::sc_get_simulator_status() == sc_core::SC_SIM_USER_STOP)
            rv32_iss_request_stop(iss); /* e.g. the test finisher called sc_stop() */
        if (trans.get_response_status() != tlm::TLM_OK_RESPONSE)
            return 1; /* address error and every other error: access fault */
        if (cfg.dmi && trans.is_dmi_allowed()) request_dmi(addr);
        if (cmd == tlm::TLM_WRITE_COMMAND && !trans.is_dmi_allowed()) {
            /* A device register changed: leave the slice so that the device's processes
             * (interrupt lines, an accelerator start) run before the next instruction. */
            io_write_sync = true;
            rv32_iss_request_stop(iss);
        }
        return 0;
    }

    static int bus_read(void *ctx, uint32_t addr, void *buf, unsigned len, rv32_access) {
        return static_cast<Impl *>(ctx)->transport(tlm::TLM_READ_COMMAND, addr,
                                                   static_cast<uint8_t *>(buf), len);
    }

    static int bus_write(void *ctx, uint32_t addr, const void *buf, unsigned len) {
        uint8_t tmp[4];
        memcpy(tmp, buf, len);
        return static_cast<Impl *>(ctx)->transport(tlm::TLM_WRITE_COMMAND, addr, tmp, len);
    }

    void request_dmi(uint32_t addr) {
        tlm::tlm_generic_payload t;
        tlm::tlm_dmi dmi;
        hq::MemorySpanExtension span; /* the memory's page map for our stores */
        t.set_command(tlm::TLM_READ_COMMAND);
        t.set_address(addr);
        t.set_extension(&span);
        const bool granted = cpu.socket->get_direct_mem_ptr(t, dmi);
        epoch++;
        t.clear_extension(&span); /* on the stack: the payload must not free it */
        if (!granted || !dmi.is_read_allowed()) return;
        uint64_t start = dmi.get_start_address(), end = dmi.get_end_address();
        if (start > 0xffffffffu) return;
        if (end > 0xffffffffu) end = 0xffffffffu;
        unsigned acc = RV32_DMI_READ | (dmi.is_write_allowed() ? RV32_DMI_WRITE : 0u);
        if (rv32_iss_add_dmi(iss, static_cast<uint32_t>(start), end - start + 1, dmi.get_dmi_ptr(),
                             acc) == 0 &&
            span.write_map)
            rv32_iss_set_dmi_write_map(iss, static_cast<uint32_t>(start), span.write_map,
                                       span.page_shift);
    }

    /* ---- trace ---- */

    static void trace_line(void *ctx, uint64_t n, uint32_t pc, uint32_t insn, unsigned rd,
                           uint32_t v) {
        FILE *f = static_cast<Impl *>(ctx)->trace;
        fprintf(f, "%" PRIu64 " %08x %08x %-7s", n, pc, insn, rv32_mnemonic(insn));
        if (rd) fprintf(f, " x%u=%08x", rd, v);
        fputc('\n', f);
    }

    /* ---- GdbTarget ---- */

    uint32_t read_register(unsigned n) override {
        return n == 32 ? rv32_iss_get_pc(iss) : rv32_iss_get_reg(iss, n);
    }
    void write_register(unsigned n, uint32_t v) override {
        if (n == 32)
            rv32_iss_set_pc(iss, v);
        else
            rv32_iss_set_reg(iss, n, v);
    }
    bool debug_access(tlm::tlm_command cmd, uint32_t addr, uint8_t *buf, size_t len) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(buf);
        t.set_data_length(static_cast<unsigned>(len));
        t.set_streaming_width(static_cast<unsigned>(len));
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        return cpu.socket->transport_dbg(t) == len;
    }
    bool read_memory(uint32_t addr, uint8_t *buf, size_t len) override {
        return debug_access(tlm::TLM_READ_COMMAND, addr, buf, len);
    }
    bool write_memory(uint32_t addr, const uint8_t *buf, size_t len) override {
        std::vector<uint8_t> tmp(buf, buf + len);
        return debug_access(tlm::TLM_WRITE_COMMAND, addr, tmp.data(), len);
    }
    bool set_breakpoint(uint32_t addr, bool on) override {
        return on ? rv32_iss_add_breakpoint(iss, addr) == 0
                  : (rv32_iss_remove_breakpoint(iss, addr), true);
    }
    bool set_watchpoint(int type, uint32_t addr, uint32_t len, bool on) override {
        unsigned kind = type == 2   ? RV32_WATCH_WRITE
                        : type == 3 ? RV32_WATCH_READ
                                    : RV32_WATCH_READ | RV32_WATCH_WRITE;
        return on ? rv32_iss_add_watchpoint(iss, addr, len, kind) == 0
                  : (rv32_iss_remove_watchpoint(iss, addr, len, kind), true);
    }
    /* The stop reply gdb expects for a watchpoint hit: T05watch/rwatch/awatch:addr; */
    std::string watch_reply() const {
        uint32_t addr;
        unsigned kind;
        rv32_iss_watch_hit(iss, &addr, &kind);
        const char *what = kind == RV32_WATCH_WRITE  ? "watch"
                           : kind == RV32_WATCH_READ ? "rwatch"
                                                     : "awatch";
        char buf[40];
        snprintf(buf, sizeof buf, "T05%s:%x;", what, addr);
        return buf;
    }

    void finish(int code) {
        catch_up(); /* sc_time_stamp() at the end as without skipping */
        exited = true;
        exit_code = code;
        if (gdb) gdb->report_exit(code);
        sc_core::sc_stop();
    }

    void run();
    void wait_for_interrupt();
    uint64_t steps() const { return rv32_iss_instret(iss) + rv32_iss_traps(iss); }
};

SC_HAS_PROCESS(Rv32Cpu);

Rv32Cpu::Rv32Cpu(sc_core::sc_module_name name, const CpuConfig &cfg)
    : sc_module(name), socket("socket"), irq_timer("irq_timer"), irq_software("irq_software"),
      irq_external("irq_external"), impl_(nullptr) {
    if (!(cfg.clock_hz > 0))
        throw std::invalid_argument(std::string(this->name()) + ": clock_hz must be > 0");
    if (cfg.quantum <= sc_core::SC_ZERO_TIME)
        throw std::invalid_argument(std::string(this->name()) + ": quantum must be > 0");
    impl_ = new Impl(*this, cfg);
    tlm_utils::tlm_quantumkeeper::set_global_quantum(cfg.quantum);
    /* testing: synchronise at every quantum boundary, as before issue 16 (README, Speed) */
    const char *every = std::getenv("HQSIM_CPU_SYNC_EVERY_QUANTUM");
    if (!cfg.skip_idle_syncs || (every && *every && std::strcmp(every, "0") != 0))
        impl_->skip_idle = false;
    socket.register_invalidate_direct_mem_ptr(this, &Rv32Cpu::invalidate_dmi);
    if (cfg.gdb_port > 0) {
        impl_->gdb.reset(new GdbStub(cfg.gdb_port));
        impl_->gdb->listen(); /* now, so a debugger can connect as soon as we exist */
    }
    SC_THREAD(run_thread);
    SC_METHOD(irq_changed);
    sensitive << irq_timer << irq_software << irq_external;
    dont_initialize();
}

Rv32Cpu::~Rv32Cpu() {
    const char *stats = std::getenv("HQSIM_CPU_SYNC_STATS");
    if (stats && *stats && std::strcmp(stats, "0") != 0)
        std::fprintf(stderr, "%s: %" PRIu64 " quantum synchronisations, %" PRIu64 " skipped\n",
                     name(), impl_->syncs, impl_->skips);
    delete impl_;
}

void Rv32Cpu::set_reset_pc(uint32_t pc) {
    impl_->reset_pc = pc;
}
void Rv32Cpu::set_tohost_addr(uint32_t addr) {
    impl_->tohost = addr;
}
void Rv32Cpu::set_time_source(std::function<uint64_t(const sc_core::sc_time &)> f) {
    impl_->mtime_at = std::move(f);
}
uint64_t Rv32Cpu::instructions() const {
    return rv32_iss_instret(impl_->iss);
}
uint64_t Rv32Cpu::cycles() const {
    return rv32_iss_cycles(impl_->iss);
}
bool Rv32Cpu::hit_insn_limit() const {
    return impl_->limit_hit;
}
uint64_t Rv32Cpu::traps() const {
    return rv32_iss_traps(impl_->iss);
}
bool Rv32Cpu::trap_loop(TrapLoop *t) const {
    if (!impl_->trap_loop) return false;
    rv32_iss *s = impl_->iss;
    t->handler = rv32_iss_get_pc(s);
    rv32_iss_trap_loop(s, &t->cause, &t->tval);
    rv32_iss_read_csr(s, 0x341, &t->mepc);
    rv32_iss_read_csr(s, 0x342, &t->mcause);
    rv32_iss_read_csr(s, 0x343, &t->mtval);
    return true;
}
bool Rv32Cpu::exited() const {
    return impl_->exited;
}
int Rv32Cpu::exit_code() const {
    return impl_->exit_code;
}
uint32_t Rv32Cpu::pc() const {
    return rv32_iss_get_pc(impl_->iss);
}
sc_core::sc_time Rv32Cpu::local_time() const {
    uint64_t pending = rv32_iss_cycles(impl_->iss) - impl_->accounted_cycles;
    return sc_core::sc_time_stamp() + impl_->offset + impl_->period * static_cast<double>(pending);
}
void Rv32Cpu::set_sync_horizon(const sc_core::sc_time &t) {
    impl_->horizon = t;
    impl_->epoch++;
}
uint64_t Rv32Cpu::quantum_syncs() const {
    return impl_->syncs;
}
uint64_t Rv32Cpu::skipped_syncs() const {
    return impl_->skips;
}
uint32_t Rv32Cpu::reg(unsigned i) const {
    return rv32_iss_get_reg(impl_->iss, i);
}

void Rv32Cpu::invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end) {
    rv32_iss_invalidate_dmi(impl_->iss, start, end);
}

void Rv32Cpu::irq_changed() {
    rv32_iss_set_irq(impl_->iss, RV32_IRQ_MTI, irq_timer.read());
    rv32_iss_set_irq(impl_->iss, RV32_IRQ_MSI, irq_software.read());
    rv32_iss_set_irq(impl_->iss, RV32_IRQ_MEI, irq_external.read());
    impl_->irq_event.notify(sc_core::SC_ZERO_TIME);
}

void Rv32Cpu::run_thread() {
    impl_->run();
}

/* wfi: synchronise, then sleep until an enabled interrupt is pending; the time slept counts
 * as core cycles (mcycle keeps tracking simulated time). */
void Rv32Cpu::Impl::wait_for_interrupt() {
    account_cycles();
    sync();
    sc_time t0 = sc_core::sc_time_stamp();
    uint32_t mip = 0, mie = 0;
    for (;;) {
        rv32_iss_read_csr(iss, 0x344, &mip);
        rv32_iss_read_csr(iss, 0x304, &mie);
        if (mip & mie) break;
        if (gdb) { /* a debugger may interrupt the sleep: look once per quantum */
            sc_core::wait(tlm_utils::tlm_quantumkeeper::get_global_quantum(), irq_event);
            if (gdb->interrupt_requested()) {
                gdb_interrupt = true;
                break;
            }
        } else
            sc_core::wait(irq_event);
    }
    stamp = sc_core::sc_time_stamp();
    epoch++;
    uint64_t slept = static_cast<uint64_t>((sc_core::sc_time_stamp() - t0) / period);
    rv32_iss_add_cycles(iss, slept);
    accounted_cycles = rv32_iss_cycles(iss); /* that time has already passed */
}

void Rv32Cpu::Impl::run() {
    rv32_iss_reset(iss, reset_pc);
    rv32_iss_set_tohost(iss, tohost);
    accounted_cycles = 0;
    offset = skipped = sc_core::SC_ZERO_TIME;
    stamp = sc_core::sc_time_stamp();
    quantum = tlm_utils::tlm_quantumkeeper::get_global_quantum();
    set_sync_point();
    /* chaining needs a slice of quantum / period cycles to end exactly a quantum later */
    if (skip_idle && !cfg.max_insns && period.value() && quantum.value() % period.value() == 0)
        chain_quantum = quantum.value() / period.value();
    if (cfg.dmi) request_dmi(reset_pc);

    GdbStub::Resume mode = GdbStub::Resume::Continue;
    if (gdb) {
        /* stderr: stdout is the firmware's UART (and --json's object) */
        fprintf(stderr, "%s: waiting for gdb on 127.0.0.1:%d\n", cpu.name(), cfg.gdb_port);
        fflush(stderr);
        gdb->accept_client();
        mode = gdb->serve(*this, 0);
    }
    for (;;) {
        if (mode == GdbStub::Resume::Kill) {
            sc_core::sc_stop();
            return;
        }
        if (mode == GdbStub::Resume::Detach && gdb) {
            gdb.reset();
            epoch++; /* its debug accesses may have changed a device */
        }

        /* the slice: up to the end of the quantum, one instruction when single-stepping; the
         * budget counts trap entries too (the ISS's steps), so a trap storm cannot outlast it */
        uint64_t budget = UINT64_MAX;
        if (cfg.max_insns) budget = cfg.max_insns > steps() ? cfg.max_insns - steps() : 0;
        bool stepping = gdb && mode == GdbStub::Resume::Step;
        if (stepping && budget > 1) budget = 1;
        sc_time left = quantum - quantum_local();
        uint64_t slice = left > sc_core::SC_ZERO_TIME ? whole_cycles(left) : 0;
        if (slice == 0) slice = 1;

        if (!stepping && !gdb) arm_chain();
        just_skipped = false;
        rv32_stop why =
            budget ? rv32_iss_run(iss, budget, rv32_iss_cycles(iss) + slice) : RV32_STOP_LIMIT;
        rv32_iss_set_chain(iss, 0, 0);
        account_cycles();
        /* Only the end of a slice may pass a boundary without waiting; every other stop
         * (exit, wfi, budget, debugger) sees SystemC exactly as before. */
        if (why != RV32_STOP_LIMIT || (cfg.max_insns && steps() >= cfg.max_insns) || gdb)
            catch_up();

        if (rv32_iss_exited(iss)) {
            finish(rv32_iss_exit_code(iss));
            return;
        }
        if (why == RV32_STOP_TRAP_LOOP) {
            trap_loop = true;
            if (gdb) gdb->report_exit(1);
            sc_core::sc_stop();
            return;
        }
        if (sc_core::sc_get_simulator_status() == sc_core::SC_SIM_USER_STOP) {
            if (gdb) /* e.g. the test finisher ended the run */
                gdb->report_exit(0);
            return;
        }
        if (io_write_sync) {
            io_write_sync = false;
            if (offset == sc_core::SC_ZERO_TIME) { /* let delta cycles settle */
                rv32_iss_add_cycles(iss, 1);
                account_cycles();
            }
            sync();
        }
        if (cfg.max_insns && steps() >= cfg.max_insns) {
            limit_hit = true;
            sc_core::sc_stop();
            return;
        }
        if (why == RV32_STOP_WFI && !stepping) wait_for_interrupt();
        if (need_sync()) boundary();
        if (gdb) {
            if (why == RV32_STOP_WATCHPOINT)
                mode = gdb->serve(*this, GdbStub::SigTrap, watch_reply());
            else if (why == RV32_STOP_BREAKPOINT || stepping)
                mode = gdb->serve(*this, GdbStub::SigTrap);
            else if (gdb_interrupt || gdb->interrupt_requested()) {
                gdb_interrupt = false;
                mode = gdb->serve(*this, GdbStub::SigInt);
            }
        }
    }
}

} // namespace hq
