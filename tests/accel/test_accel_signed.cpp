/* The accelerator's signed modes (docs/arith.md section 7b; docs/regmap.md FLAG_SIGNED_IN,
 * FLAG_SIGNED_OUT, CLAMP_HI): int8 inputs enter the array as x + 128 with -128 x (sum of the
 * row's effective weights) folded into the bias by the host, int8 outputs without ReLU, and
 * the ReLU's upper clamp (ReLU6). Every layer runs through the module and is compared with the
 * C reference (hq_ref_run_layer of a model in which the layer under test reads an int8 or
 * uint8 tensor), whole and cut into K chunks, on every layout the array takes; the timing is
 * the unsigned layer's; each flag combination of the regmap is checked at its boundary. */
#include "layer_test.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace hq::accel;
using hqt::Bench;
using hqt::expect;
using hqt::LayerSpec;
using namespace hqt::layer_map;

namespace {

/* What the layer under test reads and writes. */
struct Mode {
    bool signed_in = false;
    int relu = 1; /* 0: int8 output (FLAG_SIGNED_OUT), 1: ReLU, 2: ReLU6 (CLAMP_HI = q6) */
};

/* A model P -> T -> C in which T (the layer under test, a copy of L) reads P's output: int8
 * when P has no ReLU. Only T runs; P and C exist for the reference's graph rules. */
struct RefModel {
    hq_model m{};
    hq_ref_net *net = nullptr;
    RefModel(const hq_layer &L, bool signed_in, std::mt19937 &rng) {
        m.n_layers = 3;
        m.input = L.in;
        m.n_classes = 2;
        LayerSpec p; /* a 1 x 1 conv keeping T's input shape */
        p.kind = HQ_LAYER_CONV, p.k = 1, p.pad = 0, p.lo = 0, p.layout = HQ_LAYOUT_DENSE;
        p.in_h = L.in.h, p.in_w = L.in.w, p.in_c = p.out_c = L.in.c;
        p.relu = !signed_in;
        hqt::make_layer(p, rng, &m.layers[0]);
        m.layers[1] = L;
        LayerSpec c;
        c.lo = 0, c.layout = HQ_LAYOUT_DENSE, c.relu = false;
        c.in_h = L.out.h, c.in_w = L.out.w, c.in_c = L.out.c, c.out_c = 2;
        hqt::make_layer(c, rng, &m.layers[2]);
        char err[256];
        net = hq_ref_prepare(&m, err, sizeof err);
        CHECK(net, "reference: %s", err);
    }
    ~RefModel() {
        hq_ref_free(net);
        hqt::free_layer(&m.layers[0]);
        hqt::free_layer(&m.layers[2]);
    }
};

/* Row parameters with FLAG_SIGNED_IN's fold: bias - 128 x sum_k w[r][k] over the whole K
 * (wrapping int32), as the host writes them. */
void put_params_folded(Bench &b, uint64_t addr, const hq_layer &L, bool fold) {
    hqt::put_params(b, addr, L);
    if (!fold) return;
    for (int r = 0; r < L.rows; r++) {
        int64_t sum = 0;
        for (int k = 0; k < L.cols; k++)
            sum += L.q->w[(size_t)r * L.cols + k];
        const uint32_t bias = (uint32_t)L.q->bias[r] - (uint32_t)(128 * sum);
        for (int i = 0; i < 4; i++)
            b.at(addr + (uint64_t)r * 12)[i] = (uint8_t)(bias >> (8 * i));
    }
}

/* Requantization that spreads the outputs over the whole code range, some saturating: per row
 * mult 2^30 and the shift that maps the row's largest |acc| into [180, 360). The accumulators
 * (int8 or uint8 inputs, padding 0) are computed naively here only to choose the shift. */
void spread_requant(hq_layer *L, const std::vector<uint8_t> &in, unsigned batch, bool sgn) {
    const int k = L->kind == HQ_LAYER_CONV ? L->k : 1,
              st = L->kind == HQ_LAYER_CONV ? L->stride : 1,
              pad = L->kind == HQ_LAYER_CONV ? L->pad : 0;
    const int ih = L->kind == HQ_LAYER_CONV ? L->in.h : 1,
              iw = L->kind == HQ_LAYER_CONV ? L->in.w : 1,
              ic = L->kind == HQ_LAYER_CONV ? L->in.c : L->cols;
    const int oh = (ih + 2 * pad - k) / st + 1, ow = (iw + 2 * pad - k) / st + 1;
    for (int r = 0; r < L->rows; r++) {
        int64_t most = 1;
        for (unsigned i = 0; i < batch; i++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    int64_t acc = L->q->bias[r];
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            const int y = oy * st + ky - pad, x = ox * st + kx - pad;
                            if (y < 0 || y >= ih || x < 0 || x >= iw) continue;
                            for (int c = 0; c < ic; c++) {
                                const uint8_t a =
                                    in[(size_t)i * ih * iw * ic + ((size_t)y * iw + x) * ic + c];
                                acc +=
                                    (int64_t)L->q->w[(size_t)r * L->cols + (ky * k + kx) * ic + c] *
                                    (sgn ? (int8_t)a : a);
                            }
                        }
                    most = std::max<int64_t>(most, acc < 0 ? -acc : acc);
                }
        int e = 0;
        while ((most >> e) >= 360)
            e++;
        while (e > -20 && (most << -std::min(e, 0) >> std::max(e, 0)) < 180)
            e--;
        L->q->rq_mult[r] = 1 << 30;
        L->q->rq_shift[r] = (uint8_t)(30 + e);
    }
}

