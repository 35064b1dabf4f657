/* Code in SRAM (0x2000_0000), data in DRAM: writes 16384 words over 64 KiB at 0x8000_0000,
 * reads them back and sums them, then passes through the finisher. With the DRAM region
 * mapped "dmi": false every access reaches the DRAM timing model. */
    .section .text.start, "ax"
    .globl _start
_start:
    li t0, 0x80000000
    li t1, 0x80010000
    li t2, 0
1:  sw t2, 0(t0)
    addi t2, t2, 1
    addi t0, t0, 4
    bne t0, t1, 1b
    li t0, 0x80000000
    li t3, 0
2:  lw t4, 0(t0)
    add t3, t3, t4
    addi t0, t0, 4
    bne t0, t1, 2b
    /* sum 0..16383 = 134209536: fail with code 1 on a mismatch */
    li t4, 134209536
    li t0, 0x100000
    li t1, 0x5555
    beq t3, t4, 3f
    li t1, (1 << 16) | 0x3333
3:  sw t1, 0(t0)
4:  j 4b
