/* rv32_run: run an RV32 ELF on the bare ISS core (model/cpu/rv32_iss.h) with the QEMU virt
 * devices the firmware needs, reduced to their essentials: RAM at 0x8000_0000, NS16550A
 * transmit to stdout, SiFive test finisher, CLINT (mtime at 10 MHz from a 100 MHz core
 * clock). Honours the HTIF `tohost` symbol, so riscv-tests run unmodified. A test and
 * benchmark harness for the ISS; the virtual platform is `hqsim run --fw`. */
#include "elf_image.h"
#include "rv32_iss.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAM_BASE 0x80000000u
#define UART_BASE 0x10000000u
#define FINISHER_BASE 0x00100000u
#define CLINT_BASE 0x02000000u
#define CLINT_SIZE 0x10000u
#define CYCLES_PER_TICK 10 /* 100 MHz core, 10 MHz mtime */

typedef struct {
    rv32_iss *iss;
    uint8_t *ram;
    uint32_t ram_size;
    int finished, finish_code;
    uint32_t msip;
    uint64_t mtimecmp;
    uint64_t bus_reads, bus_writes;
} machine;

static uint64_t mtime(machine *m) {
    return rv32_iss_cycles(m->iss) / CYCLES_PER_TICK;
}

static int in(uint32_t a, unsigned len, uint32_t base, uint32_t size) {
    return a >= base && a - base <= size - len;
}

static uint64_t get_time(void *ctx) {
    return mtime(ctx);
}

static int bus_read(void *ctx, uint32_t a, void *buf, unsigned len, rv32_access kind) {
    machine *m = ctx;
    m->bus_reads++;
    memset(buf, 0, len);
    if (in(a, len, RAM_BASE, m->ram_size)) {
        memcpy(buf, m->ram + (a - RAM_BASE), len);
        return 0;
    }
    if (kind == RV32_ACCESS_FETCH) return 1;
    if (in(a, len, UART_BASE, 8)) {
        if (a - UART_BASE == 5)
            *(uint8_t *)buf = 0x60; /* LSR: transmitter empty, no receive data */
        return 0;
    }
    if (in(a, len, CLINT_BASE, CLINT_SIZE) && len == 4) {
        uint32_t off = a - CLINT_BASE, v = 0;
        uint64_t t = mtime(m);
        if (off == 0)
            v = m->msip;
        else if (off == 0x4000)
            v = (uint32_t)m->mtimecmp;
        else if (off == 0x4004)
            v = (uint32_t)(m->mtimecmp >> 32);
        else if (off == 0xbff8)
            v = (uint32_t)t;
        else if (off == 0xbffc)
            v = (uint32_t)(t >> 32);
        memcpy(buf, &v, 4);
        return 0;
    }
    return in(a, len, FINISHER_BASE, 0x1000) ? 0 : 1;
}

static int bus_write(void *ctx, uint32_t a, const void *buf, unsigned len) {
    machine *m = ctx;
    uint32_t v = 0;
    memcpy(&v, buf, len);
    m->bus_writes++;
    if (in(a, len, RAM_BASE, m->ram_size)) {
        memcpy(m->ram + (a - RAM_BASE), buf, len);
        return 0;
    }
    if (in(a, len, UART_BASE, 8)) {
        if (a == UART_BASE) putchar((int)(v & 0xff));
        return 0;
    }
    if (in(a, len, FINISHER_BASE, 0x1000)) {
        if ((v & 0xffff) == 0x5555 || (v & 0xffff) == 0x3333) {
            m->finished = 1;
            m->finish_code = (v & 0xffff) == 0x5555 ? 0 : (int)(v >> 16);
            rv32_iss_request_stop(m->iss);
        }
        return 0;
    }
    if (in(a, len, CLINT_BASE, CLINT_SIZE) && len == 4) {
        uint32_t off = a - CLINT_BASE;
        if (off == 0)
            m->msip = v & 1;
        else if (off == 0x4000)
            m->mtimecmp = (m->mtimecmp & ~0xffffffffull) | v;
        else if (off == 0x4004)
            m->mtimecmp = (m->mtimecmp & 0xffffffffu) | (uint64_t)v << 32;
        rv32_iss_set_irq(m->iss, RV32_IRQ_MSI, m->msip);
        rv32_iss_set_irq(m->iss, RV32_IRQ_MTI, mtime(m) >= m->mtimecmp);
        return 0;
    }
    return 1;
}

