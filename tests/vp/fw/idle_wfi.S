/* Waits for an interrupt with every interrupt disabled: nothing can wake it, so the
 * simulation runs out of events without an exit request (hqsim run exits 125). */
    .section .text.start, "ax"
    .globl _start
_start:
    csrw mie, zero
    csrci mstatus, 8
1:  wfi
    j 1b
