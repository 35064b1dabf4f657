#include "accel/layer_engine.h"

#include "accel/block_rate.h"
#include "accel/im2col.h"
#include "accel/layout_registry.h"
#include "accel/output_unit.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace hq::accel {

LayerEngine::LayerEngine(const AccelConfig &cfg, const EnergyTable &energy, DmaEngine &dma)
    : cfg_(cfg), energy_(energy), dma_(dma), array_(make_pe_array(cfg)), cache_(*array_) {
    /* HQSIM_ACCEL_COPY_WEIGHTS=1: copy and compare the weight images as before the in-place
     * reads (the same figures, slower; tests compare the two) */
    const char *copy = std::getenv("HQSIM_ACCEL_COPY_WEIGHTS");
    in_place_ = !(copy && *copy && std::strcmp(copy, "0") != 0);
}

LayerEngine::~LayerEngine() = default;

/* Per-run state: the schedule clock, the trace, and what one stage hands to the next. The
 * stages of run() are this struct's methods, in order. */
struct LayerEngine::Run {
    LayerEngine &e;
    LayerResult &r;
    double start_ps, period_ps;
    uint32_t layer_id;
    std::vector<TraceEvent> *trace;
    unsigned index;
    uint32_t desc_addr;
    double dram_nj_before = 0;    /* DRAM command energy before this layer */
    uint64_t unpriced_before = 0; /* bytes to targets without a DRAM model, before */

    LayerDesc d;
    /* the weight image read in place (in_place), else copied into e.image_ */
    hq::MemorySpanExtension wspan;
    bool in_place = false;
    uint64_t t = 0; /* schedule clock (cycles from the layer's start) */
    uint64_t positions = 0, n_vec = 0, in_total = 0, out_total = 0;
    unsigned nbuf = 1, tile_rows = 0, row_tiles = 0;
    unsigned passes = 1;   /* weight streams: 1, or one per image past the weight store */
    uint64_t pass_vec = 0; /* activation vectors per pass */
    const RowParamSet *pset = nullptr;  /* the row parameters (weighted layers) */
    std::vector<uint64_t> fetch_cycles; /* per row tile, from the first schedule pass */
    uint64_t t_sched_end = 0;           /* the last row tile's compute end */
    uint8_t *out_bytes = nullptr;
    /* compute's output: e.out_ as uint8 codes or as int32 results (the layer's kind) */
    uint8_t *out_u8 = nullptr;
    int32_t *out_i32 = nullptr;
    uint64_t t_done = 0; /* the output path's end: DMA out starts here */

    Run(LayerEngine &eng, LayerResult &res, double start, uint32_t id, std::vector<TraceEvent> *tr,
        unsigned idx, uint32_t addr)
        : e(eng), r(res), start_ps(start), period_ps(eng.cfg_.cycle_ps()), layer_id(id), trace(tr),
          index(idx), desc_addr(addr) {}

    LayerStats &st() { return r.stats; }
    const AccelConfig &cfg() const { return e.cfg_; }
    std::string desc_text() const { return "descriptor " + std::to_string(index); }

    bool fetch_descriptor();
    bool check_buffers();
    bool load_inputs(bool images = true);
    bool stream_layer();
    bool stream_headers();
    bool peek_inputs();
    bool verify_weights(const WeightFormat &f, const PreparedWeights **wp, bool *hit);
    bool stream_schedule(const PreparedWeights *w);
    void output_drain();
    void pool_only();
    bool weighted_layer();
    const PreparedWeights *decode_weights(const WeightFormat &f, bool *hit, bool *verified);
    bool schedule_row_tiles(const PreparedWeights &w, bool issue);
    bool recheck_weights(const WeightFormat &f, const PreparedWeights **wp, bool *hit,
                         const LayerStats &before, size_t trace_before);
    void compute(const PreparedWeights &w);
    void compute_band(const PreparedWeights &w, uint64_t v0, unsigned nv, OutputMode mode);
    void count_work(const PreparedWeights &w);
    bool store_outputs();
    void account_energy();

