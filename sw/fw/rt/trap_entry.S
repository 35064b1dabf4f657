/* Trap entry: saves every integer register in a frame on the stack, calls
 *   uint32_t hq_trap_handler(uint32_t mcause, uint32_t mepc, uint32_t mtval, uint32_t *frame)
 * (frame[i] = x_i, writable) and returns to the address it gives back. */
    .section .text.trap, "ax"
    .align 2
    .global hq_trap_entry
hq_trap_entry:
    addi sp, sp, -128
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sw x\r, \r*4(sp)
    .endr
    addi t0, sp, 128
    sw t0, 8(sp)                /* the interrupted sp */
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    mv a3, sp
    call hq_trap_handler
    csrw mepc, a0
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    lw x\r, \r*4(sp)
    .endr
    addi sp, sp, 128
    mret
