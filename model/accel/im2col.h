/* The DMA's address generation that lowers a convolution to GEMM: for every output position
 * (oy, ox) of every image it gathers the K = KERNEL^2 * IN_C input bytes at
 * (oy*STRIDE + ky - PAD, ox*STRIDE + kx - PAD, c), K index (ky*KERNEL + kx)*IN_C + c
 * (sw/lib/hq_model.h), zero outside the map. With FLAG_SIGNED_IN every byte, padding included,
 * enters as x XOR 0x80 (docs/arith.md section 7b). Operands are uint8 rows of kp entries
 * (zero past K), the format of the GEMM kernel (pe_gemm.h). A dense layer is the 1 x 1 case. */
#ifndef HQ_ACCEL_IM2COL_H
#define HQ_ACCEL_IM2COL_H

#include "accel/descriptor.h"

#include <cstdint>
#include <vector>

namespace hq::accel {

/* in: batch images of d.in_bytes each, packed; out: [batch * conv_h * conv_w][kp]. */
void im2col_operands(const LayerDesc &d, const uint8_t *in, unsigned kp, std::vector<uint8_t> *out);

/* The rows [v0, v0 + n) of the same (vector v = image * conv_h * conv_w + oy * conv_w + ox)
 * into out[n][kp]: the layer engine computes a band of output positions at a time, so its
 * operand buffer stays small (issue 16: a whole descriptor's was 2.5 MB on MobileNetV2). */
void im2col_band(const LayerDesc &d, const uint8_t *in, unsigned kp, uint64_t v0, unsigned n,
                 uint8_t *out);

} // namespace hq::accel

#endif
