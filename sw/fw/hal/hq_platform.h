/* The platform memory map, identical to QEMU's `virt` board so that one ELF runs on both
 * HQSim and qemu-system-riscv32 -M virt -bios none. */
#ifndef HQ_FW_PLATFORM_H
#define HQ_FW_PLATFORM_H

#define HQ_FINISHER_BASE 0x00100000u /* SiFive test finisher */
#define HQ_CLINT_BASE 0x02000000u    /* msip, mtimecmp, mtime */
#define HQ_UART0_BASE 0x10000000u    /* NS16550A, registers 1 byte apart */
#define HQ_RAM_BASE 0x80000000u

#define HQ_MTIME_HZ 10000000u /* CLINT timebase of QEMU virt: 10 MHz */

#endif
