/* Reset entry: global pointer, stack, trap vector, then C start-up (rt/start.c). */
    .section .text.init, "ax"
    .global _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack
    la t0, hq_trap_entry
    csrw mtvec, t0
    call hq_crt_start
1:  j 1b
