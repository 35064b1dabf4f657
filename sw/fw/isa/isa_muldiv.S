/* M extension: products (low and the three high forms), division and remainder with the
 * defined results for division by zero and signed overflow. */
#include "isa_test.h"

TEST_BEGIN
    TEST_RR(1, mul, 21, 3, 7)
    TEST_RR(2, mul, 0x00000001, 0xffffffff, 0xffffffff)
    TEST_RR(3, mul, 0x00000000, 0x80000000, 2)
    TEST_RR(4, mulh, 0x00000000, 0xffffffff, 0xffffffff)
    TEST_RR(5, mulh, 0x40000000, 0x80000000, 0x80000000)
    TEST_RR(6, mulh, 0xffffffff, 0xffffffff, 1)
    TEST_RR(7, mulh, 0x3fffffff, 0x7fffffff, 0x7fffffff)
    TEST_RR(8, mulhu, 0xfffffffe, 0xffffffff, 0xffffffff)
    TEST_RR(9, mulhu, 0x00000001, 0x80000000, 2)
    TEST_RR(10, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff)
    TEST_RR(11, mulhsu, 0x80000000, 0x80000000, 0xffffffff)
    TEST_RR(12, mulhsu, 0x00000001, 2, 0x80000000)
    TEST_RR(13, div, 3, 20, 6)
    TEST_RR(14, div, -3, -20, 6)            /* rounds toward zero */
    TEST_RR(15, div, -3, 20, -6)
    TEST_RR(16, div, 3, -20, -6)
    TEST_RR(17, div, -1, 20, 0)             /* division by zero: all ones */
    TEST_RR(18, div, 0x80000000, 0x80000000, -1) /* overflow: the dividend */
    TEST_RR(19, divu, 3, 20, 6)
    TEST_RR(20, divu, 0x2aaaaaa7, -20, 6)
    TEST_RR(21, divu, 0xffffffff, 20, 0)
    TEST_RR(22, rem, 2, 20, 6)
    TEST_RR(23, rem, -2, -20, 6)            /* sign of the dividend */
    TEST_RR(24, rem, 2, 20, -6)
    TEST_RR(25, rem, -2, -20, -6)
    TEST_RR(26, rem, -20, -20, 0)           /* remainder by zero: the dividend */
    TEST_RR(27, rem, 0, 0x80000000, -1)     /* overflow: zero */
    TEST_RR(28, remu, 2, 20, 6)
    TEST_RR(29, remu, 2, -20, 6)
    TEST_RR(30, remu, -20, -20, 0)
    TEST_RR_SRC1_EQ_DEST(31, mul, 143, 13, 11)
    TEST_RR_ZERO_DEST(32, div, 7, 3)
    j pass
TEST_END
