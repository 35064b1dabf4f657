/* Driver for the accelerator's register map (include/hq/hq_accel_regmap.h, generated from
 * configs/accel/regmap.json): start a command, wait for it with wfi on the PLIC interrupt or
 * by polling, decode the status, read the performance counters. */
#ifndef HQ_FW_ACCEL_DRIVER_H
#define HQ_FW_ACCEL_DRIVER_H

#include "hq_accel_regmap.h"

#include <stdint.h>

typedef struct {
    uintptr_t base; /* register window */
    uintptr_t plic; /* 0: no interrupt controller, poll */
    uint32_t irq_source;
    int poll;
} hq_accel_dev;

typedef struct {
    unsigned err;      /* HQ_ACCEL_ERR_* (0 = done) */
    uint32_t err_desc; /* index of the failing descriptor within the command */
    uint32_t err_addr;
} hq_accel_result;

/* Checks the ID register and prepares the interrupt path. Returns 0, or -1 if no
 * accelerator answers at base. */
int hq_accel_open(hq_accel_dev *d, uintptr_t base, uintptr_t plic, uint32_t irq_source, int poll);
/* Runs `count` descriptors at desc_addr and waits for the end (wfi or polling, at most
 * max_polls status reads when polling). Returns 0 on completion, -1 on timeout. */
int hq_accel_run(hq_accel_dev *d, uint32_t desc_addr, uint32_t count, hq_accel_result *r,
                 uint32_t max_polls);
void hq_accel_perf_clear(hq_accel_dev *d);
uint64_t hq_accel_counter(hq_accel_dev *d, uint32_t lo_offset); /* e.g. HQ_ACCEL_REG_CYCLES_LO */
const char *hq_accel_err_name(unsigned err);

#endif
