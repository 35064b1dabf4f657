/* The CPU fallback's operators (hq_cpu_op.h) on the RV32: integer only, bit-exact with the C
 * reference (sw/lib/reference.c, reference_ops.c; docs/arith.md sections 6 and 7a). */
#ifndef HQ_CPU_OPS_H
#define HQ_CPU_OPS_H

#include "hq_cpu_op.h"

#include <stdint.h>

/* Runs op on one image: in/in2 its inputs, out its output (addresses of that image). */
void hq_cpu_op_run(const volatile hq_cpu_op *op, const uint8_t *in, const uint8_t *in2,
                   uint8_t *out);

#endif
