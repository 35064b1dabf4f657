/* PMP in an M-mode-only hart: unlocked entries do not restrict M-mode, locked ones do and
 * stay locked until reset. Each mode (NA4, NAPOT 8 B and 64 KiB, TOR with its boundary
 * bytes), R/W/X, the cause, mepc and mtval of the access faults, and the lock rules for
 * pmpcfg and pmpaddr (including a TOR entry locking the pmpaddr below it). The handler
 * records mcause/mepc/mtval in s2/s3/s4 and resumes at s5 (= fail outside an expected
 * trap, so any other trap fails the check that raised it). */
#include "isa_test.h"

#define NA4_AT 0x80100000    /* entry 0: NA4, locked, no permission */
#define NAPOT8_AT 0x80100100 /* entry 1: NAPOT 8 B, locked, read only */
#define BIG_AT 0x80200000    /* entry 2: NAPOT 64 KiB, locked, read/write, no execute */
#define TOR_LO 0x80300000    /* entries 3 (base) and 4: TOR, locked, read/execute */
#define TOR_HI 0x80300100
#define OPEN_AT 0x80400000   /* entry 5: NAPOT 16 B, unlocked, no permission */

/* the instruction (last arguments) must trap with cause_, mtval = tval_reg, mepc = it */
#define TRAPS(cause_, tval_reg, ...)                                                      \
    la s5, 1f; la x11, 2f; 2: __VA_ARGS__; j fail;                                                \
    1: li x7, cause_; bne s2, x7, fail; bne s3, x11, fail; bne s4, tval_reg, fail;         \
    la s5, fail;
/* the CSR reads back expect */
#define CSR_IS(csr, expect) csrr x13, csr; li x7, expect; bne x13, x7, fail;

TEST_BEGIN
    la t0, handler
    csrw mtvec, t0
    la s5, fail

    li TESTNUM, 1                       /* granularity 4 bytes: all ones read back */
    csrw pmpcfg0, zero
    li t0, -1
    csrw pmpaddr0, t0
    csrr t1, pmpaddr0
    bne t0, t1, fail

    li TESTNUM, 2                       /* unlocked entry: no effect on M-mode */
    li t0, (OPEN_AT >> 2) | 1
    csrw pmpaddr5, t0
    li t0, 0x18 << 8                    /* pmpcfg1 byte 1 = entry 5: NAPOT, ---, unlocked */
    csrw pmpcfg1, t0
    CSR_IS(pmpcfg1, 0x1800)
    li x12, OPEN_AT
    sw x12, 0(x12)
    lw x13, 12(x12)
    csrw pmpcfg1, zero

    li TESTNUM, 3                       /* NA4, locked, no permission */
    li t0, NA4_AT >> 2
    csrw pmpaddr0, t0
    li t0, 0x90                         /* L | NA4 */
    csrw pmpcfg0, t0
    CSR_IS(pmpcfg0, 0x90)
    li x12, NA4_AT
    TRAPS(5, x12, lw x13, 0(x12))
    TRAPS(7, x12, sw x13, 0(x12))
    li x14, NA4_AT + 3
    TRAPS(5, x14, lb x13, 0(x14))
    TRAPS(7, x14, sb x13, 0(x14))
    lw x13, 4(x12)                      /* the words around it are not covered */
    lw x13, -4(x12)
    sw x13, 4(x12)

    li TESTNUM, 4                       /* a locked entry ignores writes until reset */
    csrw pmpaddr0, zero
    CSR_IS(pmpaddr0, NA4_AT >> 2)
    csrw pmpcfg0, zero
    CSR_IS(pmpcfg0, 0x90)
    li x12, NA4_AT
    TRAPS(5, x12, lw x13, 0(x12))

    li TESTNUM, 5                       /* NAPOT 8 bytes, locked, read only */
    li t0, NAPOT8_AT >> 2               /* no trailing ones: 8 bytes */
    csrw pmpaddr1, t0
    li t0, 0x9900                       /* entry 1: L | NAPOT | R */
    csrs pmpcfg0, t0
    CSR_IS(pmpcfg0, 0x9990)
    li x12, NAPOT8_AT
    lw x13, 0(x12)
    lw x13, 4(x12)
    addi x14, x12, 4
    TRAPS(7, x14, sw x13, 0(x14))
    addi x14, x12, 7
    TRAPS(7, x14, sb x13, 0(x14))
    TRAPS(7, x12, sw x13, 0(x12))
    sw x13, 8(x12)                      /* just outside on both sides */
    sw x13, -4(x12)

    li TESTNUM, 6                       /* NAPOT 64 KiB, locked, read/write, no execute */
    li t0, (BIG_AT >> 2) | 0x1fff       /* 13 trailing ones: 2^16 bytes */
    csrw pmpaddr2, t0
    li t0, 0x9b0000                     /* entry 2: L | NAPOT | W | R */
    csrs pmpcfg0, t0
    li x12, BIG_AT
    li x14, 0x12345678
    sw x14, 0(x12)
    lw x13, 0(x12)
    bne x13, x14, fail
    li x15, BIG_AT + 0xfffc
    sw x14, 0(x15)
    la s5, 1f                           /* fetch fault: mepc = mtval = the target */
    jalr x0, 0(x12)
    j fail
1:  li x7, 1
    bne s2, x7, fail
    bne s3, x12, fail
    bne s4, x12, fail
    la s5, 1f
    jalr x0, 0(x15)                     /* the last word of the region */
    j fail
1:  li x7, 1
    bne s2, x7, fail
    bne s4, x15, fail
    la s5, fail

    li TESTNUM, 7                       /* TOR [TOR_LO, TOR_HI), locked, read/execute */
    li t0, TOR_LO >> 2
    csrw pmpaddr3, t0
    li t0, TOR_HI >> 2
    csrw pmpaddr4, t0
    li t0, 0x8d                         /* entry 4: L | TOR | X | R */
    csrs pmpcfg1, t0
    CSR_IS(pmpcfg1, 0x8d)
    li x12, TOR_LO - 1
    sb x13, 0(x12)                      /* addr - 1: below the range */
    li x12, TOR_LO
    TRAPS(7, x12, sb x13, 0(x12))       /* addr */
    li x12, TOR_LO + 1
    TRAPS(7, x12, sb x13, 0(x12))       /* addr + 1 */
    lw x13, -1(x12)                     /* read allowed */
    li x12, TOR_HI - 1
    TRAPS(7, x12, sb x13, 0(x12))       /* top - 1 */
    li x12, TOR_HI
    sb x13, 0(x12)                      /* top: outside */
    sb x13, 1(x12)

    li TESTNUM, 8                       /* a locked TOR entry locks the pmpaddr below it */
    csrw pmpaddr3, zero
    CSR_IS(pmpaddr3, TOR_LO >> 2)
    li t0, 0x01000000                   /* but entry 3's own (unlocked) cfg is writable */
    csrs pmpcfg0, t0
    CSR_IS(pmpcfg0, 0x019b9990)
    csrc pmpcfg0, t0

    j pass

    .align 2
handler:
    csrr s2, mcause
    csrr s3, mepc
    csrr s4, mtval
    csrw mepc, s5
    mret
TEST_END
