/* The measurement-file columns (docs/measurements.md), declared once for the host library
 * (sw/lib/measure.h) and the firmware that prints the rows on the UART (sw/fw/accel). */
#ifndef HQ_MEASURE_COLS_H
#define HQ_MEASURE_COLS_H

#define HQ_MEASURE_MAGIC "# hqsim measurements 1"
#define HQ_MEASURE_UART_PREFIX "HQM:"

/* The counter columns, in file order: X(member, column name, register of docs/regmap.md:
 * the row holds the register's difference across the command). */
#define HQ_MEASURE_COUNTERS(X)                                                                     \
    X(cycles, "cycles", HQ_ACCEL_REG_CYCLES_LO)                                                    \
    X(compute, "compute", HQ_ACCEL_REG_COMPUTE_LO)                                                 \
    X(stall_dram, "stall_dram", HQ_ACCEL_REG_STALL_DRAM_LO)                                        \
    X(stall_decoder, "stall_decoder", HQ_ACCEL_REG_STALL_DEC_LO)                                   \
    X(stall_outlier, "stall_outlier", HQ_ACCEL_REG_STALL_OUT_LO)                                   \
    X(output, "output", HQ_ACCEL_REG_OUTPUT_LO)                                                    \
    X(control, "control", HQ_ACCEL_REG_CONTROL_LO)                                                 \
    X(dram_read, "dram_read", HQ_ACCEL_REG_DRAM_RD_LO)                                             \
    X(dram_written, "dram_written", HQ_ACCEL_REG_DRAM_WR_LO)                                       \
    X(weight_bytes, "weight_bytes", HQ_ACCEL_REG_WEIGHT_RD_LO)                                     \
    X(macs, "macs", HQ_ACCEL_REG_MACS_LO)                                                          \
    X(rd_stall, "rd_stall", HQ_ACCEL_REG_RD_STALL_LO)

/* The integer key and geometry columns, in file order (op, layout, array are names). */
#define HQ_MEASURE_KEYS(X)                                                                         \
    X(batch, "batch")                                                                              \
    X(layer, "layer")                                                                              \
    X(descs, "descs")                                                                              \
    X(images, "images")

#define HQ_MEASURE_GEOMETRY(X)                                                                     \
    X(rows, "rows")                                                                                \
    X(cols, "cols")                                                                                \
    X(in_h, "in_h")                                                                                \
    X(in_w, "in_w")                                                                                \
    X(in_c, "in_c")                                                                                \
    X(out_h, "out_h")                                                                              \
    X(out_w, "out_w")                                                                              \
    X(out_c, "out_c")                                                                              \
    X(kernel, "kernel")                                                                            \
    X(stride, "stride")                                                                            \
    X(pad, "pad")                                                                                  \
    X(pool, "pool")

#endif
