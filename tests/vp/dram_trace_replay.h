/* The reference DRAM traces (tests/vp/dram_reference/gen_traces.py: "R 0xADDR" / "W 0xADDR"
 * lines, 64 B each) and their two issue disciplines, shared by the reference test
 * (test_dram_reference) and the host-time bench (benches/vp/dram_host_time). */
#ifndef HQ_DRAM_TRACE_REPLAY_H
#define HQ_DRAM_TRACE_REPLAY_H

#include "mem/dram_timing.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace hq {

/* The requests of one trace file; false if it cannot be read. */
inline bool load_dram_trace(const std::string &path, std::vector<DramTiming::Request> *reqs) {
    std::ifstream in(path);
    if (!in.good()) return false;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        reqs->push_back({std::stoull(line.substr(2), nullptr, 16), line[0] == 'W'});
    }
    return true;
}

/* Replays reqs on a fresh controller: one at a time (each sent when the previous one is done)
 * or back to back through the queue. sent/done get each request's times in DRAM cycles. */
inline void replay_dram_trace(const DramParams &p, const std::vector<DramTiming::Request> &reqs,
                              bool serial, std::vector<uint64_t> *sent,
                              std::vector<uint64_t> *done) {
    sent->assign(reqs.size(), 0);
    done->assign(reqs.size(), 0);
    DramTiming t(p);
    if (serial) {
        uint64_t now = 0;
        for (size_t i = 0; i < reqs.size(); i++) {
            (*sent)[i] = now;
            now = (*done)[i] = t.access(now, reqs[i].addr, 64, reqs[i].write);
        }
    } else {
        t.run_back_to_back(reqs, 64, 0, sent, done);
    }
}

} // namespace hq

#endif
