/* Issue 16 (bert20): host work kept between images, against the same work done afresh.
 * - RowParamCache: a layer's row parameters decoded once per distinct bytes at an address;
 *   equal bytes hit, any changed byte decodes again, a bad record fails and keeps nothing,
 *   and the budget drops every set when exceeded.
 * - finish_accumulators with a RequantTable equals the RowParams form (test_output_unit
 *   checks that one against hq_requant_clamp).
 * - PeArray::row_tile_cycles: the row tiles' sums kept in the prepared weights equal a sum
 *   over the rows on every tile (the last one short), on ranges that are not row tiles, after
 *   the row costs change (prepare_weights forgets), and on arrays with another tile count. */
#include "accel_test.h"

#include "accel/array_registry.h"
#include "accel/output_unit.h"
#include "accel/pe_array.h"
#include "accel/prepared_weights.h"
#include "accel/row_param_cache.h"
#include "hq_accel_regmap.h"

#include <algorithm>
#include <cstring>
#include <vector>

using namespace hq::accel;

static std::vector<uint8_t> records(std::mt19937 &rng, unsigned rows) {
    std::vector<uint8_t> b((size_t)rows * HQ_ACCEL_ROW_PARAM_BYTES, 0);
    for (unsigned r = 0; r < rows; r++) {
        uint8_t *p = b.data() + (size_t)r * HQ_ACCEL_ROW_PARAM_BYTES;
        const uint32_t bias = rng(), mult = rng() & 0x7fffffff;
        for (int i = 0; i < 4; i++) {
            p[i] = (uint8_t)(bias >> 8 * i);
            p[4 + i] = (uint8_t)(mult >> 8 * i);
        }
        p[8] = (uint8_t)(rng() % 63);
    }
    return b;
}

static bool same_set(const RowParamSet &s, const uint8_t *bytes, unsigned rows) {
    std::vector<RowParams> want(rows);
    unsigned bad = 0;
    if (decode_row_params(bytes, rows, want.data(), &bad) || s.rows.size() != rows) return false;
    RequantTable t;
    t.build(want.data(), rows);
    for (unsigned r = 0; r < rows; r++)
        if (s.rows[r].bias != want[r].bias || s.rows[r].rq_mult != want[r].rq_mult ||
            s.rows[r].rq_shift != want[r].rq_shift || s.table.bias[r] != t.bias[r] ||
            s.table.mult[r] != t.mult[r] || s.table.round[r] != t.round[r] ||
            s.table.shift[r] != t.shift[r])
            return false;
    return true;
}

