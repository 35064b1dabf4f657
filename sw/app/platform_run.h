/* C entry point of the virtual platform, used by `hqsim run` (sw/cli/cmd_run.c).
 * SystemC cannot be restarted: hq_platform_run may be called once per process. */
#ifndef HQ_PLATFORM_C_H
#define HQ_PLATFORM_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hq_run_options {
    const char *fw_path;          /* RV32 ELF to load (required) */
    const char *platform_path;    /* platform JSON (required) */
    double quantum_ns;            /* > 0 overrides the config's cpu.quantum_ns */
    uint64_t max_insns;           /* 0 = unlimited; counts instructions and trap entries */
    double max_sim_ms;            /* > 0: stop when simulated time reaches it (ms) */
    double max_wall_s;            /* > 0: stop when host time reaches it (checked after each
                                     simulated ms) */
    const char *trace_insns_path; /* NULL = no instruction trace */
    int gdb_port;                 /* > 0: serve GDB on 127.0.0.1:port */
    const char *uart_out_path;    /* NULL = UART to stdout */
    int misaligned;               /* 0: the config's cpu.misaligned_traps; 1: trap;
                                     2: emulate (performed in hardware) */
} hq_run_options;

typedef enum hq_stop_reason {
    HQ_STOP_FINISHER = 0,       /* test finisher write: exit_code is the firmware's */
    HQ_STOP_TOHOST = 1,         /* HTIF tohost write: exit_code is the firmware's */
    HQ_STOP_INSN_LIMIT = 2,     /* --max-insns reached */
    HQ_STOP_IDLE = 3,           /* nothing left to simulate without an exit request */
    HQ_STOP_TRAP_LOOP = 4,      /* the trap handler traps before any instruction retires */
    HQ_STOP_SIM_TIME_LIMIT = 5, /* max_sim_ms reached */
    HQ_STOP_WALL_TIME_LIMIT = 6 /* max_wall_s reached */
} hq_stop_reason;

/* HQ_STOP_TRAP_LOOP: where the CPU loops and why. */
typedef struct hq_trap_loop {
    uint32_t handler;             /* pc of the trap handler (mtvec) that cannot run */
    uint32_t cause, tval;         /* the exception raised there */
    uint32_t mepc, mcause, mtval; /* the trap that led there */
    char message[512];            /* all of it in one sentence, with a hint */
} hq_trap_loop;

typedef struct hq_run_result {
    hq_stop_reason stop;
    int exit_code; /* the firmware's code for FINISHER / TOHOST, else -1 */
    uint64_t instructions, cycles;
    uint64_t traps;         /* trap entries (exceptions and interrupts) */
    hq_trap_loop trap_loop; /* filled when stop == HQ_STOP_TRAP_LOOP */
    double sim_time_ns, host_seconds, mips;
    /* DRAM totals over every dram device */
    uint64_t dram_bytes_read, dram_bytes_written;
    uint64_t dram_row_hits, dram_row_misses, dram_row_conflicts;
    double dram_peak_bytes_per_s, dram_achieved_bytes_per_s, dram_energy_nj;
    char *devices_json; /* per-device statistics (JSON object); free with
                           hq_run_result_free */
} hq_run_result;

/* Builds the platform, loads the firmware, runs to the end. Returns 0 when the simulation
 * ran (see res->stop / res->exit_code) or -1 with a message in err (bad config, bad ELF,
 * second call in one process). */
int hq_platform_run(const hq_run_options *opt, hq_run_result *res, char *err, size_t errlen);
void hq_run_result_free(hq_run_result *res);

/* Gives back SystemC's temporary heap (3 MiB, zeroed when the library loads: resident in every
 * process that links it) but for 64 KiB; hq_platform_run and hqsim run call it first. It serves
 * only concatenations of SystemC's big integer types (sc_concatref.h), which HQSim's models do
 * not use. Returns the heap's size in bytes afterwards. */
size_t hq_shrink_systemc_temp_heap(void);

/* Where a default config lives: $env (when env is non-NULL and set), else configs/<rel> of the
 * current directory, else share/hqsim/configs/<rel> next to the executable (see
 * hq_find_share_file). Returns the path (in buf when built there), or NULL if none is
 * readable. */
const char *hq_find_default_config(const char *env, const char *rel, char *buf, size_t len);

/* <dir>/share/hqsim/<rel> for the nearest of dir = the executable's directory's parent, its
 * grandparent, its great-grandparent: <prefix>/bin/hqsim finds <prefix>/share/hqsim (the
 * install), build/sw/cli/hqsim finds build/share/hqsim (made by CMake). Returns the path in
 * buf, or NULL if none is readable. */
const char *hq_find_share_file(const char *rel, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
