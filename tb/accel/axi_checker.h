/* AXI4 protocol checker for the accelerator's master port, sampled once per cycle before the
 * clock edge. Violations it reports (and the bench fails on): a valid dropped before its
 * ready (AR, AW, W), a payload changed while valid && !ready, a burst that crosses 4 KiB, a
 * burst type other than INCR, a beat size other than the bus width, an address not aligned to
 * it, W data before its burst's address (this design sends the address first), WLAST not on a
 * burst's last beat, and any valid during reset. It also records the largest number of read
 * bursts in flight. */
#ifndef HQ_TB_AXI_CHECKER_H
#define HQ_TB_AXI_CHECKER_H

#include "axi_data.h"

#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

struct AxiChecker {
    int bpw = 8;
    long violations = 0;
    long max_reads_in_flight = 0;
    std::vector<std::string> first;

    template <class T> void sample(const T &t, uint64_t cycle, bool in_reset) {
        Snap s = snap(t);
        if (in_reset && (s.arvalid || s.awvalid || s.wvalid)) fail(cycle, "valid during reset");
        if (have_prev) {
            if (prev.arvalid && !prev.arready) {
                if (!s.arvalid)
                    fail(cycle, "ARVALID dropped before ARREADY");
                else if (s.araddr != prev.araddr || s.arlen != prev.arlen ||
                         s.arsize != prev.arsize || s.arburst != prev.arburst)
                    fail(cycle, "AR payload changed while waiting for ARREADY");
            }
            if (prev.awvalid && !prev.awready) {
                if (!s.awvalid)
                    fail(cycle, "AWVALID dropped before AWREADY");
                else if (s.awaddr != prev.awaddr || s.awlen != prev.awlen ||
                         s.awsize != prev.awsize || s.awburst != prev.awburst)
                    fail(cycle, "AW payload changed while waiting for AWREADY");
            }
            if (prev.wvalid && !prev.wready) {
                if (!s.wvalid)
                    fail(cycle, "WVALID dropped before WREADY");
                else if (s.wdata != prev.wdata || s.wstrb != prev.wstrb || s.wlast != prev.wlast)
                    fail(cycle, "W payload changed while waiting for WREADY");
            }
        }
        if (s.arvalid && s.arready) {
            burst_rules(cycle, "AR", s.araddr, s.arlen, s.arsize, s.arburst);
            reads_in_flight++;
            if (reads_in_flight > max_reads_in_flight) max_reads_in_flight = reads_in_flight;
        }
        if (s.rvalid && s.rready && s.rlast) reads_in_flight--;
        if (s.awvalid && s.awready) {
            burst_rules(cycle, "AW", s.awaddr, s.awlen, s.awsize, s.awburst);
            aw.push_back(s.awlen + 1);
        }
        if (s.wvalid && s.wready) {
            if (aw.empty())
                fail(cycle, "W beat before its burst's address");
            else {
                const bool last = aw.front() == 1;
                if (s.wlast != last) fail(cycle, "WLAST not on the burst's last beat");
                if (--aw.front() == 0) aw.pop_front();
            }
        }
        prev = s;
        have_prev = true;
    }

  private:
    struct Snap {
        bool arvalid, arready, awvalid, awready, wvalid, wready, wlast, rvalid, rready, rlast;
        uint32_t araddr, arlen, arsize, arburst, awaddr, awlen, awsize, awburst;
        std::vector<uint8_t> wdata;
        uint32_t wstrb;
    };
    Snap prev{};
    bool have_prev = false;
    long reads_in_flight = 0;
    std::deque<uint32_t> aw; /* beats left of each accepted write burst */

    template <class T> Snap snap(const T &t) {
        Snap s;
        s.arvalid = t.m_axi_arvalid;
        s.arready = t.m_axi_arready;
        s.araddr = t.m_axi_araddr;
        s.arlen = t.m_axi_arlen;
        s.arsize = t.m_axi_arsize;
        s.arburst = t.m_axi_arburst;
        s.awvalid = t.m_axi_awvalid;
        s.awready = t.m_axi_awready;
        s.awaddr = t.m_axi_awaddr;
        s.awlen = t.m_axi_awlen;
        s.awsize = t.m_axi_awsize;
        s.awburst = t.m_axi_awburst;
        s.wvalid = t.m_axi_wvalid;
        s.wready = t.m_axi_wready;
        s.wlast = t.m_axi_wlast;
        s.wstrb = (uint32_t)t.m_axi_wstrb;
        s.wdata.resize(bpw);
        axi_get(t.m_axi_wdata, s.wdata.data());
        s.rvalid = t.m_axi_rvalid;
        s.rready = t.m_axi_rready;
        s.rlast = t.m_axi_rlast;
        return s;
    }
    void burst_rules(uint64_t cycle, const char *ch, uint32_t addr, uint32_t len, uint32_t size,
                     uint32_t burst) {
        if (burst != 1) fail(cycle, std::string(ch) + " burst type is not INCR");
        if ((1u << size) != (uint32_t)bpw) fail(cycle, std::string(ch) + " size != bus width");
        if (addr % bpw) fail(cycle, std::string(ch) + " address not aligned to the bus width");
        if (len > 255) fail(cycle, std::string(ch) + " burst longer than 256 beats");
        if ((addr % 4096) + (uint64_t)(len + 1) * bpw > 4096)
            fail(cycle, std::string(ch) + " burst crosses a 4 KiB boundary");
    }
    void fail(uint64_t cycle, const std::string &what) {
        violations++;
        if (first.size() < 10) first.push_back("cycle " + std::to_string(cycle) + ": " + what);
    }
};

#endif
