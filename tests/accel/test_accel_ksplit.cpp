/* K-splitting (docs/arith.md, K-splitting; docs/regmap.md, FLAG_PSUM_IN/OUT): a layer cut into
 * K chunks, one descriptor each (first: PSUM_OUT, middle: PSUM_IN | PSUM_OUT, last: PSUM_IN
 * with the layer's own flags), must give the reference's outputs of the whole layer bit for
 * bit; the partial sums' DRAM traffic is counted; bad flag combinations end in ERR_BAD_DESC
 * and a partial-sum area larger than the output buffer in ERR_BUF_OVERFLOW. */
#include "layer_test.h"

#include <cstring>

using namespace hq::accel;
using hqt::Bench;
using hqt::LayerSpec;
using namespace hqt::layer_map;

namespace {

/* Runs L cut at the channel boundaries `cuts` (c0 = 0 < ... < in_c) on batch images and
 * compares with the reference of the whole layer. */
void split_run(Bench &b, std::mt19937 &rng, const LayerSpec &s, std::vector<int> cuts,
               unsigned batch, int pool, const char *what) {
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    const uint32_t per_in = (uint32_t)(L.in.h * L.in.w * L.in.c);
    std::vector<uint8_t> in((size_t)batch * per_in);
    for (auto &v : in)
        v = (uint8_t)(rng() % 3 ? rng() % 256 : 0);
    hqt::put_params(b, PARAMS, L);
    const unsigned n = (unsigned)cuts.size() - 1;
    std::vector<hq_accel_desc> descs;
    for (unsigned j = 0; j < n; j++) {
        hq_layer S;
        hqt::sub_layer(L, cuts[j], cuts[j + 1], &S);
        std::vector<uint8_t> img = hqt::pack_layer(S, s);
        const uint32_t w = WEIGHTS + j * CHUNK;
        std::memcpy(b.at(w), img.data(), img.size());
        /* The chunk's inputs: dense reads a slice of each image in place (IN_STRIDE = the
         * whole image); conv gets its channels gathered into a buffer of its own. */
        uint32_t in_addr = IN + (uint32_t)cuts[j], in_stride = per_in;
        if (L.kind == HQ_LAYER_CONV) {
            in_addr = IN + (j + 1) * CHUNK;
            const int cc = S.in.c;
            in_stride = (uint32_t)(L.in.h * L.in.w * cc);
            for (unsigned i = 0; i < batch; i++)
                for (int p = 0; p < L.in.h * L.in.w; p++)
                    std::memcpy(b.at(in_addr + i * in_stride + (uint32_t)(p * cc)),
                                in.data() + (size_t)i * per_in + (size_t)p * L.in.c + cuts[j], cc);
        } else {
            for (unsigned i = 0; i < batch; i++)
                std::memcpy(b.at(IN + i * per_in), in.data() + (size_t)i * per_in, per_in);
        }
        hq_accel_desc d = hqt::desc_for(S, s, in_addr, OUT, w, (uint32_t)img.size(), PARAMS, batch,
                                        j + 1 == n ? pool : 1);
        d.in_stride = in_stride;
        if (j + 1 < n) d.flags = HQ_ACCEL_FLAG_PSUM_OUT;
        if (j > 0) d.flags |= HQ_ACCEL_FLAG_PSUM_IN;
        descs.push_back(d);
        hqt::put_desc(b, DESC + 64 * j, d);
        hqt::free_layer(&S);
    }
    const size_t layers_before = b.accel.layers().size();
    const uint32_t st = b.run(DESC, n);
    CHECK(st == HQ_ACCEL_STATUS_DONE, "%s: STATUS 0x%x (%s)", what, st,
          b.accel.errors().empty() ? "" : b.accel.errors().back().c_str());

    /* The reference of the whole layer. */
    const size_t positions = (size_t)L.out.h * L.out.w;
    std::vector<int32_t> acc(batch * positions * L.rows);
    hq_ref_layer_acc(&L, in.data(), (int)batch, acc.data());
    std::vector<uint8_t> want;
    if (!L.relu) {
        want.resize(acc.size() * 4);
        std::memcpy(want.data(), acc.data(), want.size()); /* little-endian host */
    } else {
        want.resize(acc.size());
        hq_ref_requant(L.q, L.rows, acc.data(), batch * positions, want.data());
        if (pool > 1) {
            hq_layer mp{};
            mp.kind = HQ_LAYER_MAXPOOL;
            mp.in = L.out;
            mp.k = mp.stride = pool;
            mp.out = {L.out.c, L.out.h / pool, L.out.w / pool};
            std::vector<uint8_t> pooled((size_t)batch * mp.out.h * mp.out.w * mp.out.c);
            hq_ref_maxpool_u8(&mp, want.data(), (int)batch, pooled.data());
            want = pooled;
        }
    }
    const hq_accel_desc &last = descs.back();
    const size_t per_out = want.size() / batch;
    size_t bad = 0;
    for (unsigned i = 0; i < batch; i++)
        for (size_t k = 0; k < per_out; k++)
            bad += b.at(OUT + i * last.out_stride)[k] != want[i * per_out + k];
    CHECK(bad == 0, "%s: %zu output bytes differ from the reference", what, bad);

    /* Traffic: every chunk but the last writes the partial sums, every chunk but the first
     * reads them; the rest is the unsplit layer's (descriptor, params, inputs, weights). */
    const uint64_t psum = (uint64_t)batch * positions * L.rows * 4;
    const uint64_t params = (uint64_t)L.rows * HQ_ACCEL_ROW_PARAM_BYTES;
    for (unsigned j = 0; j < n && layers_before + j < b.accel.layers().size(); j++) {
        const LayerStats &ls = b.accel.layers()[layers_before + j];
        const uint64_t in_bytes = (uint64_t)batch * descs[j].in_h * descs[j].in_w * descs[j].in_c;
        const uint64_t want_rd =
            HQ_ACCEL_DESC_BYTES + params + in_bytes + ls.weight_bytes + (j > 0 ? psum : 0);
        const uint64_t want_wr = j + 1 < n ? psum : (uint64_t)batch * per_out;
        CHECK(ls.dram_read == want_rd, "%s chunk %u: DRAM read %llu, want %llu", what, j,
              (unsigned long long)ls.dram_read, (unsigned long long)want_rd);
        CHECK(ls.dram_written == want_wr, "%s chunk %u: DRAM written %llu, want %llu", what, j,
              (unsigned long long)ls.dram_written, (unsigned long long)want_wr);
        CHECK(ls.cycles == ls.compute + ls.stall_outlier + ls.stall_dram + ls.stall_decoder +
                               ls.output + ls.control,
              "%s chunk %u: cycle breakdown does not add up", what, j);
    }
    /* Bad combinations on the first and last chunks. */
    auto expect = [&](const hq_accel_desc &d, unsigned want_code, const char *why) {
        hqt::expect(b, d, want_code, std::string(what) + ": " + why);
    };
    hq_accel_desc e = descs.front();
    e.flags |= HQ_ACCEL_FLAG_RELU;
    expect(e, HQ_ACCEL_ERR_BAD_DESC, "PSUM_OUT with RELU");
    e = descs.front();
    e.flags |= HQ_ACCEL_FLAG_LAST;
    expect(e, HQ_ACCEL_ERR_BAD_DESC, "PSUM_OUT with LAST");
    if (L.kind == HQ_LAYER_CONV) {
        e = descs.front();
        e.pool = 2;
        e.out_h = (uint16_t)(L.out.h / 2);
        e.out_w = (uint16_t)(L.out.w / 2);
        expect(e, HQ_ACCEL_ERR_BAD_DESC, "PSUM_OUT with POOL");
    }
    e = descs.front();
    e.flags |= HQ_ACCEL_FLAG_SIGNED_OUT;
    expect(e, HQ_ACCEL_ERR_BAD_DESC, "PSUM_OUT with SIGNED_OUT");
    if (L.kind == HQ_LAYER_DENSE) { /* spatial-tile flags belong to convolutions */
        e = descs.back();
        e.flags |= HQ_ACCEL_FLAG_NO_PAD_TOP;
        expect(e, HQ_ACCEL_ERR_BAD_DESC, "NO_PAD_TOP on a dense layer");
    }
    if (L.kind == HQ_LAYER_DENSE && L.relu && L.rows == 37) {
        /* 4,000 images of one input: their uint8 outputs fit the 512 KiB output buffer, the
         * int32 partial sums that the last chunk accumulates into (592,000 bytes) do not */
        e = descs.back();
        e.batch = 4000;
        e.in_stride = 1;
        e.in_h = e.in_w = 1, e.in_c = 1, e.cols = 1;
        expect(e, HQ_ACCEL_ERR_BUF_OVERFLOW, "partial sums > out buffer");
    }
    hqt::free_layer(&L);
}

void maxpool_refuses_psum(Bench &b) {
    hq_accel_desc d{};
    d.magic = HQ_ACCEL_DESC_MAGIC;
    d.op = HQ_ACCEL_OP_MAXPOOL;
    d.flags = HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_PSUM_IN;
    d.pool = 2;
    d.in_h = d.in_w = 4, d.in_c = 2;
    d.out_h = d.out_w = 2, d.out_c = 2;
    d.batch = 1;
    d.in_addr = IN;
    d.out_addr = OUT;
    hqt::expect(b, d, HQ_ACCEL_ERR_BAD_DESC, "maxpool with PSUM_IN");
}

} // namespace

