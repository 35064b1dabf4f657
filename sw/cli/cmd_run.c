/* hqsim run: run firmware on the virtual platform (model/platform/hq_platform.h).
 * The model form, `hqsim run Q.hqm ...`, is handed to the accelerator (model/accel) before
 * any parsing here; this file handles `hqsim run --fw PROG.elf ...`. */
#include "commands.h"

#include "platform_run.h"
#include "hq_accel_cli.h" /* the model form, hqsim run Q.hqm (model/accel) */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The process status of `hqsim run --fw` (the table in usage()). A firmware code N in 1..255
 * is the status N, as under QEMU and Spike; a code above 255 would wrap (256 -> 0, a false
 * pass), so it gets one fixed status of its own. */
enum {
    EXIT_USAGE = 2,
    EXIT_FW_CODE_ABOVE_255 = 122,
    EXIT_TRAP_LOOP = 123,
    EXIT_INSN_LIMIT = 124,
    EXIT_NO_EXIT = 125
};

/* Budgets of `hqsim run --fw` when no flag says otherwise (docs/platform.md). */
#define DEFAULT_MAX_SIM_MS 60000.0 /* 60 s simulated */
#define DEFAULT_MAX_WALL_S 3600.0  /* 1 h of host time; not applied with --gdb */

typedef struct run_args {
    const char *fw_path;
    const char *platform_path;
    double quantum_ns;
    uint64_t max_insns;
    double max_sim_ms, max_wall_s; /* < 0: not given (the defaults apply) */
    const char *trace_insns_path;
    int gdb_port;
    const char *uart_out_path;
    int misaligned; /* hq_run_options.misaligned */
    int json;
} run_args;

static void usage(FILE *f) {
    fprintf(f, "usage: hqsim run --fw PROG.elf [options]\n"
               "       hqsim run Q.hqm [options]   (a model on the accelerator: see its --help)\n"
               "\n"
               "Runs an RV32IM firmware ELF on the SystemC virtual platform until it exits\n"
               "(test finisher or HTIF tohost). A summary goes to stderr.\n"
               "\n"
               "exit status:\n"
               "  0        the firmware exited with code 0\n"
               "  1..255   the firmware's exit code N (as under QEMU and Spike)\n"
               "  2        usage error, or a bad input file (platform config, ELF): nothing ran\n"
               "  122      the firmware's exit code is above 255 (the full code is on stderr\n"
               "           and in the JSON exit_code)\n"
               "  123      a trap loop: the trap handler itself traps before any instruction\n"
               "           retires (e.g. mtvec never set); pc, cause and a hint go to stderr\n"
               "  124      a budget (--max-insns, --max-sim-ms, --max-wall-s) stopped it\n"
               "  125      it stopped without an exit request\n"
               "  A script tells the firmware's codes from hqsim's own by the JSON (--json):\n"
               "  it is printed only when the firmware ran, and its \"stop\" field says why it\n"
               "  stopped (finisher, tohost, insn_limit, sim_time_limit, wall_time_limit,\n"
               "  trap_loop, idle).\n"
               "\n"
               "options:\n"
               "  --fw FILE           firmware ELF (32-bit RISC-V executable)\n"
               "  --platform FILE     platform config (default: configs/platform/default.json\n"
               "                      of the source tree, or $HQSIM_PLATFORM)\n"
               "  --quantum NS        CPU time quantum in ns (overrides cpu.quantum_ns)\n"
               "  --max-insns N       stop after N instructions and trap entries\n"
               "  --max-sim-ms MS     stop at MS ms of simulated time (default 60000; 0: none)\n"
               "  --max-wall-s S      stop after S s of host time (default 3600, none with\n"
               "                      --gdb; 0: none)\n"
               "  --trace-insns FILE  write one line per retired instruction\n"
               "  --gdb PORT          serve the GDB remote protocol on 127.0.0.1:PORT and wait\n"
               "                      for gdb-multiarch (target remote :PORT)\n"
               "  --uart-out FILE     UART output to FILE (default stdout; stderr with --json)\n"
               "  --misaligned M      misaligned loads/stores: trap (mcause 4/6) or emulate\n"
               "                      (performed, as Spike does; riscv-tests ma_data needs it);\n"
               "                      overrides cpu.misaligned_traps (default: trap)\n"
               "  --json              print one JSON object on stdout: exit_code, stop,\n"
               "                      instructions, cycles, sim_time_ns, host_seconds, mips,\n"
               "                      dram, traps, trap_loop, devices\n"
               "  -h, --help          this help\n");
}

