/* RV32IM + Zicsr decoder (see rv32_decode.h). */
#include "rv32_decode.h"
#include "rv32_iss.h"

static const char *const op_names[RV32_OP_COUNT] = {
#define RV32_OP_NAME(op, name, cls) #name,
    RV32_OPS(RV32_OP_NAME)
#undef RV32_OP_NAME
};

static const unsigned char op_classes[RV32_OP_COUNT] = {
#define RV32_OP_CLASS(op, name, cls) RV32_CLASS_##cls,
    RV32_OPS(RV32_OP_CLASS)
#undef RV32_OP_CLASS
};

const char *rv32_op_name(rv32_op op) {
    return (unsigned)op < RV32_OP_COUNT ? op_names[op] : "illegal";
}

int rv32_op_class(rv32_op op) {
    return (unsigned)op < RV32_OP_COUNT ? (int)op_classes[op] : (int)RV32_CLASS_SYSTEM;
}

const char *rv32_mnemonic(uint32_t insn) {
    rv32_dinsn d;
    rv32_decode(insn, &d);
    return rv32_op_name((rv32_op)d.op);
}

static int32_t imm_i(uint32_t r) {
    return (int32_t)r >> 20;
}
static int32_t imm_s(uint32_t r) {
    return ((int32_t)r >> 25) * 32 | (int32_t)((r >> 7) & 0x1f);
}
static int32_t imm_b(uint32_t r) {
    uint32_t v = ((r >> 8) & 0xf) << 1 | ((r >> 25) & 0x3f) << 5 | ((r >> 7) & 1) << 11;
    return (int32_t)v - (int32_t)((r >> 31) << 12);
}
static int32_t imm_j(uint32_t r) {
    uint32_t v = ((r >> 21) & 0x3ff) << 1 | ((r >> 20) & 1) << 11 | ((r >> 12) & 0xff) << 12;
    return (int32_t)v - (int32_t)((r >> 31) << 20);
}

static rv32_op decode_op(uint32_t r) {
    unsigned f3 = (r >> 12) & 7, f7 = r >> 25;
    switch (r & 0x7f) {
    case 0x37: return RV32_OP_LUI;
    case 0x17: return RV32_OP_AUIPC;
    case 0x6f: return RV32_OP_JAL;
    case 0x67: return f3 == 0 ? RV32_OP_JALR : RV32_OP_ILLEGAL;
    case 0x63: {
        static const rv32_op b[8] = {RV32_OP_BEQ, RV32_OP_BNE, RV32_OP_ILLEGAL, RV32_OP_ILLEGAL,
                                     RV32_OP_BLT, RV32_OP_BGE, RV32_OP_BLTU,    RV32_OP_BGEU};
        return b[f3];
    }
    case 0x03: {
        static const rv32_op l[8] = {RV32_OP_LB,  RV32_OP_LH,  RV32_OP_LW,      RV32_OP_ILLEGAL,
                                     RV32_OP_LBU, RV32_OP_LHU, RV32_OP_ILLEGAL, RV32_OP_ILLEGAL};
        return l[f3];
    }
    case 0x23:
        return f3 == 0 ? RV32_OP_SB : f3 == 1 ? RV32_OP_SH : f3 == 2 ? RV32_OP_SW : RV32_OP_ILLEGAL;
    case 0x13:
        switch (f3) {
        case 0: return RV32_OP_ADDI;
        case 2: return RV32_OP_SLTI;
        case 3: return RV32_OP_SLTIU;
        case 4: return RV32_OP_XORI;
        case 6: return RV32_OP_ORI;
        case 7: return RV32_OP_ANDI;
        case 1: return f7 == 0 ? RV32_OP_SLLI : RV32_OP_ILLEGAL;
        default: /* 5 */
            return f7 == 0 ? RV32_OP_SRLI : f7 == 0x20 ? RV32_OP_SRAI : RV32_OP_ILLEGAL;
        }
    case 0x33:
        if (f7 == 0) {
            static const rv32_op o[8] = {RV32_OP_ADD, RV32_OP_SLL, RV32_OP_SLT, RV32_OP_SLTU,
                                         RV32_OP_XOR, RV32_OP_SRL, RV32_OP_OR,  RV32_OP_AND};
            return o[f3];
        }
        if (f7 == 1) {
            static const rv32_op m[8] = {RV32_OP_MUL, RV32_OP_MULH, RV32_OP_MULHSU, RV32_OP_MULHU,
                                         RV32_OP_DIV, RV32_OP_DIVU, RV32_OP_REM,    RV32_OP_REMU};
            return m[f3];
        }
        if (f7 == 0x20 && f3 == 0) return RV32_OP_SUB;
        if (f7 == 0x20 && f3 == 5) return RV32_OP_SRA;
        return RV32_OP_ILLEGAL;
    case 0x0f: return f3 == 0 ? RV32_OP_FENCE : f3 == 1 ? RV32_OP_FENCE_I : RV32_OP_ILLEGAL;
    case 0x73:
        switch (f3) {
        case 0:
            switch (r) {
            case 0x00000073: return RV32_OP_ECALL;
            case 0x00100073: return RV32_OP_EBREAK;
            case 0x30200073: return RV32_OP_MRET;
            case 0x10500073: return RV32_OP_WFI;
            default: return RV32_OP_ILLEGAL;
            }
        case 1: return RV32_OP_CSRRW;
        case 2: return RV32_OP_CSRRS;
        case 3: return RV32_OP_CSRRC;
        case 5: return RV32_OP_CSRRWI;
        case 6: return RV32_OP_CSRRSI;
        case 7: return RV32_OP_CSRRCI;
        default: return RV32_OP_ILLEGAL;
        }
    default: return RV32_OP_ILLEGAL;
    }
}

void rv32_decode(uint32_t raw, rv32_dinsn *d) {
    rv32_op op = decode_op(raw);
    unsigned rd = (raw >> 7) & 0x1f;
    d->raw = raw;
    d->op = (uint8_t)op;
    d->rd = (uint8_t)(rd ? rd : RV32_REG_SINK);
    d->rs1 = (uint8_t)((raw >> 15) & 0x1f);
    d->rs2 = (uint8_t)((raw >> 20) & 0x1f);
    d->cost = 0;
    switch (raw & 0x7f) {
    case 0x37:
    case 0x17: d->imm = (int32_t)(raw & 0xfffff000u); break;
    case 0x6f: d->imm = imm_j(raw); break;
    case 0x63: d->imm = imm_b(raw); break;
    case 0x23: d->imm = imm_s(raw); break;
    case 0x73: d->imm = (int32_t)(raw >> 20); break; /* CSR number */
    default: d->imm = imm_i(raw); break;
    }
    if (op == RV32_OP_SLLI || op == RV32_OP_SRLI || op == RV32_OP_SRAI) d->imm &= 0x1f;
}
