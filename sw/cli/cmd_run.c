/* hqsim run: the one option parser of both forms of `run`, and the firmware form's report.
 * `hqsim run --fw PROG.elf ...` runs firmware on the virtual platform (sw/app/platform_run.h);
 * `hqsim run Q.hqm ...` runs a model on the accelerator (sw/app/hq_accel_cli.h). One option
 * table says which form takes each option; an option of the other form is unknown. */
#include "cli_util.h"
#include "commands.h"

#include "hq_accel_cli.h"
#include "hq_accel_net.h"
#include "platform_run.h"

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
    hq_model_run_args model; /* the model form's options */
    int n_models;            /* positional arguments of the model form */
} run_args;

/* The two forms of `run`: an option belongs to one of them or to both. */
enum { FORM_FW = 1, FORM_MODEL = 2, FORM_BOTH = 3 };

/* The accelerator runtime's exit statuses, from their one list (include/hq/hq_accel_net.h). */
static void print_runtime_exits(FILE *f) {
#define HQ_RUNTIME_EXIT_LINE_(name, code, what) fprintf(f, "             %-6d %s\n", code, what);
    HQ_ACCEL_RUNTIME_EXITS(HQ_RUNTIME_EXIT_LINE_)
#undef HQ_RUNTIME_EXIT_LINE_
    fprintf(f, "             %d+E   the accelerator's error E (ERR_*, docs/regmap.md)\n",
            HQ_ACCEL_EXIT_ACCEL_ERROR);
}

