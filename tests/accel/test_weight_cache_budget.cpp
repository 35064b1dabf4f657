/* The decoded-weight cache keeps layers by bytes, not by count (issue 16): a network with more
 * weighted descriptors than the old 32-entry limit (VGG-16: 79) must hit on its second image,
 * where an LRU of 32 entries missed every layer on every pass. A budget smaller than the layers
 * drops the least recently used, and the newest entry always stays. */
#include "accel_test.h"

#include "accel/array_registry.h"
#include "accel/weight_cache.h"

using namespace hq::accel;
using hqt::LayerSpec;

namespace {

/* `layers` images at distinct addresses, used `passes` times in order. */
void pass(WeightCache &c, const WeightFormat &f, const std::vector<uint8_t> &img, unsigned layers,
          unsigned passes) {
    for (unsigned p = 0; p < passes; p++)
        for (unsigned i = 0; i < layers; i++) {
            bool hit = false;
            std::string err;
            const PreparedWeights *w =
                c.get(0x1000u * (i + 1), f, img.data(), img.size(), &hit, &err);
            CHECK(w && err.empty(), "layer %u: %s", i, err.c_str());
        }
}

} // namespace

int sc_main(int, char **) {
    std::mt19937 rng(16);
    LayerSpec s;
    s.in_c = 256;
    s.out_c = 64;
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    const std::vector<uint8_t> img = hqt::pack_layer(L, s);
    WeightFormat f;
    f.layout = HQ_ACCEL_LAYOUT_BLOCK;
    f.rows = (unsigned)L.rows;
    f.cols = (unsigned)L.cols;
    f.lo_bits = (unsigned)s.lo;
    f.hi_bits = (unsigned)s.hi;
    f.block_n = (unsigned)s.n;
    f.block_m = (unsigned)s.m;
    AccelConfig cfg;
    const auto array = make_pe_array(cfg);

    /* 79 layers, two passes: 79 misses, then 79 hits */
    WeightCache big(*array);
    pass(big, f, img, 79, 2);
    CHECK(big.misses() == 79 && big.hits() == 79, "misses %llu hits %llu",
          (unsigned long long)big.misses(), (unsigned long long)big.hits());
    CHECK(big.entries() == 79, "entries %zu", big.entries());
    const size_t per = big.bytes() / 79;
    CHECK(per >= img.size() + (size_t)L.rows * L.cols, "bytes per entry %zu", per);

    /* room for 10: a cyclic pass over 12 misses every time; over 10, only the first pass */
    WeightCache small(*array, per * 10);
    pass(small, f, img, 12, 2);
    CHECK(small.misses() == 24 && small.hits() == 0, "misses %llu hits %llu",
          (unsigned long long)small.misses(), (unsigned long long)small.hits());
    CHECK(small.entries() == 10 && small.bytes() <= per * 10, "entries %zu bytes %zu",
          small.entries(), small.bytes());
    WeightCache ten(*array, per * 10);
    pass(ten, f, img, 10, 3);
    CHECK(ten.misses() == 10 && ten.hits() == 20, "misses %llu hits %llu",
          (unsigned long long)ten.misses(), (unsigned long long)ten.hits());

    /* a budget below one layer still keeps the newest */
    WeightCache tiny(*array, 1);
    pass(tiny, f, img, 1, 3);
    CHECK(tiny.misses() == 1 && tiny.hits() == 2 && tiny.entries() == 1, "misses %llu hits %llu",
          (unsigned long long)tiny.misses(), (unsigned long long)tiny.hits());
    hqt::free_layer(&L);
    return hqt::finish("test_weight_cache_budget");
}