static FILE *trace_file;
static void trace(void *ctx, uint64_t n, uint32_t pc, uint32_t insn, unsigned rd, uint32_t v) {
    (void)ctx;
    fprintf(trace_file, "%" PRIu64 " %08x %08x %-7s", n, pc, insn, rv32_mnemonic(insn));
    if (rd) fprintf(trace_file, " x%u=%08x", rd, v);
    fputc('\n', trace_file);
}

/* The final architectural state, for comparing two runs (fast vs checking loop). */
static int write_state(machine *m, const char *path, int status) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "status %d\npc %08x\n", status, rv32_iss_get_pc(m->iss));
    for (unsigned i = 1; i < 32; i++)
        fprintf(f, "x%u %08x\n", i, rv32_iss_get_reg(m->iss, i));
    fprintf(f, "instret %" PRIu64 "\ncycles %" PRIu64 "\ntraps %" PRIu64 "\n",
            rv32_iss_instret(m->iss), rv32_iss_cycles(m->iss), rv32_iss_traps(m->iss));
    static const unsigned csrs[] = {0x300, 0x304, 0x305, 0x341, 0x342, 0x343, 0x344};
    for (unsigned i = 0; i < sizeof csrs / sizeof csrs[0]; i++) {
        uint32_t v = 0;
        rv32_iss_read_csr(m->iss, csrs[i], &v);
        fprintf(f, "csr%03x %08x\n", csrs[i], v);
    }
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (uint32_t i = 0; i < m->ram_size; i++)
        h = (h ^ m->ram[i]) * 1099511628211ull;
    fprintf(f, "ram %016" PRIx64 "\nbus %" PRIu64 " %" PRIu64 "\n", h, m->bus_reads, m->bus_writes);
    return fclose(f);
}

static void usage(FILE *f) {
    fprintf(f, "usage: rv32_run [options] prog.elf\n"
               "Run an RV32IM ELF on the HQSim ISS core with minimal QEMU-virt devices.\n"
               "  --ram-mib N           RAM size at 0x80000000 (default 128)\n"
               "  --max-insns N         stop after N instructions and trap entries (exit status\n"
               "                        124)\n"
               "  --misaligned MODE     trap (default) or emulate misaligned loads/stores\n"
               "  --no-dmi              send every access through the bus callbacks\n"
               "  --pmp-granularity G   PMP regions of 2^(G+2) bytes, G 0..30 (default 0)\n"
               "  --trace FILE          per-instruction trace\n"
               "  --stats               print instructions, cycles and MIPS to stderr\n"
               "  --cpi LIST            cycles per instruction class, 10 comma-separated values\n"
               "                        (alu,mul,div,load,store,branch taken,branch not taken,\n"
               "                        jump,csr,system; default 1 each)\n"
               "  --slice N             call the ISS for at most N steps at a time\n"
               "  --checked-loop        run every instruction through the ISS's checking loop\n"
               "  --state FILE          write the final state: pc, x1..x31, counters, trap CSRs,\n"
               "                        a hash of RAM\n"
               "  -h, --help            this text\n"
               "Exit status: the firmware's exit code (finisher or tohost); 123 for a trap loop\n"
               "(the trap handler itself traps before anything retires); 125 for wfi with no\n"
               "wake-up source.\n");
}

