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
    uint64_t max_insns;           /* 0 = unlimited */
    const char *trace_insns_path; /* NULL = no instruction trace */
    int gdb_port;                 /* > 0: serve GDB on 127.0.0.1:port */
    const char *uart_out_path;    /* NULL = UART to stdout */
    int misaligned;               /* 0: the config's cpu.misaligned_traps; 1: trap;
                                     2: emulate (performed in hardware) */
} hq_run_options;

typedef enum hq_stop_reason {
    HQ_STOP_FINISHER = 0,  /* test finisher write: exit_code is the firmware's */
    HQ_STOP_TOHOST = 1,    /* HTIF tohost write: exit_code is the firmware's */
    HQ_STOP_INSN_LIMIT = 2,/* --max-insns reached */
    HQ_STOP_IDLE = 3       /* nothing left to simulate without an exit request */
} hq_stop_reason;

typedef struct hq_run_result {
    hq_stop_reason stop;
    int exit_code;                /* the firmware's code for FINISHER / TOHOST, else -1 */
    uint64_t instructions, cycles;
    double sim_time_ns, host_seconds, mips;
    /* DRAM totals over every dram device */
    uint64_t dram_bytes_read, dram_bytes_written;
    uint64_t dram_row_hits, dram_row_misses, dram_row_conflicts;
    double dram_peak_bytes_per_s, dram_achieved_bytes_per_s, dram_energy_nj;
    char *devices_json;           /* per-device statistics (JSON object); free with
                                     hq_run_result_free */
} hq_run_result;

/* Builds the platform, loads the firmware, runs to the end. Returns 0 when the simulation
 * ran (see res->stop / res->exit_code) or -1 with a message in err (bad config, bad ELF,
 * second call in one process). */
int hq_platform_run(const hq_run_options *opt, hq_run_result *res, char *err, size_t errlen);
void hq_run_result_free(hq_run_result *res);

/* Where a default config lives: $env (when env is non-NULL and set), else configs/<rel> of the
 * current directory, else configs/<rel> of the source tree this binary was built from
 * (HQSIM_CONFIG_DIR). Returns the path (in buf when built there), or NULL if none is readable. */
const char *hq_find_default_config(const char *env, const char *rel, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
