/* hq_platform_run: the C-callable entry of the platform. The hqsim executable has its own
 * main(), so this file provides the sc_main that SystemC's library calls and enters it
 * through sc_core::sc_elab_and_sim(). */
#include "platform_run.h"

#include "cpu/rv32_cpu.h"
#include "cpu/rv32_iss.h"
#include "platform/elf_loader.h"
#include "periph/uart_16550.h"
#include "platform/platform.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace {

const hq_run_options *g_opt;
hq_run_result *g_res;
std::string g_err;

void load_firmware(hq::Router &bus, const hq::ElfImage &img, const std::string &path) {
    for (const hq::ElfSegment &s : img.segments) {
        std::vector<uint8_t> bytes(s.data);
        bytes.resize(s.mem_size, 0); /* .bss */
        const unsigned n = bus.debug_access(s.addr, bytes.data(), unsigned(bytes.size()), true);
        if (n != bytes.size()) {
            char msg[256];
            if (n == 0)
                std::snprintf(msg, sizeof msg,
                              ": segment [0x%08x, 0x%08x) is not inside the platform's memory: "
                              "nothing is mapped at 0x%08x (link the firmware into a memory of "
                              "the platform config's map)",
                              s.addr, unsigned(s.addr + s.mem_size), s.addr);
            else
                std::snprintf(msg, sizeof msg,
                              ": segment [0x%08x, 0x%08x) is not inside the platform's memory: "
                              "its memory ends at 0x%08x, %u bytes short",
                              s.addr, unsigned(s.addr + s.mem_size), unsigned(s.addr + n),
                              unsigned(s.mem_size - n));
            throw hq::ElfError(path + msg);
        }
    }
}

/* Sockets are usable only once elaboration has bound them: the ELF is written into memory
 * at start of simulation, before any process (the CPU) runs. */
struct FirmwareLoader : sc_core::sc_module {
    FirmwareLoader(sc_core::sc_module_name n, hq::Router &bus, const hq::ElfImage &img,
                   std::string path)
        : sc_module(n), bus_(bus), img_(img), path_(std::move(path)) {}
    void start_of_simulation() override { load_firmware(bus_, img_, path_); }
    hq::Router &bus_;
    const hq::ElfImage &img_;
    std::string path_;
};

void fill_dram_totals(const nlohmann::json &devs, hq_run_result &r) {
    for (auto it = devs.begin(); it != devs.end(); ++it) {
        const nlohmann::json &d = it.value();
        if (!d.is_object() || d.value("type", "") != "dram") continue;
        r.dram_bytes_read += d.value("bytes_read", uint64_t(0));
        r.dram_bytes_written += d.value("bytes_written", uint64_t(0));
        r.dram_row_hits += d.value("row_hits", uint64_t(0));
        r.dram_row_misses += d.value("row_misses", uint64_t(0));
        r.dram_row_conflicts += d.value("row_conflicts", uint64_t(0));
        r.dram_peak_bytes_per_s += d.value("peak_bandwidth_bytes_per_s", 0.0);
        r.dram_achieved_bytes_per_s += d.value("achieved_bandwidth_bytes_per_s", 0.0);
        r.dram_energy_nj += d.value("energy_nj", 0.0);
    }
}

void describe_trap_loop(const hq::Rv32Cpu::TrapLoop &l, hq_trap_loop &t) {
    t.handler = l.handler;
    t.cause = l.cause;
    t.tval = l.tval;
    t.mepc = l.mepc;
    t.mcause = l.mcause;
    t.mtval = l.mtval;
    /* A compressed instruction (a build for the common rv32imac default) is illegal here. */
    const bool maybe_rvc = l.mcause == RV32_EXC_ILLEGAL && (l.mtval & 3) != 3;
    std::snprintf(t.message, sizeof t.message,
                  "trap loop: the trap handler at 0x%08x (mtvec) raises %s (mtval 0x%08x) "
                  "before any instruction retires; the trap that led there: %s at pc 0x%08x "
                  "(mcause %u, mtval 0x%08x). Set mtvec to a handler early in start-up%s",
                  l.handler, rv32_cause_name(l.cause), l.tval, rv32_cause_name(l.mcause), l.mepc,
                  l.mcause, l.mtval,
                  maybe_rvc ? "; that instruction looks compressed (this CPU is RV32IM: build "
                              "with -march=rv32im)"
                            : "");
}

