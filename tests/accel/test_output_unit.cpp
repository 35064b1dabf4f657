/* Issue 16 (perf19): the output unit's finish_accumulators (model/accel/output_unit.cpp)
 * against hq_requant_clamp element by element: row counts across its parameter chunks (1, 16,
 * 255, 256, 257, 700), one and several vectors, a row tile inside a wider layer (r0 > 0), the
 * three output modes, extreme accumulators, biases that wrap and every shift 0..62. */
#include "accel_test.h"

#include "accel/output_unit.h"
#include "hq_arith.h"

#include <cstdint>
#include <random>
#include <vector>

using namespace hq::accel;

static void check_case(std::mt19937 &rng, unsigned n_vec, unsigned r0, unsigned nr,
                       OutputMode mode) {
    const unsigned rows = r0 + nr + 3;
    std::vector<RowParams> p(rows);
    for (unsigned r = 0; r < rows; r++) {
        p[r].bias = (int32_t)rng();
        p[r].rq_mult = (int32_t)(rng() & 0x7fffffff);
        p[r].rq_shift = (uint8_t)(rng() % (HQ_RQ_MAX_SHIFT + 1));
    }
    std::vector<int32_t> acc((size_t)n_vec * nr);
    for (auto &a : acc) {
        const unsigned k = rng() % 4;
        a = k == 0 ? INT32_MIN : k == 1 ? INT32_MAX : (int32_t)rng();
    }
    std::vector<uint8_t> u8((size_t)n_vec * rows, 0xA5);
    std::vector<int32_t> i32((size_t)n_vec * rows, 0x5A5A);
    finish_accumulators(acc.data(), n_vec, r0, nr, rows, p.data(), mode, u8.data(), i32.data());
    const int lo = mode.kind == OutputMode::Signed ? -128 : 0,
              hi = mode.kind == OutputMode::Signed ? 127 : mode.clamp_hi;
    size_t bad = 0, touched = 0;
    for (unsigned v = 0; v < n_vec; v++)
        for (unsigned r = 0; r < rows; r++) {
            const size_t o = (size_t)v * rows + r;
            const bool in = r >= r0 && r < r0 + nr;
            if (!in) { /* rows outside the tile are left alone */
                touched += u8[o] != 0xA5 || i32[o] != 0x5A5A;
                continue;
            }
            const int32_t a =
                (int32_t)((uint32_t)acc[(size_t)v * nr + r - r0] + (uint32_t)p[r].bias);
            if (mode.kind == OutputMode::Int32)
                bad += i32[o] != a;
            else
                bad += u8[o] != (uint8_t)hq_requant_clamp(a, p[r].rq_mult, p[r].rq_shift, lo, hi);
        }
    CHECK(bad == 0 && touched == 0, "n_vec %u r0 %u nr %u mode %d: %zu wrong, %zu outside touched",
          n_vec, r0, nr, (int)mode.kind, bad, touched);
}

int sc_main(int, char *[]) {
    std::mt19937 rng(19);
    const OutputMode modes[] = {OutputMode{OutputMode::Relu, 255}, OutputMode{OutputMode::Relu, 6},
                                OutputMode{OutputMode::Signed, 127}, OutputMode{}};
    for (const OutputMode &m : modes)
        for (unsigned n_vec : {1u, 3u})
            for (unsigned nr : {1u, 16u, 255u, 256u, 257u, 700u})
                for (unsigned r0 : {0u, 16u})
                    check_case(rng, n_vec, r0, nr, m);
    return hqt::finish("test_output_unit");
}