void set_flags(hq_accel_desc *d, const Mode &md, int q6) {
    if (md.signed_in) d->flags |= HQ_ACCEL_FLAG_SIGNED_IN;
    if (!(d->flags & HQ_ACCEL_FLAG_RELU)) return; /* a K chunk before the last */
    if (md.relu == 0)
        d->flags = (uint8_t)((d->flags & ~HQ_ACCEL_FLAG_RELU) | HQ_ACCEL_FLAG_SIGNED_OUT);
    if (md.relu == 2 && q6 < 255) d->clamp_hi = (uint8_t)q6;
}

/* Runs layer s (in `mode`) cut at the input-channel boundaries `cuts` on batch images and
 * compares every output byte with the reference; returns the layer's statistics (whole layer:
 * one chunk). */
LayerStats signed_run(Bench &b, std::mt19937 &rng, LayerSpec s, const Mode &md,
                      std::vector<int> cuts, unsigned batch, const char *what,
                      std::vector<uint8_t> *outputs = nullptr) {
    s.relu = true;
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    L.relu = md.relu;
    const int q6 = 100; /* ReLU6 with an output scale of 6/100 */
    if (md.relu == 2) L.out_act_scale = 0.06f;
    const uint32_t per_in = (uint32_t)(L.in.h * L.in.w * L.in.c);
    std::vector<uint8_t> in((size_t)batch * per_in);
    for (auto &v : in) /* int8 or uint8 codes, extremes and the zero point included */
        v = (uint8_t)(rng() % 4 == 0 ? (rng() % 2 ? 0x80 : 0x7f) * (rng() % 2) : rng() % 256);
    spread_requant(&L, in, batch, md.signed_in);
    RefModel ref(L, md.signed_in, rng);
    put_params_folded(b, PARAMS, L, md.signed_in);
    const unsigned n = (unsigned)cuts.size() - 1;
    std::vector<hq_accel_desc> descs;
    for (unsigned j = 0; j < n; j++) {
        hq_layer S; /* the chunk: input channels [cuts[j], cuts[j+1]) */
        hqt::sub_layer(L, cuts[j], cuts[j + 1], &S);
        /* a chunk's block of M may join two half blocks of the layer: twice the slots */
        LayerSpec ps = s;
        if (n > 1) ps.n = std::min(2 * s.n, s.m);
        std::vector<uint8_t> img = hqt::pack_layer(S, ps);
        const uint32_t w = WEIGHTS + j * CHUNK;
        std::memcpy(b.at(w), img.data(), img.size());
        const uint32_t in_addr = IN + j * CHUNK, in_stride = (uint32_t)(L.in.h * L.in.w * S.in.c);
        for (unsigned i = 0; i < batch; i++)
            for (int p = 0; p < L.in.h * L.in.w; p++)
                std::memcpy(b.at(in_addr + i * in_stride + (uint32_t)(p * S.in.c)),
                            in.data() + (size_t)i * per_in + (size_t)p * L.in.c + cuts[j],
                            (size_t)S.in.c);
        S.relu = 1;
        hq_accel_desc d =
            hqt::desc_for(S, ps, in_addr, OUT, w, (uint32_t)img.size(), PARAMS, batch, 1);
        if (j + 1 < n) d.flags = HQ_ACCEL_FLAG_PSUM_OUT;
        if (j > 0) d.flags |= HQ_ACCEL_FLAG_PSUM_IN;
        set_flags(&d, md, q6);
        descs.push_back(d);
        hqt::put_desc(b, DESC + 64 * j, d);
        hqt::free_layer(&S);
    }
    const size_t layers_before = b.accel.layers().size();
    const uint32_t st = b.run(DESC, n);
    CHECK(st == HQ_ACCEL_STATUS_DONE, "%s: STATUS 0x%x (%s)", what, st,
          b.accel.errors().empty() ? "" : b.accel.errors().back().c_str());
    const size_t per_out = hq_shape_elems(L.out);
    std::vector<uint8_t> want((size_t)batch * per_out);
    CHECK(ref.net && hq_ref_run_layer(ref.net, 1, in.data(), (int)batch, want.data(), nullptr) == 0,
          "%s: reference failed", what);
    size_t bad = 0, neg = 0, top = 0;
    const int hi = md.relu == 0 ? 127 : md.relu == 2 ? q6 : 255;
    for (unsigned i = 0; i < batch; i++)
        for (size_t k = 0; k < per_out; k++) {
            const uint8_t got = b.at(OUT + i * descs.back().out_stride)[k];
            bad += got != want[i * per_out + k];
            neg += md.relu == 0 && got >= 0x80;
            top += got == hi;
        }
    CHECK(bad == 0, "%s: %zu of %zu output bytes differ from the reference", what, bad,
          want.size());
    /* the outputs exercise the clamp: negative codes (int8) and the upper bound occur */
    CHECK(md.relu != 0 || neg > 0, "%s: no negative output", what);
    CHECK(top > 0, "%s: no output at the upper clamp %d", what, hi);
    if (outputs) *outputs = want;
    LayerStats total{};
    for (size_t j = layers_before; j < b.accel.layers().size(); j++) {
        const LayerStats &ls = b.accel.layers()[j];
        total.cycles += ls.cycles;
        total.dram_read += ls.dram_read;
        total.dram_written += ls.dram_written;
    }
    hqt::free_layer(&L);
    return total;
}

