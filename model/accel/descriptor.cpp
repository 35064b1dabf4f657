#include "accel/descriptor.h"

#include <cstring>

namespace hq::accel {

static uint32_t get(const uint8_t *b, unsigned off, unsigned n) {
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint32_t)b[off + i] << (8 * i);
    return v;
}

static void put(uint8_t *b, unsigned off, unsigned n, uint32_t v) {
    for (unsigned i = 0; i < n; i++)
        b[off + i] = (uint8_t)(v >> (8 * i));
}

/* One table drives both directions so they cannot disagree. */
// clang-format off
#define HQ_DESC_FIELDS(X)                                                                          \
    X(magic, MAGIC, 4) X(op, OP, 1) X(layout, LAYOUT, 1) X(flags, FLAGS, 1) X(lo_bits, LO_BITS, 1)  \
    X(hi_bits, HI_BITS, 1) X(block_n, BLOCK_N, 1) X(block_m, BLOCK_M, 1) X(pool, POOL, 1)           \
    X(rows, ROWS, 2) X(cols, COLS, 2) X(in_h, IN_H, 2) X(in_w, IN_W, 2) X(in_c, IN_C, 2)            \
    X(out_h, OUT_H, 2) X(out_w, OUT_W, 2) X(out_c, OUT_C, 2) X(kernel, KERNEL, 1)                  \
    X(stride, STRIDE, 1) X(pad, PAD, 1) X(clamp_hi, CLAMP_HI, 1) X(in_addr, IN_ADDR, 4)           \
    X(out_addr, OUT_ADDR, 4) X(weight_addr, WEIGHT_ADDR, 4) X(weight_bytes, WEIGHT_BYTES, 4)        \
    X(param_addr, PARAM_ADDR, 4) X(batch, BATCH, 4) X(in_stride, IN_STRIDE, 4)                      \
    X(out_stride, OUT_STRIDE, 4)
// clang-format on

hq_accel_desc desc_from_bytes(const uint8_t *b) {
    hq_accel_desc d;
#define X(f, F, n) d.f = (decltype(d.f))get(b, HQ_ACCEL_DESC_OFF_##F, n);
    HQ_DESC_FIELDS(X)
#undef X
    return d;
}

void desc_to_bytes(const hq_accel_desc &d, uint8_t *b) {
    std::memset(b, 0, HQ_ACCEL_DESC_BYTES);
#define X(f, F, n) put(b, HQ_ACCEL_DESC_OFF_##F, n, d.f);
    HQ_DESC_FIELDS(X)
#undef X
}

static DescCheck bad(unsigned code, std::string msg) {
    return DescCheck{code, std::move(msg)};
}

static std::string s(uint64_t v) {
    return std::to_string(v);
}

