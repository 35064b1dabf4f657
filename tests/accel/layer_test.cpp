#include "layer_test.h"

namespace hqt {

uint32_t err_code(uint32_t status) {
    return (status >> HQ_ACCEL_STATUS_ERR_SHIFT) & HQ_ACCEL_STATUS_ERR_MASK;
}

bool arch_arg(int argc, char **argv, hq::accel::Arch *arch) {
    *arch = hq::accel::Arch::LaneGroup;
    if (argc > 1 && !hq::accel::parse_arch(argv[1], arch)) {
        std::fprintf(stderr, "usage: %s [uniform8|split|lanegroup]\n", argv[0]);
        return false;
    }
    return true;
}

void sub_layer(const hq_layer &L, int c0, int c1, hq_layer *S) {
    *S = L;
    S->in.c = c1 - c0;
    S->cols = L.kind == HQ_LAYER_CONV ? L.k * L.k * S->in.c : S->in.c * S->in.h * S->in.w;
    S->q = hq_qlayer_alloc(S, L.q->lo_bits, L.q->hi_bits);
    const int taps = L.kind == HQ_LAYER_CONV ? L.k * L.k : 1;
    for (int r = 0; r < L.rows; r++) {
        for (int t = 0; t < taps; t++)
            for (int c = c0; c < c1; c++) {
                const size_t from = (size_t)r * L.cols + (size_t)t * L.in.c + c;
                const size_t to = (size_t)r * S->cols + (size_t)t * S->in.c + (c - c0);
                S->q->w[to] = L.q->w[from];
                if (L.q->is_hi) S->q->is_hi[to] = L.q->is_hi[from];
            }
        if (L.q->lo_shift) S->q->lo_shift[r] = L.q->lo_shift[r];
        S->q->w_scale[r] = L.q->w_scale[r];
        S->q->bias[r] = L.q->bias[r];
        S->q->rq_mult[r] = L.q->rq_mult[r];
        S->q->rq_shift[r] = L.q->rq_shift[r];
    }
}

void expect(Bench &b, const hq_accel_desc &d, unsigned want, const std::string &why) {
    put_desc(b, layer_map::DESC, d);
    const uint32_t st = b.run(layer_map::DESC, 1);
    if (want == HQ_ACCEL_ERR_NONE)
        CHECK(st == HQ_ACCEL_STATUS_DONE, "%s: STATUS 0x%x (%s), want done", why.c_str(), st,
              b.accel.errors().empty() ? "" : b.accel.errors().back().c_str());
    else
        CHECK((st & HQ_ACCEL_STATUS_ERROR) && err_code(st) == want,
              "%s: STATUS 0x%x, want error %u", why.c_str(), st, want);
}

} // namespace hqt
