#include "cpu_fallback.h"

#include "hq_accel_net.h"
#include "layer_ops.h"

#include <cstring>

namespace hq::accel {

namespace {

uint32_t align64(uint64_t v) {
    return (uint32_t)((v + 63) / 64 * 64);
}

template <typename T> std::vector<uint8_t> bytes_of(const T *v, size_t n) {
    std::vector<uint8_t> b(n * sizeof(T));
    std::memcpy(b.data(), v, b.size()); /* the bus and the host are little-endian */
    return b;
}

const char *kind_name(hq_layer_kind k) {
    switch (k) {
    case HQ_LAYER_DENSE: return "dense";
    case HQ_LAYER_CONV: return "conv";
    case HQ_LAYER_MAXPOOL: return "maxpool";
    case HQ_LAYER_ADD: return "add";
    case HQ_LAYER_AVGPOOL: return "avgpool";
    case HQ_LAYER_GAP: return "gap";
    }
    return "?";
}

} // namespace

Tensor cpu_regroup(const Tensor &t, int g, int li, CpuEmit &e) {
    if (t.g == g) return t;
    Tensor o = t;
    o.g = g;
    o.stride = align64(hq_shape_elems(t.shape));
    o.addr = e.take((uint64_t)o.stride * e.batch);
    CpuOp c;
    c.name = "cpu:regroup" + std::to_string(li);
    hq_cpu_op &op = c.op;
    op.kind = HQ_CPU_OP_REGROUP;
    op.before = e.before;
    op.model_layer = (uint32_t)li;
    op.in_addr = t.addr;
    op.in_stride = t.stride;
    op.out_addr = o.addr;
    op.out_stride = o.stride;
    op.in_c = op.out_c = (uint32_t)t.shape.c;
    op.in_h = op.out_h = (uint32_t)t.shape.h;
    op.in_w = op.out_w = (uint32_t)t.shape.w;
    op.in_g = (uint32_t)t.g;
    op.out_g = (uint32_t)g;
    e.ops->push_back(c);
    return o;
}

std::string emit_cpu_layer(const hq_model &m, int li, Tensor in, Tensor in2, const Tensor &out,
                           bool last, CpuEmit &e) {
    const hq_layer &L = m.layers[li];
    const std::string where = "layer " + std::to_string(li) + " (" + kind_name(L.kind) + ")";
    in = cpu_regroup(in, in.shape.c, li, e); /* the operators read plain HWC */
    CpuOp c;
    hq_cpu_op &op = c.op;
    op.before = e.before;
    op.model_layer = (uint32_t)li;
    op.in_addr = in.addr;
    op.in_stride = in.stride;
    op.out_addr = out.addr;
    op.out_stride = out.stride;
    op.in_c = (uint32_t)L.in.c;
    op.in_h = (uint32_t)L.in.h;
    op.in_w = (uint32_t)L.in.w;
    op.out_c = (uint32_t)L.out.c;
    op.out_h = (uint32_t)L.out.h;
    op.out_w = (uint32_t)L.out.w;
    op.in_g = op.out_g = 0;
    const int src = hq_layer_src(&m, li);
    if (hq_act_signed(&m, src)) op.flags |= HQ_CPU_FLAG_SIGNED;
    int lo = 0, hi = 255;
    if (!last && (L.kind == HQ_LAYER_DENSE || L.kind == HQ_LAYER_CONV || L.kind == HQ_LAYER_ADD))
        hq_act_clamp(&L, &lo, &hi);
    op.lo = lo;
    op.hi = hi;
    c.name = std::string("cpu:") + kind_name(L.kind) + std::to_string(li);
    switch (L.kind) {
    case HQ_LAYER_DENSE:
    case HQ_LAYER_CONV: {
        if (!L.q) return where + ": not quantized";
        const bool dense = L.kind == HQ_LAYER_DENSE;
        op.kind = HQ_CPU_OP_CONV;
        if (dense) { /* a 1 x 1 conv on the flattened HWC input */
            op.in_c = (uint32_t)L.cols;
            op.in_h = op.in_w = op.out_h = op.out_w = 1;
            op.out_c = (uint32_t)L.rows;
        }
        op.kh = op.kw = dense ? 1 : (uint32_t)L.k;
        op.stride = dense ? 1 : (uint32_t)L.stride;
        op.pad = dense ? 0 : (uint32_t)L.pad;
        op.groups = dense ? 1 : (uint32_t)hq_layer_groups(&L);
        if (last) op.flags |= HQ_CPU_FLAG_LOGITS;
        const size_t n = (size_t)L.rows * L.cols;
        op.weight_addr = e.take(n);
        e.put(op.weight_addr, bytes_of(L.q->w, n));
        op.bias_addr = e.take((uint64_t)L.rows * 4);
        e.put(op.bias_addr, bytes_of(L.q->bias, (size_t)L.rows));
        if (!last) {
            op.mult_addr = e.take((uint64_t)L.rows * 4);
            e.put(op.mult_addr, bytes_of(L.q->rq_mult, (size_t)L.rows));
            op.shift_addr = e.take((uint64_t)L.rows);
            e.put(op.shift_addr, bytes_of(L.q->rq_shift, (size_t)L.rows));
        }
        if (op.groups > 1) c.name += op.groups == (uint32_t)L.in.c ? "/dw" : "/grouped";
        break;
    }
    case HQ_LAYER_MAXPOOL:
    case HQ_LAYER_AVGPOOL:
    case HQ_LAYER_GAP: {
        const bool gap = L.kind == HQ_LAYER_GAP;
        op.kind = HQ_CPU_OP_POOL;
        op.kh = gap ? (uint32_t)L.in.h : (uint32_t)L.k;
        op.kw = gap ? (uint32_t)L.in.w : (uint32_t)L.k;
        op.stride = gap ? 1 : (uint32_t)L.stride;
        op.pad = gap ? 0 : (uint32_t)L.pad;
        if (L.kind != HQ_LAYER_MAXPOOL) op.flags |= HQ_CPU_FLAG_AVG;
        if (L.kind == HQ_LAYER_AVGPOOL && L.count_pad) op.flags |= HQ_CPU_FLAG_COUNT_PAD;
        break;
    }
    case HQ_LAYER_ADD: {
        op.kind = HQ_CPU_OP_ADD;
        const int src2 = L.src2 - 1;
        in2 = cpu_regroup(in2, in2.shape.c, li, e);
        op.in2_addr = in2.addr;
        op.in2_stride = in2.stride;
        if (hq_act_signed(&m, src2)) op.flags |= HQ_CPU_FLAG_SIGNED2;
        /* the reference's multipliers (sw/lib/reference.c, prepare_graph) */
        const float sb = src2 >= 0 ? m.layers[src2].out_act_scale : 1.0f / 255.0f;
        int shift = 0;
        if (hq_add_params(L.in_act_scale, sb, L.out_act_scale, &op.mult_a, &op.mult_b, &shift))
            return where + ": the operand scales give no representable multipliers";
        op.shift = shift;
        break;
    }
    }
    e.ops->push_back(c);
    return "";
}

std::string cpu_op_table_error(int exit_code, uint32_t op, uint32_t value,
                               const std::vector<CpuOp> &ops) {
    if (exit_code != HQ_ACCEL_EXIT_CPU_OP_KIND && exit_code != HQ_ACCEL_EXIT_CPU_OP_ORDER)
        return "";
    const std::string name = op < ops.size() ? " (" + ops[op].name + ")" : "";
    const std::string what = exit_code == HQ_ACCEL_EXIT_CPU_OP_KIND
                                 ? "has the unknown kind " + std::to_string(value) +
                                       " (known: " + std::to_string(HQ_CPU_OP_CONV) + " conv, " +
                                       std::to_string(HQ_CPU_OP_POOL) + " pool, " +
                                       std::to_string(HQ_CPU_OP_ADD) + " add, " +
                                       std::to_string(HQ_CPU_OP_REGROUP) + " regroup)"
                                 : "runs before descriptor " + std::to_string(value) +
                                       ", out of the table's descriptor order";
    return "the firmware refused the CPU fallback's op table (status " + std::to_string(exit_code) +
           "): op " + std::to_string(op) + " of " + std::to_string(ops.size()) + name + " " + what;
}

} // namespace hq::accel
