/* A trap storm that still retires: the handler returns to the ecall that trapped (mepc not
 * advanced), so the program alternates trap entry and mret forever. --max-insns counts both,
 * so --max-insns 1000 stops it after 1000 steps in all (instructions + trap entries). */
    .section .text.start, "ax"
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
1:  ecall
    j 1b
    .balign 4
handler:
    mret