/* The flag combinations of the regmap at their boundaries. */
void descriptor_checks(Bench &b, std::mt19937 &rng, const LayerSpec &s0) {
    LayerSpec s = s0;
    s.kind = HQ_LAYER_CONV;
    s.in_h = s.in_w = 4, s.in_c = 8, s.out_c = 4;
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    std::vector<uint8_t> img = hqt::pack_layer(L, s);
    std::memcpy(b.at(WEIGHTS), img.data(), img.size());
    hqt::put_params(b, PARAMS, L);
    const hq_accel_desc base =
        hqt::desc_for(L, s, IN, OUT, WEIGHTS, (uint32_t)img.size(), PARAMS, 1, 1);
    hq_accel_desc d = base;
    d.flags = HQ_ACCEL_FLAG_SIGNED_OUT;
    expect(b, d, HQ_ACCEL_ERR_NONE, "conv SIGNED_OUT, POOL 0");
    d.pool = 1;
    expect(b, d, HQ_ACCEL_ERR_NONE, "conv SIGNED_OUT, POOL 1");
    d.pool = 2, d.out_h = d.out_w = 2;
    expect(b, d, HQ_ACCEL_ERR_BAD_DESC, "conv SIGNED_OUT, POOL 2");
    d = base;
    d.flags = HQ_ACCEL_FLAG_SIGNED_OUT | HQ_ACCEL_FLAG_RELU;
    expect(b, d, HQ_ACCEL_ERR_BAD_DESC, "SIGNED_OUT with RELU");
    d.flags = HQ_ACCEL_FLAG_SIGNED_OUT | HQ_ACCEL_FLAG_PSUM_OUT;
    expect(b, d, HQ_ACCEL_ERR_BAD_DESC, "SIGNED_OUT with PSUM_OUT");
    d.flags = HQ_ACCEL_FLAG_SIGNED_OUT | HQ_ACCEL_FLAG_PSUM_IN | HQ_ACCEL_FLAG_SIGNED_IN;
    expect(b, d, HQ_ACCEL_ERR_NONE, "SIGNED_OUT with PSUM_IN and SIGNED_IN (the last K chunk)");
    d.flags = HQ_ACCEL_FLAG_PSUM_OUT | HQ_ACCEL_FLAG_SIGNED_IN;
    expect(b, d, HQ_ACCEL_ERR_NONE, "SIGNED_IN with PSUM_OUT (a K chunk before the last)");
    d.flags = 0;
    expect(b, d, HQ_ACCEL_ERR_BAD_DESC, "conv without RELU, SIGNED_OUT or PSUM_OUT (int32)");
    /* CLAMP_HI: any value with RELU (1 and 255 the extremes), none without */
    d = base;
    d.clamp_hi = 1;
    expect(b, d, HQ_ACCEL_ERR_NONE, "CLAMP_HI 1 with RELU");
    size_t above = 0;
    for (uint32_t k = 0; k < 4u * 4 * 4; k++)
        above += *b.at(OUT + k) > 1;
    CHECK(above == 0, "CLAMP_HI 1: %zu outputs above 1", above);
    d.clamp_hi = 255;
    expect(b, d, HQ_ACCEL_ERR_NONE, "CLAMP_HI 255 with RELU");
    d.flags = HQ_ACCEL_FLAG_SIGNED_OUT;
    d.clamp_hi = 1;
    expect(b, d, HQ_ACCEL_ERR_BAD_DESC, "CLAMP_HI 1 with SIGNED_OUT (no RELU)");
    d.flags = HQ_ACCEL_FLAG_PSUM_OUT;
    expect(b, d, HQ_ACCEL_ERR_BAD_DESC, "CLAMP_HI 1 with PSUM_OUT (no RELU)");
    d.clamp_hi = 0;
    expect(b, d, HQ_ACCEL_ERR_NONE, "CLAMP_HI 0 with PSUM_OUT");
    /* dense logits: SIGNED_IN allowed; CLAMP_HI refused */
    LayerSpec dn = s0;
    dn.relu = false, dn.in_c = 40, dn.out_c = 3;
    hq_layer D;
    hqt::make_layer(dn, rng, &D);
    img = hqt::pack_layer(D, dn);
    std::memcpy(b.at(WEIGHTS), img.data(), img.size());
    hqt::put_params(b, PARAMS, D);
    d = hqt::desc_for(D, dn, IN, OUT, WEIGHTS, (uint32_t)img.size(), PARAMS, 1, 1);
    d.flags |= HQ_ACCEL_FLAG_SIGNED_IN;
    expect(b, d, HQ_ACCEL_ERR_NONE, "logits with SIGNED_IN");
    d.clamp_hi = 200;
    expect(b, d, HQ_ACCEL_ERR_BAD_DESC, "logits with CLAMP_HI 200");
    d.clamp_hi = 0;
    d.flags |= HQ_ACCEL_FLAG_SIGNED_OUT;
    d.out_stride = 3;
    expect(b, d, HQ_ACCEL_ERR_NONE, "dense SIGNED_OUT with LAST");
    /* max-pool: SIGNED_IN and SIGNED_OUT refused; CLAMP_HI (it has RELU) ignored */
    hq_accel_desc mp{};
    mp.magic = HQ_ACCEL_DESC_MAGIC;
    mp.op = HQ_ACCEL_OP_MAXPOOL;
    mp.flags = HQ_ACCEL_FLAG_RELU;
    mp.pool = 2;
    mp.in_h = mp.in_w = 4, mp.in_c = 2;
    mp.out_h = mp.out_w = 2, mp.out_c = 2;
    mp.batch = 1;
    mp.in_addr = IN;
    mp.out_addr = OUT;
    for (unsigned k = 0; k < 32; k++)
        *b.at(IN + k) = (uint8_t)(200 + k);
    mp.clamp_hi = 7;
    expect(b, mp, HQ_ACCEL_ERR_NONE, "maxpool with CLAMP_HI 7");
    CHECK(*b.at(OUT) == 210, "maxpool with CLAMP_HI: output %u, want 210 (not clamped)",
          *b.at(OUT));
    mp.clamp_hi = 0;
    mp.flags = HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_SIGNED_IN;
    expect(b, mp, HQ_ACCEL_ERR_BAD_DESC, "maxpool with SIGNED_IN");
    mp.flags = HQ_ACCEL_FLAG_SIGNED_OUT;
    expect(b, mp, HQ_ACCEL_ERR_BAD_DESC, "maxpool with SIGNED_OUT");
    hqt::free_layer(&L);
    hqt::free_layer(&D);
}

} // namespace

