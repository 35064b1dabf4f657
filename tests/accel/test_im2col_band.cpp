/* Issue 16: the layer engine computes a band of output positions at a time (its operand
 * buffer bounded); im2col_band's rows equal the same rows of the whole im2col_operands for
 * every band: bands inside an image, across image boundaries, of one vector, the last one
 * short; convs with padding (top padding off too), stride 2, signed inputs, and dense layers. */
#include "accel_test.h"

#include "accel/im2col.h"

#include <cstring>
#include <random>
#include <vector>

using namespace hq::accel;

static LayerDesc conv(unsigned batch, unsigned h, unsigned w, unsigned c, unsigned k,
                      unsigned stride, unsigned pad, uint32_t flags) {
    LayerDesc d;
    d.raw.op = HQ_ACCEL_OP_CONV;
    d.raw.batch = batch;
    d.raw.in_h = h;
    d.raw.in_w = w;
    d.raw.in_c = c;
    d.raw.kernel = k;
    d.raw.stride = stride;
    d.raw.pad = pad;
    d.raw.cols = k * k * c;
    d.raw.flags = flags;
    const unsigned top = flags & HQ_ACCEL_FLAG_NO_PAD_TOP ? 0 : pad;
    d.conv_h = (h + top + pad - k) / stride + 1;
    d.conv_w = (w + 2 * pad - k) / stride + 1;
    d.in_bytes = h * w * c;
    return d;
}

static void check(const LayerDesc &d, std::mt19937 &rng, const char *what) {
    const unsigned kp = (d.raw.cols + 63) / 64 * 64;
    std::vector<uint8_t> in((size_t)d.raw.batch * d.in_bytes);
    for (auto &x : in)
        x = (uint8_t)rng();
    std::vector<uint8_t> whole;
    im2col_operands(d, in.data(), kp, &whole);
    const uint64_t n = whole.size() / kp;
    CHECK(n == (uint64_t)d.raw.batch * d.conv_h * d.conv_w, "%s: %llu vectors", what,
          (unsigned long long)n);
    for (unsigned band : {1u, 3u, 4u, 7u, (unsigned)n}) {
        std::vector<uint8_t> got((size_t)band * kp, 0xA5);
        for (uint64_t v0 = 0; v0 < n; v0 += band) {
            const unsigned nv = (unsigned)std::min<uint64_t>(band, n - v0);
            im2col_band(d, in.data(), kp, v0, nv, got.data());
            CHECK(std::memcmp(got.data(), whole.data() + v0 * kp, (size_t)nv * kp) == 0,
                  "%s: band of %u from %llu", what, nv, (unsigned long long)v0);
        }
    }
}

int sc_main(int, char *[]) {
    std::mt19937 rng(16);
    check(conv(2, 5, 6, 3, 3, 1, 1, 0), rng, "3x3 pad 1, 2 images");
    check(conv(3, 7, 5, 8, 3, 2, 1, HQ_ACCEL_FLAG_SIGNED_IN), rng, "stride 2, signed");
    check(conv(2, 6, 4, 2, 3, 1, 1, HQ_ACCEL_FLAG_NO_PAD_TOP), rng, "no top padding");
    check(conv(1, 4, 4, 64, 1, 1, 0, 0), rng, "1x1");
    LayerDesc dense;
    dense.raw.op = HQ_ACCEL_OP_DENSE;
    dense.raw.batch = 5;
    dense.raw.cols = 100;
    dense.in_bytes = 100;
    check(dense, rng, "dense, 5 images");
    return hqt::finish("test_im2col_band");
}
