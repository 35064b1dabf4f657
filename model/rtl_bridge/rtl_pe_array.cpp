/* The lanegroup array with its functional compute on the Verilated RTL tile (rtl_pe_array.h).
 * Each call of compute() runs, per activation vector, one RTL tile over the row tile: the
 * tile's merged accumulators are the array's outputs (bias 0, so acc = weights . acts). */
#include "rtl_bridge/rtl_pe_array.h"
#include "accel/weight_decoder.h"

#ifdef HQSIM_HAVE_RTL_PE
#include "pe_vectors.h"
#include "rtl_tile.h"
#endif

#include <cstring>
#include <stdexcept>
#include <vector>

namespace hq::accel {

namespace {
RtlPeCounters g_counters;
} // namespace

const RtlPeCounters &rtl_pe_counters() {
    return g_counters;
}

#ifndef HQSIM_HAVE_RTL_PE

bool rtl_pe_available() {
    return false;
}
std::vector<std::string> rtl_pe_configs() {
    return {};
}
std::string rtl_pe_check_model(const hq_packed_model &) {
    return "this hqsim was built without the Verilated PE tile (needs verilator and "
           "HQSIM_BUILD_RTL=ON)";
}
std::string rtl_pe_select(const AccelConfig &, const hq_packed_model &pm, std::string *) {
    return rtl_pe_check_model(pm);
}
std::unique_ptr<PeArray> make_rtl_lanegroup_array(const AccelConfig &) {
    throw std::runtime_error(rtl_pe_check_model({}));
}

#else

namespace {
const rtl::TileConfig *g_selected = nullptr;

std::string describe(const rtl::TileConfig &c) {
    const rtl::TileShape &s = c.shape;
    return std::string(c.name) + " (lanes " + std::to_string(s.lanes) + ", lane groups of " +
           std::to_string(s.g) + ", N:M <= " + std::to_string(s.n) + ":" + std::to_string(s.m) +
           ", lo " + std::to_string(s.lo) + ", hi " + std::to_string(s.hi) +
           ", K <= " + std::to_string(s.nb_max * s.lanes) + ")";
}

/* Calls check(header) on every weighted layer's image header; the first reason it gives (or
 * a header that does not parse) comes back prefixed with the layer, else "". */
template <class Check> std::string first_misfit(const hq_packed_model &pm, Check check) {
    for (int i = 0; i < pm.n; i++) {
        ImageHeader h;
        std::string e = read_image_header(pm.img[i].data, pm.img[i].size, &h);
        if (e.empty()) e = check(h);
        if (!e.empty()) return "weighted layer " + std::to_string(i) + ": " + e;
    }
    return "";
}

/* "" if every weighted layer fits the tile shape, else the first misfit's reason. */
std::string check_layers(const rtl::TileShape &s, const hq_packed_model &pm) {
    return first_misfit(pm, [&s](const ImageHeader &h) -> std::string {
        if (h.layout == HQ_LAYOUT_DENSE)
            return ""; /* a uniform layer: the model's uniform path computes it */
        if ((int)h.lo != s.lo || (int)h.hi != s.hi)
            return "lo = " + std::to_string(h.lo) + ", hi = " + std::to_string(h.hi) +
                   "; the tile takes lo = " + std::to_string(s.lo) +
                   ", hi = " + std::to_string(s.hi);
        if ((int)h.m != s.m || (int)h.n > s.n)
            return "block N:M = " + std::to_string(h.n) + ":" + std::to_string(h.m) +
                   "; the tile takes M = " + std::to_string(s.m) +
                   " and N <= " + std::to_string(s.n);
        if (h.cols > (unsigned)(s.nb_max * s.lanes))
            return "K = " + std::to_string(h.cols) + "; the tile's activation buffer holds " +
                   std::to_string(s.nb_max * s.lanes) + " inputs";
        return "";
    });
}
} // namespace

bool rtl_pe_available() {
    return true;
}

std::vector<std::string> rtl_pe_configs() {
    std::vector<std::string> v;
    for (const rtl::TileConfig &c : rtl::configs())
        v.push_back(describe(c));
    return v;
}

std::string rtl_pe_check_model(const hq_packed_model &pm) {
    /* Uniform layers (dense layout, e.g. a policy's last=uniform8) run on the model's uniform
     * path; the heterogeneous ones must be block layers, and there must be at least one. */
    int block = 0;
    const std::string e = first_misfit(pm, [&block](const ImageHeader &h) -> std::string {
        if (h.layout == HQ_LAYOUT_BLOCK)
            block++;
        else if (h.layout != HQ_LAYOUT_DENSE)
            return std::string("layout ") + hq_layout_name((hq_layout_kind)h.layout) +
                   "; the RTL tile reads only the block layout";
        return "";
    });
    if (e.empty() && !block)
        return "every weighted layer is uniform (layout dense); the RTL tile computes block "
               "layers (uniform layers run on the model's uniform path), so there is nothing "
               "for it to run";
    return e;
}

std::string rtl_pe_select(const AccelConfig &cfg, const hq_packed_model &pm, std::string *name) {
    g_selected = nullptr;
    if (cfg.arch != Arch::LaneGroup)
        return std::string("the RTL tile is a lanegroup tile; the array is ") + arch_name(cfg.arch);
    if (cfg.tile_overhead != PE_TILE_OVERHEAD || cfg.pipeline_latency != PE_PIPE_LATENCY)
        return "the timing config's tile_overhead / pipeline_latency are not the RTL's (" +
               std::to_string(PE_TILE_OVERHEAD) + " / " + std::to_string(PE_PIPE_LATENCY) + ")";
    std::string why;
    for (const rtl::TileConfig &c : rtl::configs()) {
        std::string r;
        if ((int)cfg.lanes != c.shape.lanes || (int)cfg.lane_group != c.shape.g)
            r = "the timing config has lanes " + std::to_string(cfg.lanes) + ", lane_group " +
                std::to_string(cfg.lane_group);
        const std::string m = check_layers(c.shape, pm);
        if (!m.empty()) r += (r.empty() ? "" : "; ") + m;
        if (r.empty()) {
            g_selected = &c;
            if (name) *name = describe(c);
            return "";
        }
        why += "\n  " + describe(c) + ": " + r;
    }
    return "no RTL tile configuration fits the timing config (lanes " + std::to_string(cfg.lanes) +
           ", lane_group " + std::to_string(cfg.lane_group) +
           ") and the model; the configurations built in:" + why;
}

namespace {

class RtlLaneGroupArray : public PeArray {
  public:
    explicit RtlLaneGroupArray(const AccelConfig &cfg)
        : PeArray(cfg), model_(make_lanegroup_array(cfg)) {}
    Arch arch() const override { return Arch::LaneGroup; }
    uint32_t row_cost(const uint8_t *is_hi, unsigned k, unsigned lo_bits) const override {
        return model_->row_cost(is_hi, k, lo_bits);
    }
    unsigned beat_cycles(unsigned lo_bits) const override { return model_->beat_cycles(lo_bits); }
    uint64_t array_macs(const LayerStats &st) const override { return model_->array_macs(st); }
    double high_units() const override { return model_->high_units(); }
    double mac_energy_pj(const LayerStats &st, unsigned lo, unsigned hi,
                         const EnergyTable &e) const override {
        return model_->mac_energy_pj(st, lo, hi, e);
    }
    /* the RTL tile holds one row tile (its counters and cycle checks are per tile) */
    bool compute_vector(const PreparedWeights &, const uint8_t *, unsigned,
                        int32_t *) const override {
        return false;
    }
    void compute(const PreparedWeights &w, const uint8_t *acts, unsigned n_vec, unsigned r0,
                 unsigned nr, int32_t *acc) const override {
        if (w.uniform()) { /* the model's uniform path (rtl_pe_check_model) */
            model_->compute(w, acts, n_vec, r0, nr, acc);
            g_counters.uniform_rows += (uint64_t)n_vec * nr;
            return;
        }
        if (!tile_) {
            if (!g_selected)
                throw std::runtime_error("--pe-impl rtl: no RTL tile configuration selected");
            tile_ = g_selected->make();
        }
        const size_t k = w.cols;
        wbuf_.resize(nr * k + w.kp); /* a row of kp beyond: the last row's padding */
        hibuf_.resize(nr * k);
        for (unsigned i = 0; i < nr; i++) {
            w.w.row(r0 + i, w.kp, &wbuf_[i * k]); /* its K padding overwritten by the next */
            w.high_row(r0 + i, &hibuf_[i * k]);
        }
        /* The model's own timing of one vector on one tile holding all nr rows: nbeats + S +
         * pipeline_latency (pe_array.h), S from the decoded high flags. */
        uint64_t formula = (uint64_t)w.nbeats + cfg_.pipeline_latency;
        for (unsigned i = 0; i < nr; i++)
            formula += w.row_cost[r0 + i];
        for (unsigned v = 0; v < n_vec; v++) {
            rtl::TileCycleCount c;
            const std::string e =
                tile_->run((int)k, (int)nr, acts + (size_t)v * w.kp, wbuf_.data(), hibuf_.data(),
                           w.lo_shift.data() + r0, acc + (size_t)v * nr, &c);
            if (!e.empty()) throw std::runtime_error("--pe-impl rtl: " + e);
            g_counters.tiles++;
            g_counters.rows += nr;
            g_counters.cycles_measured += (uint64_t)c.measured;
            g_counters.cycles_formula += formula;
            const bool differ = (uint64_t)c.measured != formula || c.measured != c.formula;
            if (differ && g_counters.cycle_mismatches++ == 0) {
                g_counters.first_mismatch_measured = c.measured;
                g_counters.first_mismatch_formula = (long)formula;
            }
        }
    }

  private:
    std::unique_ptr<PeArray> model_;
    mutable std::unique_ptr<rtl::RtlTile> tile_;
    mutable std::vector<int8_t> wbuf_;
    mutable std::vector<uint8_t> hibuf_;
};

} // namespace

std::unique_ptr<PeArray> make_rtl_lanegroup_array(const AccelConfig &cfg) {
    return std::make_unique<RtlLaneGroupArray>(cfg);
}

#endif

} // namespace hq::accel
