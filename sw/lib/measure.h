/* Measurement files (docs/measurements.md): a `# key: value` header block and one CSV row per
 * accelerator command with the counters. Written by `hqsim run --measure` and the RTL bench,
 * read by `hqsim compare` and `hqsim calibrate`; the firmware prints the rows on the UART
 * with the HQ_MEASURE_UART_PREFIX. */
#ifndef HQ_MEASURE_H
#define HQ_MEASURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hq_measure_cols.h"

/* printf-style format checking for the writers' helpers */
#define HQ_MEASURE_FMT(f, a) __attribute__((format(__printf__, f, a)))

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
#define HQ_MEASURE_U32_(m, name) uint32_t m;
    HQ_MEASURE_KEYS(HQ_MEASURE_U32_)
    unsigned op, layout, arch; /* OP_*, LAYOUT_*, ARCH_* of the regmap */
    HQ_MEASURE_GEOMETRY(HQ_MEASURE_U32_)
#undef HQ_MEASURE_U32_
#define HQ_MEASURE_U64_(m, name, reg) uint64_t m;
    HQ_MEASURE_COUNTERS(HQ_MEASURE_U64_)
#undef HQ_MEASURE_U64_
} hq_measure_row;

typedef struct {
    char key[32];
    char value[480];
} hq_measure_kv;

typedef struct {
    hq_measure_kv *header; /* in file order */
    size_t n_header;
    hq_measure_row *rows;
    size_t n_rows;
} hq_measure_file;

/* Header keys every file must have (docs/measurements.md), NULL-terminated. */
extern const char *const hq_measure_required_keys[];

/* The CSV column line (no newline, no prefix). */
void hq_measure_write_columns(FILE *f);
/* One row as CSV (no newline, no prefix). */
void hq_measure_write_row(FILE *f, const hq_measure_row *r);
/* The magic line and the header block. */
void hq_measure_write_header(FILE *f, const hq_measure_kv *kv, size_t n);

/* Parses one CSV row given the column line's field order (hq_measure_columns); returns 0, or
 * -1 with a message naming the column. */
int hq_measure_parse_row(const char *line, hq_measure_row *r, char *err, size_t errlen);

/* Reads and checks a measurement file (magic, required keys, columns, integer fields, the
 * classes summing to cycles). Returns 0, or -1 with "FILE:LINE: ..." in err. */
int hq_measure_read(const char *path, hq_measure_file *m, char *err, size_t errlen);
void hq_measure_free(hq_measure_file *m);
/* The header value of key, or NULL. */
const char *hq_measure_get(const hq_measure_file *m, const char *key);

/* Collects the rows of a UART log: the lines starting with HQ_MEASURE_UART_PREFIX (the first
 * one is the column line, which must match hq_measure_write_columns). Appends to *rows
 * (realloc'd). Returns the number of rows, or -1 with a message. */
long hq_measure_rows_from_uart(const char *text, size_t len, hq_measure_row **rows, size_t *n,
                               char *err, size_t errlen);

/* SHA-256 of a file's bytes as 64 lower-case hex digits. Returns 0, or -1 with a message. */
int hq_sha256_file(const char *path, char hex[65], char *err, size_t errlen);

/* Regmap names of OP_*, LAYOUT_*, ARCH_* (lower case) and back (-1: unknown). */
const char *hq_measure_op_name(unsigned op);
const char *hq_measure_layout_name(unsigned layout);
const char *hq_measure_arch_name(unsigned arch);
int hq_measure_op_id(const char *s);
int hq_measure_layout_id(const char *s);
int hq_measure_arch_id(const char *s);

#ifdef __cplusplus
}
#endif

#endif
