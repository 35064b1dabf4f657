#include "dram_image.h"

#include "accel/descriptor.h"
#include "layer_ops.h"
#include "layer_tiling.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace hq::accel {

namespace {

uint32_t align(uint32_t v, uint32_t a) {
    return (v + a - 1) / a * a;
}

/* A bump allocator over the DRAM window after the network table. next is 64-bit, so an image
 * past the 32-bit bus's address space is seen (and refused: beyond_address_space) instead of
 * wrapping to a small end that any DRAM would seem to hold. */
struct Layout {
    uint64_t next;
    uint32_t take(uint64_t bytes, uint32_t alignment = 64) {
        const uint64_t at = (next + alignment - 1) / alignment * alignment;
        next = at + bytes;
        return (uint32_t)at;
    }
};

/* "" while the image ends within the 32-bit address space, else what it needs. */
std::string beyond_address_space(const Layout &lay, const DramImage &img) {
    const uint64_t limit = (uint64_t)1 << 32;
    if (lay.next <= limit) return "";
    char b[320];
    std::snprintf(b, sizeof b,
                  "the DRAM image needs %.1f MiB from 0x%08x (%.1f MiB grow with the image count, "
                  "%llu bytes per image), past the end of the 32-bit address space at 0x%llx: "
                  "run fewer images or a smaller batch",
                  (double)(lay.next - HQ_ACCEL_NET_ADDR) / (1 << 20), HQ_ACCEL_NET_ADDR,
                  (double)img.images_bytes / (1 << 20), (unsigned long long)img.per_image_bytes,
                  (unsigned long long)limit);
    return b;
}

/* The signed modes of a weighted layer (docs/arith.md section 7b): int8 input, int8 output
 * (a hidden layer without ReLU), the ReLU6 clamp as CLAMP_HI (0: 255, old images unchanged). */
struct SignedMode {
    bool in = false, out = false;
    uint8_t clamp_hi = 0;
};

SignedMode signed_mode(const hq_model &m, int li, bool last) {
    const hq_layer &L = m.layers[li];
    SignedMode sm;
    sm.in = hq_act_signed(&m, hq_layer_src(&m, li)) != 0;
    sm.out = !last && L.relu == 0;
    if (!last && L.relu == 2) {
        const int q6 = hq_relu6_code(L.out_act_scale);
        sm.clamp_hi = (uint8_t)(q6 < 255 ? q6 : 0);
    }
    return sm;
}

/* The flags of a descriptor built with FLAG_RELU on the chunk that requantizes: SIGNED_IN on
 * every chunk, FLAG_SIGNED_OUT instead of FLAG_RELU, CLAMP_HI. */
void apply_signed(const SignedMode &sm, hq_accel_desc *d) {
    if (sm.in) d->flags |= HQ_ACCEL_FLAG_SIGNED_IN;
    if (!(d->flags & HQ_ACCEL_FLAG_RELU)) return;
    if (sm.out)
        d->flags = (uint8_t)((d->flags & ~HQ_ACCEL_FLAG_RELU) | HQ_ACCEL_FLAG_SIGNED_OUT);
    else
        d->clamp_hi = sm.clamp_hi;
}

/* Row parameters of rows [r0, r1) (all rows: r1 < 0). An int8 input (fold) enters the array
 * as x + 128: the bias takes -128 x the sum of the row's effective weights over the whole K
 * (wrapping int32; docs/arith.md section 7b). */
std::vector<uint8_t> row_params(const hq_layer &L, bool last, bool fold, int r0 = 0, int r1 = -1) {
    if (r1 < 0) r1 = L.rows;
    std::vector<uint8_t> b((size_t)(r1 - r0) * HQ_ACCEL_ROW_PARAM_BYTES, 0);
    for (int r = r0; r < r1; r++) {
        uint8_t *p = b.data() + (size_t)(r - r0) * HQ_ACCEL_ROW_PARAM_BYTES;
        uint32_t bias = (uint32_t)L.q->bias[r];
        if (fold) {
            uint32_t sum = 0;
            for (int k = 0; k < L.cols; k++)
                sum += (uint32_t)(int32_t)L.q->w[(size_t)r * L.cols + k];
            bias -= 128u * sum;
        }
        uint32_t mult = last ? 0 : (uint32_t)L.q->rq_mult[r];
        for (int i = 0; i < 4; i++) {
            p[i] = (uint8_t)(bias >> (8 * i));
            p[4 + i] = (uint8_t)(mult >> (8 * i));
        }
        p[8] = last ? 0 : L.q->rq_shift[r];
    }
    return b;
}

/* The descriptors of a dense layer the planner tiled: per row chunk its row parameters with the
 * partial-sum area after them (docs/regmap.md: PARAM_ADDR + ROWS*12 rounded up to 64), then per
 * K chunk a packed slice of the weights; the first K chunk writes partial sums, the middle ones
 * add to them, the last adds, requantizes (or keeps the logits) and writes the row chunk's
 * outputs in place (OUT_ADDR + r0, strided by the whole layer's outputs). */
std::string emit_dense_tiles(const hq_layer &L, int li, const hq_layer_image &img,
                             const DenseTiles &t, bool last, uint32_t in_addr, uint32_t in_stride,
                             uint32_t out_addr, uint32_t out_stride, uint32_t batch, Layout &lay,
                             DramImage *out, const SignedMode &sm,
                             const std::vector<int> &order = {}) {
    for (int r0 = 0; r0 < L.rows; r0 += t.row_chunk) {
        const int r1 = std::min(L.rows, r0 + t.row_chunk), rc = r1 - r0;
        std::vector<uint8_t> params = row_params(L, last, sm.in, r0, r1);
        const uint64_t psum = t.n_k > 1 ? (uint64_t)batch * rc * 4 : 0;
        const uint32_t param_addr = lay.take(align((uint32_t)params.size(), 64) + psum, 64);
        out->segments.push_back({param_addr, std::move(params)});
        for (int k0 = 0; k0 < L.cols; k0 += t.k_chunk) {
            const int k1 = std::min(L.cols, k0 + t.k_chunk), kc = k1 - k0;
            hq_layer_image slice{};
            const std::string e =
                order.empty()
                    ? pack_slice(L, r0, r1, k0, k1, img.st, &slice)
                    : pack_columns(L, r0, r1,
                                   std::vector<int>(order.begin() + k0, order.begin() + k1), img.st,
                                   &slice);
            if (!e.empty())
                return "layer " + std::to_string(li) + ": tile rows " + std::to_string(r0) + ".." +
                       std::to_string(r1 - 1) + ", inputs " + std::to_string(k0) + ".." +
                       std::to_string(k1 - 1) + ": " + e;
            hq_accel_desc d{};
            d.magic = HQ_ACCEL_DESC_MAGIC;
            d.op = HQ_ACCEL_OP_DENSE;
            d.layout = (uint8_t)slice.st.kind;
            if (k1 < L.cols) d.flags |= HQ_ACCEL_FLAG_PSUM_OUT;
            if (k0 > 0) d.flags |= HQ_ACCEL_FLAG_PSUM_IN;
            if (k1 == L.cols) d.flags |= last ? HQ_ACCEL_FLAG_LAST : HQ_ACCEL_FLAG_RELU;
            apply_signed(sm, &d);
            d.lo_bits = (uint8_t)L.q->lo_bits;
            d.hi_bits = (uint8_t)L.q->hi_bits;
            if (slice.st.kind == HQ_LAYOUT_BLOCK) {
                d.block_n = (uint8_t)slice.st.block_n;
                d.block_m = (uint8_t)slice.st.block_m;
            }
            d.rows = (uint16_t)rc;
            d.cols = (uint16_t)kc;
            d.in_h = d.in_w = d.out_h = d.out_w = 1;
            d.in_c = (uint16_t)kc;
            d.out_c = (uint16_t)rc;
            d.in_addr = in_addr + (uint32_t)k0; /* the chunk's inputs, in place */
            d.in_stride = in_stride;
            d.out_addr = out_addr + (uint32_t)r0 * (last ? 4 : 1);
            d.out_stride = out_stride;
            d.weight_addr = lay.take(slice.size, 64);
            d.weight_bytes = (uint32_t)slice.size;
            d.param_addr = param_addr;
            d.batch = batch;
            out->segments.push_back(
                {d.weight_addr, std::vector<uint8_t>(slice.data, slice.data + slice.size)});
            NetLayer nl;
            nl.model_layer = li;
            nl.desc = d;
            nl.weight_image_bytes = (uint32_t)slice.size;
            nl.name = "dense" + std::to_string(li) + "[k " + std::to_string(k0) + ":" +
                      std::to_string(k1) + " r " + std::to_string(r0) + ":" + std::to_string(r1) +
                      "]/" + hq_layout_name(slice.st.kind);
            hq_layer_image_free(&slice);
            out->layers.push_back(nl);
        }
    }
    return "";
}

/* The columns of input channels [c0, c1) of a k x k conv (weights ordered ky, kx, channel). */
std::vector<int> group_columns(const hq_layer &L, int c0, int c1) {
    std::vector<int> cols;
    for (int p = 0; p < L.k * L.k; p++)
        for (int c = c0; c < c1; c++)
            cols.push_back(p * L.in.c + c);
    return cols;
}

/* A dense layer's columns in the order an activation stored in channel groups of g holds
 * them: group by group, pixel by pixel (docs/accel.md, Tiling). */
std::vector<int> grouped_order(const hq_shape &in, int g) {
    std::vector<int> order;
    order.reserve((size_t)in.h * in.w * in.c);
    for (const ChannelGroup &cg : channel_groups(in.c, g))
        for (int px = 0; px < in.h * in.w; px++)
            for (int c = cg.c0; c < cg.c1; c++)
                order.push_back(px * in.c + c);
    return order;
}

/* The descriptors of a conv the planner tiled (channel groups, K chunks over input groups with
 * int32 partial sums, output-channel chunks, bands of output rows): per output chunk its row
 * parameters with the partial-sum area of its tallest band after them, per output chunk and
 * input group a packed slice of the weights (shared by the bands); descriptors band by band,
 * output chunk by output chunk, input group by input group. The input is read in groups of
 * t.g_in channels, the output written in groups of t.g_out. A depthwise conv (dw; t.g_in =
 * t.g_out) reads only its own group for each output group, with block-diagonal weights. */
std::string emit_conv_tiles(const hq_layer &L, int li, int pool, const hq_layer_image &img,
                            const ConvTiles &t, uint32_t in_addr, uint32_t in_stride,
                            uint32_t out_addr, uint32_t out_stride, uint32_t batch, Layout &lay,
                            DramImage *out, const SignedMode &sm, bool dw = false) {
    const std::vector<ChannelGroup> gin = channel_groups(L.in.c, t.g_in),
                                    gout = channel_groups(L.rows, t.g_out);
    const bool psum = !dw && gin.size() > 1;
    const int conv_w = L.out.w, oh = L.out.h / pool, ow = L.out.w / pool;
    int tallest = 0;
    for (const ConvBand &b : t.bands)
        tallest = std::max(tallest, b.oy1 - b.oy0);
    std::vector<uint32_t> params(gout.size());
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> weights(gout.size());
    const std::string base =
        std::string("conv") + std::to_string(li) + (pool > 1 ? "+pool" : "") + (dw ? "/dw" : "");
    for (size_t r = 0; r < gout.size(); r++) {
        const int r0 = gout[r].c0, r1 = gout[r].c1;
        std::vector<uint8_t> pr = row_params(L, false, sm.in, r0, r1);
        const uint64_t area = psum ? (uint64_t)batch * tallest * conv_w * (r1 - r0) * 4 : 0;
        params[r] = lay.take(align((uint32_t)pr.size(), 64) + area, 64);
        out->segments.push_back({params[r], std::move(pr)});
        for (const ChannelGroup &g : gin) {
            if (dw && g.c0 != r0) continue; /* its own group only */
            hq_layer_image slice{};
            const std::string e =
                dw ? pack_depthwise(L, r0, r1, img.st, &slice)
                   : pack_columns(L, r0, r1, group_columns(L, g.c0, g.c1), img.st, &slice);
            if (!e.empty())
                return "layer " + std::to_string(li) + ": output channels " + std::to_string(r0) +
                       ".." + std::to_string(r1 - 1) + ", input channels " + std::to_string(g.c0) +
                       ".." + std::to_string(g.c1 - 1) + ": " + e;
            const uint32_t at = lay.take(slice.size, 64);
            out->segments.push_back(
                {at, std::vector<uint8_t>(slice.data, slice.data + slice.size)});
            weights[r].push_back({at, (uint32_t)slice.size});
            hq_layer_image_free(&slice);
        }
    }
    for (const ConvBand &b : t.bands)
        for (size_t r = 0; r < gout.size(); r++)
            for (size_t j = 0; j < gin.size(); j++) {
                const int r0 = gout[r].c0, rc = gout[r].c1 - r0;
                const int c0 = gin[j].c0, gc = gin[j].c1 - c0;
                if (dw && c0 != r0) continue;
                const bool first = dw || j == 0, end = dw || j + 1 == gin.size();
                hq_accel_desc d{};
                d.magic = HQ_ACCEL_DESC_MAGIC;
                d.op = HQ_ACCEL_OP_CONV;
                d.layout = (uint8_t)img.st.kind;
                d.flags = end ? HQ_ACCEL_FLAG_RELU : HQ_ACCEL_FLAG_PSUM_OUT;
                if (!first) d.flags |= HQ_ACCEL_FLAG_PSUM_IN;
                if (!b.pad_top) d.flags |= HQ_ACCEL_FLAG_NO_PAD_TOP;
                if (!b.pad_bottom) d.flags |= HQ_ACCEL_FLAG_NO_PAD_BOTTOM;
                apply_signed(sm, &d);
                d.lo_bits = (uint8_t)L.q->lo_bits;
                d.hi_bits = (uint8_t)L.q->hi_bits;
                if (img.st.kind == HQ_LAYOUT_BLOCK) {
                    d.block_n = (uint8_t)img.st.block_n;
                    d.block_m = (uint8_t)img.st.block_m;
                }
                const int p = end ? pool : 1; /* a partial-sum chunk is not pooled */
                d.pool = (uint8_t)p;
                d.kernel = (uint8_t)L.k;
                d.stride = (uint8_t)L.stride;
                d.pad = (uint8_t)L.pad;
                d.rows = d.out_c = (uint16_t)rc;
                d.cols = (uint16_t)(L.k * L.k * gc);
                d.in_c = (uint16_t)gc;
                d.in_w = (uint16_t)L.in.w;
                d.in_h = (uint16_t)(b.y1 - b.y0);
                d.in_addr = in_addr + (uint32_t)L.in.h * L.in.w * c0 + (uint32_t)b.y0 * L.in.w * gc;
                d.in_stride = in_stride;
                d.out_w = (uint16_t)(conv_w / p);
                d.out_h = (uint16_t)((b.oy1 - b.oy0) / p);
                d.out_addr = out_addr + (uint32_t)oh * ow * r0 + (uint32_t)(b.oy0 / pool) * ow * rc;
                d.out_stride = out_stride;
                d.weight_addr = weights[r][dw ? 0 : j].first;
                d.weight_bytes = weights[r][dw ? 0 : j].second;
                d.param_addr = params[r];
                d.batch = batch;
                NetLayer nl;
                nl.model_layer = li;
                nl.desc = d;
                nl.weight_image_bytes = d.weight_bytes;
                nl.name = base + "[y " + std::to_string(b.oy0) + ":" + std::to_string(b.oy1) +
                          " c " + std::to_string(c0) + ":" + std::to_string(c0 + gc) +
                          (dw ? "" : " r " + std::to_string(r0) + ":" + std::to_string(r0 + rc)) +
                          "]/" + hq_layout_name(img.st.kind);
                out->layers.push_back(nl);
            }
    return "";
}

} // namespace

