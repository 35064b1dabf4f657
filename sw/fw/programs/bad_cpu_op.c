/* Test firmware (CTest e2e_accel_cpu_op_corrupt): the tiled network runtime after corrupting
 * the CPU fallback's op table the host wrote, so the runtime's refusal of a corrupt table is
 * tested through `hqsim run --fw`. The build compiles accel_runtime_tiled.c with its main
 * renamed hq_tiled_runtime_main (sw/fw/accel/CMakeLists.txt). BAD_OP_FIELD: 0 gives the last
 * op the unknown kind 0xBAD; 1 makes it run before descriptor n_layers + 1 (out of order). */
#undef main /* the rename applies to the runtime's sources, not to this one */
#include "hq_accel_net.h"
#include "hq_cpu_op.h"

int hq_tiled_runtime_main(void);

int main(void) {
    volatile hq_accel_net *net = (volatile hq_accel_net *)HQ_ACCEL_NET_ADDR;
    volatile hq_cpu_op *ops = (volatile hq_cpu_op *)(uintptr_t)net->cpu_ops_addr;
    if (net->n_cpu_ops) {
        volatile hq_cpu_op *op = &ops[net->n_cpu_ops - 1];
        if (BAD_OP_FIELD == 0)
            op->kind = 0xBAD;
        else
            op->before = net->n_layers + 1;
    }
    return hq_tiled_runtime_main();
}
