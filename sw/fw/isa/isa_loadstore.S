/* Loads and stores: widths, sign/zero extension, little-endian byte placement, negative
 * offsets, loads into x0. */
#include "isa_test.h"

TEST_BEGIN
    TEST_LD(1, lb, 0xffffffff, tbyte, 0)
    TEST_LD(2, lb, 0x00000000, tbyte, 1)
    TEST_LD(3, lb, 0xfffffff0, tbyte, 2)
    TEST_LD(4, lb, 0x0000000f, tbyte, 3)
    TEST_LD(5, lbu, 0x000000ff, tbyte, 0)
    TEST_LD(6, lbu, 0x000000f0, tbyte, 2)
    TEST_LD(7, lh, 0x000000ff, thalf, 0)
    TEST_LD(8, lh, 0xffffff00, thalf, 2)
    TEST_LD(9, lh, 0xfffff00f, thalf, 6)
    TEST_LD(10, lhu, 0x0000ff00, thalf, 2)
    TEST_LD(11, lhu, 0x0000f00f, thalf, 6)
    TEST_LD(12, lw, 0x00ff00ff, tword, 0)
    TEST_LD(13, lw, 0xff00ff00, tword, 4)
    TEST_LD(14, lw, 0x0ff000ff, tbyte, 0)      /* the four bytes, little-endian */
    TEST_LD(15, lh, 0x000000ff, thalf + 4, -4) /* negative offset */

    TEST_ST_LD(16, sb, lb, 0xffffffaa, 0xaa, sbuf, 0)
    TEST_ST_LD(17, sh, lh, 0xffffaa00, 0xaa00, sbuf, 2)
    TEST_ST_LD(18, sw, lw, 0xaa00aa00, 0xaa00aa00, sbuf, 4)
    TEST_ST_LD(19, sw, lw, 0x12345678, 0x12345678, sbuf + 12, -4)

    /* byte and halfword stores land in the right lanes of a word */
    li TESTNUM, 20
    la x11, sbuf
    sw zero, 8(x11)
    li x12, 0x12
    sb x12, 9(x11)
    li x12, 0x3456
    sh x12, 10(x11)
    lw x14, 8(x11)
    li x7, 0x34561200
    bne x14, x7, fail
    li TESTNUM, 21                      /* sb/sh store only the low bits of rs2 */
    li x12, 0xdeadbe99
    sb x12, 8(x11)
    lw x14, 8(x11)
    li x7, 0x34561299
    bne x14, x7, fail

    li TESTNUM, 22
    la x11, tword
    lw x0, 0(x11)
    bne x0, zero, fail
    j pass
TEST_END

    .data
    .align 4
tbyte: .byte 0xff, 0x00, 0xf0, 0x0f
thalf: .half 0x00ff, 0xff00, 0x0ff0, 0xf00f
tword: .word 0x00ff00ff, 0xff00ff00
sbuf:  .space 16
