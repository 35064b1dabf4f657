/* Integer register-register and register-immediate instructions, lui, auipc. */
#include "isa_test.h"

TEST_BEGIN
    TEST_RR(1, add, 0x00000000, 0x00000000, 0x00000000)
    TEST_RR(2, add, 0x00000002, 0x00000001, 0x00000001)
    TEST_RR(3, add, 0x80000000, 0x7fffffff, 0x00000001) /* wraps, no overflow trap */
    TEST_RR(4, add, 0x00000000, 0xffffffff, 0x00000001)
    TEST_RR(5, sub, 0xffffffff, 0x00000000, 0x00000001)
    TEST_RR(6, sub, 0x7fffffff, 0x80000000, 0x00000001)
    TEST_RR(7, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(8, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(9, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(10, slt, 1, 0x80000000, 0x00000000)
    TEST_RR(11, slt, 0, 0x7fffffff, 0x80000000)
    TEST_RR(12, sltu, 0, 0x80000000, 0x00000000)
    TEST_RR(13, sltu, 1, 0x00000000, 0xffffffff)
    TEST_RR(14, sll, 0x80000000, 0x00000001, 31)
    TEST_RR(15, sll, 0x00000002, 0x00000001, 33)        /* only rs2[4:0] counts */
    TEST_RR(16, srl, 0x00000001, 0x80000000, 31)
    TEST_RR(17, srl, 0x40000000, 0x80000000, 0xffffffe1)
    TEST_RR(18, sra, 0xffffffff, 0x80000000, 31)
    TEST_RR(19, sra, 0xc0000000, 0x80000000, 1)
    TEST_RR(20, sra, 0x3fffffff, 0x7fffffff, 1)
    TEST_RI(21, addi, 0xffffffff, 0x00000000, -1)
    TEST_RI(22, addi, 0x800007fe, 0x7fffffff, 0x7ff)
    TEST_RI(23, addi, 0x7ffff800, 0x80000000, -2048)
    TEST_RI(24, andi, 0x00000700, 0xff00ff00, 0x70f)
    TEST_RI(25, ori, 0xff00ff0f, 0xff00ff00, 0x0f)
    TEST_RI(26, ori, 0xffffff0f, 0x00000000, -241)      /* the immediate is sign-extended */
    TEST_RI(27, xori, 0x00ff00f0, 0xff00ff0f, -1)
    TEST_RI(28, slti, 1, 0xffffffff, 0)
    TEST_RI(29, slti, 0, 0x00000000, -1)
    TEST_RI(30, sltiu, 1, 0x00000000, -1)               /* compares with 0xffffffff */
    TEST_RI(31, sltiu, 0, 0xffffffff, 1)
    TEST_RI(32, slli, 0x80000000, 0x00000001, 31)
    TEST_RI(33, srli, 0x00ffffff, 0xffffffff, 8)
    TEST_RI(34, srai, 0xffffffff, 0xffffff00, 8)
    TEST_RI(35, srai, 0xff810000, 0x81000000, 8)
    TEST_RR_SRC1_EQ_DEST(36, add, 24, 13, 11)
    TEST_RR_ZERO_DEST(37, add, 1, 2)
    TEST_RR_ZERO_SRC(38, sub, 5, 5)

    li TESTNUM, 39
    lui x14, 0x80000
    li x7, 0x80000000
    bne x14, x7, fail
    li TESTNUM, 40
    lui x14, 0xfffff
    srai x14, x14, 12
    li x7, -1
    bne x14, x7, fail
    li TESTNUM, 41
1:  auipc x14, 0
    la x7, 1b
    bne x14, x7, fail
    li TESTNUM, 42
1:  auipc x14, 1
    la x7, 1b
    li x8, 0x1000
    add x7, x7, x8
    bne x14, x7, fail
    j pass
TEST_END
