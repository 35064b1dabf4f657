/* Issue 16 (the CPU passes idle quantum boundaries without waiting): CLINT timer interrupts
 * taken while the hart computes, with no wfi and no device access in between, three times;
 * the third handler exits through the finisher. Each interrupt must be taken at the same
 * instruction with or without skipping (check_sync_skip.py compares the instruction and cycle
 * counts of both runs). Every 256 iterations the loop reads mtime from the CLINT and the time
 * CSR: a device read and a time read after boundaries were passed. */
#define CLINT_MTIMECMP 0x02004000
#define CLINT_MTIME 0x0200bff8
#define DELTA 2003  /* mtime ticks (10 MHz): about 200 quanta of 1 us */
#define DELTA2 1237
    .section .text.start, "ax"
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li s2, CLINT_MTIME
    li s3, CLINT_MTIMECMP
    li s1, 0            /* interrupts taken */
    li a0, 0            /* iterations */
    li a2, 0
    lw t1, 0(s2)
    li t2, DELTA
    add t1, t1, t2
    sw t1, 0(s3)        /* low word first: the high word is still all ones */
    sw zero, 4(s3)
    li t0, 0x80         /* mie.MTIE */
    csrw mie, t0
    csrsi mstatus, 8    /* mstatus.MIE */
loop:
    addi a0, a0, 1
    mul a3, a0, a0
    add a2, a2, a3
    andi t0, a0, 255
    bnez t0, loop
    lw t1, 0(s2)
    add a2, a2, t1
    csrr t1, time
    add a2, a2, t1
    j loop

    .align 2
handler:
    addi s1, s1, 1
    li t0, 3
    beq s1, t0, done
    lw t1, 0(s2)
    li t2, DELTA2
    add t1, t1, t2
    sw t1, 0(s3)
    mret
done:
    li t0, 0x100000
    li t1, 0x5555       /* finisher: pass */
    sw t1, 0(t0)
1:  j 1b
