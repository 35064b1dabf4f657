/* The CPU fallback's operators (hq_cpu_op.h) on the RV32: integer only, bit-exact with the C
 * reference (sw/lib/reference.c, reference_ops.c; docs/arith.md sections 6 and 7a). */
#ifndef HQ_CPU_OPS_H
#define HQ_CPU_OPS_H

#include "hq_cpu_op.h"

#include <stdint.h>

/* The name of an op kind ("conv", "pool", "add", "regroup"), NULL for a kind this firmware
 * does not know (a corrupt op table, or a host newer than the firmware). */
const char *hq_cpu_op_kind_name(uint32_t kind);

/* Runs op on one image: in/in2 its inputs, out its output (addresses of that image).
 * Returns 0, or -1 (nothing written) when the op's kind is unknown. */
int hq_cpu_op_run(const volatile hq_cpu_op *op, const uint8_t *in, const uint8_t *in2,
                  uint8_t *out);

#endif
