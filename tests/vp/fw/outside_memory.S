/* Linked at 0x4000_0000, where the default platform maps nothing: loading must fail. */
    .section .text.start, "ax"
    .globl _start
_start:
    j _start
