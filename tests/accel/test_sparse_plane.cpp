/* Issue 16: a weight plane stored without its all-zero blocks of kSparseBlock weights
 * (model/accel/sparse_plane.h) gives pe_gemm's product exactly: planes with no, one, some and
 * all blocks of a row zero, rows entirely zero, the last block of K partly padding (cols not a
 * multiple of the block), the block-diagonal plane of a depthwise conv's channel group, every
 * vector count 0..9 (the four-vector blocks and the rest; the dispatched path, AVX512-VNNI where
 * the CPU has it, and the baseline one), row ranges of the plane, extreme operands whose sums
 * wrap past int32. Also: the rows expand to the dense ones, a sparse plane
 * compares equal to its dense form, and prepare_weights stores the depthwise plane sparse (and
 * a dense one dense), the PE array's product unchanged. */
#include "accel_test.h"

#include "accel/pe_array.h"
#include "accel/pe_gemm.h"
#include "accel/prepared_weights.h"
#include "accel/sparse_plane.h"

#include <cstring>
#include <random>
#include <vector>

using namespace hq::accel;

/* rows x kp, columns >= cols zero (the K padding); pattern: 0 dense, 1 one zero block per
 * row, 2 every other block zero, 3 all zero, 4 block-diagonal (row r: column t*g + r % g),
 * 5 random blocks zero, some rows all zero */
static std::vector<int8_t> plane(std::mt19937 &rng, unsigned rows, unsigned cols, unsigned kp,
                                 int pattern, bool extreme) {
    std::vector<int8_t> w((size_t)rows * kp, 0);
    const unsigned nb = kp / kSparseBlock, g = 64;
    for (unsigned r = 0; r < rows; r++) {
        const bool row_zero = pattern == 5 && rng() % 4 == 0;
        for (unsigned c = 0; c < cols; c++) {
            const unsigned b = c / kSparseBlock;
            bool zero = false;
            switch (pattern) {
            case 1: zero = b == r % nb; break;
            case 2: zero = b % 2 == 1; break;
            case 3: zero = true; break;
            case 4: zero = c % g != r % g; break;
            case 5: zero = row_zero || (b * 7 + r) % 3 != 0; break;
            default: break;
            }
            if (zero) continue;
            int8_t v = extreme ? (rng() % 8 ? -128 : 127) : (int8_t)rng();
            if (!extreme && pattern == 4 && v == 0) v = 1;
            w[(size_t)r * kp + c] = v;
        }
    }
    return w;
}

static void check_case(std::mt19937 &rng, unsigned rows, unsigned cols, unsigned kp, int pattern,
                       bool extreme) {
    const std::vector<int8_t> w = plane(rng, rows, cols, kp, pattern, extreme);
    SparsePlane sp;
    CHECK(SparsePlane::make(w.data(), rows, kp, &sp, true), "make rows %u kp %u", rows, kp);
    std::vector<int8_t> row(kp);
    for (unsigned r = 0; r < rows; r++) {
        sp.expand_row(r, row.data());
        CHECK(std::memcmp(row.data(), &w[(size_t)r * kp], kp) == 0, "row %u of pattern %d", r,
              pattern);
    }
    for (unsigned n = 0; n <= 9; n++) {
        std::vector<uint8_t> a((size_t)n * kp);
        for (auto &x : a)
            x = extreme ? (rng() % 2 ? 255 : 0) : (uint8_t)rng();
        /* the whole plane, and a range of rows inside it */
        const unsigned r0 = rows > 2 ? 1 : 0, nr = rows > 2 ? rows - 2 : rows;
        for (auto [from, count] : {std::pair<unsigned, unsigned>{0, rows}, {r0, nr}}) {
            std::vector<int32_t> dense((size_t)n * count + 1, 7), got((size_t)n * count + 1, 7);
            pe_gemm_u8s8_portable(a.data(), n, w.data() + (size_t)from * kp, count, kp,
                                  dense.data());
            sp.gemm(a.data(), n, from, count, got.data());
            CHECK(dense == got, "pattern %d rows %u cols %u kp %u n %u rows [%u, +%u)%s", pattern,
                  rows, cols, kp, n, from, count, extreme ? " extreme" : "");
            std::vector<int32_t> base((size_t)n * count + 1, 7);
            sp.gemm_baseline(a.data(), n, from, count, base.data());
            CHECK(dense == base, "baseline: pattern %d rows %u cols %u kp %u n %u%s", pattern, rows,
                  cols, kp, n, extreme ? " extreme" : "");
        }
    }
}

