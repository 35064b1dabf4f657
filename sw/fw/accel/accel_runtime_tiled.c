/* The network runtime for a tiled network (network table version HQ_ACCEL_NET_VERSION_TILED,
 * docs/accel.md: Tiling): accel_runtime.c, except that several descriptors read the images or
 * write the logits, and each is moved to its batch, and the predictions are uint32 (more than
 * 256 classes: a network with them runs here even untiled). A program of its own, so that the
 * runtime of the untiled networks, and with it their CPU cycles, stays exactly as it was. Exit
 * status: 0, or HQ_ACCEL_EXIT_* (accelerator errors: 16 + ERR_* code; a corrupt CPU op
 * table: HQ_ACCEL_EXIT_CPU_OP_*). */
#include "accel_runtime_common.h"
#include "cpu_ops.h"
#include "hq_accel_net.h"
#include "hq_arith.h"
#include "hq_csr.h"

#include <stdio.h>
#include <stdlib.h>

/* For each batch every descriptor that read the previous batch's first image (IN_ADDR within
 * it) or wrote its first logits moves to the same offset in batch img. */
static void point_batch(const volatile hq_accel_net *n, volatile hq_accel_desc *desc, uint32_t prev,
                        uint32_t img) {
    const uint32_t in0 = n->in_addr + prev * n->in_stride;
    const uint32_t out0 = n->logits_addr + prev * n->n_classes * 4;
    for (uint32_t l = 0; l < n->n_layers; l++) {
        const uint32_t i = desc[l].in_addr - in0, o = desc[l].out_addr - out0;
        if (i < n->in_stride) desc[l].in_addr = n->in_addr + img * n->in_stride + i;
        if (o < n->n_classes * 4) desc[l].out_addr = n->logits_addr + img * n->n_classes * 4 + o;
    }
}

/* An address of batch 0 moved to batch img: within the first image or its logits it moves
 * with them; activation scratch holds the whole batch, so it stays. */
static uint32_t batch_addr(const volatile hq_accel_net *n, uint32_t a, uint32_t img) {
    if (a - n->in_addr < n->in_stride) return a + img * n->in_stride;
    if (a - n->logits_addr < n->n_classes * 4) return a + img * n->n_classes * 4;
    return a;
}

/* Ends the run at CPU op k of a corrupt table (code HQ_ACCEL_EXIT_CPU_OP_*; what: why, value
 * the field it names): images before img are done. Returns the exit status. */
static int cpu_op_fail(volatile hq_accel_net *n, uint32_t k, int code, const char *what,
                       uint32_t value, uint32_t img) {
    printf("accel runtime: CPU op %lu of %lu: %s %lu\n", (unsigned long)k,
           (unsigned long)n->n_cpu_ops, what, (unsigned long)value);
    n->err_desc = k;
    n->err_addr = value;
    n->images_done = img;
    n->status = (uint32_t)code;
    return code;
}

/* Before any image: every op of a kind this firmware runs, in descriptor order (an op that
 * broke the order would never run). Returns 0 or the exit status. */
static int check_cpu_ops(volatile hq_accel_net *n) {
    const volatile hq_cpu_op *ops = (const volatile hq_cpu_op *)(uintptr_t)n->cpu_ops_addr;
    for (uint32_t k = 0; k < n->n_cpu_ops; k++) {
        if (!hq_cpu_op_kind_name(ops[k].kind))
            return cpu_op_fail(n, k, HQ_ACCEL_EXIT_CPU_OP_KIND, "unknown kind", ops[k].kind, 0);
        if (ops[k].before > n->n_layers || (k && ops[k].before < ops[k - 1].before))
            return cpu_op_fail(n, k, HQ_ACCEL_EXIT_CPU_OP_ORDER,
                               "out of descriptor order, runs before descriptor", ops[k].before, 0);
    }
    return 0;
}

/* The CPU fallback ops that run before descriptor l, from op k on, on images img..img+nb-1;
 * returns the next op. Each op's mcycle is summed into its table entry. */
static uint32_t run_cpu_ops(volatile hq_accel_net *n, uint32_t k, uint32_t l, uint32_t img,
                            uint32_t nb) {
    volatile hq_cpu_op *ops = (volatile hq_cpu_op *)(uintptr_t)n->cpu_ops_addr;
    for (; k < n->n_cpu_ops && ops[k].before == l; k++) {
        volatile hq_cpu_op *op = &ops[k];
        const uint64_t t = rdcycle64();
        const uint32_t in = batch_addr(n, op->in_addr, img), in2 = op->in2_addr;
        const uint32_t out = batch_addr(n, op->out_addr, img);
        for (uint32_t i = 0; i < nb; i++)
            if (hq_cpu_op_run(op, (const uint8_t *)(uintptr_t)(in + i * op->in_stride),
                              (const uint8_t *)(uintptr_t)(in2 + i * op->in2_stride),
                              (uint8_t *)(uintptr_t)(out + i * op->out_stride)))
                exit(cpu_op_fail(n, k, HQ_ACCEL_EXIT_CPU_OP_KIND, "unknown kind", op->kind, img));
        const uint64_t c = ((uint64_t)op->cycles_hi << 32 | op->cycles_lo) + rdcycle64() - t;
        op->cycles_lo = (uint32_t)c;
        op->cycles_hi = (uint32_t)(c >> 32);
    }
    return k;
}