int run_platform() {
    const hq_run_options &o = *g_opt;
    hq_run_result &r = *g_res;
    hq::PlatformConfig cfg = hq::load_platform_config(o.platform_path);
    if (o.quantum_ns > 0) cfg.cpu.quantum = sc_core::sc_time(o.quantum_ns, sc_core::SC_NS);
    if (o.misaligned) cfg.cpu.misaligned_traps = o.misaligned == 1;
    cfg.cpu.max_insns = o.max_insns;
    cfg.cpu.trace_insns_path = o.trace_insns_path ? o.trace_insns_path : "";
    cfg.cpu.gdb_port = o.gdb_port;
    const hq::ElfImage img = hq::read_elf(o.fw_path);

    hq::PlatformOptions popt;
    popt.uart_out_path = o.uart_out_path ? o.uart_out_path : "";
    hq::Platform plat("platform", cfg, popt);
    hq::Rv32Cpu cpu("cpu", cfg.cpu);
    plat.attach_cpu(cpu);

    FirmwareLoader loader("loader", plat.router(), img, o.fw_path);
    cpu.set_reset_pc(cfg.reset_pc ? cfg.reset_pc : img.entry);
    cpu.set_tohost_addr(img.tohost);

    /* Run in slices of simulated time so that long runs report progress on stderr (every
     * 5 s of host time) and the time budgets are checked; stop when a device or the CPU
     * stopped the simulation, nothing is left to simulate, or a budget is used up. */
    const auto t0 = std::chrono::steady_clock::now();
    auto last_report = t0;
    const sc_core::sc_time slice(1, sc_core::SC_MS);
    const sc_core::sc_time sim_budget(o.max_sim_ms > 0 ? o.max_sim_ms : 0, sc_core::SC_MS);
    bool sim_limit = false, wall_limit = false;
    for (;;) {
        sc_core::sc_time step = slice;
        if (o.max_sim_ms > 0 && sim_budget - sc_core::sc_time_stamp() < step)
            step = sim_budget - sc_core::sc_time_stamp();
        cpu.set_sync_horizon(sc_core::sc_time_stamp() + step); /* stop as every-quantum syncs */
        sc_core::sc_start(step, sc_core::SC_EXIT_ON_STARVATION);
        if (sc_core::sc_get_status() == sc_core::SC_STOPPED || !sc_core::sc_pending_activity())
            break;
        /* sc_start stops at the last event before its end: look at the next one instead */
        if (o.max_sim_ms > 0 &&
            sc_core::sc_time_stamp() + sc_core::sc_time_to_pending_activity() >= sim_budget) {
            sim_limit = true;
            break;
        }
        const auto now = std::chrono::steady_clock::now();
        if (o.max_wall_s > 0 && std::chrono::duration<double>(now - t0).count() >= o.max_wall_s) {
            wall_limit = true;
            break;
        }
        if (now - last_report >= std::chrono::seconds(5)) {
            last_report = now;
            const double host = std::chrono::duration<double>(now - t0).count();
            hq::console_end_firmware_line();
            std::fprintf(stderr, "hqsim run: %.1f M instructions, %.3f ms simulated, %.0f s host\n",
                         double(cpu.instructions()) / 1e6,
                         sc_core::sc_time_stamp().to_seconds() * 1e3, host);
        }
    }
    const auto t1 = std::chrono::steady_clock::now();

    r.host_seconds = std::chrono::duration<double>(t1 - t0).count();
    r.sim_time_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    r.instructions = cpu.instructions();
    r.cycles = cpu.cycles();
    r.traps = cpu.traps();
    r.mips = r.host_seconds > 0 ? double(r.instructions) / r.host_seconds / 1e6 : 0;
    r.exit_code = -1;
    hq::Rv32Cpu::TrapLoop loop{};
    if (plat.device_exit_code() >= 0) {
        r.stop = HQ_STOP_FINISHER;
        r.exit_code = plat.device_exit_code();
    } else if (cpu.exited()) {
        r.stop = HQ_STOP_TOHOST;
        r.exit_code = cpu.exit_code();
    } else if (cpu.trap_loop(&loop)) {
        r.stop = HQ_STOP_TRAP_LOOP;
        describe_trap_loop(loop, r.trap_loop);
    } else if (cpu.hit_insn_limit()) {
        r.stop = HQ_STOP_INSN_LIMIT;
    } else if (sim_limit) {
        r.stop = HQ_STOP_SIM_TIME_LIMIT;
    } else if (wall_limit) {
        r.stop = HQ_STOP_WALL_TIME_LIMIT;
    } else {
        r.stop = HQ_STOP_IDLE;
    }
    const nlohmann::json devs = plat.stats();
    fill_dram_totals(devs, r);
    r.devices_json = strdup(devs.dump().c_str());
    return 0;
}

} // namespace

int sc_main(int, char *[]) {
    try {
        return run_platform();
    } catch (const std::exception &e) {
        g_err = e.what();
    } catch (...) {
        g_err = "unknown error";
    }
    return 1;
}

extern "C" size_t hq_shrink_systemc_temp_heap(void) {
    const size_t keep = size_t(64) << 10;
    if (sc_core::sc_temp_heap.length() > keep) sc_core::sc_temp_heap.initialize(keep);
    return sc_core::sc_temp_heap.length();
}

extern "C" int hq_platform_run(const hq_run_options *opt, hq_run_result *res, char *err,
                               size_t errlen) {
    static bool ran = false;
    auto set_err = [&](const std::string &m) {
        if (err && errlen) std::snprintf(err, errlen, "%s", m.c_str());
        return -1;
    };
    std::memset(res, 0, sizeof *res);
    res->exit_code = -1;
    if (ran) return set_err("the platform can run only once per process (SystemC cannot restart)");
    if (!opt || !opt->fw_path || !opt->platform_path)
        return set_err("firmware and platform paths are required");
    ran = true;
    hq_shrink_systemc_temp_heap();
    setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    g_opt = opt;
    g_res = res;
    char arg0[] = "hqsim";
    char *argv[] = {arg0, nullptr};
    const int rc = sc_core::sc_elab_and_sim(1, argv);
    if (rc != 0) return set_err(g_err.empty() ? "simulation failed" : g_err);
    return 0;
}

extern "C" void hq_run_result_free(hq_run_result *res) {
    if (res) {
        std::free(res->devices_json);
        res->devices_json = nullptr;
    }
}
