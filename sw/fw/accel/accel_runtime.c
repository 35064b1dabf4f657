/* The network runtime: runs the network the host described in the network table
 * (include/hq/hq_accel_net.h) over every image, batch by batch and layer by layer (or one
 * chained command per batch), sleeping in wfi until the accelerator's interrupt (or polling),
 * then takes the argmax of each image's logits and writes the predictions to DRAM.
 * Exit status: 0, or HQ_ACCEL_EXIT_* (accelerator errors: 16 + ERR_* code). */
#include "accel_runtime_common.h"
#include "accel_measure.h"
#include "hq_accel_net.h"
#include "hq_arith.h"
#include "hq_csr.h"

#include <stdio.h>

HQ_RUNTIME_CHECK_TABLE(HQ_ACCEL_NET_VERSION, "accel runtime: no network table", 0,
                       HQ_ACCEL_MAX_DESC)

int main(void) {
    volatile hq_accel_net *net = (volatile hq_accel_net *)HQ_ACCEL_NET_ADDR;
    const uint64_t t0 = rdcycle64();
    HQ_RUNTIME_OPEN(net, dev);
    volatile hq_accel_desc *desc = (volatile hq_accel_desc *)(uintptr_t)net->desc_addr;
    const uint32_t L = net->n_layers, C = net->n_classes, B = net->batch;
    const int32_t *logits = (const int32_t *)(uintptr_t)net->logits_addr;
    volatile uint8_t *preds = (volatile uint8_t *)(uintptr_t)net->preds_addr;
    uint32_t commands = 0;
    const int measure = net->mode & HQ_ACCEL_NET_MEASURE;
    hq_measure_snapshot before;
    if (measure) hq_measure_columns();
    for (uint32_t img = 0; img < net->n_images; img += B) {
        const uint32_t nb = net->n_images - img < B ? net->n_images - img : B;
        /* The batch's descriptors: first input and last output move with the batch. */
        desc[0].in_addr = net->in_addr + img * net->in_stride;
        desc[L - 1].out_addr = net->logits_addr + img * C * 4;
        for (uint32_t l = 0; l < L; l++)
            desc[l].batch = nb;
        const int chain = net->mode & HQ_ACCEL_NET_CHAIN;
        for (uint32_t l = 0; l < L; l += chain ? L : 1) {
            hq_accel_result r;
            if (measure) hq_measure_take(&dev, &before);
            if (hq_accel_run(&dev, net->desc_addr + l * HQ_ACCEL_DESC_BYTES, chain ? L : 1, &r,
                             100000000u)) {
                printf("accel runtime: timeout in layer %lu of image %lu\n", (unsigned long)l,
                       (unsigned long)img);
                net->status = HQ_ACCEL_EXIT_TIMEOUT;
                return HQ_ACCEL_EXIT_TIMEOUT;
            }
            commands++;
            if (measure) hq_measure_row(&dev, &desc[l], img / B, l, chain ? L : 1, &before);
            if (r.err) {
                uint32_t bad = chain ? r.err_desc : l;
                printf("accel runtime: accelerator error %u (%s) in layer %lu, images %lu..%lu, "
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
        for (uint32_t i = 0; i < nb; i++)
            preds[img + i] = (uint8_t)hq_argmax_i32(logits + (size_t)(img + i) * C, (int)C);
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
    printf("accel runtime: %lu images, %lu layers, %lu commands, %lu accelerator cycles\n",
           (unsigned long)net->n_images, (unsigned long)L, (unsigned long)commands,
           (unsigned long)accel);
    return HQ_ACCEL_EXIT_OK;
}