/* A network of CPU ops only has no descriptor (docs/accel.md, CPU fallback). */
HQ_RUNTIME_CHECK_TABLE(HQ_ACCEL_NET_VERSION_TILED, "accel runtime (tiled): no tiled network table",
                       n->n_cpu_ops, HQ_ACCEL_NET_MAX_DESC_TILED)

int main(void) {
    volatile hq_accel_net *net = (volatile hq_accel_net *)HQ_ACCEL_NET_ADDR;
    const uint64_t t0 = rdcycle64();
    HQ_RUNTIME_OPEN(net, dev);
    const int bad_ops = check_cpu_ops(net);
    if (bad_ops) return bad_ops;
    volatile hq_accel_desc *desc = (volatile hq_accel_desc *)(uintptr_t)net->desc_addr;
    const uint32_t L = net->n_layers, C = net->n_classes, B = net->batch;
    const int32_t *logits = (const int32_t *)(uintptr_t)net->logits_addr;
    volatile uint32_t *preds = (volatile uint32_t *)(uintptr_t)net->preds_addr; /* any class */
    uint32_t commands = 0;
    for (uint32_t img = 0; img < net->n_images; img += B) {
        const uint32_t nb = net->n_images - img < B ? net->n_images - img : B;
        point_batch(net, desc, img ? img - B : 0, img);
        for (uint32_t l = 0; l < L; l++)
            desc[l].batch = nb;
        const int chain = net->mode & HQ_ACCEL_NET_CHAIN;
        const volatile hq_cpu_op *ops = (const volatile hq_cpu_op *)(uintptr_t)net->cpu_ops_addr;
        uint32_t k = 0, run;
        for (uint32_t l = 0; l < L; l += run) {
            k = run_cpu_ops(net, k, l, img, nb);
            /* a chain runs up to the next CPU op, in commands of at most MAX_DESC */
            run = !chain ? 1 : k < net->n_cpu_ops ? ops[k].before - l : L - l;
            if (run > HQ_ACCEL_MAX_DESC) run = HQ_ACCEL_MAX_DESC;
            hq_accel_result r;
            if (hq_accel_run(&dev, net->desc_addr + l * HQ_ACCEL_DESC_BYTES, run, &r, 100000000u)) {
                printf("accel runtime: timeout in descriptor %lu of image %lu\n", (unsigned long)l,
                       (unsigned long)img);
                net->status = HQ_ACCEL_EXIT_TIMEOUT;
                return HQ_ACCEL_EXIT_TIMEOUT;
            }
            commands++;
            if (r.err) {
                uint32_t bad = chain ? l + r.err_desc : l;
                printf(
                    "accel runtime: accelerator error %u (%s) in descriptor %lu, images %lu..%lu, "
                    "address 0x%08lx\n",
                    r.err, hq_accel_err_name(r.err), (unsigned long)bad, (unsigned long)img,
                    (unsigned long)(img + nb - 1), (unsigned long)r.err_addr);
                net->err_desc = bad;
                net->err_addr = r.err_addr;
                net->status = HQ_ACCEL_EXIT_ACCEL_ERROR + r.err;
                net->images_done = img;
                return HQ_ACCEL_EXIT_ACCEL_ERROR + (int)r.err;
            }
        }
        run_cpu_ops(net, k, L, img, nb);
        for (uint32_t i = 0; i < nb; i++)
            preds[img + i] = (uint32_t)hq_argmax_i32(logits + (size_t)(img + i) * C, (int)C);
    }
    const uint64_t accel = hq_accel_counter(&dev, HQ_ACCEL_REG_CYCLES_LO);
    const uint64_t cpu = rdcycle64() - t0;
    net->images_done = net->n_images;
    net->commands = commands;
    net->accel_cycles_lo = (uint32_t)accel;
    net->accel_cycles_hi = (uint32_t)(accel >> 32);
    net->cpu_cycles_lo = (uint32_t)cpu;
    net->cpu_cycles_hi = (uint32_t)(cpu >> 32);
    net->status = HQ_ACCEL_EXIT_OK;
    printf("accel runtime: %lu images, %lu descriptors (tiled), %lu commands, %lu accelerator "
           "cycles\n",
           (unsigned long)net->n_images, (unsigned long)L, (unsigned long)commands,
           (unsigned long)accel);
    return HQ_ACCEL_EXIT_OK;
}