int sc_main(int argc, char **argv) {
    Arch arch;
    if (!hqt::arch_arg(argc, argv, &arch)) return 2;
    AccelConfig cfg;
    cfg.arch = arch;
    Bench b("bench", cfg);
    sc_core::sc_spawn([&] {
        std::mt19937 rng(1607);
        const bool u8 = arch == Arch::Uniform8;
        /* the layouts the array takes, each with its own low width */
        std::vector<LayerSpec> kinds;
        if (u8) {
            LayerSpec s;
            s.lo = 0, s.layout = HQ_LAYOUT_DENSE;
            kinds.push_back(s);
            s.hi = 4;
            kinds.push_back(s);
        } else {
            const hq_layout_kind lays[] = {HQ_LAYOUT_BLOCK, HQ_LAYOUT_COO, HQ_LAYOUT_ROWGROUP,
                                           HQ_LAYOUT_ESCAPE, HQ_LAYOUT_DENSE};
            const int los[] = {2, 1, 3, 2, 0};
            for (int i = 0; i < 5; i++) {
                LayerSpec s;
                s.layout = lays[i], s.lo = los[i];
                s.n = 2, s.m = 16;
                kinds.push_back(s);
            }
        }
        const Mode modes[] = {{true, 0}, {true, 1}, {true, 2}, {false, 0}, {false, 2}};
        const char *mode_names[] = {"int8 in, int8 out", "int8 in, ReLU", "int8 in, ReLU6",
                                    "uint8 in, int8 out", "uint8 in, ReLU6"};
        for (const LayerSpec &k : kinds) {
            const std::string lay = std::string(hq_layout_name(k.layout)) + " lo " +
                                    std::to_string(k.lo) + " hi " + std::to_string(k.hi);
            for (int mi = 0; mi < 5; mi++) {
                LayerSpec s = k;
                s.in_c = 96, s.out_c = 24;
                std::string w = lay + ", dense, " + mode_names[mi];
                signed_run(b, rng, s, modes[mi], {0, 96}, 3, w.c_str());
                w = lay + ", dense in 3 K chunks, " + mode_names[mi];
                signed_run(b, rng, s, modes[mi], {0, 32, 64, 96}, 2, w.c_str());
                LayerSpec c = k;
                c.kind = HQ_LAYER_CONV;
                c.in_h = 7, c.in_w = 6, c.in_c = 16, c.out_c = 12, c.k = 3, c.pad = 1;
                c.stride = 1 + mi % 2;
                w = lay + ", conv 3x3 pad 1 stride " + std::to_string(c.stride) + ", " +
                    mode_names[mi];
                signed_run(b, rng, c, modes[mi], {0, 16}, 2, w.c_str());
                w = lay + ", conv in 2 channel chunks, " + mode_names[mi];
                signed_run(b, rng, c, modes[mi], {0, 8, 16}, 1, w.c_str());
            }
        }
        /* Timing: the same layer with and without the signed flags takes the same cycles and
         * moves the same bytes (the modes only change the values). */
        LayerSpec t = kinds.front();
        t.kind = HQ_LAYER_CONV;
        t.in_h = t.in_w = 8, t.in_c = 16, t.out_c = 16;
        std::mt19937 r1(7), r2(7);
        const LayerStats plain = signed_run(b, r1, t, Mode{false, 1}, {0, 16}, 2, "timing: plain");
        const LayerStats sgn = signed_run(b, r2, t, Mode{true, 0}, {0, 16}, 2, "timing: signed");
        CHECK(plain.cycles == sgn.cycles && plain.dram_read == sgn.dram_read &&
                  plain.dram_written == sgn.dram_written,
              "signed modes change the timing: cycles %llu vs %llu, read %llu vs %llu",
              (unsigned long long)plain.cycles, (unsigned long long)sgn.cycles,
              (unsigned long long)plain.dram_read, (unsigned long long)sgn.dram_read);
        descriptor_checks(b, rng, kinds.front());
        sc_core::sc_stop();
    });
    sc_core::sc_start();
    return hqt::finish("test_accel_signed");
}
