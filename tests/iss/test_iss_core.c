/* Unit tests of the ISS core through its C interface (no firmware, no SystemC): CSR
 * behaviour, interrupts and their priority, wfi, DMI versus bus callbacks and DMI
 * invalidation, HTIF tohost, breakpoints, budgets, CPI accounting, access faults,
 * self-modifying code, misaligned modes, trace, decoder corner cases. Programs are
 * assembled here by small encoders. */
#include "rv32_iss.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE 0x80000000u
#define RAM_SIZE 0x10000u
#define HOLE 0x40000000u      /* the bus answers an access fault here */
#define STOP_ADDR 0x30000000u /* a store here asks the ISS to stop */

static uint8_t ram[RAM_SIZE];
static unsigned bus_calls;
static rv32_iss *cur;
static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__, #cond); \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static int bus_read(void *ctx, uint32_t a, void *buf, unsigned len, rv32_access kind) {
    (void)ctx;
    (void)kind;
    bus_calls++;
    if (a >= BASE && a - BASE + len <= RAM_SIZE) {
        memcpy(buf, ram + (a - BASE), len);
        return 0;
    }
    return 1;
}

static int bus_write(void *ctx, uint32_t a, const void *buf, unsigned len) {
    (void)ctx;
    bus_calls++;
    if (a == STOP_ADDR) {
        rv32_iss_request_stop(cur);
        return 0;
    }
    if (a >= BASE && a - BASE + len <= RAM_SIZE) {
        memcpy(ram + (a - BASE), buf, len);
        return 0;
    }
    return 1;
}

