/* Per-command performance counters on the UART in the measurement format
 * (docs/measurements.md): the column line once, then after each command one row, each line
 * prefixed with HQ_MEASURE_UART_PREFIX. The counters are never cleared between commands: a
 * row is the difference of each register across its command. */
#ifndef HQ_FW_ACCEL_MEASURE_H
#define HQ_FW_ACCEL_MEASURE_H

#include "accel_driver.h"
#include "hq_measure_cols.h"

#include <stdint.h>

typedef struct {
#define HQ_FW_MEASURE_FIELD_(m, name, reg) uint64_t m;
    HQ_MEASURE_COUNTERS(HQ_FW_MEASURE_FIELD_)
#undef HQ_FW_MEASURE_FIELD_
} hq_measure_snapshot;

/* Prints the column line. */
void hq_measure_columns(void);
/* Reads every counter register of the row. */
void hq_measure_take(hq_accel_dev *d, hq_measure_snapshot *s);
/* Prints the row of the command that ran descs descriptors from desc (network index layer)
 * for batch `batch`, from the counters' values before it. */
void hq_measure_row(hq_accel_dev *d, const volatile hq_accel_desc *desc, uint32_t batch,
                    uint32_t layer, uint32_t descs, const hq_measure_snapshot *before);

#endif
