/* jal and jalr: link values, offsets, bit 0 of the jalr target cleared, rd == rs1. */
#include "isa_test.h"

TEST_BEGIN
    li TESTNUM, 1
    jal x1, 1f
2:  j fail
1:  la x7, 2b
    bne x1, x7, fail

    li TESTNUM, 2
    la x11, 3f
    jalr x1, 0(x11)
4:  j fail
3:  la x7, 4b
    bne x1, x7, fail

    li TESTNUM, 3
    la x11, 5f
    addi x11, x11, -4
    jalr x0, 4(x11)
    j fail
5:
    li TESTNUM, 4
    la x11, 6f
    addi x11, x11, 1
    jalr x0, 0(x11)             /* target bit 0 is cleared */
    j fail
6:
    li TESTNUM, 5
    la x11, 7f
    jalr x11, 0(x11)            /* the target is read before the link is written */
8:  j fail
7:  la x7, 8b
    bne x11, x7, fail

    li TESTNUM, 6
    jal x0, 9f
    j fail
9:  li TESTNUM, 7
    la x11, 10f                 /* negative jal offset */
    j 11f
10: j pass
11: jal x0, 10b
    j fail
TEST_END
