/* Synchronous traps and mret: ecall, ebreak, illegal instruction, misaligned jump target,
 * load/store/fetch access faults at an unmapped address; mcause, mepc, mtval and the
 * mstatus MIE/MPIE stack. The handler records the CSRs and resumes at s5. */
#include "isa_test.h"

#define UNMAPPED 0x08000000 /* a hole in the QEMU virt and HQSim maps */

#define EXPECT(cause_, epc_reg, tval_reg)                                                  \
    li x7, cause_; bne s2, x7, fail; bne s3, epc_reg, fail; bne s4, tval_reg, fail;

TEST_BEGIN
    la t0, handler
    csrw mtvec, t0

    li TESTNUM, 1
    la s5, 1f
    la x11, 2f
2:  ecall
    j fail
1:  EXPECT(11, x11, s4)                 /* mtval is not specified for ecall */

    li TESTNUM, 2
    la s5, 1f
    la x11, 2f
2:  ebreak
    j fail
1:  li x7, 3
    bne s2, x7, fail
    bne s3, x11, fail

    li TESTNUM, 3
    la s5, 1f
    la x11, 2f
2:  .word 0                             /* all-zero: defined illegal */
    j fail
1:  li x7, 2
    bne s2, x7, fail
    bne s3, x11, fail

    li TESTNUM, 4                       /* misaligned jalr target: traps on the jump */
    la s5, 1f
    la x11, 2f
    la x12, 3f
    addi x12, x12, 2
2:  jalr x0, 0(x12)
3:  j fail
    j fail
1:  EXPECT(0, x11, x12)

    li TESTNUM, 5
    la s5, 1f
    la x11, 2f
    li x12, UNMAPPED
2:  lw x13, 0(x12)
    j fail
1:  EXPECT(5, x11, x12)

    li TESTNUM, 6
    la s5, 1f
    la x11, 2f
    li x12, UNMAPPED + 8
2:  sw x13, 0(x12)
    j fail
1:  EXPECT(7, x11, x12)

    li TESTNUM, 7                       /* fetch fault: mepc is the target */
    la s5, 1f
    li x12, UNMAPPED
    jalr x0, 0(x12)
    j fail
1:  li x7, 1
    bne s2, x7, fail
    bne s3, x12, fail

    li TESTNUM, 8                       /* trap entry: MPIE <- MIE, MIE <- 0 */
    csrsi mstatus, 8                    /* mie is 0: no interrupt can be taken */
    la s5, 1f
    ecall
1:  andi x14, s6, 0x88
    li x7, 0x80
    bne x14, x7, fail
    csrr x14, mstatus                   /* mret restored MIE from MPIE */
    andi x14, x14, 8
    beqz x14, fail
    csrci mstatus, 8

    li TESTNUM, 9                       /* exceptions use the base even in vectored mode */
    la t0, handler
    ori t0, t0, 1
    csrw mtvec, t0
    la s5, 1f
    ecall
1:  li x7, 11
    bne s2, x7, fail
    j pass

    .align 2
handler:
    csrr s2, mcause
    csrr s3, mepc
    csrr s4, mtval
    csrr s6, mstatus
    csrw mepc, s5
    mret
TEST_END
