/* isa_diff: differential check of the ALU and M-extension datapath. A fixed pseudo-random
 * stream of operands (with the edge values 0, +-1, INT_MIN, INT_MAX mixed in) goes through
 * every register-register and shift instruction; one hash per instruction is printed. The
 * test suite runs this ELF on the HQSim ISS and on QEMU and requires identical output. */
#include <stdint.h>
#include <stdio.h>

#define ROUNDS 4000

static uint32_t state = 0x9e3779b9u;

static uint32_t next(void) {
    /* xorshift32, with edge values now and then */
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    static const uint32_t edges[] = {0, 1, 0xffffffffu, 0x80000000u, 0x7fffffffu, 2, 31, 32};
    if ((state & 7) == 0) return edges[(state >> 3) & 7];
    return state;
}

#define RR(name)                                                                                   \
    static uint32_t op_##name(uint32_t a, uint32_t b) {                                            \
        uint32_t r;                                                                                \
        __asm__ volatile(#name " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));                          \
        return r;                                                                                  \
    }
// clang-format off
#define OPS(X)                                                                             \
    X(add) X(sub) X(sll) X(slt) X(sltu) X(xor) X(srl) X(sra) X(or) X(and) X(mul) X(mulh)   \
    X(mulhsu) X(mulhu) X(div) X(divu) X(rem) X(remu)
// clang-format on
OPS(RR)

typedef uint32_t (*op_fn)(uint32_t, uint32_t);
#define ENTRY(name) {#name, op_##name},
static const struct {
    const char *name;
    op_fn fn;
} ops[] = {OPS(ENTRY)};

int main(void) {
    uint32_t all = 0;
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        uint32_t h = 2166136261u; /* FNV-1a over the results */
        for (int i = 0; i < ROUNDS; i++) {
            uint32_t r = ops[k].fn(next(), next());
            for (int byte = 0; byte < 4; byte++)
                h = (h ^ ((r >> (8 * byte)) & 0xff)) * 16777619u;
        }
        printf("%-7s %08lx\n", ops[k].name, (unsigned long)h);
        all ^= h;
    }
    printf("all     %08lx\n", (unsigned long)all);
    return 0;
}