DescCheck check_descriptor(const hq_accel_desc &d, const AccelConfig &cfg, LayerDesc *out) {
    out->raw = d;
    if (d.magic != HQ_ACCEL_DESC_MAGIC)
        return bad(HQ_ACCEL_ERR_BAD_DESC, "bad descriptor magic " + s(d.magic));
    if (d.op < HQ_ACCEL_OP_DENSE || d.op > HQ_ACCEL_OP_MAXPOOL)
        return bad(HQ_ACCEL_ERR_BAD_DESC, "unknown operation " + s(d.op));
    if (d.flags &
        ~(HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_LAST | HQ_ACCEL_FLAG_PSUM_IN | HQ_ACCEL_FLAG_PSUM_OUT |
          HQ_ACCEL_FLAG_NO_PAD_TOP | HQ_ACCEL_FLAG_NO_PAD_BOTTOM | HQ_ACCEL_FLAG_SIGNED_IN |
          HQ_ACCEL_FLAG_SIGNED_OUT))
        return bad(HQ_ACCEL_ERR_BAD_DESC, "unknown flag bits " + s(d.flags));
    if ((d.flags & HQ_ACCEL_FLAG_SIGNED_IN) && d.op == HQ_ACCEL_OP_MAXPOOL)
        return bad(HQ_ACCEL_ERR_BAD_DESC, "maxpool works on uint8 activations (FLAG_SIGNED_IN)");
    if ((d.flags & HQ_ACCEL_FLAG_SIGNED_OUT) &&
        (d.flags & (HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_PSUM_OUT) || d.pool > 1))
        return bad(HQ_ACCEL_ERR_BAD_DESC,
                   "FLAG_SIGNED_OUT (int8 outputs without ReLU): FLAG_RELU, FLAG_PSUM_OUT and "
                   "POOL must be clear");
    /* a max-pool (FLAG_RELU always) does not requantize: CLAMP_HI is ignored there */
    if (d.clamp_hi && !(d.flags & HQ_ACCEL_FLAG_RELU))
        return bad(HQ_ACCEL_ERR_BAD_DESC, "CLAMP_HI " + s(d.clamp_hi) +
                                              " (the ReLU's upper clamp) must be 0 without "
                                              "FLAG_RELU");
    if (d.flags & (HQ_ACCEL_FLAG_PSUM_IN | HQ_ACCEL_FLAG_PSUM_OUT)) {
        if (d.op == HQ_ACCEL_OP_MAXPOOL)
            return bad(HQ_ACCEL_ERR_BAD_DESC, "maxpool has no partial sums (FLAG_PSUM_IN/OUT)");
        if ((d.flags & HQ_ACCEL_FLAG_PSUM_OUT) &&
            (d.flags & (HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_LAST) || d.pool > 1))
            return bad(HQ_ACCEL_ERR_BAD_DESC,
                       "FLAG_PSUM_OUT (a K chunk before the last) writes int32 partial sums: "
                       "FLAG_RELU, FLAG_LAST and POOL must be clear");
    }
    if ((d.flags & (HQ_ACCEL_FLAG_NO_PAD_TOP | HQ_ACCEL_FLAG_NO_PAD_BOTTOM)) &&
        d.op != HQ_ACCEL_OP_CONV)
        return bad(HQ_ACCEL_ERR_BAD_DESC, "FLAG_NO_PAD_TOP/BOTTOM apply to a convolution only");
    if (d.batch < 1 || d.batch > 1u << 20)
        return bad(HQ_ACCEL_ERR_BAD_DESC, "batch must be in [1, 2^20], got " + s(d.batch));
    if (!d.in_h || !d.in_w || !d.in_c || !d.out_h || !d.out_w || !d.out_c)
        return bad(HQ_ACCEL_ERR_BAD_SHAPE, "a shape dimension is 0");
    out->in_bytes = (uint32_t)d.in_h * d.in_w * d.in_c;
    const unsigned pool = out->pool();
    if (d.op == HQ_ACCEL_OP_MAXPOOL) {
        if (pool < 2) return bad(HQ_ACCEL_ERR_BAD_DESC, "maxpool needs POOL >= 2");
        if (d.out_c != d.in_c || d.out_h != d.in_h / pool || d.out_w != d.in_w / pool)
            return bad(HQ_ACCEL_ERR_BAD_SHAPE, "maxpool output shape does not match input / POOL");
        if (!(d.flags & HQ_ACCEL_FLAG_RELU))
            return bad(HQ_ACCEL_ERR_BAD_DESC, "maxpool works on uint8 activations (set FLAG_RELU)");
        out->conv_h = d.in_h;
        out->conv_w = d.in_w;
        out->out_bytes = (uint32_t)d.out_h * d.out_w * d.out_c;
    } else {
        if (d.rows != d.out_c)
            return bad(HQ_ACCEL_ERR_BAD_SHAPE, "ROWS " + s(d.rows) + " != OUT_C " + s(d.out_c));
        if (d.op == HQ_ACCEL_OP_DENSE) {
            if (d.cols != out->in_bytes)
                return bad(HQ_ACCEL_ERR_BAD_SHAPE,
                           "dense COLS " + s(d.cols) + " != IN_H*IN_W*IN_C " + s(out->in_bytes));
            if (d.out_h != 1 || d.out_w != 1 || pool != 1)
                return bad(HQ_ACCEL_ERR_BAD_SHAPE, "dense output must be 1 x 1, no pooling");
            out->conv_h = out->conv_w = 1;
        } else {
            if (!d.kernel || !d.stride)
                return bad(HQ_ACCEL_ERR_BAD_SHAPE, "conv KERNEL and STRIDE must be >= 1");
            if (d.cols != (uint32_t)d.kernel * d.kernel * d.in_c)
                return bad(HQ_ACCEL_ERR_BAD_SHAPE, "conv COLS " + s(d.cols) +
                                                       " != KERNEL^2 * IN_C " +
                                                       s((uint32_t)d.kernel * d.kernel * d.in_c));
            if (d.pad >= d.kernel) return bad(HQ_ACCEL_ERR_BAD_SHAPE, "conv PAD must be < KERNEL");
            int ph = (int)d.in_h + (int)(out->pad_top() + out->pad_bottom()) - d.kernel,
                pw = (int)d.in_w + 2 * d.pad - d.kernel;
            if (ph < 0 || pw < 0)
                return bad(HQ_ACCEL_ERR_BAD_SHAPE, "conv kernel larger than the padded input");
            out->conv_h = ph / d.stride + 1;
            out->conv_w = pw / d.stride + 1;
            if (d.out_h != out->conv_h / pool || d.out_w != out->conv_w / pool)
                return bad(HQ_ACCEL_ERR_BAD_SHAPE, "conv output " + s(d.out_h) + "x" + s(d.out_w) +
                                                       " != " + s(out->conv_h / pool) + "x" +
                                                       s(out->conv_w / pool) +
                                                       " (conv output / POOL)");
        }
        if (!out->byte_out() && !out->psum_out() && (d.op != HQ_ACCEL_OP_DENSE))
            return bad(HQ_ACCEL_ERR_BAD_DESC, "only a dense layer may keep int32 outputs (no "
                                              "FLAG_RELU or FLAG_SIGNED_OUT)");
        if (d.layout >= kLayoutCount)
            return bad(HQ_ACCEL_ERR_BAD_DESC, "unknown weight layout " + s(d.layout));
        if (!(cfg.supported_layouts() >> d.layout & 1))
            return bad(HQ_ACCEL_ERR_LAYOUT, std::string("layout ") + layout_name(d.layout) +
                                                " is not supported by the " + arch_name(cfg.arch) +
                                                " array");
        if (d.hi_bits != 4 && d.hi_bits != 8)
            return bad(HQ_ACCEL_ERR_BAD_DESC, "HI_BITS must be 4 or 8, got " + s(d.hi_bits));
        if (d.lo_bits > 4 || (d.layout != HQ_ACCEL_LAYOUT_DENSE && d.lo_bits == 0) ||
            (d.lo_bits && d.lo_bits >= d.hi_bits))
            return bad(HQ_ACCEL_ERR_BAD_DESC, "LO_BITS " + s(d.lo_bits) + " invalid for layout " +
                                                  layout_name(d.layout) + " and HI_BITS " +
                                                  s(d.hi_bits));
        if (d.weight_bytes < 16 || d.weight_bytes % 16)
            return bad(HQ_ACCEL_ERR_WEIGHTS, "WEIGHT_BYTES " + s(d.weight_bytes) +
                                                 " is not a layer image size (multiple of 16)");
        out->out_bytes = (uint32_t)d.out_h * d.out_w * d.out_c * (out->byte_out() ? 1 : 4);
        if (out->psum_out()) out->out_bytes = out->psum_bytes(); /* pool is 1: the same */
    }
    if (d.batch > 1 &&
        (d.in_stride < out->in_bytes || (!out->psum_out() && d.out_stride < out->out_bytes)))
        return bad(HQ_ACCEL_ERR_BAD_DESC, "IN_STRIDE/OUT_STRIDE smaller than one image");
    return DescCheck{};
}

} // namespace hq::accel