static void check_row_param_cache(std::mt19937 &rng) {
    RowParamCache c;
    const unsigned rows = 37;
    std::vector<uint8_t> a = records(rng, rows), b = records(rng, rows);
    unsigned bad = 99;
    const RowParamSet *s1 = c.get(0x1000, a.data(), rows, &bad);
    CHECK(s1 && same_set(*s1, a.data(), rows), "first get decodes");
    const RowParamSet *s2 = c.get(0x1000, a.data(), rows, &bad);
    CHECK(s2 == s1 && c.hits() == 1 && c.decodes() == 1,
          "equal bytes hit (%llu hits, %llu decodes)", (unsigned long long)c.hits(),
          (unsigned long long)c.decodes());
    const RowParamSet *s3 = c.get(0x2000, a.data(), rows, &bad);
    CHECK(s3 && s3 != s1 && c.decodes() == 2, "another address is its own set");
    /* the last byte (reserved) set after a hit: compared too, and refused */
    {
        std::vector<uint8_t> m = a;
        m.back() = 1;
        CHECK(!c.get(0x1000, m.data(), rows, &bad) && bad == rows - 1,
              "the last byte is compared: row %u", bad);
        CHECK(c.get(0x1000, a.data(), rows, &bad) == s1 && same_set(*s1, a.data(), rows),
              "the set after a refused change");
    }
    /* one byte changed, first and last record: decoded again */
    for (size_t at : {size_t(0), a.size() - 4}) {
        std::vector<uint8_t> m = a;
        m[at] ^= 1;
        const uint64_t d = c.decodes();
        const RowParamSet *s = c.get(0x1000, m.data(), rows, &bad);
        CHECK(s && same_set(*s, m.data(), rows) && c.decodes() == d + 1,
              "a changed byte at %zu decodes again", at);
    }
    /* other rows at the same address */
    const RowParamSet *s4 = c.get(0x1000, b.data(), 20, &bad);
    CHECK(s4 && same_set(*s4, b.data(), 20), "fewer rows at the same address");
    /* a bad record: nullptr, the row, nothing kept; the good bytes still decode right */
    std::vector<uint8_t> m = b;
    m[5 * HQ_ACCEL_ROW_PARAM_BYTES + 10] = 1; /* a reserved byte */
    CHECK(!c.get(0x1000, m.data(), rows, &bad) && bad == 5, "a reserved byte set: row %u", bad);
    m = b;
    m[3 * HQ_ACCEL_ROW_PARAM_BYTES + 7] = 0x80; /* rq_mult < 0 */
    CHECK(!c.get(0x3000, m.data(), rows, &bad) && bad == 3, "rq_mult < 0: row %u", bad);
    const uint64_t d = c.decodes();
    CHECK(!c.get(0x3000, m.data(), rows, &bad) && c.decodes() == d + 1, "a bad set is not kept");
    const RowParamSet *s5 = c.get(0x1000, b.data(), 20, &bad);
    CHECK(s5 && same_set(*s5, b.data(), 20), "the set before the bad bytes is still right");
    /* a budget of about one set: the second address starts over */
    RowParamCache small(rows * 50);
    const RowParamSet *x = small.get(1, a.data(), rows, &bad);
    CHECK(x && same_set(*x, a.data(), rows), "small cache, first set");
    const RowParamSet *y = small.get(2, b.data(), rows, &bad);
    CHECK(y && same_set(*y, b.data(), rows), "small cache, second set");
    const uint64_t dd = small.decodes();
    small.get(1, a.data(), rows, &bad);
    CHECK(small.decodes() == dd + 1, "past the budget the first set was dropped");
}

static void check_requant_table(std::mt19937 &rng) {
    const unsigned rows = 300;
    std::vector<uint8_t> raw = records(rng, rows);
    std::vector<RowParams> p(rows);
    unsigned bad = 0;
    CHECK(decode_row_params(raw.data(), rows, p.data(), &bad) == 0, "records decode");
    RequantTable t;
    t.build(p.data(), rows);
    const OutputMode modes[] = {OutputMode{OutputMode::Relu, 255}, OutputMode{OutputMode::Relu, 6},
                                OutputMode{OutputMode::Signed, 127}, OutputMode{}};
    for (const OutputMode &mode : modes)
        for (unsigned n_vec : {1u, 3u})
            for (unsigned r0 : {0u, 16u, 290u}) {
                const unsigned nr = std::min(rows - r0, 257u);
                std::vector<int32_t> acc((size_t)n_vec * nr);
                for (auto &a : acc)
                    a = (int32_t)rng();
                std::vector<uint8_t> u1((size_t)n_vec * rows, 7), u2 = u1;
                std::vector<int32_t> i1((size_t)n_vec * rows, 9), i2 = i1;
                finish_accumulators(acc.data(), n_vec, r0, nr, rows, p.data(), mode, u1.data(),
                                    i1.data());
                finish_accumulators(acc.data(), n_vec, r0, nr, rows, t, mode, u2.data(), i2.data());
                CHECK(u1 == u2 && i1 == i2, "table = row params: mode %d, %u vectors, r0 %u",
                      (int)mode.kind, n_vec, r0);
            }
}

/* row_tile_cycles by its definition (pe_array.h): rows dealt to the tiles in turn */
static TileCycles direct(const AccelConfig &cfg, const PreparedWeights &w, unsigned beat_cycles,
                         unsigned r0, unsigned nr, uint64_t n_vec) {
    uint64_t worst = 0, worst_ideal = 0;
    for (unsigned t = 0; t < cfg.pe_tiles && t < nr; t++) {
        uint64_t s = 0, ideal = 0;
        for (unsigned i = t; i < nr; i += cfg.pe_tiles) {
            s += w.row_cost[r0 + i];
            ideal += (uint64_t)w.nbeats * beat_cycles;
        }
        worst = std::max(worst, s);
        worst_ideal = std::max(worst_ideal, ideal);
    }
    TileCycles c;
    c.compute = n_vec * (w.nbeats + worst_ideal + cfg.tile_overhead) +
                (cfg.pipeline_latency - cfg.tile_overhead);
    c.outlier_stall = n_vec * (worst - worst_ideal);
    return c;
}

