/* Zicsr: the six CSR instructions, read-only CSRs, misa, mhartid, counters, mtvec modes. */
#include "isa_test.h"

TEST_BEGIN
    li TESTNUM, 1                       /* csrrw swaps */
    li x11, 0x12345678
    csrw mscratch, x11
    li x12, 0xcafef00d
    csrrw x14, mscratch, x12
    bne x14, x11, fail
    csrr x14, mscratch
    bne x14, x12, fail

    li TESTNUM, 2                       /* csrrs sets, returns the old value */
    li x11, 0x0000f000
    csrw mscratch, x11
    li x12, 0x000000ff
    csrrs x14, mscratch, x12
    bne x14, x11, fail
    csrr x14, mscratch
    li x7, 0x0000f0ff
    bne x14, x7, fail

    li TESTNUM, 3                       /* csrrc clears */
    li x12, 0x0000f00f
    csrrc x14, mscratch, x12
    li x7, 0x0000f0ff
    bne x14, x7, fail
    csrr x14, mscratch
    li x7, 0x000000f0
    bne x14, x7, fail

    li TESTNUM, 4                       /* immediate forms */
    csrrwi x14, mscratch, 0x1f
    li x7, 0x000000f0
    bne x14, x7, fail
    csrrsi x14, mscratch, 0x0       /* no write */
    li x7, 0x1f
    bne x14, x7, fail
    csrrci x14, mscratch, 0x3
    csrr x14, mscratch
    li x7, 0x1c
    bne x14, x7, fail
    csrrsi x14, mscratch, 0x1
    csrr x14, mscratch
    li x7, 0x1d
    bne x14, x7, fail

    li TESTNUM, 5                       /* misa: RV32 with I and M */
    csrr x14, misa
    srli x15, x14, 30
    li x7, 1
    bne x15, x7, fail
    andi x15, x14, 1 << 8
    beqz x15, fail
    li x7, 1 << 12
    and x15, x14, x7
    beqz x15, fail

    li TESTNUM, 6
    csrr x14, mhartid
    bnez x14, fail

    li TESTNUM, 7                       /* counters advance */
    csrr x11, minstret
    csrr x12, mcycle
    nop
    nop
    csrr x13, minstret
    csrr x14, mcycle
    bgeu x11, x13, fail
    bgeu x12, x14, fail
    csrr x11, instret                   /* user-level shadows are readable in M mode */
    csrr x12, cycle
    csrr x13, time
    csrr x13, instreth
    csrr x13, cycleh

    li TESTNUM, 8                       /* writing a read-only CSR is illegal */
    la t0, expect_illegal
    csrw mtvec, t0
    li s1, 0
    csrw mhartid, x11
    li x7, 1
    bne s1, x7, fail
    li s1, 0
    csrwi cycle, 1
    li x7, 1
    bne s1, x7, fail
    li s1, 0                            /* reading one with csrrs x0 is fine */
    csrrs x14, mhartid, x0
    bnez s1, fail

    li TESTNUM, 9                       /* mtvec keeps the vectored mode bit */
    la t0, unexpected_trap
    ori t0, t0, 1
    csrw mtvec, t0
    csrr x14, mtvec
    bne x14, t0, fail
    la t0, unexpected_trap
    csrw mtvec, t0

    li TESTNUM, 10                      /* mstatus.MIE set and clear */
    csrsi mstatus, 8
    csrr x14, mstatus
    andi x14, x14, 8
    beqz x14, fail
    csrci mstatus, 8
    csrr x14, mstatus
    andi x14, x14, 8
    bnez x14, fail

    li TESTNUM, 11                      /* mcause and mtval are plain registers */
    li x11, 0x8000000b
    csrw mcause, x11
    csrr x14, mcause
    bne x14, x11, fail
    li x11, 0x1234
    csrw mtval, x11
    csrr x14, mtval
    bne x14, x11, fail
    j pass

    .align 2
expect_illegal:                         /* count the trap, check the cause, skip the insn */
    csrr t0, mcause
    li t1, 2
    bne t0, t1, fail
    addi s1, s1, 1
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
TEST_END
