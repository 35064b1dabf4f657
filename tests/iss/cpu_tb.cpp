/* cpu_tb: a minimal SystemC test bench for the Rv32Cpu wrapper, independent of the real
 * platform (model/platform): one target socket decodes RAM (DMI-capable, with latency),
 * a UART transmit register, a test finisher and a CLINT; everything else answers
 * TLM_ADDRESS_ERROR_RESPONSE. It checks what the wrapper promises: DMI use and
 * invalidation, access faults, interrupts and wfi, tohost, instruction limit, trace, gdb. */
#include "cpu/rv32_cpu.h"
extern "C" {
#include "elf_image.h"
}

#include <tlm_utils/simple_target_socket.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <getopt.h>
#include <memory>
#include <string>
#include <vector>

using namespace sc_core;

namespace {

const uint32_t kRamBase = 0x80000000u, kRamSize = 16u << 20;
const uint32_t kUart = 0x10000000u, kFinisher = 0x00100000u, kClint = 0x02000000u;

struct Bench : sc_module {
    tlm_utils::simple_target_socket<Bench> socket;
    sc_signal<bool> irq_timer{"irq_timer"}, irq_software{"irq_software"},
        irq_external{"irq_external"};
    std::vector<uint8_t> ram;
    sc_time latency;
    bool dmi_enabled = true;
    uint64_t ram_transports = 0, ram_transports_after_invalidate = 0, dmi_grants = 0;
    uint64_t dmi_grants_after_invalidate = 0;
    bool invalidated = false;
    bool finished = false;
    int finish_code = 0;
    uint64_t mtimecmp = UINT64_MAX;
    uint32_t msip = 0;
    sc_event timer_deadline, irq_update; /* the method below is the signals' one driver */
    std::string uart_out;

    SC_HAS_PROCESS(Bench);
    explicit Bench(sc_module_name n, sc_time lat)
        : sc_module(n), socket("socket"), ram(kRamSize), latency(lat) {
        socket.register_b_transport(this, &Bench::b_transport);
        socket.register_get_direct_mem_ptr(this, &Bench::get_dmi);
        socket.register_transport_dbg(this, &Bench::transport_dbg);
        SC_METHOD(drive_irqs);
        sensitive << timer_deadline << irq_update;
        dont_initialize();
    }

    static uint64_t mtime_at(const sc_time &t) { return (uint64_t)(t / sc_time(100, SC_NS)); }

    /* After a CLINT write: drive the lines now, and again when mtime reaches mtimecmp. */
    void rearm_timer(const sc_time &now) {
        timer_deadline.cancel();
        if (mtimecmp != UINT64_MAX && mtime_at(now) < mtimecmp)
            timer_deadline.notify(sc_time(100.0 * (double)mtimecmp, SC_NS) - sc_time_stamp());
        irq_update.notify(SC_ZERO_TIME);
    }
    void drive_irqs() {
        irq_timer.write(mtime_at(sc_time_stamp()) >= mtimecmp);
        irq_software.write(msip != 0);
    }

    bool in(uint64_t a, unsigned len, uint32_t base, uint32_t size) {
        return a >= base && a - base + len <= size;
    }