/* prepare_weights: the block-diagonal plane sparse, a dense one dense; compute unchanged */
static void check_prepared() {
    std::mt19937 rng(7);
    AccelConfig cfg;
    auto pe = make_pe_array(cfg);
    for (int pattern : {0, 4}) {
        const unsigned rows = 64, cols = 9 * 64, kp = cols;
        DecodedWeights d;
        d.rows = rows;
        d.cols = cols;
        d.stride = kp;
        d.w = plane(rng, rows, cols, kp, pattern, false);
        const std::vector<int8_t> w = d.w;
        PreparedWeights p;
        prepare_weights(d, *pe, &p);
        CHECK(p.w.is_sparse() == (pattern == 4), "pattern %d sparse %d", pattern,
              (int)p.w.is_sparse());
        if (pattern == 4)
            CHECK(p.w.owned_bytes() * 4 < w.size(), "block-diagonal plane %zu bytes of %zu",
                  p.w.owned_bytes(), w.size());
        CHECK(p.w.equals(w.data(), w.size(), kp), "pattern %d: equals its dense plane", pattern);
        /* WeightPlane::row as the RTL tile's bridge uses it (rtl_pe_array.cpp): rows of cols
         * bytes packed, each row's K padding overwritten by the next */
        const unsigned k = cols - 5;
        std::vector<int8_t> packed((size_t)rows * k + kp), rows_k((size_t)rows * k);
        for (unsigned r = 0; r < rows; r++) {
            p.w.row(r, kp, &packed[(size_t)r * k]);
            std::memcpy(&rows_k[(size_t)r * k], &w[(size_t)r * kp], k);
        }
        CHECK(std::memcmp(packed.data(), rows_k.data(), rows_k.size()) == 0,
              "pattern %d: rows packed as the RTL bridge does", pattern);
        WeightPlane dense;
        dense.adopt(std::vector<int8_t>(w));
        CHECK(p.w == dense && dense == p.w, "pattern %d: == the dense plane", pattern);
        std::vector<int8_t> other = w;
        other[(size_t)5 * kp + 5 * 9] ^= 1;
        WeightPlane changed;
        changed.adopt(std::move(other));
        CHECK(!(p.w == changed), "pattern %d: a changed weight differs", pattern);
        const unsigned n = 6;
        std::vector<uint8_t> a((size_t)n * kp);
        for (auto &x : a)
            x = (uint8_t)rng();
        std::vector<int32_t> want((size_t)n * 16), got((size_t)n * 16);
        pe_gemm_u8s8_portable(a.data(), n, w.data() + (size_t)16 * kp, 16, kp, want.data());
        pe->compute(p, a.data(), n, 16, 16, got.data());
        CHECK(want == got, "pattern %d: PeArray::compute", pattern);
    }
}

int sc_main(int, char *[]) {
    std::mt19937 rng(2026);
    for (bool extreme : {false, true})
        for (int pattern = 0; pattern <= 5; pattern++)
            for (auto [rows, cols, kp] : {std::tuple<unsigned, unsigned, unsigned>{1, 64, 64},
                                          {5, 13, 64},
                                          {9, 128, 128},
                                          {17, 100, 128},
                                          {64, 576, 576},
                                          {3, 1000, 1024}})
                check_case(rng, rows, cols, kp, pattern, extreme);
    /* more than 2^31 in a sum: 255 x -128 over 2^17 columns wraps */
    check_case(rng, 2, 1u << 17, 1u << 17, 0, true);
    check_prepared();
    return hqt::finish("test_sparse_plane");
}