std::string build_dram_image(const hq_model &m, const hq_packed_model &pm, const ImageParams &p,
                             DramImage *out) {
    *out = DramImage{};
    if (p.batch < 1 || p.n_images < 1) return "batch and image count must be at least 1";
    /* The layers the accelerator has no unit for run on the CPU (docs/accel.md, CPU
     * fallback); a network with any, or with a layer reading an earlier layer than the
     * previous one (a graph), keeps every step's output in a buffer of its own. */
    std::vector<bool> cpu(m.n_layers, false);
    bool graph = false;
    char why[256];
    for (int i = 0; i < m.n_layers; i++) {
        cpu[i] = hq_layer_accel_check(&m, i,
                                      p.cfg && p.depthwise_on_array ? HQ_ACCEL_CHECK_DEPTHWISE : 0,
                                      why, sizeof why) != 0;
        graph = graph || cpu[i] || m.layers[i].src || m.layers[i].src2;
    }
    /* readers[j]: how many layers read the output of layer j */
    std::vector<int> readers(m.n_layers, 0);
    for (int i = 0; i < m.n_layers; i++) {
        if (hq_layer_src(&m, i) >= 0) readers[hq_layer_src(&m, i)]++;
        if (m.layers[i].kind == HQ_LAYER_ADD && m.layers[i].src2 > 0)
            readers[m.layers[i].src2 - 1]++;
    }
    Layout lay{HQ_ACCEL_NET_ADDR + 256};
    const int n_desc_max = HQ_MAX_LAYERS;
    const uint32_t desc_front = lay.take((uint64_t)n_desc_max * HQ_ACCEL_DESC_BYTES, 64);

    /* Pass 1: the accelerator's layers (conv + following max-pool fused) and the CPU's. */
    struct Step {
        int li;          /* weighted or maxpool layer */
        int pool = 1;    /* fused pool after a conv */
        int packed = -1; /* index into pm.img */
        bool cpu = false;
    };
    std::vector<Step> steps;
    for (int i = 0, wi = 0; i < m.n_layers; i++) {
        const hq_layer &L = m.layers[i];
        const bool weighted = L.kind == HQ_LAYER_DENSE || L.kind == HQ_LAYER_CONV;
        if (cpu[i]) {
            if (weighted && wi < pm.n && pm.layer_index[wi] == i) wi++;
            steps.push_back({i, 1, -1, true});
            continue;
        }
        if (L.kind == HQ_LAYER_MAXPOOL) {
            if (!steps.empty() && !steps.back().cpu &&
                m.layers[steps.back().li].kind == HQ_LAYER_CONV && steps.back().pool == 1 &&
                !hq_layer_is_depthwise(&m.layers[steps.back().li]) && /* its groups: no pool */
                L.k == L.stride && readers[steps.back().li] == 1 &&
                !hq_act_signed(&m, steps.back().li)) /* the output unit pools uint8 only */
                steps.back().pool = L.k;
            else
                steps.push_back({i, 1, -1});
            continue;
        }
        if (wi >= pm.n || pm.layer_index[wi] != i)
            return "packed model does not match layer " + std::to_string(i);
        steps.push_back({i, 1, wi++});
    }
    if (steps.empty() || (steps.back().packed < 0 &&
                          !(steps.back().cpu && m.layers[steps.back().li].kind == HQ_LAYER_DENSE)))
        return "the network must end with a weighted (dense) layer";
    if (steps.back().li != m.n_layers - 1)
        return "the network must end with a weighted (dense) layer";

    /* Activation sizes per step, ping-pong scratch for hidden outputs. */
    const uint32_t in_bytes = (uint32_t)(m.input.c * m.input.h * m.input.w);
    uint32_t max_hidden = 0;
    for (size_t s = 0; s + 1 < steps.size(); s++) {
        const hq_layer &L = m.layers[steps[s].li];
        uint32_t bytes =
            (uint32_t)(L.out.c * (L.out.h / steps[s].pool) * (L.out.w / steps[s].pool));
        max_hidden = std::max(max_hidden, bytes);
    }
    const uint64_t scratch_bytes = graph ? 0 : (uint64_t)align(max_hidden, 64) * p.batch;
    const uint32_t scratch[2] = {lay.take(scratch_bytes), lay.take(scratch_bytes)};
    const uint32_t n_classes = (uint32_t)m.n_classes;
    const uint64_t before_images = lay.next;
    const uint32_t logits = lay.take((uint64_t)p.n_images * n_classes * 4);
    const uint32_t preds = lay.take((uint64_t)p.n_images);
    const uint32_t images = lay.take((uint64_t)p.n_images * in_bytes);
    out->images_bytes = lay.next - before_images;
    out->per_image_bytes = (uint64_t)n_classes * 4 + 1 + in_bytes;
    out->segments.push_back(
        {images, std::vector<uint8_t>(p.images, p.images + (size_t)p.n_images * in_bytes)});

    /* Channel groups: the input channels of one K chunk each conv would take, fewer when its
     * shortest band of them exceeds the activation buffer (its wish for the groups its
     * producer writes), and the groups of the activation in hand. */
    std::vector<int> want_in(steps.size(), 0), want_align(steps.size(), 1);
    const auto depthwise = [&](size_t s) {
        return !steps[s].cpu && hq_layer_is_depthwise(&m.layers[steps[s].li]);
    };
    for (size_t s = 0; s < steps.size() && p.cfg; s++) {
        const hq_layer &L = m.layers[steps[s].li];
        if (L.kind != HQ_LAYER_CONV || steps[s].cpu || depthwise(s)) continue;
        const hq_layer_image &img = pm.img[steps[s].packed];
        want_align[s] = img.st.kind == HQ_LAYOUT_BLOCK ? img.st.block_m : 1;
        want_in[s] = conv_input_group(*p.cfg, L, steps[s].pool, p.batch, want_align[s]);
    }
    /* A graph: the step that holds each layer's output. */
    std::vector<int> layer_step(m.n_layers, -1);
    for (size_t s = 0; s < steps.size(); s++) {
        layer_step[steps[s].li] = (int)s;
        if (steps[s].pool > 1) layer_step[steps[s].li + 1] = (int)s;
    }
    /* The groups the accelerator's convs reading step s's output would take (the smallest
     * wish of its readers; 0: none) and their alignment (the largest block M). */
    const auto readers_wish = [&](size_t s, int *g, int *a) {
        *g = 0;
        *a = 1;
        for (size_t t = s + 1; t < steps.size(); t++) {
            if (graph) {
                const int j = hq_layer_src(&m, steps[t].li);
                if (j < 0 || layer_step[j] != (int)s) continue;
            } else if (m.layers[steps[t].li].kind == HQ_LAYER_MAXPOOL) {
                continue; /* past unfused max-pools, which keep the groups */
            }
            if (want_in[t]) {
                *g = *g ? std::min(*g, want_in[t]) : want_in[t];
                *a = std::max(*a, want_align[t]);
            }
            if (!graph) break;
        }
    };
    /* A depthwise conv's groups are its input's and its output's: what its readers take,
     * lanes wide (depthwise_group); from the last, so a chain of them agrees. */
    for (size_t s = steps.size(); s-- > 0 && p.cfg;) {
        if (!depthwise(s)) continue;
        const hq_layer &L = m.layers[steps[s].li];
        int g, a;
        readers_wish(s, &g, &a);
        want_align[s] = a;
        want_in[s] = depthwise_group(*p.cfg, L, 1, p.batch, a, g ? g : L.in.c);
        if (!want_in[s]) steps[s].cpu = true; /* not even `a` channels fit: the CPU's */
    }
    std::vector<int> g_want(steps.size(), 0), a_want(steps.size(), 1);
    for (size_t s = 0; s < steps.size(); s++)
        readers_wish(s, &g_want[s], &a_want[s]);
    std::vector<Tensor> step_out(steps.size());
    const Tensor input_tensor{images, in_bytes, m.input.c, m.input};
    const auto tensor_of = [&](int j) { return j < 0 ? input_tensor : step_out[layer_step[j]]; };
    /* each step's output: its own buffer in a graph, else ping-pong scratch */
    const auto out_buf = [&](size_t s, const hq_shape &sh) {
        return graph ? lay.take((uint64_t)align((uint32_t)hq_shape_elems(sh), 64) * p.batch)
                     : scratch[s % 2];
    };
    CpuEmit emit;
    emit.take = [&](uint64_t bytes) { return lay.take(bytes, 64); };
    emit.put = [&](uint32_t a, std::vector<uint8_t> b) {
        out->segments.push_back({a, std::move(b)});
    };
    emit.batch = (uint32_t)p.batch;
    emit.ops = &out->cpu_ops;

    hq_shape cur_shape = m.input;
    int cur_g = m.input.c;
    uint32_t cur_in = images, cur_stride = in_bytes;
    for (size_t s = 0; s < steps.size(); s++) {
        const Step &st = steps[s];
        /* past its step nothing reads the layer's whole image: freed (ImageParams::release);
         * a tiled layer's tiles are packed from the model, so its bytes go before them */
        struct Release {
            hq_packed_model *pm;
            int k;
            const std::function<void(int)> *done;
            int li;
            void bytes() {
                if (!pm || k < 0) return;
                std::free(pm->img[k].data);
                pm->img[k].data = nullptr; /* its header fields (st, size) stay */
            }
            ~Release() {
                bytes();
                if (pm && k >= 0 && *done) (*done)(li);
            }
        } release{p.release, st.packed, &p.layer_done, st.li};
        /* a tiled layer's tiles are packed from its weights and high flags (layer_begin) */
        const auto tiles_begin = [&] {
            release.bytes();
            return !p.layer_begin || p.layer_begin(st.li);
        };
        const auto no_flags = [&] {
            return "layer " + std::to_string(st.li) + ": out of memory for its high flags";
        };
        const hq_layer &L = m.layers[st.li];
        const bool last = s + 1 == steps.size();
        if (graph) { /* the previous step's output, then this step's input */
            if (s > 0) step_out[s - 1] = Tensor{cur_in, cur_stride, cur_g, cur_shape};
            const Tensor t = tensor_of(hq_layer_src(&m, st.li));
            cur_in = t.addr;
            cur_stride = t.stride;
            cur_g = t.g;
            cur_shape = t.shape;
        }
        const hq_shape in_shape = cur_shape;
        const int in_g = cur_g;
        cur_shape = L.out;
        if (L.kind == HQ_LAYER_CONV) cur_shape.h /= st.pool, cur_shape.w /= st.pool;
        cur_g = cur_shape.c;
        /* a depthwise conv on the array reads its input's groups as they are (the producer
         * wrote what it asked for, or fewer channels); when they exceed what it takes (a
         * plain input it cannot split) the CPU runs it */
        ConvTiles dw_tiles;
        bool on_cpu = st.cpu;
        if (depthwise(s)) {
            const std::string why = in_g <= want_in[s]
                                        ? plan_conv(*p.cfg, depthwise_group_layer(L, in_g), 1,
                                                    p.batch, in_g, in_g, 1, &dw_tiles)
                                        : "groups of " + std::to_string(in_g) + " channels";
            on_cpu = !why.empty() || dw_tiles.g_out != in_g;
        }
        if (on_cpu) {
            emit.before = (uint32_t)out->layers.size();
            Tensor o{0, 0, L.out.c, L.out};
            if (last) {
                if (L.kind != HQ_LAYER_DENSE || L.rows != (int)n_classes)
                    return "the last layer must be dense with n_classes outputs";
                o.addr = logits;
                o.stride = n_classes * 4;
            } else {
                o.stride = align((uint32_t)hq_shape_elems(L.out), 64);
                o.addr = out_buf(s, L.out);
            }
            const Tensor in2 = L.kind == HQ_LAYER_ADD ? tensor_of(L.src2 - 1) : Tensor{};
            const std::string e = emit_cpu_layer(
                m, st.li, Tensor{cur_in, cur_stride, in_g, in_shape}, in2, o, last, emit);
            if (!e.empty()) return e;
            if (!last && g_want[s] && g_want[s] < L.out.c) /* an accelerator conv reads it */
                o = cpu_regroup(o, g_want[s], st.li, emit);
            cur_in = o.addr;
            cur_stride = o.stride;
            cur_g = o.g;
            continue;
        }
        if (depthwise(s)) { /* block-diagonal convs, group by group, in the input's groups */
            const uint32_t o = out_buf(s, cur_shape),
                           os = align((uint32_t)(cur_shape.c * cur_shape.h * cur_shape.w), 64);
            if (!tiles_begin()) return no_flags();
            std::string e =
                emit_conv_tiles(L, st.li, 1, pm.img[st.packed], dw_tiles, cur_in, cur_stride, o, os,
                                (uint32_t)p.batch, lay, out, signed_mode(m, st.li, false), true);
            if (!e.empty()) return e;
            cur_g = in_g;
            cur_in = o;
            cur_stride = os;
            continue;
        }
        if (L.kind == HQ_LAYER_MAXPOOL && in_g < L.in.c) {
            /* a grouped activation: one max-pool per channel group, the groups kept */
            const uint32_t o = out_buf(s, L.out),
                           os = align((uint32_t)(L.out.c * L.out.h * L.out.w), 64);
            for (const ChannelGroup &g : channel_groups(L.in.c, in_g)) {
                hq_accel_desc d{};
                d.magic = HQ_ACCEL_DESC_MAGIC;
                d.op = HQ_ACCEL_OP_MAXPOOL;
                d.flags = HQ_ACCEL_FLAG_RELU;
                d.pool = (uint8_t)L.k;
                d.in_h = (uint16_t)L.in.h;
                d.in_w = (uint16_t)L.in.w;
                d.in_c = d.out_c = (uint16_t)(g.c1 - g.c0);
                d.out_h = (uint16_t)L.out.h;
                d.out_w = (uint16_t)L.out.w;
                d.batch = (uint32_t)p.batch;
                d.in_addr = cur_in + (uint32_t)L.in.h * L.in.w * g.c0;
                d.in_stride = cur_stride;
                d.out_addr = o + (uint32_t)L.out.h * L.out.w * g.c0;
                d.out_stride = os;
                NetLayer nl;
                nl.model_layer = st.li;
                nl.desc = d;
                nl.name = "pool" + std::to_string(st.li) + "[c " + std::to_string(g.c0) + ":" +
                          std::to_string(g.c1) + "]";
                out->layers.push_back(nl);
            }
            cur_g = in_g;
            cur_in = o;
            cur_stride = os;
            continue;
        }
        if (L.kind == HQ_LAYER_CONV && p.cfg && L.k * L.k * L.in.c <= 65535) {
            /* the output groups its readers (past unfused max-pools) would read */
            const int g_out_max = g_want[s] ? g_want[s] : L.rows, out_align = a_want[s];
            const hq_layer_image &img = pm.img[st.packed];
            ConvTiles ct;
            const std::string why =
                plan_conv(*p.cfg, L, st.pool, p.batch, in_g, g_out_max, out_align, &ct);
            /* plain: one descriptor, or the bands of plan_conv_bands below, as before K chunks */
            const bool plain = in_g == L.in.c && (!why.empty() || ct.g_out == L.rows);
            if (!plain) {
                const uint32_t o = out_buf(s, cur_shape),
                               os = align((uint32_t)(cur_shape.c * cur_shape.h * cur_shape.w), 64);
                if (!tiles_begin()) return no_flags();
                std::string e =
                    emit_conv_tiles(L, st.li, st.pool, img, ct, cur_in, cur_stride, o, os,
                                    (uint32_t)p.batch, lay, out, signed_mode(m, st.li, false));
                if (!e.empty()) return e;
                cur_g = ct.g_out;
                cur_in = o;
                cur_stride = os;
                continue;
            }
            if (!why.empty() && in_g < L.in.c)
                return "layer " + std::to_string(st.li) + " cannot be tiled to the buffers: " + why;
        }
        NetLayer nl;
        nl.model_layer = st.li;
        hq_accel_desc d{};
        d.magic = HQ_ACCEL_DESC_MAGIC;
        d.in_h = (uint16_t)L.in.h;
        d.in_w = (uint16_t)L.in.w;
        d.in_c = (uint16_t)L.in.c;
        d.out_c = (uint16_t)L.out.c;
        d.out_h = (uint16_t)(L.out.h / st.pool);
        d.out_w = (uint16_t)(L.out.w / st.pool);
        d.batch = (uint32_t)p.batch;
        d.in_addr = cur_in;
        d.in_stride = cur_stride;
        if (L.kind == HQ_LAYER_MAXPOOL) {
            d.op = HQ_ACCEL_OP_MAXPOOL;
            d.flags = HQ_ACCEL_FLAG_RELU;
            d.pool = (uint8_t)L.k;
            if (L.k != L.stride)
                return "layer " + std::to_string(st.li) + ": max-pool with stride != window";
            nl.name = "pool" + std::to_string(st.li);
        } else {
            if (L.in.h > 65535 || L.rows > 65535 || L.cols > 65535)
                return "layer " + std::to_string(st.li) + " is too large for a descriptor";
            const hq_layer_image &img = pm.img[st.packed];
            DenseTiles tiles;
            /* inputs stored in channel groups: the weights' columns follow them */
            const bool grouped = L.kind == HQ_LAYER_DENSE && in_g < in_shape.c &&
                                 in_shape.h * in_shape.w > 1 &&
                                 (size_t)L.cols == hq_shape_elems(in_shape);
            if (p.cfg && L.kind == HQ_LAYER_DENSE) {
                const std::string why =
                    plan_dense(*p.cfg, L.rows, L.cols, p.batch, last,
                               img.st.kind == HQ_LAYOUT_BLOCK ? img.st.block_m : 1, &tiles);
                if (!why.empty()) tiles = DenseTiles{}; /* the accelerator refuses it */
            }
            if (!tiles.k_chunk) { /* untiled: one chunk */
                tiles = DenseTiles{};
                tiles.k_chunk = L.cols;
                tiles.row_chunk = L.rows;
            }
            if (tiles.tiled() || grouped) {
                const uint32_t out_addr = last ? logits : out_buf(s, cur_shape);
                const uint32_t out_stride = last ? n_classes * 4 : align(L.rows, 64);
                if (!tiles_begin()) return no_flags();
                std::string e = emit_dense_tiles(
                    L, st.li, img, tiles, last, cur_in, cur_stride, out_addr, out_stride,
                    (uint32_t)p.batch, lay, out, signed_mode(m, st.li, last),
                    grouped ? grouped_order(in_shape, in_g) : std::vector<int>{});
                if (!e.empty()) return e;
                cur_in = out_addr;
                cur_stride = out_stride;
                continue;
            }
            d.op = L.kind == HQ_LAYER_CONV ? HQ_ACCEL_OP_CONV : HQ_ACCEL_OP_DENSE;
            d.layout = (uint8_t)img.st.kind;
            d.flags = last ? HQ_ACCEL_FLAG_LAST : HQ_ACCEL_FLAG_RELU;
            const SignedMode sm = signed_mode(m, st.li, last);
            apply_signed(sm, &d);
            d.lo_bits = (uint8_t)L.q->lo_bits;
            d.hi_bits = (uint8_t)L.q->hi_bits;
            if (img.st.kind == HQ_LAYOUT_BLOCK) {
                if (img.st.block_m > 255)
                    return "layer " + std::to_string(st.li) +
                           ": block M > 255 does not fit a descriptor";
                d.block_n = (uint8_t)img.st.block_n;
                d.block_m = (uint8_t)img.st.block_m;
            }
            d.pool = (uint8_t)st.pool;
            d.rows = (uint16_t)L.rows;
            d.cols = (uint16_t)L.cols;
            d.kernel = (uint8_t)L.k;
            d.stride = (uint8_t)L.stride;
            d.pad = (uint8_t)L.pad;
            d.weight_addr = lay.take(img.size, 64);
            d.weight_bytes = (uint32_t)img.size;
            out->segments.push_back(
                {d.weight_addr, std::vector<uint8_t>(img.data, img.data + img.size)});
            std::vector<uint8_t> params = row_params(L, last, sm.in);
            d.param_addr = lay.take(params.size(), 64);
            out->segments.push_back({d.param_addr, std::move(params)});
            nl.weight_image_bytes = (uint32_t)img.size;
            nl.name = std::string(L.kind == HQ_LAYER_CONV ? "conv" : "dense") +
                      std::to_string(st.li) + (st.pool > 1 ? "+pool" : "") + "/" +
                      hq_layout_name(img.st.kind);
        }
        const uint32_t per_out = (uint32_t)d.out_h * d.out_w * d.out_c * (last ? 4 : 1);
        if (last) {
            if (d.out_c != n_classes || d.op != HQ_ACCEL_OP_DENSE)
                return "the last layer must be dense with n_classes outputs";
            d.out_addr = logits;
            d.out_stride = per_out;
        } else {
            d.out_addr = out_buf(s, cur_shape);
            d.out_stride = align(per_out, 64);
        }
        cur_in = d.out_addr;
        cur_stride = d.out_stride;
        std::vector<ConvBand> bands;
        if (p.cfg && L.kind == HQ_LAYER_CONV) bands = plan_conv_bands(*p.cfg, L, st.pool, p.batch);
        if (bands.empty()) {
            nl.desc = d;
            out->layers.push_back(nl);
        }
        /* Spatial tiles: each band reads its input rows with their halo in place and writes
         * its output rows in place; weights and row parameters are the layer's. */
        for (const ConvBand &b : bands) {
            NetLayer t = nl;
            t.desc = d;
            t.desc.in_h = (uint16_t)(b.y1 - b.y0);
            t.desc.in_addr = d.in_addr + (uint32_t)b.y0 * d.in_w * d.in_c;
            t.desc.out_h = (uint16_t)((b.oy1 - b.oy0) / st.pool);
            t.desc.out_addr = d.out_addr + (uint32_t)(b.oy0 / st.pool) * d.out_w * d.out_c;
            if (!b.pad_top) t.desc.flags |= HQ_ACCEL_FLAG_NO_PAD_TOP;
            if (!b.pad_bottom) t.desc.flags |= HQ_ACCEL_FLAG_NO_PAD_BOTTOM;
            t.name = nl.name.substr(0, nl.name.find('/')) + "[y " + std::to_string(b.oy0) + ":" +
                     std::to_string(b.oy1) + "]" + nl.name.substr(nl.name.find('/'));
            out->layers.push_back(t);
        }
    }
    /* Every layer on the CPU: no descriptor, the tiled runtime runs the ops alone. */
    if (out->layers.empty() && out->cpu_ops.empty()) return "the network has no layer to run";
    if (out->layers.size() > HQ_ACCEL_NET_MAX_DESC_TILED)
        return "the tiled network needs " + std::to_string(out->layers.size()) +
               " descriptors, the runtime runs at most " +
               std::to_string(HQ_ACCEL_NET_MAX_DESC_TILED);
    uint32_t desc_base = desc_front;
    if (out->layers.size() > (size_t)n_desc_max) /* tiles: the descriptors go after the rest */
        desc_base = lay.take((uint64_t)out->layers.size() * HQ_ACCEL_DESC_BYTES, 64);
    std::vector<uint8_t> descs(out->layers.size() * HQ_ACCEL_DESC_BYTES);
    for (size_t i = 0; i < out->layers.size(); i++)
        desc_to_bytes(out->layers[i].desc, descs.data() + i * HQ_ACCEL_DESC_BYTES);
    out->segments.push_back({desc_base, std::move(descs)});
    out->end = lay.next;

    hq_accel_net &n = out->net;
    n.magic = HQ_ACCEL_NET_MAGIC;
    n.version = HQ_ACCEL_NET_VERSION;
    n.preds_addr = preds;
    n.accel_base = p.accel_base;
    n.plic_base = p.plic_base;
    n.irq_source = p.irq_source;
    n.mode = p.mode;
    /* A tiled network, one of more descriptors than a command takes, or one whose class
     * index does not fit the untiled runtime's byte, runs on accel_runtime_tiled (uint32
     * predictions, after the rest of the image). */
    if (out->layers.size() != steps.size() || n_classes > 256 || !out->cpu_ops.empty() ||
        out->layers.size() > HQ_ACCEL_MAX_DESC) {
        n.version = HQ_ACCEL_NET_VERSION_TILED;
        const uint64_t before_preds = lay.next;
        n.preds_addr = lay.take((uint64_t)p.n_images * 4);
        out->images_bytes += lay.next - before_preds;
        out->per_image_bytes += 4;
        out->end = lay.next;
    }
    if (!out->cpu_ops.empty()) { /* the CPU fallback's table, for the tiled runtime */
        std::vector<uint8_t> ops(out->cpu_ops.size() * sizeof(hq_cpu_op));
        for (size_t i = 0; i < out->cpu_ops.size(); i++)
            std::memcpy(ops.data() + i * sizeof(hq_cpu_op), &out->cpu_ops[i].op, sizeof(hq_cpu_op));
        n.cpu_ops_addr = lay.take(ops.size(), 64);
        n.n_cpu_ops = (uint32_t)out->cpu_ops.size();
        out->segments.push_back({n.cpu_ops_addr, std::move(ops)});
        out->end = lay.next;
    }
    const std::string beyond = beyond_address_space(lay, *out);
    if (!beyond.empty()) return beyond;
    n.n_layers = (uint32_t)out->layers.size();
    n.desc_addr = desc_base;
    n.n_images = (uint32_t)p.n_images;
    n.batch = (uint32_t)p.batch;
    n.in_addr = images;
    n.in_stride = in_bytes;
    n.logits_addr = logits;
    n.n_classes = n_classes;
    n.status = 0xFFFFFFFFu; /* the firmware overwrites it */
    /* The table is u32 fields only; the bus and this host are both little-endian. */
    static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host assumed");
    std::vector<uint8_t> table(sizeof n);
    std::memcpy(table.data(), &n, sizeof n);
    out->segments.push_back({HQ_ACCEL_NET_ADDR, std::move(table)});
    return "";
}

