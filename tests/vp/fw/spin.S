/* Spins forever with interrupts off: only a budget (--max-sim-ms, --max-wall-s) stops it. */
    .section .text.start, "ax"
    .globl _start
_start:
    csrw mie, zero
1:  j 1b
