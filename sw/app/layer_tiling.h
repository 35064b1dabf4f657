/* The host-side planner's tiling of one dense layer to the accelerator's buffers (docs/accel.md,
 * Tiling): K chunks (FLAG_PSUM_IN/OUT, docs/arith.md) when one activation vector or a decoded
 * weight row tile exceeds its buffer, and output-channel chunks (rows per descriptor) when the
 * outputs or partial sums exceed the output buffer. A layer that fits gets one descriptor,
 * exactly as before tiling existed. */
#ifndef HQ_ACCEL_LAYER_TILING_H
#define HQ_ACCEL_LAYER_TILING_H

#include "accel/accel_config.h"

extern "C" {
#include "hq_model.h"
#include "layout/layout.h"
}

#include <string>
#include <vector>

namespace hq::accel {

struct DenseTiles {
    int k_chunk = 0, row_chunk = 0; /* columns and rows per descriptor */
    int n_k = 1, n_rows = 1;
    bool tiled() const { return n_k > 1 || n_rows > 1; }
};

/* The descriptor-level buffer checks of the layer engine (check_buffers) for a dense layer of
 * rows x cols on `batch` images: true when it runs as one descriptor. */
bool dense_fits(const AccelConfig &cfg, int rows, int cols, int batch, bool int32_out);

/* Chunk sizes for a dense layer; k_align: K chunks start at multiples of it (block layout: M).
 * Returns "" or why the layer cannot be tiled to these buffers. */
std::string plan_dense(const AccelConfig &cfg, int rows, int cols, int batch, bool int32_out,
                       int k_align, DenseTiles *t);

/* One band of output rows [oy0, oy1) of a convolution (before pooling) and the input rows
 * [y0, y1) it reads: the rows above and below the band's own are its halo. pad_top/pad_bottom:
 * the band is at the image's edge, so the layer's zero padding applies there. */
struct ConvBand {
    int oy0, oy1, y0, y1;
    bool pad_top, pad_bottom;
};

/* Bands of output rows (multiples of pool) whose inputs and outputs fit the buffers for
 * `batch` images. Empty when the layer fits as it is, or when no banding fits (K too large
 * for the array, one band row over a buffer): the layer then runs as one descriptor and the
 * accelerator refuses what does not fit. */
std::vector<ConvBand> plan_conv_bands(const AccelConfig &cfg, const hq_layer &L, int pool,
                                      int batch);

/* Channel groups (docs/accel.md, Tiling): a conv's K chunk reads, and its output-channel
 * chunk writes, one H x W x g tensor, so an activation that a conv splits is stored as
 * groups of g channels: group j (channels [j g, min(C, (j + 1) g))) is an H x W x g_j tensor
 * H W j g bytes after the activation's start. g = C is the plain HWC layout. */
struct ChannelGroup {
    int c0, c1;
};
std::vector<ChannelGroup> channel_groups(int channels, int g);

/* The most input channels one K chunk of a k x k conv takes (a multiple of align), 0: none. */
int conv_chunk_channels(const AccelConfig &cfg, int k, int align);

/* `channels` cut into the fewest groups of at most cap, balanced, sizes a multiple of align. */
int balanced_group(int channels, int cap, int align);

/* The most input channels (a multiple of align) for which the shortest band of conv L (pool
 * output rows, (pool - 1) stride + k input rows) of `batch` images fits the activation
 * buffer; 0: not even align channels. */
int conv_band_channels(const AccelConfig &cfg, const hq_layer &L, int pool, int batch, int align);

/* The channel groups conv L asks its producer for (its input groups): the most channels one K
 * chunk takes (conv_chunk_channels), balanced; and, when the shortest band of those does not
 * fit the activation buffer for `batch` images (VGG-16's 224 x 64 rows at batch 16), the
 * most channels for which it does (conv_band_channels), balanced. A conv that fits with the
 * first keeps it, so the tiles of every network that ran before do not change. */
int conv_input_group(const AccelConfig &cfg, const hq_layer &L, int pool, int batch, int align);

/* A convolution's tiles: K chunks over input groups of g_in channels (the producer's groups),
 * output-channel chunks of g_out rows, each over the bands of output rows (one band: all). */
struct ConvTiles {
    int g_in = 0, g_out = 0;
    std::vector<ConvBand> bands;
};

/* Plans a conv whose input is stored in groups of g_in channels, with output chunks of at
 * most g_out_max rows (multiples of out_align, the consumer's block M): the largest chunk
 * for which a band fits the buffers. Returns "" or why it cannot be tiled. */
std::string plan_conv(const AccelConfig &cfg, const hq_layer &L, int pool, int batch, int g_in,
                      int g_out_max, int out_align, ConvTiles *t);

/* Depthwise convs on the array (docs/accel.md, Depthwise convs): a depthwise conv with
 * multiplier 1 (hq_layer_is_depthwise) runs per channel group of g as an ordinary conv of g
 * input and g output channels whose weights are block-diagonal (channel c's k x k taps in its
 * own column, zeros elsewhere): no unit of its own, g times the depthwise conv's MACs on the
 * array. */
/* One group of g channels of depthwise conv L as the ordinary conv the array runs (shapes
 * only: q is not set). */
hq_layer depthwise_group_layer(const hq_layer &L, int g);

/* The channels per group: at most lanes (so that the consumer's K chunks over the groups fill
 * whole beats), the consumer's wish (cap), a K chunk and a band of `batch` images; all of
 * them when they fit that, else balanced groups of a multiple of align (the consumer's block
 * M); 0 when not even align channels fit. The block-diagonal conv costs ceil(g / tile rows)
 * row tiles of k k g / lanes beats per g channels. */
int depthwise_group(const AccelConfig &cfg, const hq_layer &L, int pool, int batch, int align,
                    int cap);

/* Packs channels [c0, c1) of depthwise conv L as block-diagonal weights (rows c1 - c0,
 * columns k k (c1 - c0), column (ky k + kx) (c1 - c0) + c' as an ordinary conv orders them)
 * with the layout (and block N:M) of `like`. */
std::string pack_depthwise(const hq_layer &L, int c0, int c1, const hq_layout_stats &like,
                           hq_layer_image *out);

/* Packs rows [r0, r1) x columns [k0, k1) of L with the layout (and block N:M) of `like`. */
std::string pack_slice(const hq_layer &L, int r0, int r1, int k0, int k1,
                       const hq_layout_stats &like, hq_layer_image *out);

/* The same with the columns listed (a conv's input group, a dense layer's inputs in the
 * order a grouped activation stores them). */
std::string pack_columns(const hq_layer &L, int r0, int r1, const std::vector<int> &cols,
                         const hq_layout_stats &like, hq_layer_image *out);

} // namespace hq::accel

#endif
