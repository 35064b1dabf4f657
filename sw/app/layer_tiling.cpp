#include "layer_tiling.h"

extern "C" {
#include "container.h"
}

#include <algorithm>
#include <numeric>
#include <vector>

namespace hq::accel {

static uint64_t beats(const AccelConfig &cfg, uint64_t k) {
    return (k + cfg.lanes - 1) / cfg.lanes;
}

static uint64_t weight_tile_bytes(const AccelConfig &cfg, uint64_t k) {
    return (uint64_t)(cfg.double_buffer ? 2 : 1) * cfg.tile_rows() * k;
}

bool dense_fits(const AccelConfig &cfg, int rows, int cols, int batch, bool int32_out) {
    const uint64_t out = (uint64_t)batch * rows * (int32_out ? 4 : 1);
    return rows <= 65535 && cols <= 65535 && (uint64_t)batch * cols <= cfg.act_buffer &&
           out <= cfg.out_buffer && weight_tile_bytes(cfg, cols) <= cfg.weight_buffer &&
           beats(cfg, cols) <= cfg.nb_max;
}

std::string plan_dense(const AccelConfig &cfg, int rows, int cols, int batch, bool int32_out,
                       int k_align, DenseTiles *t) {
    *t = DenseTiles{};
    t->k_chunk = cols;
    t->row_chunk = rows;
    if (dense_fits(cfg, rows, cols, batch, int32_out)) return "";
    /* K: the largest multiple of the alignment (lanes, and the block M) that fits the
     * activation vector (nb_max beats), the weight row tile and the activation buffer. */
    const uint64_t align = std::lcm<uint64_t>(cfg.lanes ? cfg.lanes : 1, k_align > 0 ? k_align : 1);
    uint64_t kmax = std::min<uint64_t>({(uint64_t)cfg.nb_max * cfg.lanes,
                                        cfg.weight_buffer / weight_tile_bytes(cfg, 1),
                                        cfg.act_buffer / (uint64_t)batch, 65535});
    kmax = kmax / align * align;
    if (kmax == 0)
        return "no K chunk fits: " + std::to_string(align) +
               " inputs (the lanes and block M) exceed the buffers for batch " +
               std::to_string(batch);
    if ((uint64_t)cols > kmax) {
        t->n_k = (int)((cols + kmax - 1) / kmax);
        const uint64_t even = (cols + t->n_k - 1) / t->n_k; /* balance the chunks */
        t->k_chunk = (int)std::min<uint64_t>(kmax, (even + align - 1) / align * align);
        t->n_k = (cols + t->k_chunk - 1) / t->k_chunk;
    }
    /* Rows: the outputs, or the int32 partial sums of a K-split layer, fit the output buffer. */
    const uint64_t per_row = (uint64_t)batch * (int32_out || t->n_k > 1 ? 4 : 1);
    const uint64_t rmax = std::min<uint64_t>(cfg.out_buffer / per_row, 65535);
    if (rmax == 0)
        return "one output row of batch " + std::to_string(batch) +
               " exceeds the output buffer (use a smaller --batch)";
    if ((uint64_t)rows > rmax) {
        t->n_rows = (int)((rows + rmax - 1) / rmax);
        t->row_chunk = (rows + t->n_rows - 1) / t->n_rows;
        t->n_rows = (rows + t->row_chunk - 1) / t->row_chunk;
    }
    return "";
}

/* Bands of output rows for per-row input and output bytes: the tallest multiple of pool that
 * fits. One band of all rows when everything fits; empty when nothing does. */
static std::vector<ConvBand> bands_for(const AccelConfig &cfg, const hq_layer &L, int pool,
                                       uint64_t in_row, uint64_t out_row) {
    const int H = L.in.h, k = L.k, s = L.stride, pad = L.pad, conv_h = L.out.h;
    auto fits = [&](int in_rows, int out_rows) {
        return in_row * in_rows <= cfg.act_buffer && out_row * out_rows <= cfg.out_buffer;
    };
    if (fits(H, conv_h)) return {ConvBand{0, conv_h, 0, H, true, true}};
    /* The tallest band (a multiple of the pool window) whose halo'd input fits; a band below
     * the first must start below the top padding (hb * s >= pad). */
    int hb = conv_h / pool * pool;
    while (hb >= pool && !fits((hb - 1) * s + k, hb))
        hb -= pool;
    if (hb < pool || hb * s < pad) return {};
    /* Conv rows past the last whole pool window are never pooled: no band computes them
     * alone (a band of fewer rows than the window would pool to no output row). */
    const int end = conv_h / pool * pool;
    std::vector<ConvBand> bands;
    for (int oy0 = 0; oy0 < end;) {
        int oy1 = oy0 + hb;
        /* The last band runs to the end and takes the bottom padding; so does a band whose
         * halo would reach past the image. */
        const bool last = oy1 >= conv_h || (oy1 - 1) * s - pad + k > H;
        if (last) oy1 = conv_h;
        ConvBand b{oy0,
                   oy1,
                   std::max(0, oy0 * s - pad),
                   last ? H : (oy1 - 1) * s - pad + k,
                   oy0 * s - pad < 0,
                   last};
        if (!fits(b.y1 - b.y0, oy1 - oy0) || (last && oy0 == 0)) return {};
        bands.push_back(b);
        oy0 = oy1;
    }
    return bands;
}

std::vector<ConvBand> plan_conv_bands(const AccelConfig &cfg, const hq_layer &L, int pool,
                                      int batch) {
    const uint64_t in_row = (uint64_t)batch * L.in.w * L.in.c;   /* one input row, the batch */
    const uint64_t out_row = (uint64_t)batch * L.out.w * L.rows; /* one output row (uint8) */
    if (weight_tile_bytes(cfg, L.cols) > cfg.weight_buffer || beats(cfg, L.cols) > cfg.nb_max ||
        L.cols > 65535)
        return {};
    std::vector<ConvBand> bands = bands_for(cfg, L, pool, in_row, out_row);
    /* one band with both paddings is the whole layer: it fits as it is, no bands */
    if (bands.size() == 1 && bands[0].pad_top && bands[0].pad_bottom) return {};
    return bands;
}

std::vector<ChannelGroup> channel_groups(int channels, int g) {
    std::vector<ChannelGroup> v;
    for (int c0 = 0; c0 < channels; c0 += g)
        v.push_back({c0, std::min(channels, c0 + g)});
    return v;
}

int conv_chunk_channels(const AccelConfig &cfg, int k, int align) {
    const uint64_t kmax = std::min<uint64_t>(
        {(uint64_t)cfg.nb_max * cfg.lanes, cfg.weight_buffer / weight_tile_bytes(cfg, 1), 65535});
    const int a = align > 0 ? align : 1;
    return (int)(kmax / ((uint64_t)k * k) / a * a);
}

int balanced_group(int channels, int cap, int align) {
    if (channels <= cap) return channels;
    const int a = align > 0 ? align : 1, n = (channels + cap - 1) / cap;
    return std::min(cap, ((channels + n - 1) / n + a - 1) / a * a);
}

int conv_band_channels(const AccelConfig &cfg, const hq_layer &L, int pool, int batch, int align) {
    const uint64_t rows = (uint64_t)(pool - 1) * L.stride + L.k;
    const uint64_t per_channel = (uint64_t)batch * L.in.w * rows;
    const uint64_t a = align > 0 ? (uint64_t)align : 1;
    if (!per_channel) return 0;
    return (int)std::min<uint64_t>(cfg.act_buffer / per_channel / a * a, 65535);
}

int conv_input_group(const AccelConfig &cfg, const hq_layer &L, int pool, int batch, int align) {
    const int cap = conv_chunk_channels(cfg, L.k, align);
    if (cap <= 0) return L.in.c;
    const int g = balanced_group(L.in.c, cap, align);
    const int band = conv_band_channels(cfg, L, pool, batch, align);
    return band > 0 && band < g ? balanced_group(L.in.c, band, align) : g;
}

std::string plan_conv(const AccelConfig &cfg, const hq_layer &L, int pool, int batch, int g_in,
                      int g_out_max, int out_align, ConvTiles *t) {
    *t = ConvTiles{};
    const uint64_t K = (uint64_t)L.k * L.k * g_in;
    if (weight_tile_bytes(cfg, K) > cfg.weight_buffer || beats(cfg, K) > cfg.nb_max || K > 65535)
        return "a K chunk of " + std::to_string(g_in) + " input channels exceeds the array";
    const bool psum = g_in < L.in.c;
    const int a = out_align > 0 ? out_align : 1;
    for (int g = g_out_max; g >= 1;) {
        const uint64_t in_row = (uint64_t)batch * L.in.w * g_in;
        const uint64_t out_row = (uint64_t)batch * L.out.w * g * (psum ? 4 : 1);
        std::vector<ConvBand> b = bands_for(cfg, L, pool, in_row, out_row);
        if (!b.empty()) {
            t->g_in = g_in;
            t->g_out = g;
            t->bands = std::move(b);
            return "";
        }
        if (g == 1 || g <= a) break;
        g = std::max(a, g / 2 / a * a);
    }
    return "no band of " + std::to_string(pool) + " output rows fits the buffers for batch " +
           std::to_string(batch);
}

hq_layer depthwise_group_layer(const hq_layer &L, int g) {
    hq_layer G = L;
    G.groups = 1;
    G.in.c = G.out.c = G.rows = g;
    G.cols = L.k * L.k * g;
    G.q = nullptr;
    return G;
}

int depthwise_group(const AccelConfig &cfg, const hq_layer &L, int pool, int batch, int align,
                    int cap) {
    const int a = align > 0 ? align : 1;
    const int want = std::lcm(cfg.lanes ? (int)cfg.lanes : 1, a);
    const int limit = std::min(
        {cap, want, conv_chunk_channels(cfg, L.k, 1), conv_band_channels(cfg, L, pool, batch, 1)});
    if (L.in.c <= limit) return L.in.c; /* one group, whatever the alignment */
    if (limit < a) return 0;
    return balanced_group(L.in.c, limit / a * a, a);
}

/* Row r_from of q's per-row parameters into row r_to of s. */
static void copy_row(const hq_qlayer &q, int r_from, hq_qlayer *s, int r_to) {
    if (q.lo_shift) s->lo_shift[r_to] = q.lo_shift[r_from];
    s->w_scale[r_to] = q.w_scale[r_from];
    s->bias[r_to] = q.bias[r_from];
    if (s->rq_mult) s->rq_mult[r_to] = q.rq_mult[r_from];
    if (s->rq_shift) s->rq_shift[r_to] = q.rq_shift[r_from];
}

/* Packs s (rows x cols) with the layout (and block N:M) of `like`, then frees s. */
static std::string pack_and_free(hq_qlayer *s, int rows, int cols, const hq_layout_stats &like,
                                 hq_layer_image *out) {
    hq_layout_opts o;
    hq_layout_opts_default(&o, like.kind);
    if (like.kind == HQ_LAYOUT_BLOCK) {
        o.block_n = like.block_n;
        o.block_m = like.block_m;
    }
    char err[256];
    const int rc = hq_layout_pack(s, rows, cols, &o, out, err, sizeof err);
    hq_qlayer_free(s);
    return rc ? std::string(err) : "";
}

std::string pack_depthwise(const hq_layer &L, int c0, int c1, const hq_layout_stats &like,
                           hq_layer_image *out) {
    const hq_qlayer &q = *L.q;
    const int g = c1 - c0, taps = L.k * L.k;
    const hq_layer S = depthwise_group_layer(L, g);
    hq_qlayer *s = hq_qlayer_alloc(&S, q.lo_bits, q.hi_bits);
    if (!s) return "out of memory";
    /* hq_qlayer_alloc zeroes the weights and high flags: only the diagonal is written */
    for (int c = c0; c < c1; c++) {
        const int r = c - c0;
        for (int t = 0; t < taps; t++) {
            const size_t to = (size_t)r * S.cols + (size_t)t * g + r;
            s->w[to] = q.w[(size_t)c * L.cols + t];
            if (q.is_hi) s->is_hi[to] = q.is_hi[(size_t)c * L.cols + t];
        }
        copy_row(q, c, s, r);
    }
    return pack_and_free(s, S.rows, S.cols, like, out);
}

std::string pack_slice(const hq_layer &L, int r0, int r1, int k0, int k1,
                       const hq_layout_stats &like, hq_layer_image *out) {
    std::vector<int> cols(k1 - k0);
    std::iota(cols.begin(), cols.end(), k0);
    return pack_columns(L, r0, r1, cols, like, out);
}

std::string pack_columns(const hq_layer &L, int r0, int r1, const std::vector<int> &cols,
                         const hq_layout_stats &like, hq_layer_image *out) {
    const hq_qlayer &q = *L.q;
    hq_layer S = L;
    S.rows = r1 - r0;
    S.cols = (int)cols.size();
    hq_qlayer *s = hq_qlayer_alloc(&S, q.lo_bits, q.hi_bits);
    if (!s) return "out of memory";
    for (int r = r0; r < r1; r++) {
        const size_t from = (size_t)r * L.cols, to = (size_t)(r - r0) * S.cols;
        for (size_t i = 0; i < cols.size(); i++)
            s->w[to + i] = q.w[from + cols[i]];
        if (q.is_hi)
            for (size_t i = 0; i < cols.size(); i++)
                s->is_hi[to + i] = q.is_hi[from + cols[i]];
        copy_row(q, r, s, r - r0);
    }
    return pack_and_free(s, S.rows, S.cols, like, out);
}

} // namespace hq::accel
