/* AXI4 memory slave for the accelerator bench: one memory window [base, base + size), a
 * fixed latency from a burst's address to its first data beat / write response, a bandwidth
 * limit (one read beat every `interval` cycles), optional random ready/valid stalls, and
 * DECERR for every beat that touches a byte outside the window (a write of such a beat is
 * dropped). drive() sets the slave's outputs for the coming cycle, observe() records the
 * handshakes of that cycle (sampled before the clock edge). */
#ifndef HQ_TB_AXI_MEM_H
#define HQ_TB_AXI_MEM_H

#include "axi_data.h"

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

struct AxiMem {
    uint32_t base = 0x80000000u;
    std::vector<uint8_t> bytes;
    int bpw = 8;
    unsigned latency = 20; /* cycles from AR/last W to the first R beat / B */
    unsigned interval = 1; /* at most one R beat every `interval` cycles */
    double stall = 0.0;    /* probability of a ready/valid held low in a cycle */
    std::mt19937_64 rng{1};
    uint64_t r_beats = 0, w_beats = 0;

    bool inside(uint64_t a, unsigned n) const {
        return a >= base && a + n <= (uint64_t)base + bytes.size();
    }

    template <class T> void drive(T &t, uint64_t cycle) {
        t.m_axi_arready = !coin();
        t.m_axi_awready = !coin();
        t.m_axi_wready = !coin();
        if (!r_valid && !reads.empty() && reads.front().ready_at <= cycle && cycle >= next_r &&
            !coin()) {
            Burst &b = reads.front();
            const uint64_t a = (uint64_t)b.addr + (uint64_t)b.done * bpw;
            std::vector<uint8_t> w(bpw, 0);
            r_resp = inside(a, bpw) ? 0 : 3;
            if (!r_resp)
                for (int i = 0; i < bpw; i++)
                    w[i] = bytes[a - base + i];
            axi_put(t.m_axi_rdata, w.data());
            r_last = b.done == b.len;
            r_valid = true;
        }
        t.m_axi_rvalid = r_valid;
        t.m_axi_rresp = r_resp;
        t.m_axi_rlast = r_last;
        b_valid_now = !resps.empty() && resps.front().ready_at <= cycle;
        t.m_axi_bvalid = b_valid_now;
        t.m_axi_bresp = b_valid_now ? resps.front().resp : 0;
    }

    template <class T> void observe(const T &t, uint64_t cycle) {
        if (t.m_axi_arvalid && t.m_axi_arready)
            reads.push_back({t.m_axi_araddr, t.m_axi_arlen, 0, cycle + latency, 0});
        if (t.m_axi_rvalid && t.m_axi_rready) {
            r_valid = false;
            r_beats++;
            next_r = cycle + interval;
            if (++reads.front().done > reads.front().len) reads.pop_front();
        }
        if (t.m_axi_awvalid && t.m_axi_awready)
            writes.push_back({t.m_axi_awaddr, t.m_axi_awlen, 0, 0, 0});
        if (t.m_axi_wvalid && t.m_axi_wready && !writes.empty()) {
            Burst &b = writes.front();
            const uint64_t a = (uint64_t)b.addr + (uint64_t)b.done * bpw;
            std::vector<uint8_t> w(bpw);
            axi_get(t.m_axi_wdata, w.data());
            const uint32_t strb = (uint32_t)t.m_axi_wstrb;
            if (!inside(a, bpw))
                b.resp = 3;
            else
                for (int i = 0; i < bpw; i++)
                    if (strb >> i & 1) bytes[a - base + i] = w[i];
            w_beats++;
            if (++b.done > b.len) {
                resps.push_back({0, 0, 0, cycle + latency, b.resp});
                writes.pop_front();
            }
        }
        if (b_valid_now && t.m_axi_bready) resps.pop_front();
    }

    bool idle() const { return reads.empty() && writes.empty() && resps.empty() && !r_valid; }

  private:
    struct Burst {
        uint32_t addr, len, done;
        uint64_t ready_at;
        uint32_t resp;
    };
    std::deque<Burst> reads, writes, resps;
    bool r_valid = false, r_last = false, b_valid_now = false;
    uint32_t r_resp = 0;
    uint64_t next_r = 0;
    std::uniform_real_distribution<double> u{0.0, 1.0};
    bool coin() { return stall > 0 && u(rng) < stall; }
};

#endif
