/* Conditional branches: taken and not taken, signed and unsigned edge cases, a loop. */
#include "isa_test.h"

TEST_BEGIN
    TEST_BR_TAKEN(1, beq, 0, 0)
    TEST_BR_TAKEN(2, beq, -1, -1)
    TEST_BR_NOT_TAKEN(3, beq, 0, 1)
    TEST_BR_TAKEN(4, bne, 0, 1)
    TEST_BR_NOT_TAKEN(5, bne, -1, -1)
    TEST_BR_TAKEN(6, blt, -1, 0)
    TEST_BR_TAKEN(7, blt, 0x80000000, 0x7fffffff)
    TEST_BR_NOT_TAKEN(8, blt, 0, -1)
    TEST_BR_NOT_TAKEN(9, blt, 1, 1)
    TEST_BR_TAKEN(10, bge, 0, -1)
    TEST_BR_TAKEN(11, bge, 1, 1)
    TEST_BR_TAKEN(12, bge, 0x7fffffff, 0x80000000)
    TEST_BR_NOT_TAKEN(13, bge, -1, 0)
    TEST_BR_TAKEN(14, bltu, 0, -1)
    TEST_BR_TAKEN(15, bltu, 0x7fffffff, 0x80000000)
    TEST_BR_NOT_TAKEN(16, bltu, -1, 0)
    TEST_BR_NOT_TAKEN(17, bltu, 1, 1)
    TEST_BR_TAKEN(18, bgeu, -1, 0)
    TEST_BR_TAKEN(19, bgeu, 1, 1)
    TEST_BR_NOT_TAKEN(20, bgeu, 0, -1)

    /* backward branch: sum 1..10 */
    li TESTNUM, 21
    li x11, 10
    li x14, 0
1:  add x14, x14, x11
    addi x11, x11, -1
    bnez x11, 1b
    li x7, 55
    bne x14, x7, fail
    j pass
TEST_END