    void b_transport(tlm::tlm_generic_payload &t, sc_time &delay) {
        uint64_t a = t.get_address();
        unsigned len = t.get_data_length();
        uint8_t *p = t.get_data_ptr();
        bool rd = t.is_read();
        t.set_response_status(tlm::TLM_OK_RESPONSE);
        delay += latency;
        if (in(a, len, kRamBase, kRamSize)) {
            ram_transports++;
            if (invalidated) ram_transports_after_invalidate++;
            uint8_t *m = &ram[a - kRamBase];
            rd ? memcpy(p, m, len) : memcpy(m, p, len);
            t.set_dmi_allowed(dmi_enabled);
            return;
        }
        uint32_t v = 0;
        if (!rd) memcpy(&v, p, len < 4 ? len : 4);
        if (in(a, len, kUart, 8)) {
            if (rd)
                memset(p, a - kUart == 5 ? 0x60 : 0, len);
            else if (a == kUart) {
                uart_out += (char)v;
                putchar((int)v);
            }
            return;
        }
        if (in(a, len, kFinisher, 4)) {
            if (!rd && ((v & 0xffff) == 0x5555 || (v & 0xffff) == 0x3333)) {
                finished = true;
                finish_code = (v & 0xffff) == 0x5555 ? 0 : (int)(v >> 16);
                sc_stop();
            } else if (rd)
                memset(p, 0, len);
            return;
        }
        if (in(a, len, kClint, 0x10000) && len == 4) {
            uint32_t off = (uint32_t)(a - kClint);
            sc_time now = sc_time_stamp() + delay;
            uint64_t mt = mtime_at(now);
            if (rd) {
                uint32_t r = off == 0        ? msip
                             : off == 0x4000 ? (uint32_t)mtimecmp
                             : off == 0x4004 ? (uint32_t)(mtimecmp >> 32)
                             : off == 0xbff8 ? (uint32_t)mt
                             : off == 0xbffc ? (uint32_t)(mt >> 32)
                                             : 0;
                memcpy(p, &r, 4);
            } else {
                if (off == 0)
                    msip = v & 1;
                else if (off == 0x4000)
                    mtimecmp = (mtimecmp & ~0xffffffffull) | v;
                else if (off == 0x4004)
                    mtimecmp = (mtimecmp & 0xffffffffull) | (uint64_t)v << 32;
                rearm_timer(now);
            }
            return;
        }
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }

    bool get_dmi(tlm::tlm_generic_payload &t, tlm::tlm_dmi &dmi) {
        if (!dmi_enabled || !in(t.get_address(), 1, kRamBase, kRamSize)) return false;
        dmi.set_dmi_ptr(ram.data());
        dmi.set_start_address(kRamBase);
        dmi.set_end_address(kRamBase + (uint64_t)kRamSize - 1);
        dmi.allow_read_write();
        dmi_grants++;
        if (invalidated) dmi_grants_after_invalidate++;
        return true;
    }

    unsigned transport_dbg(tlm::tlm_generic_payload &t) {
        uint64_t a = t.get_address();
        unsigned len = t.get_data_length();
        if (!in(a, len, kRamBase, kRamSize)) return 0;
        uint8_t *m = &ram[a - kRamBase];
        t.is_read() ? memcpy(t.get_data_ptr(), m, len) : memcpy(m, t.get_data_ptr(), len);
        return len;
    }
};

/* Drops the CPU's DMI pointers once, at a given time. */
struct Invalidator : sc_module {
    Bench &bench;
    sc_time at;
    SC_HAS_PROCESS(Invalidator);
    Invalidator(sc_module_name n, Bench &b, sc_time t) : sc_module(n), bench(b), at(t) {
        SC_THREAD(run);
    }
    void run() {
        wait(at);
        bench.invalidated = true;
        bench.socket->invalidate_direct_mem_ptr(kRamBase, kRamBase + kRamSize - 1);
    }
};

void usage(FILE *f) {
    fprintf(f,
            "usage: cpu_tb [options] prog.elf\n"
            "Run firmware on hq::Rv32Cpu in a minimal SystemC bench (RAM, UART, finisher, CLINT).\n"
            "  --no-dmi            the CPU does not use DMI (every access is a b_transport)\n"
            "  --quantum-ns N      quantum (default 1000)\n"
            "  --latency-ns N      b_transport latency of every target (default 0)\n"
            "  --max-insns N       instruction limit\n"
            "  --trace FILE        per-instruction trace\n"
            "  --gdb PORT          wait for gdb on 127.0.0.1:PORT\n"
            "  --invalidate-us T   invalidate the CPU's DMI at T us and check it recovers\n"
            "  --misaligned-emulate  perform misaligned accesses instead of trapping\n"
            "  --summary           print instructions, cycles, times, bus counts\n"
            "Exit status: the firmware's exit code; 120 if a bench check failed.\n");
}

} // namespace

