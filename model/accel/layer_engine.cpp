#include "accel/layer_engine.h"

#include "accel/im2col.h"
#include "accel/output_unit.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hq::accel {

LayerEngine::LayerEngine(const AccelConfig &cfg, const EnergyTable &energy, DmaEngine &dma)
    : cfg_(cfg), energy_(energy), dma_(dma), array_(make_pe_array(cfg)), cache_(*array_) {}

LayerEngine::~LayerEngine() = default;

/* Per-run state: the schedule clock and the trace. */
struct LayerEngine::Run {
    LayerEngine &e;
    LayerResult &r;
    double start_ps, period_ps;
    uint32_t layer_id;
    std::vector<TraceEvent> *trace;

    void event(Unit u, uint64_t c0, uint64_t c1) {
        if (trace && c1 > c0 && trace->size() < 2000000)
            trace->push_back({u, layer_id, start_ps + c0 * period_ps, (c1 - c0) * period_ps});
    }
    /* One DMA transaction starting at cycle `at`; returns its completion cycle or fails. */
    bool dma(bool write, uint64_t addr, uint8_t *buf, uint32_t len, uint64_t at, uint64_t *end) {
        sc_core::sc_time t(at * period_ps, sc_core::SC_PS);
        uint64_t bad = 0;
        bool ok =
            write ? e.dma_.write(addr, buf, len, &t, &bad) : e.dma_.read(addr, buf, len, &t, &bad);
        if (!ok) {
            fail(HQ_ACCEL_ERR_BAD_ADDR,
                 "DMA " + std::string(write ? "write" : "read") + " of " + std::to_string(len) +
                     " bytes at 0x" + hex(addr) + " failed: address outside memory",
                 bad);
            return false;
        }
        *end =
            std::max<uint64_t>(at, (uint64_t)std::ceil(t.to_seconds() * 1e12 / period_ps - 1e-6));
        if (write)
            r.stats.dram_written += len;
        else
            r.stats.dram_read += len;
        r.stats.dram_transactions++;
        return true;
    }
    /* Images are either packed (one transaction) or strided (one each). An image past 4 GiB
     * is outside memory, as for any transfer (the address does not wrap to 0). */
    bool dma_images(bool write, uint32_t addr, uint32_t stride, uint32_t per_image, unsigned n,
                    uint8_t *buf, uint64_t at, uint64_t *end) {
        if (n == 1 || stride == per_image) return dma(write, addr, buf, per_image * n, at, end);
        uint64_t t = at;
        for (unsigned i = 0; i < n; i++)
            if (!dma(write, (uint64_t)addr + (uint64_t)i * stride, buf + (size_t)i * per_image,
                     per_image, t, &t))
                return false;
        *end = t;
        return true;
    }
    void fail(unsigned code, std::string msg, uint64_t addr = 0) {
        r.err = code;
        r.message = std::move(msg);
        r.err_addr = addr;
    }
    static std::string hex(uint64_t v) {
        char b[20];
        std::snprintf(b, sizeof b, "%08llx", (unsigned long long)v);
        return b;
    }
};

static uint64_t ceil_div(uint64_t a, uint64_t b) {
    return (a + b - 1) / b;
}

/* The functional copy of a weight image, read in 1 MiB pieces: the buffer grows only as far
 * as memory answers, so a descriptor's WEIGHT_BYTES (up to 4 GiB, written by firmware) cannot
 * make the model allocate more than the memory region it points into. */
bool LayerEngine::peek_image(uint32_t addr, uint32_t n, uint64_t *bad_addr) {
    constexpr uint32_t kPiece = 1u << 20;
    image_.clear();
    for (uint64_t off = 0; off < n;) {
        const uint32_t len = (uint32_t)std::min<uint64_t>(n - off, kPiece);
        image_.resize(off + len);
        if (!dma_.peek(addr + off, image_.data() + off, len, bad_addr)) return false;
        off += len;
    }
    return true;
}