static int parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *s == '-' || *end || errno || v < min || v > max) {
        fprintf(stderr, "hqsim run: %s expects an integer in [%llu, %llu], got '%s'\n", opt,
                (unsigned long long)min, (unsigned long long)max, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* A time budget: a number >= 0 (0 = no limit). */
static int parse_budget(const char *opt, const char *s, double *out) {
    char *end = NULL;
    errno = 0;
    const double v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= 0 && v <= 1e12)) {
        fprintf(stderr, "hqsim run: %s expects a number in [0, 1e12] (0: no limit), got '%s'\n",
                opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, run_args *a) {
    enum {
        O_FW = 256,
        O_PLATFORM,
        O_QUANTUM,
        O_MAX_INSNS,
        O_MAX_SIM_MS,
        O_MAX_WALL_S,
        O_TRACE,
        O_GDB,
        O_UART,
        O_JSON,
        O_MISALIGNED
    };
    static const struct option opts[] = {
        {"fw", required_argument, NULL, O_FW},
        {"platform", required_argument, NULL, O_PLATFORM},
        {"quantum", required_argument, NULL, O_QUANTUM},
        {"max-insns", required_argument, NULL, O_MAX_INSNS},
        {"max-sim-ms", required_argument, NULL, O_MAX_SIM_MS},
        {"max-wall-s", required_argument, NULL, O_MAX_WALL_S},
        {"trace-insns", required_argument, NULL, O_TRACE},
        {"gdb", required_argument, NULL, O_GDB},
        {"uart-out", required_argument, NULL, O_UART},
        {"json", no_argument, NULL, O_JSON},
        {"misaligned", required_argument, NULL, O_MISALIGNED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->max_sim_ms = a->max_wall_s = -1;
    optind = 1;
    opterr = 0;
    for (;;) {
        const int prev = optind;
        const int c = getopt_long(argc, argv, "+h", opts, NULL);
        if (c == -1) break;
        uint64_t v;
        char *end;
        switch (c) {
        case O_FW: a->fw_path = optarg; break;
        case O_PLATFORM: a->platform_path = optarg; break;
        case O_QUANTUM:
            errno = 0;
            a->quantum_ns = strtod(optarg, &end);
            if (!*optarg || *end || errno || !(a->quantum_ns >= 1 && a->quantum_ns <= 1e9)) {
                fprintf(stderr, "hqsim run: --quantum expects a number in [1, 1e+09], got '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case O_MAX_INSNS:
            if (parse_u64("--max-insns", optarg, 1, UINT64_MAX, &a->max_insns)) return -1;
            break;
        case O_MAX_SIM_MS:
            if (parse_budget("--max-sim-ms", optarg, &a->max_sim_ms)) return -1;
            break;
        case O_MAX_WALL_S:
            if (parse_budget("--max-wall-s", optarg, &a->max_wall_s)) return -1;
            break;
        case O_TRACE: a->trace_insns_path = optarg; break;
        case O_GDB:
            if (parse_u64("--gdb", optarg, 1, 65535, &v)) return -1;
            a->gdb_port = (int)v;
            break;
        case O_UART: a->uart_out_path = optarg; break;
        case O_JSON: a->json = 1; break;
        case O_MISALIGNED:
            if (strcmp(optarg, "trap") && strcmp(optarg, "emulate")) {
                fprintf(stderr, "hqsim run: --misaligned: '%s' is not trap or emulate\n", optarg);
                return -1;
            }
            a->misaligned = strcmp(optarg, "trap") ? 2 : 1;
            break;
        case 'h': usage(stdout); return 1;
        case ':': fprintf(stderr, "hqsim run: %s needs a value\n", argv[prev]); return -1;
        default:
            fprintf(stderr, "hqsim run: unknown option '%s' (see hqsim run --help)\n", argv[prev]);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hqsim run: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* The source tree's default platform: $HQSIM_PLATFORM, ./configs/..., or relative to the
 * executable (<root>/<build>/sw/cli/hqsim). */
static const char *stop_name(hq_stop_reason s) {
    switch (s) {
    case HQ_STOP_FINISHER: return "finisher";
    case HQ_STOP_TOHOST: return "tohost";
    case HQ_STOP_INSN_LIMIT: return "insn_limit";
    case HQ_STOP_TRAP_LOOP: return "trap_loop";
    case HQ_STOP_SIM_TIME_LIMIT: return "sim_time_limit";
    case HQ_STOP_WALL_TIME_LIMIT: return "wall_time_limit";
    default: return "idle";
    }
}

static void print_summary(const hq_run_result *r) {
    if ((r->stop == HQ_STOP_FINISHER || r->stop == HQ_STOP_TOHOST) &&
        (r->exit_code < 0 || r->exit_code > 255))
        fprintf(stderr, "hqsim run: exit code %d (%s), above 255: hqsim exits with %d\n",
                r->exit_code, stop_name(r->stop), EXIT_FW_CODE_ABOVE_255);
    else if (r->stop == HQ_STOP_FINISHER || r->stop == HQ_STOP_TOHOST)
        fprintf(stderr, "hqsim run: exit code %d (%s)\n", r->exit_code, stop_name(r->stop));
    else if (r->stop == HQ_STOP_INSN_LIMIT)
        fprintf(stderr, "hqsim run: stopped at the instruction limit (--max-insns)\n");
    else if (r->stop == HQ_STOP_TRAP_LOOP)
        fprintf(stderr, "hqsim run: %s\n", r->trap_loop.message);
    else if (r->stop == HQ_STOP_SIM_TIME_LIMIT)
        fprintf(stderr, "hqsim run: stopped at the simulated-time limit (--max-sim-ms)\n");
    else if (r->stop == HQ_STOP_WALL_TIME_LIMIT)
        fprintf(stderr, "hqsim run: stopped at the host-time limit (--max-wall-s)\n");
    else
        fprintf(stderr, "hqsim run: the simulation ended without an exit request "
                        "(firmware stuck in wfi with no interrupt source?)\n");
    fprintf(stderr, "  instructions  %llu (%llu cycles, %llu trap entr%s)\n",
            (unsigned long long)r->instructions, (unsigned long long)r->cycles,
            (unsigned long long)r->traps, r->traps == 1 ? "y" : "ies");
    fprintf(stderr, "  simulated     %.3f us\n", r->sim_time_ns / 1e3);
    fprintf(stderr, "  host          %.3f s, %.1f MIPS\n", r->host_seconds, r->mips);
    fprintf(stderr,
            "  dram          %llu B read, %llu B written; rows %llu hit / %llu miss / "
            "%llu conflict; %.3f of %.2f GB/s peak; %.1f nJ\n",
            (unsigned long long)r->dram_bytes_read, (unsigned long long)r->dram_bytes_written,
            (unsigned long long)r->dram_row_hits, (unsigned long long)r->dram_row_misses,
            (unsigned long long)r->dram_row_conflicts, r->dram_achieved_bytes_per_s / 1e9,
            r->dram_peak_bytes_per_s / 1e9, r->dram_energy_nj);
}

static void print_json(const hq_run_result *r) {
    char loop[200] = "null";
    const hq_trap_loop *t = &r->trap_loop;
    if (r->stop == HQ_STOP_TRAP_LOOP)
        snprintf(loop, sizeof loop,
                 "{\"handler\": %u, \"cause\": %u, \"tval\": %u, \"mepc\": %u, "
                 "\"mcause\": %u, \"mtval\": %u}",
                 t->handler, t->cause, t->tval, t->mepc, t->mcause, t->mtval);
    printf("{\"exit_code\": %d, \"stop\": \"%s\", \"instructions\": %llu, \"cycles\": %llu, "
           "\"sim_time_ns\": %.3f, \"host_seconds\": %.6f, \"mips\": %.3f, "
           "\"dram\": {\"bytes_read\": %llu, \"bytes_written\": %llu, \"row_hits\": %llu, "
           "\"row_misses\": %llu, \"row_conflicts\": %llu, "
           "\"achieved_bandwidth_bytes_per_s\": %.6g, \"peak_bandwidth_bytes_per_s\": %.6g, "
           "\"energy_nj\": %.6g}, \"traps\": %llu, \"trap_loop\": %s, \"devices\": %s}\n",
           r->exit_code, stop_name(r->stop), (unsigned long long)r->instructions,
           (unsigned long long)r->cycles, r->sim_time_ns, r->host_seconds, r->mips,
           (unsigned long long)r->dram_bytes_read, (unsigned long long)r->dram_bytes_written,
           (unsigned long long)r->dram_row_hits, (unsigned long long)r->dram_row_misses,
           (unsigned long long)r->dram_row_conflicts, r->dram_achieved_bytes_per_s,
           r->dram_peak_bytes_per_s, r->dram_energy_nj, (unsigned long long)r->traps, loop,
           r->devices_json ? r->devices_json : "{}");
}

int cmd_run(int argc, char **argv) {
    /* `hqsim run Q.hqm [...]` belongs to the accelerator (model/accel/accel_cli.cpp). */
    if (hq_accel_run_requested(argc, argv)) return hq_accel_cmd_run(argc, argv);
    run_args a;
    const int pr = parse_args(argc, argv, &a);
    if (pr > 0) return 0; /* --help */
    if (pr < 0) return EXIT_USAGE;
    if (!a.fw_path) {
        fprintf(stderr, "hqsim run: --fw PROG.elf is required (see hqsim run --help)\n");
        return EXIT_USAGE;
    }
    char buf[PATH_MAX + 64];
    if (!a.platform_path && !(a.platform_path = hq_find_default_config(
                                  "HQSIM_PLATFORM", "platform/default.json", buf, sizeof buf))) {
        fprintf(stderr, "hqsim run: no default platform config found; pass --platform FILE\n");
        return EXIT_USAGE;
    }

    hq_run_options o;
    memset(&o, 0, sizeof o);
    o.fw_path = a.fw_path;
    o.platform_path = a.platform_path;
    o.quantum_ns = a.quantum_ns;
    o.max_insns = a.max_insns;
    o.max_sim_ms = a.max_sim_ms >= 0 ? a.max_sim_ms : DEFAULT_MAX_SIM_MS;
    o.max_wall_s = a.max_wall_s >= 0 ? a.max_wall_s : a.gdb_port ? 0 : DEFAULT_MAX_WALL_S;
    o.trace_insns_path = a.trace_insns_path;
    o.gdb_port = a.gdb_port;
    o.misaligned = a.misaligned;
    /* keep stdout clean for the JSON object */
    o.uart_out_path = a.uart_out_path ? a.uart_out_path : (a.json ? "/dev/stderr" : NULL);

    hq_run_result r;
    char err[1024];
    if (hq_platform_run(&o, &r, err, sizeof err) != 0) {
        fprintf(stderr, "hqsim run: %s\n", err);
        return EXIT_USAGE;
    }
    fflush(stdout);
    print_summary(&r);
    if (a.json) print_json(&r);
    hq_run_result_free(&r);
    switch (r.stop) {
    case HQ_STOP_FINISHER:
    case HQ_STOP_TOHOST:
        return r.exit_code >= 0 && r.exit_code <= 255 ? r.exit_code : EXIT_FW_CODE_ABOVE_255;
    case HQ_STOP_TRAP_LOOP: return EXIT_TRAP_LOOP;
    case HQ_STOP_INSN_LIMIT:
    case HQ_STOP_SIM_TIME_LIMIT:
    case HQ_STOP_WALL_TIME_LIMIT: return EXIT_INSN_LIMIT;
    default: return EXIT_NO_EXIT;
    }
}
