/* Debug triggers (Sdtrig mcontrol, action 0 = breakpoint exception): tselect/tinfo/tdata1
 * read-back, execute, load and store address matches (hit and miss), two triggers at once,
 * no firing in M-mode while mstatus.MIE is clear, and a cleared tdata1 disabling a
 * trigger. A hit traps before the instruction executes: mcause 3, mepc = the instruction,
 * mtval = the matched address. Handler: mcause/mepc/mtval in s2/s3/s4, resume at s5. */
#include "isa_test.h"

#define MC(bits) ((2 << 28) | (1 << 6) | (bits)) /* mcontrol, M-mode, match equal */
#define EXEC 4
#define STORE 2
#define LOAD 1

/* the instruction (last arguments) traps: breakpoint, mtval = tval_reg, mepc = it */
#define TRAPS(tval_reg, ...)                                                              \
    la s5, 1f; la x11, 2f; 2: __VA_ARGS__; j fail;                                                \
    1: li x7, 3; bne s2, x7, fail; bne s3, x11, fail; bne s4, tval_reg, fail;              \
    la s5, fail;

TEST_BEGIN
    la t0, handler
    csrw mtvec, t0
    la s5, fail
    csrsi mstatus, 8                    /* MIE (mie = 0: no interrupt can come) */

    li TESTNUM, 1                       /* triggers 0..3; tselect 4 is ignored */
    li t0, 3
    csrw tselect, t0
    li t1, 4
    csrw tselect, t1
    csrr t1, tselect
    bne t0, t1, fail
    li TESTNUM, 2                       /* tinfo lists type 2 */
    csrr t1, tinfo
    andi t1, t1, 4
    beqz t1, fail
    csrw tselect, zero

    li TESTNUM, 3                       /* execute: read-back, hit */
    la x12, 2f
    csrw tdata2, x12
    li t0, MC(EXEC)
    csrw tdata1, t0
    csrr t1, tdata1
    bne t0, t1, fail
    la s5, 1f
2:  j fail                              /* trapped before it runs */
1:  li x7, 3
    bne s2, x7, fail
    bne s3, x12, fail
    bne s4, x12, fail
    la s5, fail

    li TESTNUM, 4                       /* execute: miss (target skipped), loads of it */
    la x12, 3f
    csrw tdata2, x12
    j 4f
3:  j fail
4:  lw x13, 0(x12)

    li TESTNUM, 5                       /* no firing while MIE is clear */
    la x12, 2f
    csrw tdata2, x12
    csrci mstatus, 8
2:  nop
    csrsi mstatus, 8

    li TESTNUM, 6                       /* load: hit, mtval = the address */
    la x12, data1
    csrw tdata2, x12
    li t0, MC(LOAD)
    csrw tdata1, t0
    TRAPS(x12, lw x13, 0(x12))
    li TESTNUM, 7                       /* load: miss, and stores do not match */
    lw x13, 16(x12)
    sw zero, 0(x12)

    li TESTNUM, 8                       /* store: hit, the store is not performed */
    li t0, MC(STORE)
    csrw tdata1, t0
    li x14, 0x1234
    TRAPS(x12, sw x14, 0(x12))
    lw x13, 0(x12)
    bnez x13, fail
    li TESTNUM, 9                       /* store: miss */
    sw x14, 16(x12)

    li TESTNUM, 10                      /* a second trigger: load of data2 */
    li t0, 1
    csrw tselect, t0
    la x15, data2
    csrw tdata2, x15
    li t0, MC(LOAD)
    csrw tdata1, t0
    TRAPS(x15, lw x13, 0(x15))
    li TESTNUM, 11                      /* and the first one still fires */
    TRAPS(x12, sh x14, 0(x12))

    li TESTNUM, 12                      /* tdata1 = 0 disables */
    csrw tdata1, zero
    csrw tselect, zero
    csrw tdata1, zero
    lw x13, 0(x15)
    sw x14, 0(x12)
    lw x13, 0(x12)
    bne x13, x14, fail
    j pass

    .align 2
handler:
    csrr s2, mcause
    csrr s3, mepc
    csrr s4, mtval
    csrw mepc, s5
    mret
TEST_END

    .data
    .align 4
data1: .word 0, 0, 0, 0, 0, 0, 0, 0
data2: .word 0, 0, 0, 0