LayerResult LayerEngine::run(uint32_t desc_addr, unsigned index, double start_ps, uint32_t layer_id,
                             std::vector<TraceEvent> *trace) {
    LayerResult r;
    LayerStats &st = r.stats;
    st.index = index;
    st.desc_addr = desc_addr;
    st.start_ps = start_ps;
    Run run{*this, r, start_ps, cfg_.cycle_ps(), layer_id, trace};
    const double dram_nj_before = dma_.dram_command_nj();
    const uint64_t unpriced_before = dma_.unpriced_bytes();

    /* Descriptor fetch and decode. */
    uint8_t raw[HQ_ACCEL_DESC_BYTES];
    uint64_t t = 0;
    if (!run.dma(false, desc_addr, raw, sizeof raw, 0, &t)) return r;
    st.stall_dram += t;
    st.control += cfg_.desc_fetch_cycles;
    run.event(Unit::Control, 0, t + cfg_.desc_fetch_cycles);
    t += cfg_.desc_fetch_cycles;
    st.cycles = t;
    LayerDesc d;
    DescCheck chk = check_descriptor(desc_from_bytes(raw), cfg_, &d);
    if (chk.code) {
        run.fail(chk.code, "descriptor " + std::to_string(index) + " at 0x" + Run::hex(desc_addr) +
                               ": " + chk.message);
        return r;
    }
    const hq_accel_desc &D = d.raw;
    st.op = D.op;
    st.layout = D.layout;
    st.rows = D.rows;
    st.cols = D.cols;
    st.batch = D.batch;
    const uint64_t positions = (uint64_t)d.conv_h * d.conv_w;
    const uint64_t n_vec = D.batch * positions;
    st.vectors = D.op == HQ_ACCEL_OP_MAXPOOL ? 0 : n_vec;

    /* Buffer capacities: a layer that does not fit is refused, not silently split. */
    const uint64_t in_total = (uint64_t)D.batch * d.in_bytes;
    const uint64_t pre_pool = D.op == HQ_ACCEL_OP_MAXPOOL ? 0 : n_vec * D.rows * (d.relu() ? 1 : 4);
    const uint64_t out_total = std::max<uint64_t>((uint64_t)D.batch * d.out_bytes, pre_pool);
    const unsigned nbuf = cfg_.double_buffer ? 2 : 1;
    auto overflow = [&](const char *what, uint64_t need, uint64_t have) {
        run.fail(HQ_ACCEL_ERR_BUF_OVERFLOW,
                 "descriptor " + std::to_string(index) + ": " + what + " needs " +
                     std::to_string(need) + " bytes, the buffer holds " + std::to_string(have) +
                     " (reduce the batch or enlarge the buffer in the timing config)");
    };
    if (in_total > cfg_.act_buffer) {
        overflow("input activations", in_total, cfg_.act_buffer);
        return r;
    }
    if (out_total > cfg_.out_buffer) {
        overflow("output activations", out_total, cfg_.out_buffer);
        return r;
    }
    const unsigned TR = cfg_.tile_rows();
    if (d.weighted() && (uint64_t)nbuf * TR * D.cols > cfg_.weight_buffer) {
        overflow("a decoded weight row tile (x buffers)", (uint64_t)nbuf * TR * D.cols,
                 cfg_.weight_buffer);
        return r;
    }
    if (d.weighted() && array_->beats(D.cols) > cfg_.nb_max) {
        /* a property of the layer, not of the batch: the advice is the array's size */
        run.fail(HQ_ACCEL_ERR_BUF_OVERFLOW,
                 "descriptor " + std::to_string(index) +
                     ": one activation vector of K = " + std::to_string(D.cols) + " inputs needs " +
                     std::to_string(array_->beats(D.cols)) + " beats, the array's buffer holds " +
                     std::to_string(cfg_.nb_max) +
                     " (array.nb_max; K <= " + std::to_string((uint64_t)cfg_.nb_max * cfg_.lanes) +
                     "): raise array.nb_max in the timing config");
        return r;
    }

    /* Inputs (and row parameters) in. */
    uint64_t t_in = t;
    in_.resize(in_total);
    std::vector<RowParams> params;
    if (d.weighted()) {
        params_raw_.resize((size_t)D.rows * HQ_ACCEL_ROW_PARAM_BYTES);
        if (!run.dma(false, D.param_addr, params_raw_.data(), (uint32_t)params_raw_.size(), t_in,
                     &t_in))
            return r;
        params.resize(D.rows);
        unsigned bad_row = 0;
        if (decode_row_params(params_raw_.data(), D.rows, params.data(), &bad_row)) {
            run.fail(HQ_ACCEL_ERR_BAD_DESC, "descriptor " + std::to_string(index) + ": row " +
                                                std::to_string(bad_row) +
                                                " parameters out of range (rq_mult < 0, "
                                                "rq_shift > 62 or reserved bytes set)");
            return r;
        }
    }
    if (!run.dma_images(false, D.in_addr, D.in_stride, d.in_bytes, D.batch, in_.data(), t_in,
                        &t_in))
        return r;
    run.event(Unit::DmaIn, t, t_in);
    st.stall_dram += t_in - t;
    t = t_in;

    uint8_t *out_bytes = nullptr;
    uint64_t t_done = t, t_sched_end = t;
    if (D.op == HQ_ACCEL_OP_MAXPOOL) {
        pooled_.resize((size_t)D.batch * d.out_bytes);
        for (unsigned b = 0; b < D.batch; b++)
            maxpool_u8(in_.data() + (size_t)b * d.in_bytes, D.in_h, D.in_w, D.in_c, d.pool(),
                       pooled_.data() + (size_t)b * d.out_bytes);
        uint64_t c = ceil_div(in_total, cfg_.out_per_cycle);
        st.output += c;
        run.event(Unit::Output, t, t + c);
        t_done = t + c;
        out_bytes = pooled_.data();
        st.sram_bytes += in_total * 2 + pooled_.size();
    } else {
        WeightFormat f;
        f.layout = D.layout;
        f.rows = D.rows;
        f.cols = D.cols;
        f.lo_bits = D.lo_bits;
        f.hi_bits = D.hi_bits;
        f.block_n = D.block_n;
        f.block_m = D.block_m;
        /* The schedule needs the decoded weights' row costs before the timed fetches have
         * brought the image in. When the cache knows this image, its costs are used and the
         * fetched bytes are compared with it afterwards (a change re-decodes and re-times the
         * layer with the same fetch durations); a first use decodes a debug copy. */
        bool hit = false, verified = false;
        std::string derr;
        const PreparedWeights *wp = cache_.find(D.weight_addr, f, D.weight_bytes);
        if (wp) image_.resize(D.weight_bytes); /* a size the cache has decoded before */
        if (!wp) {
            uint64_t bad = 0;
            if (!peek_image(D.weight_addr, D.weight_bytes, &bad)) {
                run.fail(HQ_ACCEL_ERR_BAD_ADDR,
                         "descriptor " + std::to_string(index) + ": weight image at 0x" +
                             Run::hex(D.weight_addr) + " (" + std::to_string(D.weight_bytes) +
                             " bytes) is outside memory",
                         bad);
                return r;
            }
            wp = cache_.get(D.weight_addr, f, image_.data(), image_.size(), &hit, &derr);
            if (!wp) {
                run.fail(HQ_ACCEL_ERR_WEIGHTS, "descriptor " + std::to_string(index) + ": " + derr,
                         D.weight_addr);
                return r;
            }
            verified = true;
        }
        const unsigned row_tiles = (D.rows + TR - 1) / TR;
        std::vector<uint64_t> fetch_cycles(row_tiles, 0);
        const LayerStats before = st;
        const size_t trace_before = trace ? trace->size() : 0;
        /* issue = false re-times the layer with the fetch durations of the first pass. */
        auto schedule = [&](const PreparedWeights &w, bool issue) -> bool {
            st.row_tiles = row_tiles;
            st.beats = w.nbeats;
            std::vector<uint64_t> compute_end(row_tiles, 0);
            uint64_t load_end_prev = t, compute_end_prev = t;
            for (unsigned rt = 0; rt < row_tiles; rt++) {
                const unsigned r0 = rt * TR, nr = std::min(TR, (unsigned)D.rows - r0);
                /* The streamer may refill a buffer once the tile that used it has computed. */
                uint64_t load_start = load_end_prev;
                if (rt >= nbuf) load_start = std::max(load_start, compute_end[rt - nbuf]);
                /* The image streams in row order; a row tile's share of it (header and shift
                 * table with the first) is proportional to its rows. */
                const uint64_t off = (uint64_t)D.weight_bytes * r0 / D.rows;
                const uint64_t end = (uint64_t)D.weight_bytes * (r0 + nr) / D.rows;
                uint64_t fetch_end = load_start + fetch_cycles[rt];
                if (issue) {
                    if (!run.dma(false, D.weight_addr + (uint32_t)off, image_.data() + off,
                                 (uint32_t)(end - off), load_start, &fetch_end))
                        return false;
                    fetch_cycles[rt] = fetch_end - load_start;
                    st.weight_bytes += end - off;
                }
                const uint64_t decode =
                    (uint64_t)std::ceil((double)nr * D.cols / cfg_.dec_weights_per_cycle[D.layout]);
                const uint64_t load_end = std::max(fetch_end, load_start + decode);
                const bool dram_bound = fetch_end - load_start >= decode;
                run.event(Unit::Weights, load_start, fetch_end);
                run.event(Unit::Decoder, load_start, load_start + decode);
                const uint64_t compute_start = std::max(load_end, compute_end_prev);
                (dram_bound ? st.stall_dram : st.stall_decoder) += compute_start - compute_end_prev;
                const TileCycles tc = array_->row_tile_cycles(w, r0, nr, n_vec);
                st.compute += tc.compute;
                st.stall_outlier += tc.outlier_stall;
                compute_end[rt] = compute_start + tc.compute + tc.outlier_stall;
                run.event(Unit::Array, compute_start, compute_end[rt]);
                compute_end_prev = compute_end[rt];
                load_end_prev = load_end;
            }
            t_sched_end = compute_end_prev;
            return true;
        };
        if (!schedule(*wp, true)) return r;
        if (!verified) {
            if (cache_.unchanged(D.weight_addr, image_.data(), image_.size())) {
                hit = true;
            } else {
                wp = cache_.get(D.weight_addr, f, image_.data(), image_.size(), &hit, &derr);
                if (!wp) {
                    run.fail(HQ_ACCEL_ERR_WEIGHTS,
                             "descriptor " + std::to_string(index) + ": " + derr, D.weight_addr);
                    return r;
                }
                /* Re-time with the new row costs; the DMA traffic stays as counted. */
                const LayerStats moved = st;
                st = before;
                st.dram_read = moved.dram_read;
                st.dram_transactions = moved.dram_transactions;
                st.weight_bytes = moved.weight_bytes;
                if (trace) trace->resize(trace_before);
                schedule(*wp, false);
            }
        }
        const PreparedWeights &w = *wp;
        st.cache_hit = hit;
        const uint64_t compute_end_prev = t_sched_end;

        /* Functional compute, tile by tile through the reference kernel. */
        im2col_operands(d, in_.data(), w.kp, &operands_);
        const bool relu = d.relu();
        if (relu)
            out_u8_.resize(n_vec * D.rows);
        else
            out_i32_.resize(n_vec * D.rows);
        for (unsigned rt = 0; rt < row_tiles; rt++) {
            const unsigned r0 = rt * TR, nr = std::min(TR, (unsigned)D.rows - r0);
            acc_.resize(n_vec * nr);
            array_->compute(w, operands_.data(), (unsigned)n_vec, r0, nr, acc_.data());
            finish_accumulators(acc_.data(), (unsigned)n_vec, r0, nr, D.rows, params.data(), relu,
                                out_u8_.data(), out_i32_.data());
        }
        /* The output path drains each row tile while the next one computes; only the last
         * tile's drain is exposed. */
        const unsigned last_nr = D.rows - (row_tiles - 1) * TR;
        const uint64_t drain = ceil_div(n_vec * last_nr, cfg_.out_per_cycle);
        st.output += drain;
        run.event(Unit::Output, compute_end_prev, compute_end_prev + drain);
        t_done = compute_end_prev + drain;
        if (relu && d.pool() > 1) {
            pooled_.resize((size_t)D.batch * d.out_bytes);
            for (unsigned b = 0; b < D.batch; b++)
                maxpool_u8(out_u8_.data() + (size_t)b * positions * D.rows, d.conv_h, d.conv_w,
                           D.rows, d.pool(), pooled_.data() + (size_t)b * d.out_bytes);
            out_bytes = pooled_.data();
        } else {
            out_bytes = relu ? out_u8_.data() : reinterpret_cast<uint8_t *>(out_i32_.data());
        }
        if (!relu) /* logits go out little-endian */
            for (size_t i = 0; i < out_i32_.size(); i++) {
                uint32_t v = (uint32_t)out_i32_[i];
                uint8_t *p = reinterpret_cast<uint8_t *>(&out_i32_[i]);
                p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
                p[3] = (uint8_t)(v >> 24);
            }

        /* Statistics and energy. */
        const uint64_t weights = (uint64_t)D.rows * D.cols;
        const uint64_t n_hi = w.n_hi;
        st.macs = weights * n_vec;
        st.macs_hi = n_hi * n_vec;
        st.macs_lo = st.macs - st.macs_hi;
        st.decoder_symbols = w.symbols;
        const double busy = (double)(st.compute + st.stall_outlier);
        const double peak = (double)array_->peak_macs_per_cycle();
        if (busy > 0) {
            st.util_array =
                (double)(cfg_.arch == Arch::Uniform8 ? st.macs : st.macs_lo) / (busy * peak);
            double hi_units = cfg_.arch == Arch::Split       ? (double)cfg_.hi_macs * cfg_.pe_tiles
                              : cfg_.arch == Arch::LaneGroup ? peak / cfg_.lane_group
                                                             : 0;
            st.util_hi = hi_units > 0 ? (double)st.macs_hi / (busy * hi_units) : 0;
        }
        if (cfg_.arch == Arch::Uniform8)
            st.energy_mac_pj = st.macs * energy_.mac_pj[8];
        else
            st.energy_mac_pj = st.macs_lo * energy_.mac_pj[D.lo_bits ? D.lo_bits : 8] +
                               st.macs_hi * energy_.mac_pj[D.hi_bits];
        /* SRAM: inputs written once and read once per row tile, decoded weights written and
         * read once, outputs written and read once. */
        st.sram_bytes += in_total * (1 + row_tiles) + 2 * weights + 2 * out_total;
    }

    /* Results out. */
    uint64_t t_end = t_done;
    if (!run.dma_images(true, D.out_addr, D.out_stride, d.out_bytes, D.batch, out_bytes, t_done,
                        &t_end))
        return r;
    run.event(Unit::DmaOut, t_done, t_end);
    st.stall_dram += t_end - t_done;
    st.cycles = t_end;

    st.energy_sram_pj = st.sram_bytes * energy_.sram_byte_pj;
    /* DRAM: the DRAM model's command energy of this layer's transfers plus its background
     * power over the layer; bytes to targets that report none use the per-byte table. */
    const uint64_t dram_bytes = st.dram_read + st.dram_written;
    const uint64_t unpriced =
        std::min<uint64_t>(dram_bytes, dma_.unpriced_bytes() - unpriced_before);
    st.energy_dram_pj =
        unpriced * energy_.dram_byte_pj +
        std::ceil((double)unpriced / energy_.dram_row_bytes) * energy_.dram_activate_pj;
    if (unpriced < dram_bytes) /* mW x ps = 1e-3 pJ */
        st.energy_dram_pj += (dma_.dram_command_nj() - dram_nj_before) * 1e3 +
                             dma_.dram_background_mw() * (double)st.cycles * cfg_.cycle_ps() * 1e-3;
    st.energy_decoder_pj = st.decoder_symbols * energy_.decoder_symbol_pj;
    st.energy_pj = st.energy_mac_pj + st.energy_sram_pj + st.energy_dram_pj + st.energy_decoder_pj;
    return r;
}

} // namespace hq::accel
