/* Exits with code CODE (default 42) through the test finisher (0x3333 | code << 16 at
 * 0x10_0000). */
#ifndef CODE
#define CODE 42
#endif
    .section .text.start, "ax"
    .globl _start
_start:
    li t0, 0x100000
    li t1, (CODE << 16) | 0x3333
    sw t1, 0(t0)
1:  j 1b