static void check_tile_sums(std::mt19937 &rng) {
    for (Arch arch : {Arch::Uniform8, Arch::LaneGroup, Arch::Split})
        for (unsigned pe_tiles : {4u, 3u}) {
            AccelConfig cfg;
            cfg.arch = arch;
            cfg.pe_tiles = pe_tiles;
            const auto array = make_pe_array(cfg);
            const unsigned tr = cfg.tile_rows();
            PreparedWeights w;
            w.rows = 5 * tr + 3; /* the last tile short */
            w.cols = 100;
            w.lo_bits = arch == Arch::Uniform8 ? 0 : 2;
            w.nbeats = array->beats(w.cols);
            w.row_cost.resize(w.rows);
            for (int round = 0; round < 2; round++) {
                for (auto &c : w.row_cost)
                    c = w.nbeats + rng() % 40;
                if (round) { /* new row costs: what prepare_weights does to the memo */
                    w.tile_sums.clear();
                    w.tile_sums_key = {};
                }
                const unsigned bc = array->beat_cycles(w.lo_bits);
                size_t bad = 0, n = 0;
                for (int pass = 0; pass < 2; pass++) /* filled, then read */
                    for (unsigned r0 = 0; r0 < w.rows; r0 += tr)
                        for (uint64_t nv : {uint64_t(1), uint64_t(7)}) {
                            const unsigned nr = std::min(tr, w.rows - r0);
                            const TileCycles a = array->row_tile_cycles(w, r0, nr, nv),
                                             b = direct(cfg, w, bc, r0, nr, nv);
                            bad += a.compute != b.compute || a.outlier_stall != b.outlier_stall;
                            n++;
                        }
                /* ranges that are not row tiles: summed directly */
                for (unsigned r0 : {1u, tr - 1, 2 * tr})
                    for (unsigned nr : {1u, tr - 1, std::min(2 * tr, w.rows - r0)}) {
                        const TileCycles a = array->row_tile_cycles(w, r0, nr, 3),
                                         b = direct(cfg, w, bc, r0, nr, 3);
                        bad += a.compute != b.compute || a.outlier_stall != b.outlier_stall;
                        n++;
                    }
                CHECK(bad == 0, "%s, %u tiles, round %d: %zu of %zu tiles differ", arch_name(arch),
                      pe_tiles, round, bad, n);
            }
            /* the same weights on an array with another tile count: its own sums */
            AccelConfig other = cfg;
            other.pe_tiles = pe_tiles == 4 ? 2 : 4;
            const auto array2 = make_pe_array(other);
            const unsigned tr2 = other.tile_rows();
            size_t bad = 0;
            for (unsigned r0 = 0; r0 < w.rows; r0 += tr2) {
                const unsigned nr = std::min(tr2, w.rows - r0);
                const TileCycles a = array2->row_tile_cycles(w, r0, nr, 2),
                                 b = direct(other, w, array2->beat_cycles(w.lo_bits), r0, nr, 2);
                bad += a.compute != b.compute || a.outlier_stall != b.outlier_stall;
            }
            CHECK(bad == 0, "%s: another array's tiles: %zu differ", arch_name(arch), bad);
            for (unsigned r0 = 0; r0 < w.rows; r0 += tr) { /* and back */
                const unsigned nr = std::min(tr, w.rows - r0);
                const TileCycles a = array->row_tile_cycles(w, r0, nr, 2),
                                 b = direct(cfg, w, array->beat_cycles(w.lo_bits), r0, nr, 2);
                bad += a.compute != b.compute || a.outlier_stall != b.outlier_stall;
            }
            CHECK(bad == 0, "%s: back on the first array: %zu differ", arch_name(arch), bad);
        }
}

int sc_main(int, char *[]) {
    std::mt19937 rng(20);
    check_row_param_cache(rng);
    check_requant_table(rng);
    check_tile_sums(rng);
    return hqt::finish("test_accel_host_caches");
}