    void event(Unit u, uint64_t c0, uint64_t c1) {
        if (trace && c1 > c0 && trace->size() < 2000000)
            trace->push_back({u, layer_id, start_ps + c0 * period_ps, (c1 - c0) * period_ps});
    }
    /* One DMA transaction starting at cycle `at`; returns its completion cycle or fails. A
     * read into buf == nullptr moves no bytes (the weights, read in place). */
    bool dma(bool write, uint64_t addr, uint8_t *buf, uint32_t len, uint64_t at, uint64_t *end) {
        if (e.cfg_.stream) at += e.cfg_.stream_transfer_cycles; /* the RTL's issue cost */
        sc_core::sc_time t(at * period_ps, sc_core::SC_PS);
        uint64_t bad = 0;
        bool ok = write ? e.dma_.write(addr, buf, len, &t, &bad)
                  : buf ? e.dma_.read(addr, buf, len, &t, &bad)
                        : e.dma_.read_timing_only(addr, len, &t, &bad);
        if (!ok) {
            fail(HQ_ACCEL_ERR_BAD_ADDR,
                 "DMA " + std::string(write ? "write" : "read") + " of " + std::to_string(len) +
                     " bytes at 0x" + hex(addr) + " failed: address outside memory",
                 bad);
            return false;
        }
        *end =
            std::max<uint64_t>(at, (uint64_t)std::ceil(t.to_seconds() * 1e12 / period_ps - 1e-6));
        if (e.cfg_.stream) *end += e.cfg_.stream_transfer_tail_cycles; /* the RTL's idle flag */
        if (write)
            r.stats.dram_written += len;
        else
            r.stats.dram_read += len;
        r.stats.dram_transactions++;
        return true;
    }
    /* stream: the control words' path after a control read of `bytes` ends (the RTL takes
     * a 4-byte word a cycle, two per beat) */
    uint64_t word_tail(uint32_t bytes) const {
        if (!e.cfg_.stream) return 0;
        return (uint64_t)std::ceil(bytes * e.cfg_.stream_word_tail_cycles_per_byte - 1e-9);
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
    /* Where the timed weight fetch puts the bytes from offset off: nowhere when in place. */
    uint8_t *image_at(uint64_t off) { return in_place ? nullptr : e.image_.data() + off; }
    /* The cache's check of the image against memory now (the bytes in place, or copied). */
    bool weights_unchanged() {
        const hq_accel_desc &D = d.raw;
        return in_place ? e.cache_.unchanged(D.weight_addr, wspan, D.weight_bytes)
                        : e.cache_.unchanged(D.weight_addr, e.image_.data(), e.image_.size());
    }
    const PreparedWeights *decode_again(const WeightFormat &f, bool *hit, std::string *err) {
        const hq_accel_desc &D = d.raw;
        return in_place
                   ? e.cache_.get(D.weight_addr, f, wspan, D.weight_bytes, hit, err)
                   : e.cache_.get(D.weight_addr, f, e.image_.data(), e.image_.size(), hit, err);
    }
    static std::string hex(uint64_t v) {
        char b[20];
        std::snprintf(b, sizeof b, "%08llx", (unsigned long long)v);
        return b;
    }
};

/* The weight format a descriptor announces (the image header must agree). */
static WeightFormat format_of(const hq_accel_desc &D) {
    WeightFormat f;
    f.layout = D.layout;
    f.rows = D.rows;
    f.cols = D.cols;
    f.lo_bits = D.lo_bits;
    f.hi_bits = D.hi_bits;
    f.block_n = D.block_n;
    f.block_m = D.block_m;
    return f;
}

static uint64_t ceil_div(uint64_t a, uint64_t b) {
    return (a + b - 1) / b;
}

/* Decoder cycles of rows [r0, r0 + nr): the layout's rate, or the RTL block decoder's rule
 * for the block formats it takes (block_rate.h). */
static uint64_t decode_cycles(const AccelConfig &c, const hq_accel_desc &D,
                              const PreparedWeights &w, unsigned r0, unsigned nr) {
    const WeightFormat f = format_of(D);
    if (c.block_rule.applies(f)) return block_decoder_cycles(c.block_rule, c.lanes, f, w, r0, nr);
    return (uint64_t)std::ceil((double)nr * D.cols /
                               c.dec_weights_per_cycle[layout_rate_slot(D.layout)]);
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
    r.stats.index = index;
    r.stats.desc_addr = desc_addr;
    r.stats.start_ps = start_ps;
    Run run(*this, r, start_ps, layer_id, trace, index, desc_addr);
    run.dram_nj_before = dma_.dram_command_nj();
    run.unpriced_before = dma_.unpriced_bytes();
    if (!run.fetch_descriptor() || !run.check_buffers()) return r;
    if (run.cfg().stream) {
        if (run.stream_layer()) run.account_energy();
        return r;
    }
    if (!run.load_inputs()) return r;
    if (run.d.raw.op == HQ_ACCEL_OP_MAXPOOL)
        run.pool_only();
    else if (!run.weighted_layer())
        return r;
    if (!run.store_outputs()) return r;
    run.account_energy();
    return r;
}

/* Control: descriptor fetch (one DMA) and decode. */
bool LayerEngine::Run::fetch_descriptor() {
    uint8_t raw[HQ_ACCEL_DESC_BYTES];
    if (!dma(false, desc_addr, raw, sizeof raw, 0, &t)) return false;
    t += word_tail(sizeof raw);
    st().stall_dram += t;
    st().control += cfg().desc_fetch_cycles;
    event(Unit::Control, 0, t + cfg().desc_fetch_cycles);
    t += cfg().desc_fetch_cycles;
    st().cycles = t;
    DescCheck chk = check_descriptor(desc_from_bytes(raw), cfg(), &d);
    if (chk.code) {
        fail(chk.code, desc_text() + " at 0x" + hex(desc_addr) + ": " + chk.message);
        return false;
    }
    const hq_accel_desc &D = d.raw;
    st().op = D.op;
    st().layout = D.layout;
    st().rows = D.rows;
    st().cols = D.cols;
    st().batch = D.batch;
    positions = (uint64_t)d.conv_h * d.conv_w;
    n_vec = D.batch * positions;
    st().vectors = D.op == HQ_ACCEL_OP_MAXPOOL ? 0 : n_vec;
    return true;
}

/* Buffer capacities: a layer that does not fit is refused, not silently split. */
bool LayerEngine::Run::check_buffers() {
    const hq_accel_desc &D = d.raw;
    in_total = (uint64_t)D.batch * d.in_bytes;
    const uint64_t pre_pool =
        D.op == HQ_ACCEL_OP_MAXPOOL ? 0 : n_vec * D.rows * (d.byte_out() ? 1 : 4);
    out_total = std::max<uint64_t>((uint64_t)D.batch * d.out_bytes, pre_pool);
    /* K-split: the int32 accumulators of every output live in the output buffer */
    if (d.psum_in() || d.psum_out()) out_total = std::max<uint64_t>(out_total, n_vec * D.rows * 4);
    nbuf = cfg().double_buffer ? 2 : 1;
    auto overflow = [&](const char *what, uint64_t need, uint64_t have) {
        fail(HQ_ACCEL_ERR_BUF_OVERFLOW,
             desc_text() + ": " + what + " needs " + std::to_string(need) +
                 " bytes, the buffer holds " + std::to_string(have) +
                 " (reduce the batch or enlarge the buffer in the timing config)");
        return false;
    };
    if (in_total > cfg().act_buffer)
        return overflow("input activations", in_total, cfg().act_buffer);
    if (out_total > cfg().out_buffer)
        return overflow("output activations", out_total, cfg().out_buffer);
    tile_rows = cfg().tile_rows();
    if (d.weighted() && (uint64_t)nbuf * tile_rows * D.cols > cfg().weight_buffer)
        return overflow("a decoded weight row tile (x buffers)",
                        (uint64_t)nbuf * tile_rows * D.cols, cfg().weight_buffer);
    const PeArray &array = *e.array_;
    if (d.weighted() && array.beats(D.cols) > cfg().nb_max) {
        /* a property of the layer, not of the batch: the advice is the array's size */
        fail(HQ_ACCEL_ERR_BUF_OVERFLOW,
             desc_text() + ": one activation vector of K = " + std::to_string(D.cols) +
                 " inputs needs " + std::to_string(array.beats(D.cols)) +
                 " beats, the array's buffer holds " + std::to_string(cfg().nb_max) +
                 " (array.nb_max; K <= " + std::to_string((uint64_t)cfg().nb_max * cfg().lanes) +
                 "): raise array.nb_max in the timing config");
        return false;
    }
    return true;
}

/* DMA in: the row parameters (weighted layers) and the batch's input activations (images:
 * false leaves the partial sums and inputs to stream_schedule). */
bool LayerEngine::Run::load_inputs(bool images) {
    const hq_accel_desc &D = d.raw;
    uint64_t t_in = t, param_path = 0;
    e.in_.resize(in_total);
    if (d.weighted()) {
        e.params_raw_.resize((size_t)D.rows * HQ_ACCEL_ROW_PARAM_BYTES);
        if (!dma(false, D.param_addr, e.params_raw_.data(), (uint32_t)e.params_raw_.size(), t_in,
                 &t_in))
            return false;
        /* The parameter path takes the bytes at its own pace: the phase ends when both the
         * DMA and the path are done, and no earlier than the path's tail after the DMA's last
         * byte (it takes the words as they arrive); the path's excess counts as control. */
        const uint64_t path_end =
            std::max(t + (uint64_t)std::ceil(D.rows * cfg().param_cycles_per_row),
                     t_in + (uint64_t)std::ceil(D.rows * cfg().param_tail_cycles_per_row));
        if (path_end > t_in) {
            param_path = path_end - t_in;
            t_in = path_end;
        }
        unsigned bad_row = 0;
        pset = e.params_cache_.get(D.param_addr, e.params_raw_.data(), D.rows, &bad_row);
        if (!pset) {
            fail(HQ_ACCEL_ERR_BAD_DESC, desc_text() + ": row " + std::to_string(bad_row) +
                                            " parameters out of range (rq_mult < 0, "
                                            "rq_shift > 62 or reserved bytes set)");
            return false;
        }
    }
    if (!images) {
        event(Unit::DmaIn, t, t_in);
        st().stall_dram += t_in - t - param_path;
        st().control += param_path;
        t = t_done = t_in;
        return true;
    }
    if (d.psum_in()) { /* the previous K chunks' partial sums, images packed */
        const uint64_t n = (uint64_t)D.batch * d.psum_bytes();
        e.psum_raw_.resize(n);
        if (!dma(false, d.psum_addr(), e.psum_raw_.data(), (uint32_t)n, t_in, &t_in)) return false;
        st().sram_bytes += 2 * n; /* into the accumulators: written and read once */
    }
    if (!dma_images(false, D.in_addr, D.in_stride, d.in_bytes, D.batch, e.in_.data(), t_in, &t_in))
        return false;
    event(Unit::DmaIn, t, t_in);
    st().stall_dram += t_in - t - param_path;
    st().control += param_path;
    t = t_in;
    t_done = t;
    return true;
}

/* A stand-alone max-pool runs in the output path. */
void LayerEngine::Run::pool_only() {
    const hq_accel_desc &D = d.raw;
    e.pooled_.resize((size_t)D.batch * d.out_bytes);
    for (unsigned b = 0; b < D.batch; b++)
        maxpool_u8(e.in_.data() + (size_t)b * d.in_bytes, D.in_h, D.in_w, D.in_c, d.pool(),
                   e.pooled_.data() + (size_t)b * d.out_bytes);
    uint64_t c = ceil_div(in_total, cfg().out_per_cycle);
    st().output += c;
    event(Unit::Output, t, t + c);
    t_done = t + c;
    out_bytes = e.pooled_.data();
    st().sram_bytes += in_total * 2 + e.pooled_.size();
}

/* A weighted layer: weights, schedule, functional compute, counts. */
bool LayerEngine::Run::weighted_layer() {
    const hq_accel_desc &D = d.raw;
    const WeightFormat f = format_of(D);
    bool hit = false, verified = false;
    const PreparedWeights *wp = decode_weights(f, &hit, &verified);
    if (!wp) return false;
    row_tiles = (D.rows + tile_rows - 1) / tile_rows;
    /* A layer whose beats the weight store cannot keep streams its weights once per image. */
    const uint32_t store = cfg().weight_store_beats;
    passes = store && (uint64_t)D.rows * wp->nbeats > store ? D.batch : 1;
    pass_vec = n_vec / passes;
    fetch_cycles.assign((size_t)row_tiles * passes, 0);
    const LayerStats before = st();
    const size_t trace_before = trace ? trace->size() : 0;
    if (!schedule_row_tiles(*wp, true)) return false;
    if (!verified && !recheck_weights(f, &wp, &hit, before, trace_before)) return false;
    st().cache_hit = hit;
    compute(*wp);
    output_drain();
    count_work(*wp);
    return true;
}

/* The schedule needs the decoded weights' row costs before the timed fetches have brought the
 * image in. When the cache knows this image, its costs are used and the fetched bytes are
 * compared with it afterwards (recheck_weights); a first use decodes a debug copy. */
const PreparedWeights *LayerEngine::Run::decode_weights(const WeightFormat &f, bool *hit,
                                                        bool *verified) {
    const hq_accel_desc &D = d.raw;
    in_place = e.in_place_ && e.dma_.span(D.weight_addr, D.weight_bytes, &wspan);
    const PreparedWeights *wp = e.cache_.find(D.weight_addr, f, D.weight_bytes);
    if (wp) {
        if (!in_place) e.image_.resize(D.weight_bytes); /* a size the cache has decoded before */
        return wp;
    }
    uint64_t bad = 0;
    if (!in_place && !e.peek_image(D.weight_addr, D.weight_bytes, &bad)) {
        fail(HQ_ACCEL_ERR_BAD_ADDR,
             desc_text() + ": weight image at 0x" + hex(D.weight_addr) + " (" +
                 std::to_string(D.weight_bytes) + " bytes) is outside memory",
             bad);
        return nullptr;
    }
    std::string derr;
    wp = decode_again(f, hit, &derr);
    if (!wp) {
        fail(HQ_ACCEL_ERR_WEIGHTS, desc_text() + ": " + derr, D.weight_addr);
        return nullptr;
    }
    *verified = true;
    return wp;
}

/* Row tiles of tile_rows rows: weight fetch and decode (double-buffered), then compute; once,
 * or once per image (passes) for a layer past the weight store.
 * issue = false re-times the layer with the fetch durations of the first schedule. */
bool LayerEngine::Run::schedule_row_tiles(const PreparedWeights &w, bool issue) {
    const hq_accel_desc &D = d.raw;
    st().row_tiles = row_tiles;
    st().beats = w.nbeats;
    const size_t n_loads = (size_t)row_tiles * passes;
    std::vector<uint64_t> compute_end(n_loads, 0);
    uint64_t load_end_prev = t, compute_end_prev = t;
    for (size_t i = 0; i < n_loads; i++) {
        const unsigned rt = (unsigned)(i % row_tiles);
        const unsigned r0 = rt * tile_rows, nr = std::min(tile_rows, (unsigned)D.rows - r0);
        /* The streamer may refill a buffer once the tile that used it has computed. */
        uint64_t load_start = load_end_prev;
        if (i >= nbuf) load_start = std::max(load_start, compute_end[i - nbuf]);
        /* The image streams in row order; a row tile's share of it (header and shift
         * table with the first) is proportional to its rows. */
        const uint64_t off = (uint64_t)D.weight_bytes * r0 / D.rows;
        const uint64_t end = (uint64_t)D.weight_bytes * (r0 + nr) / D.rows;
        uint64_t fetch_end = load_start + fetch_cycles[i];
        if (issue) {
            if (!dma(false, D.weight_addr + (uint32_t)off, image_at(off), (uint32_t)(end - off),
                     load_start, &fetch_end))
                return false;
            fetch_cycles[i] = fetch_end - load_start;
            st().weight_bytes += end - off;
        }
        const uint64_t decode = decode_cycles(cfg(), D, w, r0, nr);
        const uint64_t load_end = std::max(fetch_end, load_start + decode);
        const bool dram_bound = fetch_end - load_start >= decode;
        event(Unit::Weights, load_start, fetch_end);
        event(Unit::Decoder, load_start, load_start + decode);
        const uint64_t compute_start = std::max(load_end, compute_end_prev);
        (dram_bound ? st().stall_dram : st().stall_decoder) += compute_start - compute_end_prev;
        const TileCycles tc = e.array_->row_tile_cycles(w, r0, nr, pass_vec);
        st().compute += tc.compute;
        st().stall_outlier += tc.outlier_stall;
        compute_end[i] = compute_start + tc.compute + tc.outlier_stall;
        event(Unit::Array, compute_start, compute_end[i]);
        compute_end_prev = compute_end[i];
        load_end_prev = load_end;
    }
    t_sched_end = compute_end_prev;
    return true;
}

/* The cache's weights were used for the schedule: compare them with the fetched bytes; a
 * change re-decodes and re-times the layer with the same fetch durations. */
bool LayerEngine::Run::recheck_weights(const WeightFormat &f, const PreparedWeights **wp, bool *hit,
                                       const LayerStats &before, size_t trace_before) {
    const hq_accel_desc &D = d.raw;
    if (weights_unchanged()) {
        *hit = true;
        return true;
    }
    std::string derr;
    *wp = decode_again(f, hit, &derr);
    if (!*wp) {
        fail(HQ_ACCEL_ERR_WEIGHTS, desc_text() + ": " + derr, D.weight_addr);
        return false;
    }
    /* Re-time with the new row costs; the DMA traffic stays as counted. */
    const LayerStats moved = st();
    st() = before;
    st().dram_read = moved.dram_read;
    st().dram_transactions = moved.dram_transactions;
    st().weight_bytes = moved.weight_bytes;
    if (trace) trace->resize(trace_before);
    schedule_row_tiles(**wp, false);
    return true;
}

/* Vectors per band of the functional compute: operands and a row tile's accumulators of at
 * most about kBandBytes each (a multiple of 4 vectors, the GEMM kernel's block), so the
 * scratch stays small whatever the layer's size (issue 16: a whole descriptor's im2col and
 * accumulators were 2.5 MB and 1.3 MB on MobileNetV2, kept between layers). */
constexpr size_t kBandBytes = size_t(128) << 10;
static unsigned band_vectors(unsigned kp, unsigned tile_rows, uint64_t n_vec) {
    const size_t per = std::max<size_t>(kp, (size_t)tile_rows * sizeof(int32_t));
    const size_t v = std::max<size_t>(4, kBandBytes / per / 4 * 4);
    return (unsigned)std::min<uint64_t>(v, n_vec);
}

/* Functional compute, band of output positions by band, each tile by tile through the
 * array, then the output path (bias, requantize, pool); the output path drains each row tile
 * while the next one computes, so only the last tile's drain is exposed. Integer sums: the
 * bands give the same accumulators as one pass. */
void LayerEngine::Run::compute(const PreparedWeights &w) {
    const hq_accel_desc &D = d.raw;
    const bool bytes = d.byte_out(); /* uint8 (ReLU) or int8 (FLAG_SIGNED_OUT) codes */
    OutputMode mode;
    if (d.relu()) mode = OutputMode{OutputMode::Relu, (int)d.clamp_hi()};
    if (d.signed_out()) mode.kind = OutputMode::Signed;
    const size_t n_out = n_vec * D.rows;
    e.out_.resize(bytes ? (n_out + 3) / 4 : n_out);
    out_i32 = e.out_.data();
    out_u8 = reinterpret_cast<uint8_t *>(out_i32);
    const unsigned band = band_vectors(w.kp, tile_rows, n_vec);
    e.operands_.resize((size_t)band * w.kp);
    for (uint64_t v0 = 0; v0 < n_vec; v0 += band) {
        const unsigned nv = (unsigned)std::min<uint64_t>(band, n_vec - v0);
        im2col_band(d, e.in_.data(), w.kp, v0, nv, e.operands_.data());
        compute_band(w, v0, nv, mode);
    }
    if (bytes && d.pool() > 1) {
        e.pooled_.resize((size_t)D.batch * d.out_bytes);
        for (unsigned b = 0; b < D.batch; b++)
            maxpool_u8(out_u8 + (size_t)b * positions * D.rows, d.conv_h, d.conv_w, D.rows,
                       d.pool(), e.pooled_.data() + (size_t)b * d.out_bytes);
        out_bytes = e.pooled_.data();
    } else {
        out_bytes = out_u8;
    }
    if (!bytes) /* logits go out little-endian */
        for (size_t i = 0; i < n_out; i++) {
            uint32_t v = (uint32_t)out_i32[i];
            uint8_t *p = reinterpret_cast<uint8_t *>(&out_i32[i]);
            p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
            p[3] = (uint8_t)(v >> 24);
        }
}

/* Vectors [v0, v0 + nv), their operands in e.operands_, through every row tile. */
void LayerEngine::Run::compute_band(const PreparedWeights &w, uint64_t v0, unsigned nv,
                                    OutputMode mode) {
    const hq_accel_desc &D = d.raw;
    const size_t out_at = (size_t)v0 * D.rows; /* [vector][row] */
    /* One vector (batch 1, a matrix-vector product): all rows in one call where the array
     * allows, one stream over the weights; each row tile then reads its rows' slice
     * ([vector][row] with one vector). */
    bool whole = false;
    if (n_vec == 1 && row_tiles > 1) {
        e.acc_.resize(D.rows);
        whole = e.array_->compute_vector(w, e.operands_.data(), D.rows, e.acc_.data());
    }
    for (unsigned rt = 0; rt < row_tiles; rt++) {
        const unsigned r0 = rt * tile_rows, nr = std::min(tile_rows, (unsigned)D.rows - r0);
        int32_t *acc = e.acc_.data() + (whole ? r0 : 0);
        if (!whole) {
            e.acc_.resize((size_t)nv * nr);
            acc = e.acc_.data();
            e.array_->compute(w, e.operands_.data(), nv, r0, nr, acc);
        }
        if (d.psum_in()) add_partial_sums(e.psum_raw_.data() + out_at * 4, nv, r0, nr, D.rows, acc);
        if (d.psum_out())
            store_partial_sums(acc, nv, r0, nr, D.rows, out_i32 + out_at);
        else
            finish_accumulators(acc, nv, r0, nr, D.rows, pset->table, mode, out_u8 + out_at,
                                out_i32 + out_at);
    }
}

/* The last row tile's drain through the output path (the row-tile schedule). */
void LayerEngine::Run::output_drain() {
    const unsigned last_nr = d.raw.rows - (row_tiles - 1) * tile_rows;
    const uint64_t drain = ceil_div(pass_vec * last_nr, cfg().out_per_cycle);
    st().output += drain;
    event(Unit::Output, t_sched_end, t_sched_end + drain);
    t_done = t_sched_end + drain;
}

/* MACs, utilization and MAC energy (the array's hooks), decoder symbols, SRAM traffic. */
void LayerEngine::Run::count_work(const PreparedWeights &w) {
    const hq_accel_desc &D = d.raw;
    const uint64_t weights = (uint64_t)D.rows * D.cols;
    st().macs = weights * n_vec;
    st().macs_hi = w.n_hi * n_vec;
    st().macs_lo = st().macs - st().macs_hi;
    st().decoder_symbols = w.symbols;
    e.array_->utilization(st());
    st().energy_mac_pj = e.array_->mac_energy_pj(st(), D.lo_bits, D.hi_bits, e.energy_);
    /* SRAM: inputs written once and read once per row tile, decoded weights written and
     * read once, outputs written and read once. */
    st().sram_bytes += in_total * (1 + row_tiles) + 2 * weights + 2 * out_total;
}

/* DMA out: the results. */
bool LayerEngine::Run::store_outputs() {
    const hq_accel_desc &D = d.raw;
    uint64_t t_end = t_done;
    if (d.psum_out()) { /* partial sums to the partial-sum area, images packed */
        if (!dma(true, d.psum_addr(), out_bytes, D.batch * d.psum_bytes(), t_done, &t_end))
            return false;
    } else if (!dma_images(true, D.out_addr, D.out_stride, d.out_bytes, D.batch, out_bytes, t_done,
                           &t_end))
        return false;
    event(Unit::DmaOut, t_done, t_end);
    st().stall_dram += t_end - t_done;
    st().stall_dram_write += t_end - t_done;
    st().cycles = t_end;
    return true;
}

/* Energy of SRAM, DRAM and decoder (the MACs' is count_work's). */
void LayerEngine::Run::account_energy() {
    LayerStats &s = st();
    const EnergyTable &en = e.energy_;
    s.energy_sram_pj = s.sram_bytes * en.sram_byte_pj;
    /* DRAM: the DRAM model's command energy of this layer's transfers plus its background
     * power over the layer; bytes to targets that report none use the per-byte table. */
    const uint64_t dram_bytes = s.dram_read + s.dram_written;
    const uint64_t unpriced =
        std::min<uint64_t>(dram_bytes, e.dma_.unpriced_bytes() - unpriced_before);
    s.energy_dram_pj = unpriced * en.dram_byte_pj +
                       std::ceil((double)unpriced / en.dram_row_bytes) * en.dram_activate_pj;
    if (unpriced < dram_bytes) /* mW x ps = 1e-3 pJ */
        s.energy_dram_pj +=
            (e.dma_.dram_command_nj() - dram_nj_before) * 1e3 +
            e.dma_.dram_background_mw() * (double)s.cycles * cfg().cycle_ps() * 1e-3;
    s.energy_decoder_pj = s.decoder_symbols * en.decoder_symbol_pj;
    s.energy_pj = s.energy_mac_pj + s.energy_sram_pj + s.energy_dram_pj + s.energy_decoder_pj;
}

/* ---- The RTL's sequence (stream.enabled; docs/accel.md, Streaming) ---- */

/* A weighted layer's or a max-pool's data, functionally first (untimed: the row-tile schedule
 * too reads every input before it writes an output), then timed image after image. */
bool LayerEngine::Run::stream_layer() {
    const hq_accel_desc &D = d.raw;
    if (d.weighted() && !stream_headers()) return false;
    if (!load_inputs(false) || !peek_inputs()) return false;
    const PreparedWeights *wp = nullptr;
    if (D.op == HQ_ACCEL_OP_MAXPOOL) {
        const uint64_t t0 = t;
        pool_only();
        st().output -= t_done - t0; /* timed per image below */
        t_done = t0;
    } else {
        const WeightFormat f = format_of(D);
        bool hit = false, verified = false;
        wp = decode_weights(f, &hit, &verified);
        if (!wp || (!verified && !verify_weights(f, &wp, &hit))) return false;
        st().cache_hit = hit;
        row_tiles = 1; /* the functional compute: every row at once */
        tile_rows = D.rows;
        passes = 1;
        pass_vec = n_vec;
        compute(*wp);
    }
    if (!stream_schedule(wp)) return false;
    if (wp) count_work(*wp);
    return true;
}

/* The RTL reads the weight image's 16-byte header, then (lo > 0) its lo_shift table, each
 * as a transfer of its own before the row parameters. */
bool LayerEngine::Run::stream_headers() {
    const hq_accel_desc &D = d.raw;
    uint8_t buf[16];
    uint64_t t1 = t;
    if (!dma(false, D.weight_addr, buf, std::min<uint32_t>(16, D.weight_bytes), t1, &t1))
        return false;
    t1 += word_tail(std::min<uint32_t>(16, D.weight_bytes));
    st().weight_bytes += std::min<uint32_t>(16, D.weight_bytes);
    if (D.lo_bits && D.weight_bytes > 16) {
        const uint32_t n = std::min<uint32_t>((D.rows + 3u) & ~3u, D.weight_bytes - 16);
        std::vector<uint8_t> table(n);
        if (n && !dma(false, (uint64_t)D.weight_addr + 16, table.data(), n, t1, &t1)) return false;
        t1 += word_tail(n);
        st().weight_bytes += n;
    }
    event(Unit::Weights, t, t1);
    st().stall_dram += t1 - t;
    t = t_done = t1;
    return true;
}

/* The inputs (and partial sums) as the timed transfers will find them. */
bool LayerEngine::Run::peek_inputs() {
    const hq_accel_desc &D = d.raw;
    e.in_.resize(in_total);
    uint64_t bad = 0;
    for (unsigned i = 0; i < D.batch; i++)
        if (!e.dma_.peek((uint64_t)D.in_addr + (uint64_t)i * D.in_stride,
                         e.in_.data() + (size_t)i * d.in_bytes, d.in_bytes, &bad)) {
            fail(HQ_ACCEL_ERR_BAD_ADDR,
                 "DMA read of " + std::to_string(d.in_bytes) + " bytes at 0x" +
                     hex((uint64_t)D.in_addr + (uint64_t)i * D.in_stride) +
                     " failed: address outside memory",
                 bad);
            return false;
        }
    if (d.psum_in()) {
        const uint64_t n = (uint64_t)D.batch * d.psum_bytes();
        e.psum_raw_.resize(n);
        if (!e.dma_.peek(d.psum_addr(), e.psum_raw_.data(), (uint32_t)n, &bad)) {
            fail(HQ_ACCEL_ERR_BAD_ADDR,
                 "DMA read of " + std::to_string(n) + " bytes at 0x" + hex(d.psum_addr()) +
                     " failed: address outside memory",
                 bad);
            return false;
        }
        st().sram_bytes += 2 * n;
    }
    return true;
}

/* The cache's weights against the image in memory now (the timed stream reads it later). */
bool LayerEngine::Run::verify_weights(const WeightFormat &f, const PreparedWeights **wp,
                                      bool *hit) {
    const hq_accel_desc &D = d.raw;
    uint64_t bad = 0;
    if (!in_place && !e.peek_image(D.weight_addr, D.weight_bytes, &bad)) {
        fail(HQ_ACCEL_ERR_BAD_ADDR,
             desc_text() + ": weight image at 0x" + hex(D.weight_addr) + " (" +
                 std::to_string(D.weight_bytes) + " bytes) is outside memory",
             bad);
        return false;
    }
    if (weights_unchanged()) {
        *hit = true;
        return true;
    }
    std::string derr;
    *wp = decode_again(f, hit, &derr);
    if (!*wp) {
        fail(HQ_ACCEL_ERR_WEIGHTS, desc_text() + ": " + derr, D.weight_addr);
        return false;
    }
    return true;
}

/* Image after image: partial sums and input in, the rows of every position streamed back to
 * back (the weights from DRAM on the first pass, or on every pass past the weight store),
 * the outputs out. w is null for a max-pool. */
bool LayerEngine::Run::stream_schedule(const PreparedWeights *w) {
    const hq_accel_desc &D = d.raw;
    const AccelConfig &c = cfg();
    const bool conv = D.op == HQ_ACCEL_OP_CONV;
    /* one vector's rows: each row's beats and stalls plus row_cycles, at least the int32
     * collection; ideal = the beats alone (compute), cost = with stalls (+ outlier) */
    double rows_t = 0;
    uint64_t ideal = 0, cost = 0;
    const bool int32_out = !d.byte_out() || d.psum_out();
    if (w) {
        for (unsigned r = 0; r < D.rows; r++) {
            double per = w->row_cost[r] + c.stream_row_cycles;
            if (int32_out) per = std::max(per, c.stream_int32_row_cycles);
            rows_t += per;
            ideal += w->nbeats;
            cost += w->row_cost[r];
        }
        st().row_tiles = 1;
        st().beats = w->nbeats;
    }
    const uint32_t store = c.weight_store_beats;
    const bool keep = w && (!store || (uint64_t)D.rows * w->nbeats <= store);
    const uint32_t head = D.lo_bits ? ((D.rows + 16u + 15u) & ~15u) : 16u;
    const uint32_t sec_off = std::min(head, D.weight_bytes), sec_len = D.weight_bytes - sec_off;
    const uint64_t decode = w ? decode_cycles(c, D, *w, 0, D.rows) : 0;
    /* the im2col unit's K-vector (conv) at its rate, plus its per-vector cycles */
    const double vec = conv ? D.cols / c.im2col_bytes_per_cycle + c.stream_vector_cycles : 0;
    const uint32_t out_img = d.psum_out() ? d.psum_bytes() : d.out_bytes;
    const uint64_t image_cycles = (uint64_t)std::ceil(c.stream_image_cycles - 1e-9);
    for (unsigned i = 0; i < D.batch; i++) {
        uint64_t t1 = t;
        if (d.psum_in() &&
            !dma(false, d.psum_addr() + (uint64_t)i * d.psum_bytes(),
                 e.psum_raw_.data() + (size_t)i * d.psum_bytes(), d.psum_bytes(), t1, &t1))
            return false;
        t1 += word_tail(d.psum_in() ? d.psum_bytes() : 0);
        if (!dma(false, (uint64_t)D.in_addr + (uint64_t)i * D.in_stride,
                 e.in_.data() + (size_t)i * d.in_bytes, d.in_bytes, t1, &t1))
            return false;
        event(Unit::DmaIn, t, t1);
        st().stall_dram += t1 - t;
        t = t1;
        if (!w) { /* max-pool: every input byte through the unit to its window */
            const uint64_t run = (uint64_t)std::ceil(d.in_bytes / c.im2col_bytes_per_cycle - 1e-9);
            st().output += run;
            event(Unit::Output, t, t + run);
            t += run;
        }
        double carry = 0; /* fractions of a cycle, carried from position to position */
        for (uint64_t p = 0; w && p < positions; p++) {
            const uint64_t t0 = t;
            /* the rows of a position; a conv's next vector is made while they stream */
            double busy_d = conv ? std::max(rows_t + c.stream_position_cycles, vec) : rows_t;
            if (p == 0) busy_d += vec;
            const uint64_t busy = (uint64_t)std::floor(busy_d + carry + 1e-9);
            carry = std::max(0.0, busy_d + carry - (double)busy);
            uint64_t end = t0 + busy;
            bool dram_bound = false;
            if (!keep || (i == 0 && p == 0)) {
                uint64_t fetch_end = t0;
                if (sec_len && !dma(false, (uint64_t)D.weight_addr + sec_off, image_at(sec_off),
                                    sec_len, t0, &fetch_end))
                    return false;
                st().weight_bytes += sec_len;
                event(Unit::Weights, t0, fetch_end);
                /* the rows wait for the section's first beat (the first vector is made
                 * meanwhile): a per-pass cost the rows cannot hide behind the fetch */
                if (sec_len && c.stream_read_beat_bytes) {
                    const uint64_t beats = ceil_div(sec_len, c.stream_read_beat_bytes);
                    const uint64_t last = fetch_end - c.stream_transfer_tail_cycles;
                    const uint64_t first = last - std::min(last - t0, beats - 1);
                    const uint64_t lead = p == 0 ? (uint64_t)std::ceil(vec - 1e-9) : 0;
                    if (first > t0 + lead) {
                        st().stall_dram += first - (t0 + lead);
                        end += first - (t0 + lead);
                    }
                }
                const uint64_t load_end = std::max(fetch_end, t0 + decode);
                if (load_end > end) {
                    dram_bound = fetch_end >= t0 + decode;
                    (dram_bound ? st().stall_dram : st().stall_decoder) += load_end - end;
                    end = load_end;
                }
            }
            st().compute += ideal;
            st().stall_outlier += cost - ideal;
            st().control += busy - cost;
            event(Unit::Array, t0, end);
            t = end;
        }
        if (w) { /* the last row's pipeline */
            st().control += c.pipeline_latency;
            t += c.pipeline_latency;
        }
        st().control += image_cycles;
        t += image_cycles;
        uint64_t t2 = t;
        if (d.psum_out()) {
            if (!dma(true, d.psum_addr() + (uint64_t)i * out_img, out_bytes + (size_t)i * out_img,
                     out_img, t, &t2))
                return false;
        } else if (!dma(true, (uint64_t)D.out_addr + (uint64_t)i * D.out_stride,
                        out_bytes + (size_t)i * out_img, out_img, t, &t2))
            return false;
        t2 += (uint64_t)std::ceil(out_img * c.stream_write_byte_cycles - 1e-9); /* after it */
        event(Unit::DmaOut, t, t2);
        st().stall_dram += t2 - t;
        st().stall_dram_write += t2 - t;
        t = t2;
    }
    t_done = t;
    st().cycles = t;
    return true;
}

} // namespace hq::accel
