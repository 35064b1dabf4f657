/* The host side of the CPU fallback (docs/accel.md, CPU fallback): the hq_cpu_op entries
 * (include/hq/hq_cpu_op.h) of the layers the accelerator has no unit for, with their weights
 * and requantization tables, for the firmware's cpu_ops.c. */
#ifndef HQ_ACCEL_CPU_FALLBACK_H
#define HQ_ACCEL_CPU_FALLBACK_H

extern "C" {
#include "hq_model.h"
}
#include "hq_cpu_op.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hq::accel {

/* An activation in DRAM: image i at addr + i * stride, stored in channel groups of g (g =
 * shape.c: plain HWC; docs/accel.md, Tiling). */
struct Tensor {
    uint32_t addr = 0, stride = 0;
    int g = 0;
    hq_shape shape{};
};

struct CpuOp {
    std::string name; /* "cpu:add7", "cpu:conv3/dw", "cpu:regroup5" */
    hq_cpu_op op{};
};

/* What the fallback needs from the planner: DRAM space (64-byte aligned) and a place for the
 * bytes to write there. */
struct CpuEmit {
    std::function<uint32_t(uint64_t bytes)> take;
    std::function<void(uint32_t addr, std::vector<uint8_t> bytes)> put;
    uint32_t batch = 1;
    uint32_t before = 0; /* the descriptor the ops run before */
    std::vector<CpuOp> *ops = nullptr;
};

/* t in groups of g channels (a copy by a regroup op, or t itself when it has them already). */
Tensor cpu_regroup(const Tensor &t, int g, int li, CpuEmit &e);

/* Layer li of m on the CPU: reads in (and in2, an add's second operand), writes out (plain
 * HWC, or the logits for the last layer). Inputs stored in channel groups are first copied
 * to plain HWC. Returns "" or why the layer cannot run. */
std::string emit_cpu_layer(const hq_model &m, int li, Tensor in, Tensor in2, const Tensor &out,
                           bool last, CpuEmit &e);

/* The firmware's refusal of a corrupt op table (exit status HQ_ACCEL_EXIT_CPU_OP_*, with
 * the op's index and the field's value from the network table) in words, naming the op;
 * "" for any other status. */
std::string cpu_op_table_error(int exit_code, uint32_t op, uint32_t value,
                               const std::vector<CpuOp> &ops);

} // namespace hq::accel

#endif