int sc_main(int argc, char **argv) {
    static const option opts[] = {{"no-dmi", no_argument, 0, 'd'},
                                  {"quantum-ns", required_argument, 0, 'q'},
                                  {"latency-ns", required_argument, 0, 'l'},
                                  {"max-insns", required_argument, 0, 'n'},
                                  {"trace", required_argument, 0, 't'},
                                  {"gdb", required_argument, 0, 'g'},
                                  {"invalidate-us", required_argument, 0, 'i'},
                                  {"summary", no_argument, 0, 's'},
                                  {"misaligned-emulate", no_argument, 0, 'm'},
                                  {"help", no_argument, 0, 'h'},
                                  {0, 0, 0, 0}};
    hq::CpuConfig cfg;
    double latency_ns = 0, invalidate_us = -1;
    bool summary = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, nullptr)) != -1) {
        switch (c) {
        case 'd': cfg.dmi = false; break;
        case 'q': cfg.quantum = sc_time(atof(optarg), SC_NS); break;
        case 'l': latency_ns = atof(optarg); break;
        case 'n': cfg.max_insns = strtoull(optarg, nullptr, 10); break;
        case 't': cfg.trace_insns_path = optarg; break;
        case 'g': cfg.gdb_port = atoi(optarg); break;
        case 'i': invalidate_us = atof(optarg); break;
        case 's': summary = true; break;
        case 'm': cfg.misaligned_traps = false; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1 || cfg.quantum <= SC_ZERO_TIME) {
        usage(stderr);
        return 2;
    }
    sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);
    sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);

    Bench bench("bench", sc_time(latency_ns, SC_NS));
    bench.dmi_enabled = cfg.dmi;
    elf_image_info info;
    char err[256];
    if (elf_image_load(argv[optind], bench.ram.data(), kRamBase, kRamSize, &info, err,
                       sizeof err)) {
        fprintf(stderr, "cpu_tb: %s\n", err);
        return 2;
    }
    hq::Rv32Cpu cpu("cpu", cfg);
    cpu.socket.bind(bench.socket);
    cpu.irq_timer(bench.irq_timer);
    cpu.irq_software(bench.irq_software);
    cpu.irq_external(bench.irq_external);
    cpu.set_reset_pc(info.entry);
    cpu.set_tohost_addr(info.tohost);
    cpu.set_time_source(&Bench::mtime_at);
    std::unique_ptr<Invalidator> inval;
    if (invalidate_us >= 0)
        inval.reset(new Invalidator("invalidator", bench, sc_time(invalidate_us, SC_US)));

    clock_t c0 = clock();
    sc_start();
    double host = (double)(clock() - c0) / CLOCKS_PER_SEC;
    fflush(stdout);

    int status;
    if (bench.finished)
        status = bench.finish_code;
    else if (cpu.exited())
        status = cpu.exit_code();
    else if (cpu.hit_insn_limit()) {
        fprintf(stderr, "cpu_tb: instruction limit reached at pc 0x%08x\n", cpu.pc());
        status = 124;
    } else {
        fprintf(stderr, "cpu_tb: simulation ended with no exit (pc 0x%08x)\n", cpu.pc());
        status = 125;
    }
    if (summary)
        printf("cpu_tb: exit %d, instructions %" PRIu64 ", cycles %" PRIu64
               ", sim_time_ns %.0f, host_cpu_s %.3f, mips %.1f, ram_transports %" PRIu64
               ", dmi_grants %" PRIu64 "\n",
               status, cpu.instructions(), cpu.cycles(), cpu.local_time().to_seconds() * 1e9, host,
               host > 0 ? (double)cpu.instructions() / host / 1e6 : 0.0, bench.ram_transports,
               bench.dmi_grants);
    if (inval) {
        /* after the invalidation the CPU must have gone back to b_transport and then
         * asked for (and got) DMI again */
        bool ok = bench.invalidated && bench.ram_transports_after_invalidate > 0 &&
                  bench.dmi_grants_after_invalidate > 0;
        printf("cpu_tb: DMI invalidation: %" PRIu64 " RAM transports and %" PRIu64
               " DMI grants afterwards: %s\n",
               bench.ram_transports_after_invalidate, bench.dmi_grants_after_invalidate,
               ok ? "ok" : "FAIL");
        if (!ok) return 120;
    }
    return status > 255 ? 255 : status;
}
