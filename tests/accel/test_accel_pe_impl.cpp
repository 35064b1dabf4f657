/* Issue 12: the PE implementation (the C++ model or the Verilated RTL tile of the RTL bridge) is
 * a field of the accelerator configuration, not a process-wide switch: arrays made in one
 * process from two configurations each follow their own. */
#include "accel_test.h"

#include "accel/pe_array.h"
#include "accel/pe_gemm.h"
#include "accel/prepared_weights.h"
#include "rtl_bridge/rtl_pe_array.h"

#include <cstring>
#include <stdexcept>

using namespace hq::accel;

/* A row tile of 2 rows x 16 columns; lo_bits 0 makes it a uniform layer. */
static PreparedWeights weights(unsigned lo_bits) {
    PreparedWeights w;
    w.rows = 2;
    w.cols = 16;
    w.kp = kPeGemmPad;
    w.lo_bits = lo_bits;
    w.w.assign(2 * w.kp, 0);
    for (size_t i = 0; i < 2 * 16; i++)
        w.w[i / 16 * w.kp + i % 16] = int8_t((int)(i * 7 % 23) - 11);
    if (lo_bits) w.set_high_flags(std::vector<uint8_t>(2 * 16, 1));
    w.lo_shift.assign(2, 0);
    w.nbeats = 1;
    w.row_cost.assign(2, 1);
    return w;
}

/* "" or the message compute() threw. */
static std::string compute_error(const PeArray &a, const PreparedWeights &w, int32_t *acc) {
    uint8_t acts[kPeGemmPad] = {};
    for (int j = 0; j < 16; j++)
        acts[j] = uint8_t(j * 5 % 17);
    try {
        a.compute(w, acts, 1, 0, 2, acc);
    } catch (const std::exception &e) {
        return e.what();
    }
    return "";
}

int sc_main(int, char *[]) {
    AccelConfig model_cfg, rtl_cfg;
    rtl_cfg.pe_impl = PeImpl::Rtl;
    CHECK(model_cfg.pe_impl == PeImpl::Model, "the default is the model");

    PeImpl p = PeImpl::Model;
    CHECK(parse_pe_impl("rtl", &p) && p == PeImpl::Rtl, "parse rtl");
    CHECK(parse_pe_impl("model", &p) && p == PeImpl::Model, "parse model");
    CHECK(!parse_pe_impl("verilog", &p), "an unknown name is refused");
    CHECK(!std::strcmp(pe_impl_name(PeImpl::Rtl), "rtl"), "name of Rtl");

    if (!rtl_pe_available()) { /* no Verilated tile: an RTL config cannot make its array */
        std::string e;
        try {
            make_pe_array(rtl_cfg);
        } catch (const std::exception &x) {
            e = x.what();
        }
        CHECK(e.find("without the Verilated PE tile") != std::string::npos, "got '%s'", e.c_str());
        CHECK(make_pe_array(model_cfg) != nullptr, "the model array");
        return hqt::finish("test_accel_pe_impl");
    }

    /* Both arrays in one process, the RTL one made first: each follows its own config. */
    const auto rtl = make_pe_array(rtl_cfg);
    const auto model = make_pe_array(model_cfg);
    int32_t acc_m[2] = {0, 0}, acc_r[2] = {0, 0};

    /* A uniform layer: the RTL array runs it on the model's uniform path and counts its rows;
     * the model array counts nothing. */
    const PreparedWeights u = weights(0);
    const uint64_t before = rtl_pe_counters().uniform_rows;
    CHECK(compute_error(*model, u, acc_m).empty(), "model array, uniform layer");
    CHECK(rtl_pe_counters().uniform_rows == before, "the model array counted RTL rows");
    CHECK(compute_error(*rtl, u, acc_r).empty(), "RTL array, uniform layer");
    CHECK(rtl_pe_counters().uniform_rows == before + 2, "uniform rows %llu, wanted %llu",
          (unsigned long long)rtl_pe_counters().uniform_rows, (unsigned long long)before + 2);
    CHECK(acc_m[0] == acc_r[0] && acc_m[1] == acc_r[1], "same products");

    /* A heterogeneous layer goes to the RTL tile, which needs a selected configuration
     * (rtl_pe_select); the model array computes it. */
    const PreparedWeights h = weights(2);
    const std::string e = compute_error(*rtl, h, acc_r);
    CHECK(e.find("no RTL tile configuration selected") != std::string::npos, "got '%s'", e.c_str());
    CHECK(compute_error(*model, h, acc_m).empty(), "model array, heterogeneous layer");
    return hqt::finish("test_accel_pe_impl");
}
