/* Issue 20 reproducer: a bare program built for rv32imac (a common default) whose first
 * instruction is compressed. This CPU is RV32IM, so c.li is illegal; mtvec is still 0 after
 * reset, nothing is mapped at 0, so the handler's fetch faults and traps to 0 again, forever,
 * without retiring anything. hqsim run must stop with exit 123 and say so. */
    .section .text.start, "ax"
    .globl _start
_start:
    c.li a0, 1
    j _start
