/* A trap handler whose first word is illegal: the ecall traps to it, and it traps to itself
 * before retiring anything. hqsim run must stop with exit 123 (the handler's pc, the illegal
 * instruction there, and the ecall that led there). */
    .section .text.start, "ax"
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    ecall
    j _start
    .balign 4
handler:
    .word 0
