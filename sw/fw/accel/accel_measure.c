/* The measurement rows on the UART (accel_measure.h). Numbers are printed digit by digit:
 * the firmware's printf is not asked for 64-bit conversions. */
#include "accel_measure.h"

#include <stdio.h>

static void put_u64(uint64_t v) {
    char buf[21];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putchar(buf[--n]);
}

static void put_field(uint64_t v) {
    put_u64(v);
    putchar(',');
}

static void put_name(const char *s) {
    fputs(s, stdout);
    putchar(',');
}

/* Regmap names, lower case (OP_*, LAYOUT_*, ARCH_*; hq_accel_regmap.h). */
static const char *op_name(unsigned op) {
    static const char *const n[] = {"?", "dense", "conv", "maxpool"};
    return op < sizeof n / sizeof *n ? n[op] : "?";
}
static const char *layout_name(unsigned l) {
    static const char *const n[] = {"dense", "coo", "block", "rowgroup", "escape"};
    return l < sizeof n / sizeof *n ? n[l] : "?";
}
static const char *arch_name(unsigned a) {
    static const char *const n[] = {"uniform8", "split", "lanegroup"};
    return a < sizeof n / sizeof *n ? n[a] : "?";
}

void hq_measure_columns(void) {
    fputs(HQ_MEASURE_UART_PREFIX "batch,layer,descs,images,op,layout,array", stdout);
#define HQ_FW_COL_(m, name, ...) fputs("," name, stdout);
    HQ_MEASURE_GEOMETRY(HQ_FW_COL_)
    HQ_MEASURE_COUNTERS(HQ_FW_COL_)
#undef HQ_FW_COL_
    putchar('\n');
}

void hq_measure_take(hq_accel_dev *d, hq_measure_snapshot *s) {
#define HQ_FW_TAKE_(m, name, reg) s->m = hq_accel_counter(d, reg);
    HQ_MEASURE_COUNTERS(HQ_FW_TAKE_)
#undef HQ_FW_TAKE_
}

void hq_measure_row(hq_accel_dev *d, const volatile hq_accel_desc *desc, uint32_t batch,
                    uint32_t layer, uint32_t descs, const hq_measure_snapshot *before) {
    hq_measure_snapshot now;
    hq_measure_take(d, &now);
    fputs(HQ_MEASURE_UART_PREFIX, stdout);
    put_field(batch);
    put_field(layer);
    put_field(descs);
    put_field(desc->batch);
    put_name(op_name(desc->op));
    put_name(layout_name(desc->layout));
    put_name(arch_name(*(volatile uint32_t *)(d->base + HQ_ACCEL_REG_HW_CONFIG) & 0xF));
    put_field(desc->rows);
    put_field(desc->cols);
    put_field(desc->in_h);
    put_field(desc->in_w);
    put_field(desc->in_c);
    put_field(desc->out_h);
    put_field(desc->out_w);
    put_field(desc->out_c);
    put_field(desc->kernel);
    put_field(desc->stride);
    put_field(desc->pad);
    put_field(desc->pool);
    int first = 1;
#define HQ_FW_VAL_(m, name, reg)                                                                   \
    if (!first) putchar(',');                                                                      \
    put_u64(now.m - before->m);                                                                    \
    first = 0;
    HQ_MEASURE_COUNTERS(HQ_FW_VAL_)
#undef HQ_FW_VAL_
    putchar('\n');
}
