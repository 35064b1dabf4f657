/* A misaligned word load, then exit 0 through the test finisher. If the load traps instead
 * (cpu.misaligned_traps, the default), the handler exits with mcause (4: load address
 * misaligned). */
    .section .text.start, "ax"
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    la t0, data
    lw t1, 1(t0)
    li t2, 0x44332211 >> 8 | 0x55 << 24
    li t0, 0x100000
    bne t1, t2, wrong
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b
wrong:                      /* emulated but wrong value: exit 9 */
    li t1, (9 << 16) | 0x3333
    sw t1, 0(t0)
2:  j 2b
    .balign 4
trap:
    csrr t1, mcause
    slli t1, t1, 16
    li t2, 0x3333
    or t1, t1, t2
    li t0, 0x100000
    sw t1, 0(t0)
3:  j 3b

    .section .data
    .balign 4
data: .word 0x44332211, 0x88776655
