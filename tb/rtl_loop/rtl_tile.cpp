/* RtlTile: packs a row tile with the library's `block` packer (as tb/vecgen does), streams it
 * through the Verilated pe_tile with PeTileSim and reads back the merged accumulators. */
#include "rtl_tile.h"

#include "Vpe_tile.h"
#include "pe_tile_sim.h"

extern "C" {
#include "hq_model.h"
#include "layout/layout.h"
}

#include <cstring>
#include <vector>

namespace hq::rtl {

static const pe_cfg kCfg = {0, PE_LANES, PE_G, PE_M, PE_N, PE_LO, PE_HI, PE_NB_MAX};

const TileShape &tile_shape()
{
    static const TileShape s = {PE_LANES, PE_G, PE_M, PE_N, PE_LO, PE_HI, PE_NB_MAX};
    return s;
}

struct RtlTile::Impl {
    PeTileSim<Vpe_tile> sim{kCfg};
};

RtlTile::RtlTile() : p_(new Impl) {}
RtlTile::~RtlTile() = default;

/* The s_wgt stream of the tile: each row's packed blocks, nbeats beats of LANES / M blocks. */
static std::string pack(int k, int rows, int nbeats, hq_qlayer *q, std::vector<uint8_t> *beats)
{
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_BLOCK);
    o.block_n = kCfg.n;
    o.block_m = kCfg.m;
    hq_layer_image img;
    char err[256];
    if (hq_layout_pack(q, rows, k, &o, &img, err, sizeof err))
        return std::string("block packer: ") + err;
    const size_t beat = (size_t)pe_beat_bytes(&kCfg), bb = (size_t)pe_block_bytes(&kCfg);
    const size_t nblk = (size_t)((k + kCfg.m - 1) / kCfg.m);
    const size_t off = (16 + (size_t)rows + 15) / 16 * 16; /* header + lo_shift table */
    if (img.data[0] != HQ_LAYOUT_BLOCK || img.data[1] != kCfg.lo || img.data[3] != kCfg.n ||
        (img.data[4] | img.data[5] << 8) != kCfg.m || off + nblk * bb * (size_t)rows > img.size) {
        hq_layer_image_free(&img);
        return "block packer: image header/payload not in the RTL's format";
    }
    beats->assign((size_t)rows * (size_t)nbeats * beat, 0);
    for (int r = 0; r < rows; r++)
        std::memcpy(beats->data() + (size_t)r * (size_t)nbeats * beat,
                    img.data + off + (size_t)r * nblk * bb, nblk * bb);
    hq_layer_image_free(&img);
    return "";
}

std::string RtlTile::run(int k, int rows, const uint8_t *act, const int8_t *w,
                         const uint8_t *is_hi, const uint8_t *lo_shift, int32_t *acc,
                         TileCycleCount *cyc)
{
    if (k < 1 || rows < 1)
        return "empty tile";
    const int nbeats = (k + kCfg.lanes - 1) / kCfg.lanes;
    if (nbeats > kCfg.nb_max)
        return "K = " + std::to_string(k) + " needs " + std::to_string(nbeats) +
               " activation beats; the RTL tile holds " + std::to_string(kCfg.nb_max) + " (" +
               std::to_string(kCfg.nb_max * kCfg.lanes) + " inputs)";
    std::vector<uint8_t> act_b((size_t)nbeats * kCfg.lanes, 0), shift(rows, 0), lsh(lo_shift, lo_shift + rows);
    std::memcpy(act_b.data(), act, (size_t)k);
    std::vector<int8_t> wc(w, w + (size_t)rows * k);
    std::vector<uint8_t> hic(is_hi, is_hi + (size_t)rows * k);
    std::vector<int32_t> zero(rows, 0);
    std::vector<float> w_scale(rows, 1.0f);
    hq_qlayer q;
    std::memset(&q, 0, sizeof q);
    q.lo_bits = kCfg.lo;
    q.hi_bits = kCfg.hi;
    q.w = wc.data();
    q.is_hi = hic.data();
    q.lo_shift = lsh.data();
    q.w_scale = w_scale.data();
    q.bias = zero.data();
    q.rq_mult = zero.data();
    q.rq_shift = shift.data();
    std::vector<uint8_t> beats;
    std::string e = pack(k, rows, nbeats, &q, &beats);
    if (!e.empty())
        return e;

    pe_tile t;
    std::memset(&t, 0, sizeof t);
    t.k = k;
    t.rows = rows;
    t.nbeats = nbeats;
    t.act = act_b.data();
    t.w = wc.data();
    t.is_hi = hic.data();
    t.lo_shift = lsh.data();
    t.bias = zero.data();
    t.mult = zero.data();
    t.shift = shift.data();
    t.wbeats = beats.data();
    PeTileSim<Vpe_tile> &sim = p_->sim;
    sim.clear_results();
    const size_t id = sim.push(t);
    const long budget = 1000 + 4L * pe_tile_latency_cycles(&kCfg, &t);
    if (!sim.run(PeStallProfile{}, budget))
        return "RTL tile gave no output within " + std::to_string(budget) + " cycles";
    if (sim.err())
        return "RTL tile raised err = " + std::to_string(sim.err());
    const PeTileRun &res = sim.result(id);
    if ((int)res.out.size() != rows)
        return "RTL tile gave " + std::to_string(res.out.size()) + " outputs for " +
               std::to_string(rows) + " rows";
    for (int r = 0; r < rows; r++)
        acc[r] = res.out[r].acc;
    cyc->measured = res.end - res.start + 1;
    cyc->formula = pe_tile_latency_cycles(&kCfg, &t);
    return "";
}

} // namespace hq::rtl
