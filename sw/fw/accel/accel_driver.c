#include "accel_driver.h"

#include "hq_csr.h"
#include "hq_mmio.h"

/* SiFive PLIC, hart 0 machine context (the layout of model/periph/plic.h and QEMU virt). */
#define PLIC_PRIORITY(src) (4u * (src))
#define PLIC_ENABLE 0x2000u
#define PLIC_THRESHOLD 0x200000u
#define PLIC_CLAIM 0x200004u

static uint32_t reg(const hq_accel_dev *d, uint32_t off) {
    return mmio_read32(d->base + off);
}
static void set_reg(const hq_accel_dev *d, uint32_t off, uint32_t v) {
    mmio_write32(d->base + off, v);
}

int hq_accel_open(hq_accel_dev *d, uintptr_t base, uintptr_t plic, uint32_t irq_source, int poll) {
    d->base = base;
    d->plic = plic;
    d->irq_source = irq_source;
    d->poll = poll || !plic || !irq_source;
    if (reg(d, HQ_ACCEL_REG_ID) != HQ_ACCEL_ID_VALUE) return -1;
    set_reg(d, HQ_ACCEL_REG_IRQ_STATUS, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    if (!d->poll) {
        mmio_write32(d->plic + PLIC_PRIORITY(irq_source), 1);
        uintptr_t en = d->plic + PLIC_ENABLE + 4u * (irq_source / 32);
        mmio_write32(en, mmio_read32(en) | 1u << (irq_source % 32));
        mmio_write32(d->plic + PLIC_THRESHOLD, 0);
        /* wfi wakes on a pending enabled interrupt even with mstatus.MIE clear, so the
         * runtime sleeps without taking a trap. */
        csr_set(mie, MIE_MEIE);
    }
    set_reg(d, HQ_ACCEL_REG_IRQ_ENABLE, d->poll ? 0 : HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    return 0;
}

int hq_accel_run(hq_accel_dev *d, uint32_t desc_addr, uint32_t count, hq_accel_result *r,
                 uint32_t max_polls) {
    set_reg(d, HQ_ACCEL_REG_DESC_ADDR, desc_addr);
    set_reg(d, HQ_ACCEL_REG_DESC_COUNT, count);
    set_reg(d, HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
    uint32_t pending;
    if (d->poll) {
        uint32_t n = 0;
        while (!((pending = reg(d, HQ_ACCEL_REG_IRQ_STATUS)) &
                 (HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR)))
            if (++n == max_polls) return -1;
    } else {
        while (!((pending = reg(d, HQ_ACCEL_REG_IRQ_STATUS)) &
                 (HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR)))
            __asm__ volatile("wfi");
        /* Acknowledge at the PLIC once the device line is low again. */
        set_reg(d, HQ_ACCEL_REG_IRQ_STATUS, pending);
        uint32_t id = mmio_read32(d->plic + PLIC_CLAIM);
        if (id) mmio_write32(d->plic + PLIC_CLAIM, id);
    }
    set_reg(d, HQ_ACCEL_REG_IRQ_STATUS, pending);
    uint32_t st = reg(d, HQ_ACCEL_REG_STATUS);
    r->err = (st & HQ_ACCEL_STATUS_ERROR)
                 ? (st >> HQ_ACCEL_STATUS_ERR_SHIFT) & HQ_ACCEL_STATUS_ERR_MASK
                 : 0;
    r->err_desc = r->err ? reg(d, HQ_ACCEL_REG_ERR_DESC) : 0;
    r->err_addr = r->err ? reg(d, HQ_ACCEL_REG_ERR_ADDR) : 0;
    return 0;
}

void hq_accel_perf_clear(hq_accel_dev *d) {
    set_reg(d, HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_PERF_CLEAR);
}

uint64_t hq_accel_counter(hq_accel_dev *d, uint32_t lo_offset) {
    uint32_t lo = reg(d, lo_offset); /* latches the high word */
    return (uint64_t)reg(d, lo_offset + 4) << 32 | lo;
}

const char *hq_accel_err_name(unsigned err) {
    static const char *const names[] = {"none",
                                        "bad descriptor",
                                        "address outside memory",
                                        "layout not supported by the array",
                                        "buffer overflow",
                                        "inconsistent shapes",
                                        "malformed weight image",
                                        "busy",
                                        "bad command"};
    return err < sizeof names / sizeof names[0] ? names[err] : "unknown error";
}