int main(int argc, char **argv) {
    static const struct option opts[] = {{"ram-mib", required_argument, 0, 'r'},
                                         {"max-insns", required_argument, 0, 'n'},
                                         {"misaligned", required_argument, 0, 'm'},
                                         {"no-dmi", no_argument, 0, 'd'},
                                         {"trace", required_argument, 0, 't'},
                                         {"stats", no_argument, 0, 's'},
                                         {"pmp-granularity", required_argument, 0, 'g'},
                                         {"cpi", required_argument, 0, 'c'},
                                         {"slice", required_argument, 0, 'l'},
                                         {"checked-loop", no_argument, 0, 'k'},
                                         {"state", required_argument, 0, 'S'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    unsigned long ram_mib = 128;
    uint64_t max_insns = 0;
    int misaligned_traps = 1, dmi = 1, stats = 0;
    unsigned long pmp_g = 0;
    const char *trace_path = NULL, *state_path = NULL;
    unsigned cpi[RV32_CLASS_COUNT];
    int have_cpi = 0, checked_loop = 0;
    uint64_t slice = 0;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            ram_mib = strtoul(optarg, &end, 10);
            if (*end || ram_mib < 1 || ram_mib > 2048) {
                fprintf(stderr, "rv32_run: --ram-mib must be 1..2048, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'n':
            max_insns = strtoull(optarg, &end, 10);
            if (*end || !*optarg) {
                fprintf(stderr, "rv32_run: --max-insns needs a number, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'm':
            if (!strcmp(optarg, "trap"))
                misaligned_traps = 1;
            else if (!strcmp(optarg, "emulate"))
                misaligned_traps = 0;
            else {
                fprintf(stderr, "rv32_run: --misaligned is trap or emulate, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'g':
            pmp_g = strtoul(optarg, &end, 10);
            if (*end || !*optarg || pmp_g > 30) {
                fprintf(stderr, "rv32_run: --pmp-granularity must be 0..30, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'd': dmi = 0; break;
        case 'c': {
            const char *p = optarg;
            for (int i = 0; i < RV32_CLASS_COUNT; i++) {
                cpi[i] = (unsigned)strtoul(p, &end, 10);
                if (end == p || (i + 1 < RV32_CLASS_COUNT ? *end != ',' : *end != 0)) {
                    fprintf(stderr, "rv32_run: --cpi needs %d comma-separated numbers\n",
                            RV32_CLASS_COUNT);
                    return 2;
                }
                p = end + 1;
            }
            have_cpi = 1;
            break;
        }
        case 'l':
            slice = strtoull(optarg, &end, 10);
            if (*end || !*optarg || slice == 0) {
                fprintf(stderr, "rv32_run: --slice needs a positive number, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'k': checked_loop = 1; break;
        case 'S': state_path = optarg; break;
        case 't': trace_path = optarg; break;
        case 's': stats = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }

    machine m = {0};
    m.ram_size = (uint32_t)(ram_mib << 20);
    m.mtimecmp = UINT64_MAX;
    m.ram = calloc(1, m.ram_size);
    if (!m.ram) {
        fprintf(stderr, "rv32_run: out of memory for %lu MiB of RAM\n", ram_mib);
        return 2;
    }
    elf_image_info info;
    char err[256];
    if (elf_image_load(argv[optind], m.ram, RAM_BASE, m.ram_size, &info, err, sizeof err)) {
        fprintf(stderr, "rv32_run: %s\n", err);
        free(m.ram);
        return 2;
    }
    rv32_bus bus = {&m, bus_read, bus_write, get_time};
    m.iss = rv32_iss_create(&bus);
    rv32_iss_reset(m.iss, info.entry);
    rv32_iss_set_tohost(m.iss, info.tohost);
    rv32_iss_set_misaligned_traps(m.iss, misaligned_traps);
    rv32_iss_set_pmp_granularity(m.iss, (unsigned)pmp_g);
    if (have_cpi) rv32_iss_set_cpi(m.iss, cpi);
    rv32_iss_set_force_checked(m.iss, checked_loop);
    if (dmi) rv32_iss_add_dmi(m.iss, RAM_BASE, m.ram_size, m.ram, RV32_DMI_READ | RV32_DMI_WRITE);
    if (trace_path) {
        trace_file = fopen(trace_path, "w");
        if (!trace_file) {
            fprintf(stderr, "rv32_run: cannot write %s\n", trace_path);
            rv32_iss_destroy(m.iss);
            free(m.ram);
            return 2;
        }
        rv32_iss_set_trace(m.iss, trace, NULL);
    }

    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    int status = 0;
    for (;;) {
        /* run exactly up to the timer deadline so the interrupt is taken on time */
        uint64_t limit =
            m.mtimecmp >= UINT64_MAX / CYCLES_PER_TICK ? UINT64_MAX : m.mtimecmp * CYCLES_PER_TICK;
        if (limit <= rv32_iss_cycles(m.iss)) limit = UINT64_MAX;
        /* the budget counts trap entries too (rv32_iss_run's steps) */
        uint64_t steps = rv32_iss_instret(m.iss) + rv32_iss_traps(m.iss);
        uint64_t budget = max_insns ? (max_insns > steps ? max_insns - steps : 0) : UINT64_MAX;
        if (slice && budget > slice) budget = slice;
        rv32_stop why = rv32_iss_run(m.iss, budget, limit);
        rv32_iss_set_irq(m.iss, RV32_IRQ_MTI, mtime(&m) >= m.mtimecmp);
        if (m.finished) {
            status = m.finish_code;
            break;
        }
        if (why == RV32_STOP_EXIT) {
            status = rv32_iss_exit_code(m.iss);
            break;
        }
        if (why == RV32_STOP_TRAP_LOOP) {
            uint32_t cause, tval, mcause = 0, mepc = 0;
            rv32_iss_trap_loop(m.iss, &cause, &tval);
            rv32_iss_read_csr(m.iss, 0x342, &mcause);
            rv32_iss_read_csr(m.iss, 0x341, &mepc);
            fprintf(stderr,
                    "rv32_run: trap loop: the handler at 0x%08x raises %s (tval 0x%08x) before "
                    "any instruction retires; the trap that led there: %s at pc 0x%08x\n",
                    rv32_iss_get_pc(m.iss), rv32_cause_name(cause), tval, rv32_cause_name(mcause),
                    mepc);
            status = 123;
            break;
        }
        if (max_insns && rv32_iss_instret(m.iss) + rv32_iss_traps(m.iss) >= max_insns) {
            fprintf(stderr, "rv32_run: instruction limit %" PRIu64 " reached at pc 0x%08x\n",
                    max_insns, rv32_iss_get_pc(m.iss));
            status = 124;
            break;
        }
        if (why == RV32_STOP_WFI) {
            uint32_t mie = 0;
            rv32_iss_read_csr(m.iss, 0x304, &mie);
            if (!(mie & RV32_IRQ_MTI) || m.mtimecmp == UINT64_MAX) {
                fprintf(stderr, "rv32_run: wfi at pc 0x%08x with no wake-up source\n",
                        rv32_iss_get_pc(m.iss) - 4);
                status = 125;
                break;
            }
            uint64_t wake = m.mtimecmp * CYCLES_PER_TICK; /* sleep until the deadline */
            if (wake > rv32_iss_cycles(m.iss))
                rv32_iss_add_cycles(m.iss, wake - rv32_iss_cycles(m.iss));
            rv32_iss_set_irq(m.iss, RV32_IRQ_MTI, 1);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    fflush(stdout);
    /* wall-clock MIPS suffers when other jobs share the cores; CPU-time MIPS does not */
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    double n = (double)rv32_iss_instret(m.iss);
    if (stats)
        fprintf(stderr,
                "rv32_run: exit %d, %" PRIu64 " instructions, %" PRIu64 " cycles, "
                "wall %.3f s = %.1f MIPS, cpu %.3f s = %.1f MIPS, %" PRIu64 " bus reads, "
                "%" PRIu64 " bus writes\n",
                status, rv32_iss_instret(m.iss), rv32_iss_cycles(m.iss), secs,
                secs > 0 ? n / secs / 1e6 : 0.0, cpu, cpu > 0 ? n / cpu / 1e6 : 0.0, m.bus_reads,
                m.bus_writes);
    if (trace_file) fclose(trace_file);
    if (state_path && write_state(&m, state_path, status)) {
        fprintf(stderr, "rv32_run: cannot write %s\n", state_path);
        status = 2;
    }
    rv32_iss_destroy(m.iss);
    free(m.ram);
    return status > 255 ? 255 : status;
}
