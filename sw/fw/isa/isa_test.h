/* clang-format off */
/* (assembler macros, laid out by hand) */
/* Self-checking ISA test macros. A test program is straight-line code: each check loads
 * operands, runs one instruction and compares with the value the ISA manual defines.
 * gp holds the number of the running check; the first mismatch ends the run through the
 * test finisher with that number as exit code, so a failure names its check.
 * An unexpected trap exits with 0x1000 | mcause. Runs unmodified on QEMU virt. */
#ifndef HQ_ISA_TEST_H
#define HQ_ISA_TEST_H

#include "hq_platform.h"

#define TESTNUM gp

#define TEST_BEGIN                                                                         \
    .section .text.init, "ax";                                                             \
    .global _start;                                                                        \
    _start:                                                                                \
    la t0, unexpected_trap;                                                                \
    csrw mtvec, t0;                                                                        \
    li TESTNUM, 0;

#define TEST_END                                                                           \
    pass:                                                                                  \
    li t0, HQ_FINISHER_BASE;                                                               \
    li t1, 0x5555;                                                                         \
    sw t1, 0(t0);                                                                          \
    1: j 1b;                                                                               \
    fail:                                                                                  \
    li t0, HQ_FINISHER_BASE;                                                               \
    slli t1, TESTNUM, 16;                                                                  \
    li t2, 0x3333;                                                                         \
    or t1, t1, t2;                                                                         \
    sw t1, 0(t0);                                                                          \
    1: j 1b;                                                                               \
    .align 2;                                                                              \
    unexpected_trap:                                                                       \
    csrr t0, mcause;                                                                       \
    andi t0, t0, 0xff;                                                                     \
    li TESTNUM, 0x1000;                                                                    \
    or TESTNUM, TESTNUM, t0;                                                               \
    j fail;

/* rd = op(rs1, rs2) */
#define TEST_RR(n, op, expect, a, b)                                                       \
    li TESTNUM, n; li x11, a; li x12, b; op x14, x11, x12;                                 \
    li x7, expect; bne x14, x7, fail;
/* rd = op(rs1, imm) */
#define TEST_RI(n, op, expect, a, imm)                                                     \
    li TESTNUM, n; li x11, a; op x14, x11, imm; li x7, expect; bne x14, x7, fail;
/* destination equal to a source */
#define TEST_RR_SRC1_EQ_DEST(n, op, expect, a, b)                                          \
    li TESTNUM, n; li x11, a; li x12, b; op x11, x11, x12; li x7, expect; bne x11, x7, fail;
/* writes to x0 are discarded */
#define TEST_RR_ZERO_DEST(n, op, a, b)                                                     \
    li TESTNUM, n; li x11, a; li x12, b; op x0, x11, x12; bne x0, zero, fail;
/* x0 as a source reads zero */
#define TEST_RR_ZERO_SRC(n, op, expect, a)                                                 \
    li TESTNUM, n; li x11, a; op x14, x11, x0; li x7, expect; bne x14, x7, fail;

/* Branch: taken must reach the target, not-taken must fall through. */
#define TEST_BR_TAKEN(n, op, a, b)                                                         \
    li TESTNUM, n; li x11, a; li x12, b; op x11, x12, 2f; j fail; 2:
#define TEST_BR_NOT_TAKEN(n, op, a, b)                                                     \
    li TESTNUM, n; li x11, a; li x12, b; op x11, x12, fail;

/* Load from label+offset. */
#define TEST_LD(n, op, expect, label, off)                                                 \
    li TESTNUM, n; la x11, label; op x14, off(x11); li x7, expect; bne x14, x7, fail;
/* Store then load back with the given load op. */
#define TEST_ST_LD(n, st, ld, expect, value, label, off)                                   \
    li TESTNUM, n; la x11, label; li x12, value; st x12, off(x11); ld x14, off(x11);       \
    li x7, expect; bne x14, x7, fail;

#endif
