/* SystemC/TLM-2.0 wrapper of the RV32IM ISS (rv32_iss.h): a loosely-timed initiator.
 * Interface contract between the CPU and the platform assembly (model/platform). */
#ifndef HQ_RV32_CPU_H
#define HQ_RV32_CPU_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace hq {

struct CpuConfig {
    double clock_hz = 100e6; /* core clock */
    sc_core::sc_time quantum = sc_core::sc_time(1, sc_core::SC_US);
    bool dmi = true; /* use DMI for fetch and RAM data */
    /* cycles per instruction by class */
    unsigned cpi_alu = 1, cpi_mul = 3, cpi_div = 34, cpi_load = 2, cpi_store = 1,
             cpi_branch_taken = 3, cpi_branch_not_taken = 1, cpi_jump = 3, cpi_csr = 2,
             cpi_system = 3;
    uint64_t max_insns = 0;       /* 0 = unlimited; counts retired instructions and trap
                                     entries; on reaching it the run stops */
    std::string trace_insns_path; /* "" = no per-instruction trace */
    int gdb_port = 0;             /* >0: serve the GDB remote protocol on 127.0.0.1:port;
                                     the CPU owns the stub (registers, memory through
                                     socket->transport_dbg, breakpoints, step) */
    /* Added (issue 4, CPU side): misaligned loads/stores trap (true, default) or are done
     * as byte accesses (false; riscv-tests rv32ui-p-ma_data needs this). */
    bool misaligned_traps = true;
    /* Added (issue 16): at a quantum boundary where no other process has activity pending
     * up to the CPU's local time, run on instead of wait()ing (nothing could change; results
     * are the same). false, or the environment variable HQSIM_CPU_SYNC_EVERY_QUANTUM=1:
     * wait at every boundary, as before. */
    bool skip_idle_syncs = true;
};

class Rv32Cpu : public sc_core::sc_module {
  public:
    tlm_utils::simple_initiator_socket<Rv32Cpu> socket;
    sc_core::sc_in<bool> irq_timer;    /* mip.MTIP */
    sc_core::sc_in<bool> irq_software; /* mip.MSIP */
    sc_core::sc_in<bool> irq_external; /* mip.MEIP */

    Rv32Cpu(sc_core::sc_module_name name, const CpuConfig &cfg);
    ~Rv32Cpu() override;

    void set_reset_pc(uint32_t pc);
    uint64_t instructions() const;
    uint64_t cycles() const;
    bool hit_insn_limit() const;

    /* Exit request seen by the CPU (HTIF tohost write); the platform's finisher handles the
     * test-finisher device itself. */
    bool exited() const;
    int exit_code() const;
    void set_tohost_addr(uint32_t addr); /* 0 = none; from the ELF symbol "tohost" */

    /* Added (issue 4, CPU side). Where the `time` CSR reads mtime: a function of the CPU's
     * local time (sc_time_stamp() + quantum offset), e.g. the CLINT's mtime_at(). Default:
     * a 10 MHz count of simulated time (QEMU virt's timebase). */
    void set_time_source(std::function<uint64_t(const sc_core::sc_time &)> mtime_at);
    uint32_t pc() const; /* current pc (for tests and reports) */
    /* The CPU's own time: sc_time_stamp() plus its quantum offset. After a run ended inside
     * a transaction (finisher, tohost) this is when it ended; sc_time_stamp() may lag. */
    sc_core::sc_time local_time() const;
    uint32_t reg(unsigned i) const; /* x0..x31 */

    /* Added (issue 20). Trap entries since reset (exceptions and interrupts). */
    uint64_t traps() const;
    /* The run stopped because the trap handler's first instruction raised an exception
     * before anything retired (e.g. mtvec still 0 with nothing mapped there): it could never
     * progress. handler = the pc it loops at; cause/tval = the exception there (not taken);
     * mepc/mcause/mtval = the trap that led there. */
    struct TrapLoop {
        uint32_t handler, cause, tval, mepc, mcause, mtval;
    };
    bool trap_loop(TrapLoop *info) const;

    /* Added (issue 16). Never pass a quantum boundary at or after t without waiting, so the
     * CPU stops where it did before at the end of sc_start(duration). A caller of
     * sc_start(duration) must set sc_time_stamp() + duration before each call: without it a
     * CPU that nothing else interrupts runs on past the end. Default: no limit. */
    void set_sync_horizon(const sc_core::sc_time &t);
    /* Quantum boundaries where the CPU waited / ran on (skip_idle_syncs). */
    uint64_t quantum_syncs() const;
    uint64_t skipped_syncs() const;

  private:
    void run_thread();
    void irq_changed();
    void invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end);

    struct Impl;
    Impl *impl_;
};

} // namespace hq

#endif
