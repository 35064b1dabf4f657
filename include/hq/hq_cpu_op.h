/* The CPU fallback (docs/accel.md, CPU fallback): the operators the accelerator has no unit
 * for (docs/arith.md section 7a) run on the RV32 in firmware (sw/fw/accel/cpu_ops.c), each
 * described by one hq_cpu_op the host planner writes into DRAM (hq_accel_net.cpu_ops_addr).
 * One C header for both sides; all fields little-endian u32/i32. Tensors are uint8/int8 codes,
 * HWC for one image, image i at addr + i * stride; a regroup op converts between the plain HWC
 * layout and the channel groups of a tiled conv (docs/accel.md, Tiling). */
#ifndef HQ_CPU_OP_H
#define HQ_CPU_OP_H

#include <stdint.h>

#define HQ_CPU_OP_CONV 1    /* conv (groups, stride, pad) or dense (a 1 x 1 conv on 1 x 1 x cols) */
#define HQ_CPU_OP_POOL 2    /* max, average or global average pooling */
#define HQ_CPU_OP_ADD 3     /* residual add with requantization of both operands */
#define HQ_CPU_OP_REGROUP 4 /* copy a tensor from channel groups of in_g to groups of out_g */

#define HQ_CPU_FLAG_SIGNED 1u     /* the input holds int8 codes */
#define HQ_CPU_FLAG_SIGNED2 2u    /* the add's second operand holds int8 codes */
#define HQ_CPU_FLAG_LOGITS 4u     /* conv/dense: the classifier, int32 outputs, no requantization */
#define HQ_CPU_FLAG_AVG 8u        /* pool: average instead of max */
#define HQ_CPU_FLAG_COUNT_PAD 16u /* average pool: the divisor is kh * kw */

typedef struct {
    uint32_t kind, flags;
    uint32_t before;      /* runs before descriptor `before` of each batch (n_layers: after all) */
    uint32_t model_layer; /* the hq_model layer it computes */
    uint32_t in_addr, in_stride, in2_addr, in2_stride, out_addr, out_stride;
    uint32_t in_c, in_h, in_w, out_c, out_h, out_w;
    uint32_t kh, kw, stride, pad, groups; /* conv and pool */
    uint32_t in_g, out_g;                 /* regroup: channels per group (= C: plain HWC) */
    int32_t lo, hi;                       /* requantization clamp (conv, add) */
    int32_t mult_a, mult_b, shift;        /* add */
    /* conv: int8 weights [rows][cols] (the effective codes of docs/arith.md), int32 bias,
     * int32 multiplier and uint8 shift per output channel */
    uint32_t weight_addr, bias_addr, mult_addr, shift_addr;
    /* written by the firmware: mcycle spent in this op over all batches */
    uint32_t cycles_lo, cycles_hi;
} hq_cpu_op;

#ifdef __cplusplus
static_assert(sizeof(hq_cpu_op) == 34 * 4, "CPU op layout");
#else
_Static_assert(sizeof(hq_cpu_op) == 34 * 4, "CPU op layout");
#endif

#endif
