#include "accel/im2col.h"

#include <algorithm>
#include <cstring>

namespace hq::accel {

namespace {

/* dst[i] = src[i] ^ flip: a copy when flip is 0 */
void copy_flipped(uint8_t *dst, const uint8_t *src, size_t n, uint8_t flip) {
    if (!flip) {
        std::memcpy(dst, src, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)(src[i] ^ flip);
}

} // namespace

void im2col_operands(const LayerDesc &d, const uint8_t *in, unsigned kp,
                     std::vector<uint8_t> *out) {
    const size_t n = (size_t)d.raw.batch * d.conv_h * d.conv_w;
    out->resize(n * kp);
    im2col_band(d, in, kp, 0, (unsigned)n, out->data());
}

void im2col_band(const LayerDesc &d, const uint8_t *in, unsigned kp, uint64_t v0, unsigned n,
                 uint8_t *out) {
    const hq_accel_desc &r = d.raw;
    const uint64_t positions = (uint64_t)d.conv_h * d.conv_w;
    /* FLAG_SIGNED_IN: every input after padding enters as x XOR 0x80 = int8 x + 128, so the
     * padding (code 0) becomes 128; columns past K (kp is K rounded up) are 0. Every byte of
     * out is written below. */
    const uint8_t flip = d.signed_in() ? 0x80 : 0;
    if (r.op == HQ_ACCEL_OP_DENSE) { /* one vector per image */
        for (unsigned i = 0; i < n; i++) {
            uint8_t *row = out + (size_t)i * kp;
            copy_flipped(row, in + (size_t)(v0 + i) * d.in_bytes, d.in_bytes, flip);
            std::memset(row + d.in_bytes, 0, kp - d.in_bytes);
        }
        return;
    }
    const int k = r.kernel, c = r.in_c;
    const size_t run = (size_t)k * c; /* one kernel row: k pixels of c channels, contiguous */
    /* the band's first position, then stepped (no division per vector) */
    uint64_t b = v0 / positions;
    unsigned oy = (unsigned)(v0 % positions / d.conv_w), ox = (unsigned)(v0 % positions % d.conv_w);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *img = in + (size_t)b * d.in_bytes;
        uint8_t *row = out + (size_t)i * kp;
        const int x0 = (int)(ox * r.stride) - r.pad;
        /* the kernel columns inside the map: [kx0, kx1) */
        const int kx0 = std::max(0, -x0), kx1 = std::min(k, (int)r.in_w - x0);
        for (int ky = 0; ky < k; ky++) {
            uint8_t *dst = row + ky * run;
            const int y = (int)(oy * r.stride) + ky - (int)d.pad_top();
            if (y < 0 || y >= r.in_h || kx1 <= kx0) {
                std::memset(dst, flip, run);
                continue;
            }
            std::memset(dst, flip, (size_t)kx0 * c);
            copy_flipped(dst + (size_t)kx0 * c, img + ((size_t)y * r.in_w + x0 + kx0) * c,
                         (size_t)(kx1 - kx0) * c, flip);
            std::memset(dst + (size_t)kx1 * c, flip, (size_t)(k - kx1) * c);
        }
        std::memset(row + r.cols, 0, kp - r.cols);
        if (++ox == d.conv_w) {
            ox = 0;
            if (++oy == d.conv_h) oy = 0, b++;
        }
    }
}

} // namespace hq::accel
