/* The pre-check of `hqsim run --accel-impl rtl` (model/rtl_bridge/rtl_accel_check.cpp, which
 * asks the Verilated RTL itself) and the signed modes of docs/regmap.md: every built-in RTL
 * configuration must accept a dense layer with int8 inputs (FLAG_SIGNED_IN), int8 outputs
 * (FLAG_SIGNED_OUT) or the ReLU's upper clamp (CLAMP_HI), and refuse SIGNED_OUT with RELU and
 * CLAMP_HI without RELU with ERR_BAD_DESC. Exit 0 when every case holds, 1 otherwise. */
#include "rtl_bridge/rtl_accel_check.h"

extern "C" {
#include "layout/layout.h"
}

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr uint32_t kIn = 0x1000, kOut = 0x2000, kParams = 0x3000, kWeights = 0x4000;
constexpr int kRows = 8, kCols = 100;

struct Case {
    const char *name;
    uint8_t flags, clamp_hi;
    bool accepted;
};

/* A dense layer in the configuration's own weight format: int8 (uniform8) or 2-bit low codes
 * (the lane-group array's `dense`); the layer image bytes. */
std::vector<uint8_t> layer_image(bool uniform) {
    std::vector<int8_t> w((size_t)kRows * kCols);
    std::vector<uint8_t> is_hi(w.size(), 0), shift(kRows, 1);
    for (size_t i = 0; i < w.size(); i++)
        w[i] = (int8_t)(uniform ? (int)(i % 15) - 7 : ((int)(i % 3) - 1) * 2);
    std::vector<float> scale(kRows, 1.0f);
    std::vector<int32_t> zero(kRows, 0), one(kRows, 1);
    std::vector<uint8_t> zshift(kRows, 0);
    hq_qlayer q{};
    q.lo_bits = uniform ? 0 : 2;
    q.hi_bits = 8;
    q.w = w.data();
    q.is_hi = uniform ? nullptr : is_hi.data();
    q.lo_shift = uniform ? nullptr : shift.data();
    q.w_scale = scale.data();
    q.bias = zero.data();
    q.rq_mult = one.data();
    q.rq_shift = zshift.data();
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_DENSE);
    hq_layer_image img;
    char err[256];
    if (hq_layout_pack(&q, kRows, kCols, &o, &img, err, sizeof err)) {
        std::fprintf(stderr, "pack: %s\n", err);
        return {};
    }
    std::vector<uint8_t> out(img.data, img.data + img.size);
    hq_layer_image_free(&img);
    return out;
}

} // namespace

int main() {
    const Case cases[] = {
        {"SIGNED_IN with RELU and CLAMP_HI 6", HQ_ACCEL_FLAG_SIGNED_IN | HQ_ACCEL_FLAG_RELU, 6,
         true},
        {"SIGNED_OUT", HQ_ACCEL_FLAG_SIGNED_OUT, 0, true},
        {"SIGNED_IN with SIGNED_OUT", HQ_ACCEL_FLAG_SIGNED_IN | HQ_ACCEL_FLAG_SIGNED_OUT, 0, true},
        {"SIGNED_IN, int32 logits", HQ_ACCEL_FLAG_SIGNED_IN | HQ_ACCEL_FLAG_LAST, 0, true},
        {"SIGNED_OUT with RELU", HQ_ACCEL_FLAG_SIGNED_OUT | HQ_ACCEL_FLAG_RELU, 0, false},
        {"CLAMP_HI without RELU", HQ_ACCEL_FLAG_LAST, 6, false},
    };
    const auto &configs = hq::rtl::accel_core_configs();
    if (configs.empty()) {
        std::fprintf(stderr, "no Verilated accelerator configuration is built in\n");
        return 1;
    }
    int failures = 0;
    std::vector<uint8_t> in(kCols, 0x80), params((size_t)kRows * 12, 0);
    for (int r = 0; r < kRows; r++) {
        params[(size_t)r * 12 + 7] = 0x40; /* rq_mult 2^30 */
        params[(size_t)r * 12 + 8] = 31;   /* rq_shift */
    }
    for (const hq::rtl::AccelCoreConfig &c : configs) {
        const std::vector<uint8_t> w = layer_image(c.uniform);
        if (w.empty()) return 1;
        const std::vector<hq::accel::RtlCheckSegment> dram = {
            {kIn, in.data(), in.size()},
            {kParams, params.data(), params.size()},
            {kWeights, w.data(), w.size()}};
        for (const Case &k : cases) {
            hq_accel_desc d{};
            d.magic = HQ_ACCEL_DESC_MAGIC;
            d.op = HQ_ACCEL_OP_DENSE;
            d.layout = w[0];
            d.flags = k.flags;
            d.lo_bits = w[1];
            d.hi_bits = w[2];
            d.clamp_hi = k.clamp_hi;
            d.rows = d.out_c = kRows;
            d.cols = d.in_c = kCols;
            d.in_h = d.in_w = d.out_h = d.out_w = 1;
            d.in_addr = kIn;
            d.out_addr = kOut;
            d.weight_addr = kWeights;
            d.weight_bytes = (uint32_t)w.size();
            d.param_addr = kParams;
            d.batch = 1;
            const std::string why = hq::accel::rtl_accel_check(c, {d}, {"dense0"}, dram);
            const bool ok =
                k.accepted ? why.empty() : why.find("ERR_BAD_DESC") != std::string::npos;
            std::printf("%-10s %-36s %s%s%s\n", c.name, k.name, ok ? "ok" : "WRONG",
                        why.empty() ? "" : ": ", why.c_str());
            failures += !ok;
        }
    }
    return failures ? 1 : 0;
}
