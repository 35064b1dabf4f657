#include "accel/im2col.h"

#include <algorithm>

namespace hq::accel {

void im2col_operands(const LayerDesc &d, const uint8_t *in, unsigned kp,
                     std::vector<int16_t> *out) {
    const hq_accel_desc &r = d.raw;
    const size_t positions = (size_t)d.conv_h * d.conv_w;
    /* FLAG_SIGNED_IN: every input after padding enters as x XOR 0x80 = int8 x + 128, so the
     * padding (code 0) becomes 128; columns past K (kp is K rounded up) stay 0 */
    const uint8_t flip = d.signed_in() ? 0x80 : 0;
    out->assign(r.batch * positions * kp, 0);
    if (r.op == HQ_ACCEL_OP_DENSE) {
        for (unsigned b = 0; b < r.batch; b++)
            for (uint32_t k = 0; k < d.in_bytes; k++)
                (*out)[(size_t)b * kp + k] = (uint8_t)(in[(size_t)b * d.in_bytes + k] ^ flip);
        return;
    }
    const int k = r.kernel, c = r.in_c;
    for (unsigned b = 0; b < r.batch; b++) {
        const uint8_t *img = in + (size_t)b * d.in_bytes;
        for (unsigned oy = 0; oy < d.conv_h; oy++)
            for (unsigned ox = 0; ox < d.conv_w; ox++) {
                int16_t *row = out->data() + ((b * positions) + (size_t)oy * d.conv_w + ox) * kp;
                if (flip) std::fill(row, row + r.cols, (int16_t)flip);
                for (int ky = 0; ky < k; ky++) {
                    int y = (int)(oy * r.stride) + ky - (int)d.pad_top();
                    if (y < 0 || y >= r.in_h) continue;
                    for (int kx = 0; kx < k; kx++) {
                        int x = (int)(ox * r.stride) + kx - r.pad;
                        if (x < 0 || x >= r.in_w) continue;
                        const uint8_t *src = img + ((size_t)y * r.in_w + x) * c;
                        int16_t *dst = row + (ky * k + kx) * c;
                        for (int ch = 0; ch < c; ch++)
                            dst[ch] = (uint8_t)(src[ch] ^ flip);
                    }
                }
            }
    }
}

} // namespace hq::accel