namespace {

std::string hex32(uint64_t v) {
    char b[20];
    std::snprintf(b, sizeof b, "%08llx", (unsigned long long)v);
    return b;
}

std::string mib(uint64_t bytes) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f MiB", (double)bytes / (1 << 20));
    return b;
}

} // namespace

std::string dram_fit_error(const DramImage &img, int n_images, uint64_t dram_base,
                           uint64_t dram_size, const std::string &platform,
                           const std::string &bigger_config, uint64_t bigger_size,
                           const char *image_option) {
    const uint64_t dram_end = dram_base + dram_size;
    if (img.end <= dram_end) return "";
    /* Each of the (up to four) areas that grow with the image count is aligned to 64. */
    const uint64_t slack = 4 * 64, model_end = img.end - img.images_bytes;
    const uint64_t need = img.end - dram_base, model_need = model_end - dram_base + slack;
    const std::string have = "the platform's DRAM (" + platform + ") has " + mib(dram_size);
    std::string cure;
    const uint64_t want = std::max(need, model_need + img.per_image_bytes);
    if (bigger_config.empty() || want > bigger_size)
        cure =
            "a platform config whose dram device has at least " + mib(want) +
            (bigger_config.empty() ? "" : " (" + bigger_config + " has " + mib(bigger_size) + ")");
    else
        cure = "a platform config with more DRAM, e.g. --platform " + bigger_config + " (" +
               mib(bigger_size) + ")";
    if (model_end + slack + img.per_image_bytes > dram_end)
        return "the model needs " + mib(model_need + img.per_image_bytes) + " of DRAM from 0x" +
               hex32(dram_base) +
               " (firmware, weights, descriptors and activations, with one image), " + have +
               ": run it on " + cure;
    const uint64_t fit = (dram_end - model_end - slack) / img.per_image_bytes;
    return std::to_string(n_images) + " images need " + mib(need) +
           " of DRAM (firmware, model and "
           "activations " +
           mib(model_need) + ", each image " + std::to_string(img.per_image_bytes) + " bytes), " +
           have + ": at most " + std::to_string(fit) + " images fit (" + image_option + " " +
           std::to_string(fit) + "), or run on " + cure;
}

} // namespace hq::accel
