/* The network table: how the host (`hqsim run Q.hqm`, sw/app/accel_run.cpp) tells the
 * firmware runtime (sw/fw/accel) what to run. One C header for both sides (C11 firmware,
 * C++17 host); all fields are little-endian u32 at HQ_ACCEL_NET_ADDR, right after the 1 MiB the
 * firmware image may use (sw/fw/hq.ld). docs/accel.md describes the whole DRAM image. */
#ifndef HQ_ACCEL_NET_H
#define HQ_ACCEL_NET_H

#include <stdint.h>

#define HQ_ACCEL_NET_ADDR 0x80100000u
#define HQ_ACCEL_NET_MAGIC 0x544E5148u /* 'HQNT' */
#define HQ_ACCEL_NET_VERSION 1u
/* A tiled network (docs/accel.md, Tiling): several descriptors read the images (IN_ADDR within
 * the first image) or write the logits (OUT_ADDR within the first image's logits); run by
 * sw/fw/accel/accel_runtime_tiled.c, which moves each to its batch. accel_runtime.c refuses it. */
#define HQ_ACCEL_NET_VERSION_TILED 2u
/* The most descriptors of a tiled network: its runtime issues them in commands of at most
 * HQ_ACCEL_MAX_DESC (the accelerator's DESC_COUNT limit); the untiled runtime's limit is that. */
#define HQ_ACCEL_NET_MAX_DESC_TILED (1u << 20)

#define HQ_ACCEL_NET_POLL 1u  /* poll STATUS instead of sleeping in wfi */
#define HQ_ACCEL_NET_CHAIN 2u /* one command per batch (all layers) instead of one per layer */
#define HQ_ACCEL_NET_MEASURE                                                                       \
    4u /* print each command's counters on the UART (docs/measurements.md) */

/* Exit codes of the runtime (the firmware's exit status): 0, the runtime's own failures below,
 * or HQ_ACCEL_EXIT_ACCEL_ERROR + the accelerator's ERR_* code. */
#define HQ_ACCEL_EXIT_OK 0
#define HQ_ACCEL_EXIT_ACCEL_ERROR 16 /* + the accelerator's ERR_* code */

/* X(NAME, code, what) of each HQ_ACCEL_EXIT_NAME; `hqsim run --fw --help` lists them from here.
 * CPU_OP_*: the CPU fallback's op table (hq_cpu_op.h) is corrupt (tiled runtime); err_desc = the
 * op's index, err_addr = its kind (unknown) or its `before` (out of descriptor order). */
#define HQ_ACCEL_RUNTIME_EXITS(X)                                                                  \
    X(BAD_TABLE, 3, "network table missing or inconsistent")                                       \
    X(NO_DEVICE, 4, "no accelerator at accel_base (ID mismatch)")                                  \
    X(TIMEOUT, 5, "polling gave up")                                                               \
    X(CPU_OP_KIND, 6, "a CPU fallback op of unknown kind (tiled runtime)")                         \
    X(CPU_OP_ORDER, 7, "a CPU fallback op out of descriptor order (tiled runtime)")

#define HQ_ACCEL_EXIT_ENUM_(name, code, what) HQ_ACCEL_EXIT_##name = code,
enum { HQ_ACCEL_RUNTIME_EXITS(HQ_ACCEL_EXIT_ENUM_) };
#undef HQ_ACCEL_EXIT_ENUM_

typedef struct {
    uint32_t magic, version;
    uint32_t accel_base; /* register window of the accelerator */
    uint32_t plic_base;  /* interrupt controller (SiFive PLIC layout), 0 = none: poll */
    uint32_t irq_source; /* the accelerator's PLIC source */
    uint32_t mode;       /* HQ_ACCEL_NET_POLL | HQ_ACCEL_NET_CHAIN | HQ_ACCEL_NET_MEASURE */
    uint32_t n_layers;   /* descriptors of one batch, consecutive at desc_addr */
    uint32_t desc_addr;
    uint32_t n_images, batch;
    uint32_t in_addr, in_stride;     /* images (uint8 HWC), one after another */
    uint32_t logits_addr, n_classes; /* int32 [n_images][n_classes], written by the accelerator */
    uint32_t preds_addr; /* written by the firmware (argmax): uint8 [n_images], tiled: uint32 */
    /* written by the firmware when it finishes */
    uint32_t status; /* exit code */
    uint32_t images_done, commands;
    uint32_t accel_cycles_lo, accel_cycles_hi; /* the accelerator's CYCLES counter */
    uint32_t cpu_cycles_lo, cpu_cycles_hi;     /* mcycle spent in the runtime */
    uint32_t err_desc, err_addr;
    /* The CPU fallback (tiled runtime only, hq_cpu_op.h): n_cpu_ops ops at cpu_ops_addr,
     * ordered by their `before` descriptor; 0: none. */
    uint32_t cpu_ops_addr, n_cpu_ops;
} hq_accel_net;

#ifdef __cplusplus
static_assert(sizeof(hq_accel_net) == 26 * 4, "network table layout");
#else
_Static_assert(sizeof(hq_accel_net) == 26 * 4, "network table layout");
#endif

#endif
