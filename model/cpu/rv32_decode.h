/* RV32IM + Zicsr decoder: a raw instruction word becomes a dense opcode and its operands,
 * so that the interpreter dispatches with one switch. */
#ifndef HQ_RV32_DECODE_H
#define HQ_RV32_DECODE_H

#include <stdint.h>

// clang-format off
#define RV32_OPS(X)                                                                         \
    X(ILLEGAL, illegal, SYSTEM)                                                             \
    X(LUI, lui, ALU) X(AUIPC, auipc, ALU) X(JAL, jal, JUMP) X(JALR, jalr, JUMP)             \
    X(BEQ, beq, BRANCH_TAKEN) X(BNE, bne, BRANCH_TAKEN) X(BLT, blt, BRANCH_TAKEN)           \
    X(BGE, bge, BRANCH_TAKEN) X(BLTU, bltu, BRANCH_TAKEN) X(BGEU, bgeu, BRANCH_TAKEN)       \
    X(LB, lb, LOAD) X(LH, lh, LOAD) X(LW, lw, LOAD) X(LBU, lbu, LOAD) X(LHU, lhu, LOAD)     \
    X(SB, sb, STORE) X(SH, sh, STORE) X(SW, sw, STORE)                                      \
    X(ADDI, addi, ALU) X(SLTI, slti, ALU) X(SLTIU, sltiu, ALU) X(XORI, xori, ALU)           \
    X(ORI, ori, ALU) X(ANDI, andi, ALU) X(SLLI, slli, ALU) X(SRLI, srli, ALU)               \
    X(SRAI, srai, ALU)                                                                      \
    X(ADD, add, ALU) X(SUB, sub, ALU) X(SLL, sll, ALU) X(SLT, slt, ALU) X(SLTU, sltu, ALU)  \
    X(XOR, xor, ALU) X(SRL, srl, ALU) X(SRA, sra, ALU) X(OR, or, ALU) X(AND, and, ALU)      \
    X(MUL, mul, MUL) X(MULH, mulh, MUL) X(MULHSU, mulhsu, MUL) X(MULHU, mulhu, MUL)         \
    X(DIV, div, DIV) X(DIVU, divu, DIV) X(REM, rem, DIV) X(REMU, remu, DIV)                 \
    X(FENCE, fence, SYSTEM) X(FENCE_I, fence.i, SYSTEM)                                     \
    X(ECALL, ecall, SYSTEM) X(EBREAK, ebreak, SYSTEM) X(MRET, mret, SYSTEM)                 \
    X(WFI, wfi, SYSTEM)                                                                     \
    X(CSRRW, csrrw, CSR) X(CSRRS, csrrs, CSR) X(CSRRC, csrrc, CSR)                          \
    X(CSRRWI, csrrwi, CSR) X(CSRRSI, csrrsi, CSR) X(CSRRCI, csrrci, CSR)
// clang-format on

typedef enum {
#define RV32_OP_ENUM(op, name, cls) RV32_OP_##op,
    RV32_OPS(RV32_OP_ENUM)
#undef RV32_OP_ENUM
        RV32_OP_COUNT
} rv32_op;

/* One pre-decoded instruction. rd is 32 (a write-only sink) when the encoding names x0,
 * so the interpreter never has to re-zero x0. For CSR ops imm is the CSR number and rs1
 * holds the register index or the 5-bit immediate. 16 bytes: the cache index is a shift. */
typedef struct {
    uint32_t raw;
    uint8_t op, rd, rs1, rs2;
    int32_t imm;
    uint32_t cost; /* cycles (branches: taken); the ISS fills it in, rv32_decode sets 0 */
} rv32_dinsn;

#define RV32_REG_SINK 32

void rv32_decode(uint32_t raw, rv32_dinsn *d);
const char *rv32_op_name(rv32_op op);
int rv32_op_class(rv32_op op); /* rv32_class of the op (branches: the taken class) */

#endif
