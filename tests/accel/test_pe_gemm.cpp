/* Issue 16: the PE array model's int8 kernel (model/accel/pe_gemm.h) against a plain
 * modulo-2^32 dot product, on the dispatched path (AVX512-VNNI where the CPU has it), the AVX2
 * one (where the CPU has AVX2, whichever path it dispatches to) and the portable one: extreme
 * operands (255 x -128), every vector count 0..9 and row count 0..9, 16, 17 (the four-vector x
 * four-row blocks and every kind of rest), K of none to many 64-byte vectors, and sums past int32
 * that must wrap as the hardware's accumulators do. The PE array's compute (one plane of effective
 * weights for the merged low and high partial sums) is checked against the reference by
 * test_accel_arrays. */
#include "accel_test.h"

#include "accel/pe_gemm.h"

#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

using namespace hq::accel;

static int32_t plain(const uint8_t *a, const int8_t *w, unsigned kp) {
    uint32_t s = 0;
    for (unsigned k = 0; k < kp; k++)
        s += (uint32_t)((int32_t)a[k] * (int32_t)w[k]);
    return (int32_t)s;
}

/* n vectors x rows rows over kp; extreme: operands at the ends of their ranges */
static void check_case(std::mt19937 &rng, unsigned n, unsigned rows, unsigned kp, bool extreme) {
    std::vector<uint8_t> a((size_t)n * kp);
    std::vector<int8_t> w((size_t)rows * kp);
    for (auto &x : a)
        x = extreme ? (rng() % 2 ? 255 : 0) : (uint8_t)rng();
    for (auto &x : w)
        x = extreme ? (rng() % 8 ? -128 : 127) : (int8_t)rng();
    std::vector<int32_t> got((size_t)n * rows, 7), port((size_t)n * rows, 7),
        avx2((size_t)n * rows, 7);
    pe_gemm_u8s8(a.data(), n, w.data(), rows, kp, got.data());
    pe_gemm_u8s8_portable(a.data(), n, w.data(), rows, kp, port.data());
    const bool have_avx2 = pe_gemm_u8s8_avx2(a.data(), n, w.data(), rows, kp, avx2.data());
    size_t bad = 0;
    for (unsigned v = 0; v < n; v++)
        for (unsigned r = 0; r < rows; r++) {
            /* data() + offset: with kp 0 the vectors are empty, and a[0] would be UB */
            const int32_t want = plain(a.data() + (size_t)v * kp, w.data() + (size_t)r * kp, kp);
            const size_t i = (size_t)v * rows + r;
            bad += got[i] != want || port[i] != want || (have_avx2 && avx2[i] != want);
        }
    CHECK(bad == 0, "n %u rows %u kp %u extreme %d: %zu of %zu sums differ", n, rows, kp,
          (int)extreme, bad, got.size());
}

int sc_main(int, char *[]) {
    std::mt19937 rng(16);
    for (unsigned n = 0; n <= 9; n++)
        for (unsigned rows : {0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 16u, 17u})
            for (unsigned kp : {0u, 64u, 128u, 192u, 3072u}) {
                check_case(rng, n, rows, kp, false);
                check_case(rng, n, rows, kp, true);
            }
    /* 255 * -128 * 2^16 / 64... : K = 2^17 drives the sums past -2^31, where they wrap */
    check_case(rng, 2, 2, 1u << 17, true);
    check_case(rng, 4, 4, 1u << 17, true); /* the same through the four-by-four block */
    check_case(rng, 1, 4, 1u << 17, true); /* and the four-row matrix-vector block */
    std::vector<int32_t> probe(1);
    std::printf("test_pe_gemm: AVX2 kernel %s\n",
                pe_gemm_u8s8_avx2(nullptr, 0, nullptr, 0, 0, probe.data())
                    ? "checked"
                    : "not checked (no AVX2 on this CPU or compiler)");
    return hqt::finish("test_pe_gemm");
}
