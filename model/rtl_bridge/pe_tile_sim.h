// A small C++ API around a Verilated rtl/pe_tile.v: queue tiles, run the clock, collect the
// outputs and the cycle at which each tile started and finished. The benches use it, and the
// SystemC accelerator can use it later to put the RTL tile in the loop (hqsim run --pe-impl rtl).
// V is the Verilated class (any pe_tile configuration: the port names are the same).
#ifndef PE_TILE_SIM_H
#define PE_TILE_SIM_H

#include "pe_vectors.h"

#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <type_traits>
#include <vector>

struct PeRowOut {
    int32_t acc;
    uint8_t y;
    bool last;
};

struct PeTileRun {
    std::vector<PeRowOut> out; // one per row
    long start = -1;           // cycle of the tile's first activation beat
    long end = -1;             // cycle of the tile's last output beat
};

// Random stalls: each cycle a source withholds valid (and the sink withholds ready) with this
// probability. 0 = the streams never stall.
struct PeStallProfile {
    double act = 0, row = 0, wgt = 0, out = 0;
};

template <class V> class PeTileSim {
  public:
    explicit PeTileSim(const pe_cfg &cfg, uint64_t seed = 1) : cfg_(cfg), top_(new V) {
        rng_.s = seed;
        top_->clk = 0;
        top_->rst = 1;
        clear_inputs();
        for (int i = 0; i < 4; i++)
            step();
        top_->rst = 0;
    }

    // Queues one tile's streams; returns its index for result(). act_beats / wgt_beats >= 0
    // override the number of activation beats / weight beats per row (malformed streams,
    // for the error tests); extra beats repeat the last one.
    size_t push(const pe_tile &t, int act_beats = -1, int wgt_beats = -1) {
        const size_t lanes = (size_t)cfg_.lanes, beat = (size_t)pe_beat_bytes(&cfg_);
        const int na = act_beats >= 0 ? act_beats : t.nbeats;
        const int nw = wgt_beats >= 0 ? wgt_beats : t.nbeats;
        size_t id = runs_.size();
        runs_.emplace_back();
        for (int b = 0; b < na; b++) {
            const uint8_t *p = t.act + (size_t)(b < t.nbeats ? b : t.nbeats - 1) * lanes;
            act_.push_back({std::vector<uint8_t>(p, p + lanes), b == na - 1, id});
        }
        for (int r = 0; r < t.rows; r++) {
            rows_.push_back({t.bias[r], t.mult[r], t.shift[r], t.lo_shift[r], r == t.rows - 1});
            for (int b = 0; b < nw; b++) {
                const uint8_t *p =
                    t.wbeats + ((size_t)r * t.nbeats + (b < t.nbeats ? b : t.nbeats - 1)) * beat;
                wgt_.push_back({std::vector<uint8_t>(p, p + beat), b == nw - 1, id});
            }
            expect_.push_back(id);
        }
        return id;
    }

    // Runs until every queued output arrived; false if max_cycles passed first.
    bool run(const PeStallProfile &stall, long max_cycles) {
        long limit = cycle_ + max_cycles;
        while (!expect_.empty()) {
            if (cycle_ >= limit) return false;
            bool av = !act_.empty() && !roll(stall.act);
            bool rv = !rows_.empty() && !roll(stall.row);
            bool wv = !wgt_.empty() && !roll(stall.wgt);
            top_->s_act_valid = av;
            top_->s_row_valid = rv;
            top_->s_wgt_valid = wv;
            top_->m_out_ready = !roll(stall.out);
            if (av) {
                set_bits(top_->s_act_data, act_.front().bytes);
                top_->s_act_last = act_.front().last;
            }
            if (rv) {
                const RowBeat &r = rows_.front();
                top_->s_row_bias = (uint32_t)r.bias;
                top_->s_row_mult = (uint32_t)r.mult;
                top_->s_row_shift = r.shift;
                top_->s_row_lo_shift = r.lo_shift;
                top_->s_row_last = r.last;
            }
            if (wv) {
                set_bits(top_->s_wgt_data, wgt_.front().bytes);
                top_->s_wgt_last = wgt_.front().last;
            }
            top_->clk = 0;
            top_->eval(); // settle the ready signals for this cycle's inputs
            bool af = av && top_->s_act_ready, rf = rv && top_->s_row_ready;
            bool wf = wv && top_->s_wgt_ready, of = top_->m_out_valid && top_->m_out_ready;
            if (af) {
                PeTileRun &run = runs_[act_.front().tile];
                if (run.start < 0) run.start = cycle_;
                act_.pop_front();
            }
            if (rf) rows_.pop_front();
            if (wf) wgt_.pop_front();
            if (of) {
                PeTileRun &run = runs_[expect_.front()];
                run.out.push_back(
                    {(int32_t)top_->m_out_acc, (uint8_t)top_->m_out_y, top_->m_out_last != 0});
                run.end = cycle_;
                expect_.pop_front();
            }
            top_->clk = 1;
            top_->eval();
            cycle_++;
        }
        clear_inputs();
        return true;
    }

    const PeTileRun &result(size_t id) const { return runs_[id]; }
    void clear_results() { runs_.clear(); }
    long cycle() const { return cycle_; }
    unsigned err() const { return top_->err; }
    V &top() { return *top_; }

  private:
    struct Beat {
        std::vector<uint8_t> bytes;
        bool last;
        size_t tile;
    };
    struct RowBeat {
        int32_t bias, mult;
        uint8_t shift, lo_shift;
        bool last;
    };

    template <class P> static void set_bits(P &port, const std::vector<uint8_t> &bytes) {
        if constexpr (std::is_integral_v<P>) {
            uint64_t v = 0;
            for (size_t i = 0; i < bytes.size() && i < 8; i++)
                v |= (uint64_t)bytes[i] << (8 * i);
            port = (P)v;
        } else { // VlWide: 32-bit words, least significant first
            constexpr size_t words = sizeof(P) / sizeof(uint32_t);
            for (size_t w = 0; w < words; w++) {
                uint32_t v = 0;
                for (size_t i = 0; i < 4 && 4 * w + i < bytes.size(); i++)
                    v |= (uint32_t)bytes[4 * w + i] << (8 * i);
                port[w] = v;
            }
        }
    }

    bool roll(double p) { return p > 0 && (double)(pe_rng_next(&rng_) >> 11) * 0x1p-53 < p; }

    void clear_inputs() {
        top_->s_act_valid = 0;
        top_->s_row_valid = 0;
        top_->s_wgt_valid = 0;
        top_->m_out_ready = 0;
    }

    void step() {
        top_->clk = 0;
        top_->eval();
        top_->clk = 1;
        top_->eval();
        cycle_++;
    }

    pe_cfg cfg_;
    std::unique_ptr<V> top_;
    pe_rng rng_;
    long cycle_ = 0;
    std::deque<Beat> act_, wgt_;
    std::deque<RowBeat> rows_;
    std::deque<size_t> expect_;
    std::vector<PeTileRun> runs_;
};

#endif
