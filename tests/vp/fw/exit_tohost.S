/* Exits with code CODE (default 7) through the HTIF tohost convention (write
 * (code << 1) | 1). */
#ifndef CODE
#define CODE 7
#endif
    .section .text.start, "ax"
    .globl _start
_start:
    la t0, tohost
    li t1, (CODE << 1) | 1
    sw t1, 0(t0)
    sw zero, 4(t0)
1:  j 1b

    .section .data
    .balign 8
    .globl tohost, fromhost
tohost:   .dword 0
fromhost: .dword 0
