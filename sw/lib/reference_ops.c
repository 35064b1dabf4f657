/* Integer reference of the operators of docs/arith.md section 7a that have no weights:
 * max pooling with stride and padding, average and global average pooling, residual add. */
#include "layer_ops.h"
#include "reference.h"

#include <string.h>

static int code_at(const uint8_t *p, int sgn) {
    return sgn ? (int)(int8_t)*p : (int)*p;
}

static uint8_t code_byte(int v) {
    return (uint8_t)(v & 0xff); /* int8 codes as their two's-complement byte */
}

void hq_ref_pool(const hq_layer *L, int sgn, const uint8_t *in, int n, uint8_t *out) {
    const int C = L->in.c, H = L->in.h, W = L->in.w;
    const int gap = L->kind == HQ_LAYER_GAP;
    const int kh = gap ? H : L->k, kw = gap ? W : L->k;
    const int s = gap ? 1 : L->stride, pad = gap ? 0 : L->pad;
    for (int i = 0; i < n; i++) {
        const uint8_t *img = in + (size_t)i * hq_shape_elems(L->in);
        uint8_t *o = out + (size_t)i * hq_shape_elems(L->out);
        for (int oy = 0; oy < L->out.h; oy++)
            for (int ox = 0; ox < L->out.w; ox++)
                for (int c = 0; c < C; c++) {
                    int32_t sum = 0, inside = 0, best = sgn ? -128 : 0;
                    for (int ky = 0; ky < kh; ky++) {
                        int y = oy * s - pad + ky;
                        if (y < 0 || y >= H) continue;
                        for (int kx = 0; kx < kw; kx++) {
                            int x = ox * s - pad + kx;
                            if (x < 0 || x >= W) continue;
                            int v = code_at(img + ((size_t)y * W + x) * C + c, sgn);
                            sum += v;
                            inside++;
                            best = v > best ? v : best;
                        }
                    }
                    int y;
                    if (L->kind == HQ_LAYER_MAXPOOL)
                        y = best;
                    else
                        y = hq_avg_round(sum, L->kind == HQ_LAYER_AVGPOOL && L->count_pad ? kh * kw
                                                                                          : inside);
                    o[((size_t)oy * L->out.w + ox) * C + c] = code_byte(y);
                }
    }
}

void hq_ref_add(const uint8_t *a, int sgn_a, const uint8_t *b, int sgn_b, size_t count,
                int32_t mult_a, int32_t mult_b, int shift, int lo, int hi, uint8_t *out) {
    for (size_t j = 0; j < count; j++)
        out[j] = code_byte(hq_add_requant(code_at(a + j, sgn_a), code_at(b + j, sgn_b), mult_a,
                                          mult_b, shift, lo, hi));
}