/* ---- encoders ---- */
static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                       unsigned op) {
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t i_type(int imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op) {
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t s_type(int imm, unsigned rs2, unsigned rs1, unsigned f3) {
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}
static uint32_t b_type(int imm, unsigned rs2, unsigned rs1, unsigned f3) {
    uint32_t u = (uint32_t)imm;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}
static uint32_t addi(unsigned rd, unsigned rs1, int imm) {
    return i_type(imm, rs1, 0, rd, 0x13);
}
static uint32_t lui(unsigned rd, uint32_t imm20) {
    return imm20 << 12 | rd << 7 | 0x37;
}
static uint32_t add(unsigned rd, unsigned a, unsigned b) {
    return r_type(0, b, a, 0, rd, 0x33);
}
static uint32_t mul(unsigned rd, unsigned a, unsigned b) {
    return r_type(1, b, a, 0, rd, 0x33);
}
static uint32_t div_(unsigned rd, unsigned a, unsigned b) {
    return r_type(1, b, a, 4, rd, 0x33);
}
static uint32_t lw(unsigned rd, unsigned rs1, int imm) {
    return i_type(imm, rs1, 2, rd, 0x03);
}
static uint32_t sw(unsigned rs2, unsigned rs1, int imm) {
    return s_type(imm, rs2, rs1, 2);
}
static uint32_t bne(unsigned a, unsigned b, int off) {
    return b_type(off, b, a, 1);
}
static uint32_t jal(unsigned rd, int off) {
    uint32_t u = (uint32_t)off;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
           (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}
static uint32_t csrw_(unsigned csr, unsigned rs1) {
    return i_type((int)csr, rs1, 1, 0, 0x73);
}
static const uint32_t WFI = 0x10500073u, NOP = 0x00000013u;

static void load_program(const uint32_t *p, unsigned n) {
    memset(ram, 0, sizeof ram);
    memcpy(ram, p, n * 4);
}

static rv32_iss *fresh(int dmi) {
    rv32_bus bus = {NULL, bus_read, bus_write, NULL};
    rv32_iss *s = rv32_iss_create(&bus);
    if (!s) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    if (dmi) rv32_iss_add_dmi(s, BASE, RAM_SIZE, ram, RV32_DMI_READ | RV32_DMI_WRITE);
    rv32_iss_reset(s, BASE);
    cur = s;
    bus_calls = 0;
    return s;
}

static uint32_t csr(rv32_iss *s, unsigned n) {
    uint32_t v = 0xdeadbeef;
    CHECK(rv32_iss_read_csr(s, n, &v) == 0);
    return v;
}

static void test_csr_fields(void) {
    uint32_t prog[] = {jal(0, 0)};
    load_program(prog, 1);
    rv32_iss *s = fresh(1);
    CHECK(csr(s, 0x301) == 0x40001100u);       /* misa: RV32 I M */
    CHECK((csr(s, 0x300) & 0x1800) == 0x1800); /* MPP reads M */
    CHECK(rv32_iss_write_csr(s, 0x300, 0xffffffffu) == 0);
    CHECK(csr(s, 0x300) == 0x1888); /* only MIE, MPIE, MPP */
    CHECK(rv32_iss_write_csr(s, 0x341, 0x80000007u) == 0);
    CHECK(csr(s, 0x341) == 0x80000004u); /* mepc is 4-aligned (IALIGN 32) */
    CHECK(rv32_iss_write_csr(s, 0x344, 0xffffffffu) == 0);
    CHECK(csr(s, 0x344) == 0); /* mip bits come from the lines */
    CHECK(rv32_iss_write_csr(s, 0x304, 0xffffffffu) == 0);
    CHECK(csr(s, 0x304) == (RV32_IRQ_MSI | RV32_IRQ_MTI | RV32_IRQ_MEI));
    CHECK(rv32_iss_write_csr(s, 0x305, 0x80000103u) == 0);
    CHECK(csr(s, 0x305) == 0x80000101u); /* mode 3 is reserved: WARL */
    uint32_t v;
    CHECK(rv32_iss_read_csr(s, 0x7c0, &v) != 0); /* unimplemented */
    CHECK(rv32_iss_write_csr(s, 0xf14, 1) != 0); /* mhartid is read-only */
    CHECK(rv32_iss_write_csr(s, 0xc00, 1) != 0); /* cycle is read-only */
    CHECK(csr(s, 0xb03) == 0);                   /* mhpmcounter3 reads zero */
    /* mcycle is writable, as a 64-bit pair */
    CHECK(rv32_iss_write_csr(s, 0xb80, 5) == 0);
    CHECK(rv32_iss_write_csr(s, 0xb00, 100) == 0);
    CHECK(csr(s, 0xb80) == 5 && csr(s, 0xb00) == 100);
    CHECK(csr(s, 0xc80) == 5); /* cycleh shadows mcycleh */
    rv32_iss_run(s, 10, UINT64_MAX);
    CHECK(csr(s, 0xb00) == 110);                          /* + 10 instructions at CPI 1 */
    CHECK(csr(s, 0xc01) == (uint32_t)rv32_iss_cycles(s)); /* no time source: time = cycles */
    rv32_iss_destroy(s);
}

/* An interrupt is taken before the next instruction, to the vector of its cause. */
static void test_interrupts(void) {
    uint32_t prog[] = {jal(0, 0)};
    load_program(prog, 1);
    rv32_iss *s = fresh(1);
    rv32_iss_write_csr(s, 0x305, (BASE + 0x100) | 1); /* vectored */
    rv32_iss_write_csr(s, 0x304, RV32_IRQ_MTI | RV32_IRQ_MSI | RV32_IRQ_MEI);
    rv32_iss_set_irq(s, RV32_IRQ_MTI, 1);
    rv32_iss_run(s, 3, UINT64_MAX);
    CHECK(rv32_iss_get_pc(s) == BASE); /* mstatus.MIE = 0: not taken */
    rv32_iss_write_csr(s, 0x300, 0x8);
    rv32_iss_run(s, 0, UINT64_MAX); /* zero budget: only the check */
    CHECK(rv32_iss_get_pc(s) == BASE + 0x100 + 4 * 7);
    CHECK(csr(s, 0x342) == 0x80000007u);
    CHECK(csr(s, 0x341) == BASE);
    CHECK((csr(s, 0x300) & 0x88) == 0x80); /* MPIE = 1, MIE = 0 */

    /* priority: external over software over timer */
    rv32_iss_reset(s, BASE);
    rv32_iss_write_csr(s, 0x305, BASE + 0x200); /* direct */
    rv32_iss_write_csr(s, 0x304, RV32_IRQ_MTI | RV32_IRQ_MSI | RV32_IRQ_MEI);
    rv32_iss_write_csr(s, 0x300, 0x8);
    rv32_iss_set_irq(s, RV32_IRQ_MTI | RV32_IRQ_MSI | RV32_IRQ_MEI, 1);
    rv32_iss_run(s, 0, UINT64_MAX);
    CHECK(csr(s, 0x342) == 0x8000000bu && rv32_iss_get_pc(s) == BASE + 0x200);
    rv32_iss_set_irq(s, RV32_IRQ_MEI, 0);
    rv32_iss_write_csr(s, 0x300, 0x8);
    rv32_iss_run(s, 0, UINT64_MAX);
    CHECK(csr(s, 0x342) == 0x80000003u);
    rv32_iss_set_irq(s, RV32_IRQ_MSI, 0);
    rv32_iss_write_csr(s, 0x304, RV32_IRQ_MSI); /* timer pending but not enabled */
    rv32_iss_write_csr(s, 0x300, 0x8);
    uint32_t pc = rv32_iss_get_pc(s);
    rv32_iss_run(s, 0, UINT64_MAX);
    CHECK(rv32_iss_get_pc(s) == pc);
    rv32_iss_destroy(s);
}

static void test_wfi(void) {
    uint32_t prog[] = {WFI, NOP, WFI, NOP};
    load_program(prog, 4);
    rv32_iss *s = fresh(1);
    CHECK(rv32_iss_run(s, 100, UINT64_MAX) == RV32_STOP_WFI);
    CHECK(rv32_iss_get_pc(s) == BASE + 4 && rv32_iss_instret(s) == 1);
    /* pending and enabled in mie, globally disabled: wfi does not sleep, no trap */
    rv32_iss_write_csr(s, 0x304, RV32_IRQ_MTI);
    rv32_iss_set_irq(s, RV32_IRQ_MTI, 1);
    CHECK(rv32_iss_run(s, 2, UINT64_MAX) == RV32_STOP_LIMIT);
    CHECK(rv32_iss_get_pc(s) == BASE + 12);
    rv32_iss_destroy(s);
}

/* sum = 1 + 2 + ... + 100 stored to memory, looped with a branch. */
static void load_sum_prog(void) {
    const uint32_t sum_prog[] = {
        addi(1, 0, 100),                                 /* x1 = 100 */
        addi(2, 0, 0),                                   /* x2 = 0 */
        add(2, 2, 1),                                    /* loop: x2 += x1 */
        addi(1, 1, -1),  bne(1, 0, -8), lui(3, 0x80001), /* x3 = BASE + 0x1000 */
        sw(2, 3, 0),     lw(4, 3, 0),   jal(0, 0),
    };
    load_program(sum_prog, 9);
}

static void test_dmi_and_bus(void) {
    load_sum_prog();
    rv32_iss *s = fresh(1);
    rv32_iss_run(s, 1000, UINT64_MAX);
    CHECK(rv32_iss_get_reg(s, 4) == 5050);
    CHECK(bus_calls == 0); /* all through DMI */
    uint64_t n_dmi = rv32_iss_instret(s);
    rv32_iss_destroy(s);

    load_sum_prog();
    s = fresh(0);
    rv32_iss_run(s, n_dmi, UINT64_MAX);
    CHECK(rv32_iss_get_reg(s, 4) == 5050);
    CHECK(bus_calls == n_dmi + 2); /* every fetch, one store, one load */
    rv32_iss_destroy(s);

    /* invalidation: the ISS must fall back to the bus at once */
    load_sum_prog();
    s = fresh(1);
    rv32_iss_run(s, 10, UINT64_MAX);
    CHECK(bus_calls == 0);
    rv32_iss_invalidate_dmi(s, BASE + 0x10, BASE + 0x10); /* overlaps the region */
    rv32_iss_run(s, 10, UINT64_MAX);
    CHECK(bus_calls == 10);
    rv32_iss_invalidate_dmi(s, 0, 0); /* nothing mapped there: no-op */
    CHECK(rv32_iss_add_dmi(s, BASE, RAM_SIZE, ram, RV32_DMI_READ) == 0); /* read-only DMI */
    bus_calls = 0;
    rv32_iss_run(s, 1000, UINT64_MAX);
    CHECK(rv32_iss_get_reg(s, 4) == 5050);
    CHECK(bus_calls == 1); /* only the store */
    rv32_iss_destroy(s);
}

/* Stores through a DMI region with a write map mark their pages (the memory's write log,
 * mem/memory_span_ext.h): the aligned fast path and the byte-wise misaligned one. */
static void test_dmi_write_map(void) {
    uint8_t map[RAM_SIZE >> 12];
    uint32_t prog[] = {lui(1, 0x80003), addi(2, 0, 7), sw(2, 1, 0x10), /* page 3 */
                       lui(1, 0x80006), sw(2, 1, -2),                  /* 0x5ffe: pages 5 and 6 */
                       jal(0, 0)};
    load_program(prog, sizeof prog / sizeof prog[0]);
    memset(map, 0, sizeof map);
    rv32_iss *s = fresh(1);
    rv32_iss_set_misaligned_traps(s, 0);
    CHECK(rv32_iss_set_dmi_write_map(s, BASE, map, 12) == 0);
    CHECK(rv32_iss_set_dmi_write_map(s, BASE + 0x1000, map, 12) == -1); /* no region there */
    rv32_iss_run(s, 5, UINT64_MAX);
    CHECK(ram[0x3010] == 7 && ram[0x5ffe] == 7 && ram[0x6000] == 0);
    CHECK(map[3] == 1 && map[5] == 1 && map[6] == 1);
    CHECK(map[0] == 0 && map[1] == 0 && map[2] == 0 && map[4] == 0 && map[7] == 0);
    CHECK(bus_calls == 0); /* all through DMI */
    rv32_iss_destroy(s);
}

static void test_tohost_and_stop(void) {
    uint32_t prog[] = {lui(1, 0x80001), addi(2, 0, 2), sw(2, 1, 0),
                       addi(2, 0, 85),  sw(2, 1, 0),   jal(0, 0)};
    load_program(prog, 6);
    rv32_iss *s = fresh(1);
    rv32_iss_set_tohost(s, BASE + 0x1000);
    CHECK(rv32_iss_run(s, 100, UINT64_MAX) == RV32_STOP_EXIT); /* 2 is even: no exit */
    CHECK(rv32_iss_instret(s) == 5);
    CHECK(rv32_iss_exited(s) && rv32_iss_exit_code(s) == 42); /* 85 = 42 << 1 | 1 */
    rv32_iss_destroy(s);

    uint32_t prog2[] = {lui(1, STOP_ADDR >> 12), sw(0, 1, 0), NOP, NOP};
    load_program(prog2, 4);
    s = fresh(1);
    CHECK(rv32_iss_run(s, 100, UINT64_MAX) == RV32_STOP_REQUESTED);
    CHECK(rv32_iss_instret(s) == 2);
    rv32_iss_destroy(s);
}

static void test_breakpoints_and_budgets(void) {
    load_sum_prog();
    rv32_iss *s = fresh(1);
    CHECK(rv32_iss_add_breakpoint(s, BASE + 8) == 0);
    CHECK(rv32_iss_run(s, 1000, UINT64_MAX) == RV32_STOP_BREAKPOINT);
    CHECK(rv32_iss_get_pc(s) == BASE + 8 && rv32_iss_instret(s) == 2);
    CHECK(rv32_iss_run(s, 1000, UINT64_MAX) == RV32_STOP_BREAKPOINT); /* next iteration */
    CHECK(rv32_iss_instret(s) == 5);
    CHECK(rv32_iss_remove_breakpoint(s, BASE + 8) == 0);
    CHECK(rv32_iss_remove_breakpoint(s, BASE + 8) != 0);
    CHECK(rv32_iss_run(s, 7, UINT64_MAX) == RV32_STOP_LIMIT);
    CHECK(rv32_iss_instret(s) == 12);
    uint64_t c = rv32_iss_cycles(s);
    CHECK(rv32_iss_run(s, 1000, c + 4) == RV32_STOP_LIMIT); /* cycle budget */
    CHECK(rv32_iss_cycles(s) == c + 4);
    rv32_iss_destroy(s);
}

/* Cycles follow the CPI table class by class. */
/* Issue 20: a trap whose handler traps again before anything retires is a loop that can
 * never progress; the ISS stops with RV32_STOP_TRAP_LOOP instead of spinning through its
 * budget (the wrapper used to count only retired instructions, so it never stopped). */
static void test_trap_loop(void) {
    uint32_t cause = 99, tval = 99;
    /* mtvec still 0 after reset, nothing at 0: the first illegal instruction loops. */
    uint32_t prog[] = {0x00000000u /* illegal */};
    load_program(prog, 1);
    rv32_iss *s = fresh(1);
    CHECK(rv32_iss_run(s, 1000, UINT64_MAX) == RV32_STOP_TRAP_LOOP);
    rv32_iss_trap_loop(s, &cause, &tval);
    CHECK(rv32_iss_get_pc(s) == 0 && cause == RV32_EXC_INSN_ACCESS && tval == 0);
    CHECK(csr(s, 0x342) == RV32_EXC_ILLEGAL && csr(s, 0x341) == BASE);
    CHECK(rv32_iss_instret(s) == 0 && rv32_iss_traps(s) == 1);
    /* The debugger moved the pc: the first trap there is an ordinary one. */
    rv32_iss_set_pc(s, 0);
    CHECK(rv32_iss_run(s, 1, UINT64_MAX) == RV32_STOP_LIMIT && rv32_iss_traps(s) == 2);
    CHECK(rv32_iss_run(s, 1000, UINT64_MAX) == RV32_STOP_TRAP_LOOP);
    rv32_iss_destroy(s);

    /* A handler in RAM whose first word is illegal, reached by ecall. */
    uint32_t prog2[] = {lui(1, BASE >> 12), addi(1, 1, 0x100), csrw_(0x305, 1), 0x00000073u};
    load_program(prog2, 4);
    s = fresh(1);
    CHECK(rv32_iss_run(s, 1000, UINT64_MAX) == RV32_STOP_TRAP_LOOP);
    rv32_iss_trap_loop(s, &cause, &tval);
    CHECK(rv32_iss_get_pc(s) == BASE + 0x100 && cause == RV32_EXC_ILLEGAL && tval == 0);
    CHECK(csr(s, 0x342) == RV32_EXC_ECALL_M && csr(s, 0x341) == BASE + 12);
    CHECK(rv32_iss_instret(s) == 3 && rv32_iss_traps(s) == 1);
    rv32_iss_destroy(s);

    /* A handler that retires (mret back to the ecall) is no trap loop: the budget counts
     * the trap entries and the retired mrets. */
    memcpy(ram + 0x100, &(uint32_t){0x30200073u /* mret */}, 4);
    s = fresh(1);
    CHECK(rv32_iss_run(s, 1000, UINT64_MAX) == RV32_STOP_LIMIT);
    CHECK(rv32_iss_instret(s) + rv32_iss_traps(s) == 1000 && rv32_iss_traps(s) == 499);
    rv32_iss_destroy(s);
}

static void test_cpi(void) {
    uint32_t prog[] = {addi(1, 0, 7),
                       addi(2, 0, 3),
                       mul(3, 1, 2),
                       div_(4, 1, 2),
                       lui(5, 0x80001),
                       sw(3, 5, 0),
                       lw(6, 5, 0),
                       bne(0, 0, 8) /* not taken */,
                       bne(1, 0, 8) /* taken */,
                       NOP,
                       jal(0, 0)};
    load_program(prog, 11);
    rv32_iss *s = fresh(1);
    unsigned cpi[RV32_CLASS_COUNT] = {0};
    for (int i = 0; i < RV32_CLASS_COUNT; i++)
        cpi[i] = 1u << i; /* distinct powers of two: any mis-classification shows */
    rv32_iss_set_cpi(s, cpi);
    rv32_iss_run(s, 10, UINT64_MAX);
    uint64_t want = 3 * cpi[RV32_CLASS_ALU] /* addi addi lui */ + cpi[RV32_CLASS_MUL] +
                    cpi[RV32_CLASS_DIV] + cpi[RV32_CLASS_STORE] + cpi[RV32_CLASS_LOAD] +
                    cpi[RV32_CLASS_BRANCH_NOT_TAKEN] + cpi[RV32_CLASS_BRANCH_TAKEN] +
                    cpi[RV32_CLASS_JUMP];
    CHECK(rv32_iss_instret(s) == 10);
    CHECK(rv32_iss_cycles(s) == want);
    CHECK(rv32_iss_get_reg(s, 3) == 21 && rv32_iss_get_reg(s, 4) == 2 &&
          rv32_iss_get_reg(s, 6) == 21);
    /* A new table applies to instructions already in the decode cache (its entries carry
     * the CPI), in the fast and in the checking copy of the run loop. */
    for (int checked = 0; checked < 2; checked++) {
        for (int i = 0; i < RV32_CLASS_COUNT; i++)
            cpi[i] = (1u << i) * (unsigned)(3 + checked);
        rv32_iss_set_cpi(s, cpi);
        rv32_iss_set_force_checked(s, checked);
        rv32_iss_reset(s, BASE);
        rv32_iss_run(s, 10, UINT64_MAX);
        CHECK(rv32_iss_instret(s) == 10 && rv32_iss_cycles(s) == want * (3u + (unsigned)checked));
    }
    /* The fast loop's budget check assumes every step costs a cycle; with a class at 0 the
     * step budget still stops exactly. */
    rv32_iss_set_force_checked(s, 0);
    cpi[RV32_CLASS_ALU] = 0;
    rv32_iss_set_cpi(s, cpi);
    rv32_iss_reset(s, BASE);
    CHECK(rv32_iss_run(s, 2, UINT64_MAX) == RV32_STOP_LIMIT && rv32_iss_instret(s) == 2 &&
          rv32_iss_cycles(s) == 0);
    CHECK(rv32_iss_run(s, 3, UINT64_MAX) == RV32_STOP_LIMIT && rv32_iss_instret(s) == 5);
    rv32_iss_destroy(s);
}

static void test_faults(void) {
    uint32_t prog[] = {lui(1, HOLE >> 12), lw(2, 1, 4), sw(2, 1, 8), jal(0, 0)};
    load_program(prog, 4);
    rv32_iss *s = fresh(1);
    rv32_iss_write_csr(s, 0x305, BASE + 0x100);
    uint32_t handler[] = {NOP, jal(0, 0)};
    memcpy(ram + 0x100, handler, sizeof handler);
    rv32_iss_run(s, 1, UINT64_MAX); /* lui */
    rv32_iss_run(s, 1, UINT64_MAX); /* one step: the load traps without retiring */
    CHECK(csr(s, 0x342) == RV32_EXC_LOAD_ACCESS && csr(s, 0x343) == HOLE + 4);
    CHECK(csr(s, 0x341) == BASE + 4);
    CHECK(rv32_iss_instret(s) == 1 && rv32_iss_get_pc(s) == BASE + 0x100);
    rv32_iss_set_pc(s, BASE + 8);
    rv32_iss_run(s, 1, UINT64_MAX);
    CHECK(csr(s, 0x342) == RV32_EXC_STORE_ACCESS && csr(s, 0x343) == HOLE + 8);
    rv32_iss_set_pc(s, HOLE); /* fetch fault */
    rv32_iss_run(s, 1, UINT64_MAX);
    CHECK(csr(s, 0x342) == RV32_EXC_INSN_ACCESS && csr(s, 0x341) == HOLE && csr(s, 0x343) == HOLE);
    rv32_iss_set_pc(s, BASE + 2); /* misaligned pc */
    rv32_iss_run(s, 1, UINT64_MAX);
    CHECK(csr(s, 0x342) == RV32_EXC_INSN_MISALIGNED);
    rv32_iss_destroy(s);
}

/* Misaligned data: trap by default, byte accesses when asked. */
static void test_misaligned(void) {
    uint32_t prog[] = {lui(1, 0x80001), lw(2, 1, 1), jal(0, 0)};
    load_program(prog, 3);
    memcpy(ram + 0x1000, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    rv32_iss *s = fresh(1);
    rv32_iss_write_csr(s, 0x305, BASE + 0x100);
    rv32_iss_run(s, 2, UINT64_MAX);
    CHECK(csr(s, 0x342) == RV32_EXC_LOAD_MISALIGNED && csr(s, 0x343) == BASE + 0x1001);
    rv32_iss_reset(s, BASE);
    rv32_iss_set_misaligned_traps(s, 0);
    rv32_iss_run(s, 2, UINT64_MAX);
    CHECK(rv32_iss_get_reg(s, 2) == 0x05040302u);
    rv32_iss_destroy(s);
}

/* A store over an instruction already executed (and cached) takes effect. */
static void test_self_modifying(void) {
    uint32_t prog[] = {addi(5, 0, 1),   /* 0: the patched instruction */
                       lui(1, 0x80000), /* 4 */
                       lw(2, 1, 0x20),  /* 8: new instruction word */
                       sw(2, 1, 0),     /* c: patch address 0 */
                       jal(0, -16),     /* 10: back to 0 */
                       0,
                       0,
                       0,
                       addi(5, 0, 77)}; /* 20: the replacement */
    load_program(prog, 9);
    rv32_iss *s = fresh(1);
    rv32_iss_run(s, 1, UINT64_MAX);
    CHECK(rv32_iss_get_reg(s, 5) == 1);
    rv32_iss_run(s, 5, UINT64_MAX); /* patch, jump back, execute it */
    CHECK(rv32_iss_get_reg(s, 5) == 77);
    rv32_iss_destroy(s);
}

static unsigned trace_count;
static uint32_t trace_last_pc, trace_last_val;
static unsigned trace_last_rd;
static void on_trace(void *ctx, uint64_t n, uint32_t pc, uint32_t insn, unsigned rd, uint32_t v) {
    (void)ctx;
    (void)insn;
    trace_count++;
    CHECK(n == trace_count);
    trace_last_pc = pc;
    trace_last_rd = rd;
    trace_last_val = v;
}

static void test_trace_and_decoder(void) {
    load_sum_prog();
    rv32_iss *s = fresh(1);
    rv32_iss_set_trace(s, on_trace, NULL);
    rv32_iss_run(s, 8, UINT64_MAX);
    CHECK(trace_count == 8);
    CHECK(trace_last_pc == BASE + 16 && trace_last_rd == 0); /* bne writes no register */
    rv32_iss_run(s, 1, UINT64_MAX);
    CHECK(trace_last_rd == 2 && trace_last_val == 100 + 99 + 98);
    rv32_iss_destroy(s);

    CHECK(!strcmp(rv32_mnemonic(addi(1, 2, 3)), "addi"));
    CHECK(!strcmp(rv32_mnemonic(0x30200073u), "mret"));
    CHECK(!strcmp(rv32_mnemonic(0), "illegal"));
    CHECK(!strcmp(rv32_mnemonic(0x02000093u | 1u << 12), "illegal"));         /* slli shamt[5] */
    CHECK(!strcmp(rv32_mnemonic(b_type(8, 1, 2, 2)), "illegal"));             /* branch f3 = 2 */
    CHECK(!strcmp(rv32_mnemonic(r_type(0x20, 1, 2, 1, 3, 0x33)), "illegal")); /* "sub" sll */
    CHECK(!strcmp(rv32_mnemonic(0x00200073u), "illegal"));                    /* uret: no U mode */
}

/* ---- PMP and triggers ---- */
static void wcsr(rv32_iss *s, unsigned n, uint32_t v) {
    CHECK(rv32_iss_write_csr(s, n, v) == 0);
}

static void test_pmp_csrs(void) {
    rv32_iss *s = fresh(1);
    wcsr(s, 0x3a0, 0x61); /* bits 6:5 read as zero */
    CHECK(csr(s, 0x3a0) == 0x01);
    wcsr(s, 0x3a0, 0x02); /* R=0 W=1 is reserved: W dropped */
    CHECK(csr(s, 0x3a0) == 0x00);
    wcsr(s, 0x3a4, 0xff); /* pmpcfg4.., pmpaddr16..: zero */
    CHECK(csr(s, 0x3a4) == 0 && csr(s, 0x3c0) == 0);
    wcsr(s, 0x3b0, 0xffffffffu); /* G = 0: every bit reads back */
    CHECK(csr(s, 0x3b0) == 0xffffffffu);
    wcsr(s, 0x300, 1u << 17); /* no MPRV without U-mode */
    CHECK((csr(s, 0x300) & (1u << 17)) == 0);

    wcsr(s, 0x3b0, 0x1000); /* lock: TOR entry 1 locks pmpaddr0 */
    wcsr(s, 0x3a0, 0x8800);
    wcsr(s, 0x3b0, 0x2000);
    CHECK(csr(s, 0x3b0) == 0x1000);
    wcsr(s, 0x3a0, 0x0000); /* entry 1 keeps its cfg */
    CHECK(csr(s, 0x3a0) == 0x8800);
    wcsr(s, 0x3a0, 0x0090); /* entry 0 is still writable */
    CHECK(csr(s, 0x3a0) == 0x8890);
    rv32_iss_reset(s, BASE); /* reset unlocks */
    CHECK(csr(s, 0x3a0) == 0 && csr(s, 0x3b0) == 0);

    rv32_iss_set_pmp_granularity(s, 2); /* 16-byte granules */
    wcsr(s, 0x3b0, 0x1003);
    CHECK(csr(s, 0x3b0) == 0x1000); /* OFF: bits G-1..0 read 0 */
    wcsr(s, 0x3a0, 0x18);
    CHECK(csr(s, 0x3b0) == 0x1003); /* NAPOT: bit G-2..0 reads 1, G-1 kept */
    wcsr(s, 0x3a0, 0x10);           /* NA4 is not selectable: NAPOT */
    CHECK(csr(s, 0x3a0) == 0x18);
    wcsr(s, 0x3a0, 0x08);
    CHECK(csr(s, 0x3b0) == 0x1000); /* TOR reads like OFF */
    rv32_iss_destroy(s);
}

/* lw x2, 0(x1) with x1 = addr under a locked NA4 entry at BASE + 0x1000 (no permission) */
static void test_pmp_faults(void) {
    for (int dmi = 0; dmi <= 1; dmi++) {
        uint32_t p[3] = {0x800010b7u /* lui x1, 0x80001 */, lw(2, 1, 0), NOP};
        load_program(p, 3);
        rv32_iss *s = fresh(dmi);
        wcsr(s, 0x305, BASE + 0x800);
        wcsr(s, 0x3b4, (BASE + 0x1000) >> 2); /* entry 4 unlocked, no permission */
        wcsr(s, 0x3a1, 0x10);
        rv32_iss_run(s, 2, UINT64_MAX);
        CHECK(rv32_iss_get_pc(s) == BASE + 8); /* unlocked: M-mode not restricted */
        rv32_iss_reset(s, BASE);
        wcsr(s, 0x305, BASE + 0x800);
        wcsr(s, 0x3b0, (BASE + 0x1000) >> 2);
        wcsr(s, 0x3a0, 0x90); /* locked NA4 */
        rv32_iss_run(s, 2, UINT64_MAX);
        CHECK(rv32_iss_get_pc(s) == BASE + 0x800);
        CHECK(csr(s, 0x342) == 5 && csr(s, 0x343) == BASE + 0x1000 && csr(s, 0x341) == BASE + 4);

        /* a misaligned word at 0xffe reaches into the entry: misaligned first when
         * trapping, an access fault (partial match) when emulated */
        p[0] = 0x800010b7u;
        p[1] = lw(2, 1, -2);
        load_program(p, 3);
        rv32_iss_set_pc(s, BASE);
        rv32_iss_run(s, 2, UINT64_MAX);
        CHECK(csr(s, 0x342) == 4 && csr(s, 0x343) == BASE + 0xffe);
        rv32_iss_set_misaligned_traps(s, 0);
        rv32_iss_set_pc(s, BASE);
        rv32_iss_run(s, 2, UINT64_MAX);
        CHECK(csr(s, 0x342) == 5 && csr(s, 0x343) == BASE + 0xffe);
        rv32_iss_destroy(s);
    }
}

static void test_triggers_and_watchpoints(void) {
    /* x1 = BASE + 0x1000; sw x1, 0(x1); lw x2, 0(x1); nop */
    uint32_t p[4] = {0x800010b7u, sw(1, 1, 0), lw(2, 1, 0), NOP};
    load_program(p, 4);
    rv32_iss *s = fresh(1);
    wcsr(s, 0x305, BASE + 0x800);
    wcsr(s, 0x7a0, 4); /* only triggers 0..3 */
    CHECK(csr(s, 0x7a0) == 0);
    CHECK(csr(s, 0x7a4) == 4 && csr(s, 0x7a3) == 0); /* tinfo: type 2; tdata3 zero */
    wcsr(s, 0x7a2, BASE + 0x1000);
    wcsr(s, 0x7a1, (2u << 28) | (1u << 6) | 2); /* store, equal */
    rv32_iss_run(s, 2, UINT64_MAX);             /* mstatus.MIE = 0: no firing */
    CHECK(rv32_iss_get_pc(s) == BASE + 8 && ram[0x1000] == 0x00);
    wcsr(s, 0x300, 8);
    rv32_iss_set_pc(s, BASE);
    memset(ram + 0x1000, 0, 4);
    rv32_iss_run(s, 2, UINT64_MAX);
    CHECK(csr(s, 0x342) == 3 && csr(s, 0x341) == BASE + 4 && csr(s, 0x343) == BASE + 0x1000);
    CHECK(ram[0x1000] == 0);                                /* the store did not happen */
    CHECK(csr(s, 0x7a1) & (1u << 20));                      /* hit */
    wcsr(s, 0x7a1, (2u << 28) | (1u << 6) | (2u << 7) | 1); /* load, match >= */
    wcsr(s, 0x7a2, BASE + 0xf00);
    wcsr(s, 0x300, 8);
    rv32_iss_set_pc(s, BASE);
    rv32_iss_run(s, 3, UINT64_MAX);
    CHECK(csr(s, 0x342) == 3 && csr(s, 0x341) == BASE + 8);
    CHECK(ram[0x1000] == 0x00 && ram[0x1001] == 0x10); /* the store went through */
    wcsr(s, 0x7a1, 0);                                 /* disabled; type stays 2 */
    CHECK(csr(s, 0x7a1) == 2u << 28);

    /* debugger watchpoints: stop before the access, perform it on the next run */
    CHECK(rv32_iss_add_watchpoint(s, BASE + 0x1000, 0, RV32_WATCH_WRITE) == -1);
    CHECK(rv32_iss_add_watchpoint(s, BASE + 0x1002, 2, RV32_WATCH_WRITE) == 0);
    memset(ram + 0x1000, 0, 4);
    rv32_iss_set_pc(s, BASE);
    CHECK(rv32_iss_run(s, 10, UINT64_MAX) == RV32_STOP_WATCHPOINT);
    CHECK(rv32_iss_get_pc(s) == BASE + 4 && ram[0x1001] == 0);
    uint32_t wa = 0;
    unsigned wk = 0;
    rv32_iss_watch_hit(s, &wa, &wk);
    CHECK(wa == BASE + 0x1002 && wk == RV32_WATCH_WRITE);
    CHECK(rv32_iss_run(s, 1, UINT64_MAX) == RV32_STOP_LIMIT); /* steps over it */
    CHECK(rv32_iss_get_pc(s) == BASE + 8 && ram[0x1001] == 0x10);
    CHECK(rv32_iss_add_watchpoint(s, BASE, 4, RV32_WATCH_READ) == 0);
    CHECK(rv32_iss_add_watchpoint(s, BASE + 4, 4, RV32_WATCH_READ) == 0);
    CHECK(rv32_iss_add_watchpoint(s, BASE + 8, 4, RV32_WATCH_READ) == 0);
    CHECK(rv32_iss_add_watchpoint(s, BASE + 12, 4, RV32_WATCH_READ) == -1); /* 4 at most */
    CHECK(rv32_iss_remove_watchpoint(s, BASE + 0x1002, 2, RV32_WATCH_WRITE) == 0);
    CHECK(rv32_iss_remove_watchpoint(s, BASE + 0x1002, 2, RV32_WATCH_WRITE) == -1);
    rv32_iss_destroy(s);
}

/* Issue 16: rv32_iss_set_chain passes cycle limits as a caller would that ran slices of
 * `quantum` cycles one after another: the same boundaries, the same state at the end, in
 * both copies of the run loop. */
static void test_chain(void) {
    const uint32_t prog[] = {addi(1, 0, 7), addi(2, 0, 3), mul(3, 1, 2), div_(4, 3, 2),
                             addi(1, 1, 1), add(5, 5, 4),  jal(0, -16)};
    enum { Q = 100, K = 40 };
    unsigned cpi[RV32_CLASS_COUNT];
    for (int i = 0; i < RV32_CLASS_COUNT; i++)
        cpi[i] = 1;
    cpi[RV32_CLASS_MUL] = 3, cpi[RV32_CLASS_DIV] = 34, cpi[RV32_CLASS_JUMP] = 3;
    for (int checked = 0; checked < 2; checked++) {
        uint64_t b[K];
        load_program(prog, 7);
        rv32_iss *s = fresh(1);
        rv32_iss_set_cpi(s, cpi);
        rv32_iss_set_force_checked(s, checked);
        for (int k = 0; k < K; k++) { /* the reference: one call per slice */
            CHECK(rv32_iss_run(s, UINT64_MAX, rv32_iss_cycles(s) + Q) == RV32_STOP_LIMIT);
            b[k] = rv32_iss_cycles(s);
        }
        const uint32_t x5 = rv32_iss_get_reg(s, 5);
        const uint64_t n = rv32_iss_instret(s);
        rv32_iss_destroy(s);
        s = fresh(1);
        rv32_iss_set_cpi(s, cpi);
        rv32_iss_set_force_checked(s, checked);
        rv32_iss_set_chain(s, Q, b[K - 1]); /* boundaries below the last one are passed */
        CHECK(rv32_iss_run(s, UINT64_MAX, Q) == RV32_STOP_LIMIT);
        uint64_t last = 0;
        CHECK(rv32_iss_chain_take(s, &last) == K - 1 && last == b[K - 2]);
        CHECK(rv32_iss_cycles(s) == b[K - 1] && rv32_iss_instret(s) == n &&
              rv32_iss_get_reg(s, 5) == x5);
        CHECK(rv32_iss_chain_take(s, &last) == 0);
        /* quantum 0: back to returning at the limit */
        rv32_iss_set_chain(s, 0, UINT64_MAX);
        CHECK(rv32_iss_run(s, UINT64_MAX, rv32_iss_cycles(s) + Q) == RV32_STOP_LIMIT);
        CHECK(rv32_iss_chain_take(s, &last) == 0 && rv32_iss_cycles(s) < b[K - 1] + 2 * Q);
        rv32_iss_destroy(s);
    }
}

int main(void) {
    test_pmp_csrs();
    test_pmp_faults();
    test_triggers_and_watchpoints();
    test_csr_fields();
    test_interrupts();
    test_wfi();
    test_dmi_and_bus();
    test_dmi_write_map();
    test_tohost_and_stop();
    test_breakpoints_and_budgets();
    test_trap_loop();
    test_cpi();
    test_faults();
    test_misaligned();
    test_self_modifying();
    test_trace_and_decoder();
    test_chain();
    if (failures) {
        fprintf(stderr, "test_iss_core: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_iss_core: all checks passed\n");
    return 0;
}