static void usage_fw(FILE *f) {
    fprintf(f, "usage: hqsim run --fw PROG.elf [options]\n"
               "       hqsim run Q.hqm [options]   (a model on the accelerator: see its --help)\n"
               "\n"
               "Runs an RV32IM firmware ELF on the SystemC virtual platform until it exits\n"
               "(test finisher or HTIF tohost). A summary goes to stderr.\n"
               "\n"
               "exit status:\n"
               "  0        the firmware exited with code 0\n"
               "  1..255   the firmware's exit code N (as under QEMU and Spike); those of the\n"
               "           accelerator runtime (sw/fw/accel, what `hqsim run Q.hqm` boots):\n");
    print_runtime_exits(f);
    fprintf(f, "  2        usage error, or a bad input file (platform config, ELF): nothing ran\n"
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

static void usage_model(FILE *f) {
    fprintf(
        f, "usage: hqsim run Q.hqm [options]\n"
           "\n"
           "Runs a quantized model on the virtual platform: builds the DRAM image (weights in the\n"
           "model's layout, test images, layer descriptors), boots the accelerator firmware on\n"
           "the RV32 CPU, runs every image and compares its logits with the C reference.\n"
           "\n"
           "exit status: 0 all images match the reference; 1 mismatches; 2 usage error or a\n"
           "bad input file (model, configs, firmware, dataset): nothing ran; 3 the accelerator\n"
           "or firmware reported an error.\n"
           "\n"
           "options:\n");
    /* the kind names come from the array registry */
    fprintf(f, "  --arch A          PE array: %s (default: timing config)\n",
            hq_accel_arch_names());
    fprintf(f,
            "  --pe-impl I       lanegroup compute: model or rtl (a Verilated rtl/pe_tile.v\n"
            "                    tile for the block layers, lo 2, hi 8; uniform layers such\n"
            "                    as last=uniform8 run on the model's uniform path); default:\n"
            "                    the platform config's hq_accel \"pe_impl\" param, else model.\n"
            "                    rtl picks the configuration with the timing config's lanes\n"
            "                    and lane_group, the model's block M and N <= the tile's N:\n"
            "                      default    64 lanes, groups of 32, N:M <= 1:32\n"
            "                                 (configs/timing/default.json)\n"
            "                      up5k       16 lanes, groups of 16, N:M <= 1:16\n"
            "                                 (configs/timing/rtl-measured.json)\n"
            "                      g16_2of32  64 lanes, groups of 16, N:M <= 2:32\n"
            "                                 (configs/timing/lanegroup16.json)\n"
            "  --accel-impl I    the accelerator: model (the SystemC model) or rtl (the\n"
            "                    Verilated rtl/accel/hq_accel.v through TLM bridges: dense,\n"
            "                    conv and max-pool layers; uniform8 with dense, lanegroup with\n"
            "                    block lo 2 hi 8 1:32, dense/coo lo 1-2, escape lo 2; per-layer\n"
            "                    statistics from its counters; a layer the RTL refuses (asked\n"
            "                    of it before the run) or a platform it cannot run exits 2;\n"
            "                    docs/rtl-accel.md);\n"
            "                    default: the platform config's device type (hq_accel: model,\n"
            "                    hq_accel_rtl: rtl), else model\n"
            "  --platform FILE   platform config (default configs/platform/default.json; the\n"
            "                    accelerator is added unless the config has an hq_accel or\n"
            "                    hq_accel_rtl device)\n"
            "  --timing FILE     accelerator timing config (default configs/timing/default.json)\n"
            "  --energy FILE     energy table (default configs/energy/default.json)\n"
            "  --fw FILE         accelerator firmware (default: $HQSIM_ACCEL_FW, else\n"
            "                    share/hqsim/fw/accel/accel_runtime.elf near the executable;\n"
            "                    accel_runtime_tiled.elf when layers are tiled to the buffers\n"
            "                    or run on the CPU fallback, docs/accel.md)\n"
            "  --dataset DIR     Fashion-MNIST directory (default: the Debian package's)\n"
            "  --images N        first N test images (default: all 10000)\n"
            "  --synthetic-inputs N  N deterministic synthetic images of the model's input\n"
            "                    shape instead of the dataset (models without one, e.g. the\n"
            "                    workload zoo): accuracy is not reported, every image is still\n"
            "                    compared bit for bit with the C reference\n"
            "  --batch B         images sharing one pass over the weights (default 1)\n"
            "  --poll            firmware polls STATUS instead of sleeping in wfi\n"
            "  --chain           one accelerator command per batch instead of one per layer\n"
            "  --depthwise WHERE array: depthwise convs on the PE array as block-diagonal\n"
            "                    convs over groups of `lanes` channels (default); cpu: on the\n"
            "                    firmware's CPU fallback (docs/accel.md, Depthwise convs)\n"
            "  --stats FILE      write the JSON report to FILE\n"
            "  --csv FILE        per-layer table (cycles, stalls, utilization, bytes, energy)\n"
            "  --measure FILE    measurement file (docs/measurements.md): each command's\n"
            "                    counters as the firmware prints them on the UART\n"
            "  --trace FILE      Chrome/Perfetto trace JSON of unit activity, for the first\n"
            "                    --trace-images images\n"
            "  --trace-images N  images in the --trace file (default 10, whole batches;\n"
            "                    0 = all: the whole test set writes over 100 MB)\n"
            "  --vcd FILE        VCD of the accelerator's busy/irq/layer signals\n"
            "  --png DIR         PNG timelines of unit activity (timeline.png, layer<i>.png)\n"
            "  --json            print the JSON report on stdout (firmware output to stderr)\n"
            "  --quiet           no firmware output, no progress\n"
            "  -h, --help        this help\n");
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

/* An integer of the model form (decimal). */
static int parse_int(const char *opt, const char *s, long lo, long hi, int *out) {
    char *end = NULL;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "hqsim run: %s expects an integer in [%ld, %ld], got '%s'\n", opt, lo, hi,
                s);
        return -1;
    }
    *out = (int)v;
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

/* The model form is a positional Q.hqm: a first argument that is not an option, or any
 * argument ending in .hqm other than the value of --fw. --fw alone (no model) is firmware
 * mode; with a model, --fw is the accelerator firmware. */
static int model_form_requested(int argc, char **argv) {
    int fw = 0, model = 0;
    for (int i = 1; i < argc; i++) {
        const size_t n = strlen(argv[i]);
        if (!strcmp(argv[i], "--fw")) {
            fw = 1;
            i++; /* its value is the ELF, never the model */
        } else if (!strncmp(argv[i], "--fw=", 5)) {
            fw = 1;
        } else if (n > 4 && !strcmp(argv[i] + n - 4, ".hqm")) {
            model = 1;
        }
    }
    return model || (!fw && argc > 1 && argv[1][0] != '-');
}

enum {
    O_FW = 256,
    O_PLATFORM,
    O_JSON,
    /* firmware form */
    O_QUANTUM,
    O_MAX_INSNS,
    O_MAX_SIM_MS,
    O_MAX_WALL_S,
    O_TRACE_INSNS,
    O_GDB,
    O_UART,
    O_MISALIGNED,
    /* model form */
    O_ARCH,
    O_PE_IMPL,
    O_ACCEL_IMPL,
    O_TIMING,
    O_ENERGY,
    O_DATASET,
    O_IMAGES,
    O_BATCH,
    O_POLL,
    O_CHAIN,
    O_DEPTHWISE,
    O_STATS,
    O_CSV,
    O_TRACE,
    O_VCD,
    O_PNG,
    O_QUIET,
    O_TRACE_IMAGES,
    O_SYNTHETIC,
    O_MEASURE
};

/* Every option of `hqsim run` and the forms that take it. */
static const struct run_option {
    const char *name;
    int has_arg, id, forms;
} run_options[] = {
    {"fw", required_argument, O_FW, FORM_BOTH},
    {"platform", required_argument, O_PLATFORM, FORM_BOTH},
    {"json", no_argument, O_JSON, FORM_BOTH},
    {"help", no_argument, 'h', FORM_BOTH},
    {"quantum", required_argument, O_QUANTUM, FORM_FW},
    {"max-insns", required_argument, O_MAX_INSNS, FORM_FW},
    {"max-sim-ms", required_argument, O_MAX_SIM_MS, FORM_FW},
    {"max-wall-s", required_argument, O_MAX_WALL_S, FORM_FW},
    {"trace-insns", required_argument, O_TRACE_INSNS, FORM_FW},
    {"gdb", required_argument, O_GDB, FORM_FW},
    {"uart-out", required_argument, O_UART, FORM_FW},
    {"misaligned", required_argument, O_MISALIGNED, FORM_FW},
    {"arch", required_argument, O_ARCH, FORM_MODEL},
    {"pe-impl", required_argument, O_PE_IMPL, FORM_MODEL},
    {"accel-impl", required_argument, O_ACCEL_IMPL, FORM_MODEL},
    {"timing", required_argument, O_TIMING, FORM_MODEL},
    {"energy", required_argument, O_ENERGY, FORM_MODEL},
    {"dataset", required_argument, O_DATASET, FORM_MODEL},
    {"images", required_argument, O_IMAGES, FORM_MODEL},
    {"synthetic-inputs", required_argument, O_SYNTHETIC, FORM_MODEL},
    {"batch", required_argument, O_BATCH, FORM_MODEL},
    {"poll", no_argument, O_POLL, FORM_MODEL},
    {"chain", no_argument, O_CHAIN, FORM_MODEL},
    {"depthwise", required_argument, O_DEPTHWISE, FORM_MODEL},
    {"stats", required_argument, O_STATS, FORM_MODEL},
    {"csv", required_argument, O_CSV, FORM_MODEL},
    {"trace", required_argument, O_TRACE, FORM_MODEL},
    {"vcd", required_argument, O_VCD, FORM_MODEL},
    {"png", required_argument, O_PNG, FORM_MODEL},
    {"quiet", no_argument, O_QUIET, FORM_MODEL},
    {"trace-images", required_argument, O_TRACE_IMAGES, FORM_MODEL},
    {"measure", required_argument, O_MEASURE, FORM_MODEL},
};
#define N_RUN_OPTIONS (sizeof run_options / sizeof run_options[0])

/* One option, in the form *a->form; -1 on a bad value (message printed). */
static int take_option(run_args *a, int id, const char *arg) {
    hq_model_run_args *m = &a->model;
    uint64_t v;
    char *end;
    switch (id) {
    case O_FW: a->fw_path = m->fw_path = arg; break;
    case O_PLATFORM: a->platform_path = m->platform_path = arg; break;
    case O_JSON: a->json = m->json = 1; break;
    case O_QUANTUM:
        errno = 0;
        a->quantum_ns = strtod(arg, &end);
        if (!*arg || *end || errno || !(a->quantum_ns >= 1 && a->quantum_ns <= 1e9)) {
            fprintf(stderr, "hqsim run: --quantum expects a number in [1, 1e+09], got '%s'\n", arg);
            return -1;
        }
        break;
    case O_MAX_INSNS: return parse_u64("--max-insns", arg, 1, UINT64_MAX, &a->max_insns);
    case O_MAX_SIM_MS: return parse_budget("--max-sim-ms", arg, &a->max_sim_ms);
    case O_MAX_WALL_S: return parse_budget("--max-wall-s", arg, &a->max_wall_s);
    case O_TRACE_INSNS: a->trace_insns_path = arg; break;
    case O_GDB:
        if (parse_u64("--gdb", arg, 1, 65535, &v)) return -1;
        a->gdb_port = (int)v;
        break;
    case O_UART: a->uart_out_path = arg; break;
    case O_MISALIGNED:
        if (strcmp(arg, "trap") && strcmp(arg, "emulate")) {
            fprintf(stderr, "hqsim run: --misaligned: '%s' is not trap or emulate\n", arg);
            return -1;
        }
        a->misaligned = strcmp(arg, "trap") ? 2 : 1;
        break;
    case O_ARCH:
        if (strcmp(arg, "uniform8") && strcmp(arg, "split") && strcmp(arg, "lanegroup")) {
            fprintf(stderr, "hqsim run: --arch: '%s' is not uniform8, split or lanegroup\n", arg);
            return -1;
        }
        m->arch = arg;
        break;
    case O_PE_IMPL:
        if (strcmp(arg, "model") && strcmp(arg, "rtl")) {
            fprintf(stderr, "hqsim run: --pe-impl: '%s' is not model or rtl\n", arg);
            return -1;
        }
        m->pe_impl = arg;
        break;
    case O_ACCEL_IMPL:
        if (strcmp(arg, "model") && strcmp(arg, "rtl")) {
            fprintf(stderr, "hqsim run: --accel-impl: '%s' is not model or rtl\n", arg);
            return -1;
        }
        m->accel_impl = arg;
        break;
    case O_TIMING: m->timing_path = arg; break;
    case O_ENERGY: m->energy_path = arg; break;
    case O_DATASET: m->dataset_dir = arg; break;
    case O_IMAGES: return parse_int("--images", arg, 1, 1000000, &m->images);
    case O_SYNTHETIC: return parse_int("--synthetic-inputs", arg, 1, 1000000, &m->synthetic_inputs);
    case O_BATCH: return parse_int("--batch", arg, 1, 65536, &m->batch);
    case O_POLL: m->poll = 1; break;
    case O_CHAIN: m->chain = 1; break;
    case O_DEPTHWISE:
        if (strcmp(arg, "array") && strcmp(arg, "cpu")) {
            fprintf(stderr, "hqsim run: --depthwise: '%s' is not array or cpu\n", arg);
            return -1;
        }
        m->depthwise_cpu = !strcmp(arg, "cpu");
        break;
    case O_STATS: m->stats_path = arg; break;
    case O_CSV: m->csv_path = arg; break;
    case O_MEASURE: m->measure_path = arg; break;
    case O_TRACE: m->trace_path = arg; break;
    case O_VCD: m->vcd_path = arg; break;
    case O_PNG: m->png_dir = arg; break;
    case O_QUIET: m->quiet = 1; break;
    case O_TRACE_IMAGES: return parse_int("--trace-images", arg, 0, 1000000, &m->trace_images);
    }
    return 0;
}

/* Parses either form (form: FORM_FW or FORM_MODEL). Returns 0, 1 for --help (printed), or -1
 * on a usage error (message printed). The firmware form stops at its first non-option
 * argument (an error); the model form collects them, its Q.hqm. */
static int parse_args(int argc, char **argv, int form, run_args *a) {
    struct option opts[N_RUN_OPTIONS + 1];
    size_t n = 0;
    for (size_t i = 0; i < N_RUN_OPTIONS; i++)
        if (run_options[i].forms & form)
            opts[n++] = (struct option){run_options[i].name, run_options[i].has_arg, NULL,
                                        run_options[i].id};
    opts[n] = (struct option){NULL, 0, NULL, 0};
    const int model = form == FORM_MODEL;
    memset(a, 0, sizeof *a);
    a->max_sim_ms = a->max_wall_s = -1;
    a->model.batch = 1;
    a->model.trace_images = 10;
    optind = 1;
    opterr = 0;
    for (;;) {
        const int prev = optind;
        const int c = getopt_long(argc, argv, model ? "-h" : "+h", opts, NULL);
        if (c == -1) break;
        if (c == 1) { /* a positional argument of the model form */
            if (a->n_models++ == 0) a->model.model_path = optarg;
            continue;
        }
        /* `--fw --help`: the help, not a firmware file named --help */
        if (c == 'h' || (optarg && c != '?' && c != ':' && cli_is_help(optarg))) {
            (model ? usage_model : usage_fw)(stdout);
            return 1;
        }
        if (c == ':') {
            fprintf(stderr, "hqsim run: %s needs a value\n", argv[prev]);
            return -1;
        }
        if (c == '?') {
            fprintf(stderr, "hqsim run: unknown option '%s' (see hqsim run%s --help)\n", argv[prev],
                    model ? " Q.hqm" : "");
            return -1;
        }
        if (take_option(a, c, optarg)) return -1;
    }
    if (model) {
        if (a->n_models != 1) {
            fprintf(stderr, a->n_models ? "hqsim run: more than one model file given\n"
                                        : "hqsim run: a model file Q.hqm is required\n");
            return -1;
        }
    } else if (optind < argc) {
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
    const int form = model_form_requested(argc, argv) ? FORM_MODEL : FORM_FW;
    run_args a;
    const int pr = parse_args(argc, argv, form, &a);
    if (pr > 0) return 0; /* --help */
    if (pr < 0) return EXIT_USAGE;
    /* `hqsim run Q.hqm [...]`: the accelerator's run (sw/app/accel_cli.cpp). */
    if (form == FORM_MODEL) {
        a.model.argc = argc;
        a.model.argv = (const char *const *)argv;
        return hq_accel_run_model(&a.model);
    }
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
