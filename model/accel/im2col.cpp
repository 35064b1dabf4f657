#include "accel/im2col.h"

#include <algorithm>

namespace hq::accel {

void im2col_operands(const LayerDesc &d, const uint8_t *in, unsigned kp,
                     std::vector<int16_t> *out) {
    const hq_accel_desc &r = d.raw;
    const size_t positions = (size_t)d.conv_h * d.conv_w;
    out->assign(r.batch * positions * kp, 0);
    if (r.op == HQ_ACCEL_OP_DENSE) {
        for (unsigned b = 0; b < r.batch; b++)
            std::copy(in + (size_t)b * d.in_bytes, in + (size_t)(b + 1) * d.in_bytes,
                      out->begin() + (size_t)b * kp);
        return;
    }
    const int k = r.kernel, c = r.in_c;
    for (unsigned b = 0; b < r.batch; b++) {
        const uint8_t *img = in + (size_t)b * d.in_bytes;
        for (unsigned oy = 0; oy < d.conv_h; oy++)
            for (unsigned ox = 0; ox < d.conv_w; ox++) {
                int16_t *row = out->data() + ((b * positions) + (size_t)oy * d.conv_w + ox) * kp;
                for (int ky = 0; ky < k; ky++) {
                    int y = (int)(oy * r.stride) + ky - (int)d.pad_top();
                    if (y < 0 || y >= r.in_h) continue;
                    for (int kx = 0; kx < k; kx++) {
                        int x = (int)(ox * r.stride) + kx - r.pad;
                        if (x < 0 || x >= r.in_w) continue;
                        const uint8_t *src = img + ((size_t)y * r.in_w + x) * c;
                        int16_t *dst = row + (ky * k + kx) * c;
                        for (int ch = 0; ch < c; ch++)
                            dst[ch] = src[ch];
                    }
                }
            }
    }
}

} // namespace hq::accel