int sc_main(int argc, char **argv) {
    Arch arch;
    if (!hqt::arch_arg(argc, argv, &arch)) return 2;
    AccelConfig cfg;
    cfg.arch = arch;
    Bench b("bench", cfg);
    sc_core::sc_spawn([&] {
        std::mt19937 rng(1616);
        const bool u8 = arch == Arch::Uniform8;
        LayerSpec s;
        s.lo = u8 ? 0 : 2;
        s.layout = u8 ? HQ_LAYOUT_DENSE : HQ_LAYOUT_BLOCK;
        s.n = 2, s.m = 16;
        s.in_c = 300, s.out_c = 37;
        split_run(b, rng, s, {0, 128, 256, 300}, 3, 1, "dense, 3 chunks, batch 3");
        split_run(b, rng, s, {0, 160, 300}, 1, 1, "dense, 2 chunks");
        s.relu = false, s.out_c = 10; /* the classifier: int32 logits after the last chunk */
        split_run(b, rng, s, {0, 96, 192, 288, 300}, 2, 1, "logits, 4 chunks");
        LayerSpec c;
        c.kind = HQ_LAYER_CONV;
        c.lo = u8 ? 0 : 2;
        c.layout = u8 ? HQ_LAYOUT_DENSE : HQ_LAYOUT_COO;
        c.in_h = c.in_w = 9, c.in_c = 7, c.out_c = 12;
        split_run(b, rng, c, {0, 3, 7}, 2, 2, "conv + pool, 2 channel chunks");
        maxpool_refuses_psum(b);
        sc_core::sc_stop();
    });
    sc_core::sc_start();
    return hqt::finish("test_accel_ksplit");
}
