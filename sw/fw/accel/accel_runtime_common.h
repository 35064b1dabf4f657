/* The start shared by the network runtimes (accel_runtime.c, accel_runtime_tiled.c): check the
 * network table the host wrote and open the accelerator. Macros, not functions: each program
 * expands them into exactly the code it had before they were shared, so the untiled networks'
 * CPU instructions and cycles do not change (scripts/behaviour-figures). */
#ifndef HQ_ACCEL_RUNTIME_COMMON_H
#define HQ_ACCEL_RUNTIME_COMMON_H

#include "accel_driver.h"
#include "hq_accel_net.h"

#include <stdio.h>

/* Defines static int check_table(n): 0, or -1 after printing why the table at
 * HQ_ACCEL_NET_ADDR is not one of VERSION (MISSING: the message's start). EMPTY_OK: an
 * expression of n, true when a table without descriptors is legal; MAX_DESC: the most
 * descriptors the runtime takes. */
#define HQ_RUNTIME_CHECK_TABLE(VERSION, MISSING, EMPTY_OK, MAX_DESC)                               \
    static int check_table(const volatile hq_accel_net *n) {                                       \
        if (n->magic != HQ_ACCEL_NET_MAGIC || n->version != (VERSION)) {                           \
            printf(MISSING " at 0x%08lx (magic 0x%08lx)\n", (unsigned long)HQ_ACCEL_NET_ADDR,      \
                   (unsigned long)n->magic);                                                       \
            return -1;                                                                             \
        }                                                                                          \
        if ((!n->n_layers && !(EMPTY_OK)) || n->n_layers > (MAX_DESC) || !n->batch ||              \
            !n->n_classes || n->desc_addr % HQ_ACCEL_DESC_BYTES) {                                 \
            printf("accel runtime: inconsistent network table (layers %lu, batch %lu, classes "    \
                   "%lu)\n",                                                                       \
                   (unsigned long)n->n_layers, (unsigned long)n->batch,                            \
                   (unsigned long)n->n_classes);                                                   \
            return -1;                                                                             \
        }                                                                                          \
        return 0;                                                                                  \
    }

/* In main: checks the table, opens the accelerator `dev` it names and clears its counters;
 * returns the exit status (written to the table) when either fails. */
#define HQ_RUNTIME_OPEN(net, dev)                                                                  \
    if (check_table(net)) return HQ_ACCEL_EXIT_BAD_TABLE;                                          \
    hq_accel_dev dev;                                                                              \
    if (hq_accel_open(&dev, net->accel_base, net->plic_base, net->irq_source,                      \
                      net->mode & HQ_ACCEL_NET_POLL)) {                                            \
        printf("accel runtime: no accelerator at 0x%08lx\n", (unsigned long)net->accel_base);      \
        net->status = HQ_ACCEL_EXIT_NO_DEVICE;                                                     \
        return HQ_ACCEL_EXIT_NO_DEVICE;                                                            \
    }                                                                                              \
    hq_accel_perf_clear(&dev)

#endif
