/* Bit-for-bit guard of the DRAM controller model's speed-ups: every output of 2,592
 * configurations (3 preset/maps x scheduler x admission x page policy x queue depth 1/2/8 x
 * 1/2 channels x refresh off/frequent x 3 streams x 3 request sizes) is hashed, per
 * configuration, and compared with tests/vp/dram_golden/outputs.txt, written by the model
 * before the scheduler's rework: each request's sent and done time of the trace replay
 * (run_back_to_back, through the queue), each done time of the same stream one at a time
 * (access(), the in-order path), and every statistic of both, energy included.
 * usage: test_dram_golden GOLDEN        compare
 *        test_dram_golden --write FILE  write the hashes of this build (only for a change of
 *                                       results that is meant; say why in the commit) */
#include "mem/dram_timing.h"
#include "platform/dram_preset.h"
#include "vp_check.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace hq;

namespace {

struct Hash { /* FNV-1a over 64-bit words */
    uint64_t h = 1469598103934665603ull;
    void add(uint64_t v) {
        for (int i = 0; i < 8; i++) {
            h ^= (v >> (8 * i)) & 0xff;
            h *= 1099511628211ull;
        }
    }
    void add_double(double d) {
        uint64_t v;
        std::memcpy(&v, &d, sizeof v);
        add(v);
    }
};

void add_stats(Hash *h, const DramTiming &t) {
    const DramStats &s = t.stats();
    for (uint64_t v : {s.bytes_read, s.bytes_written, s.read_bursts, s.write_bursts, s.row_hits,
                       s.row_misses, s.row_conflicts, s.activates, s.refreshes, s.data_bus_cycles,
                       s.precharged_cycles, s.first_cycle, s.last_cycle})
        h->add(v);
    h->add_double(s.energy_nj);
    h->add_double(t.total_energy_nj());
}

/* kind 0: uniform random over 1 GiB (DDR3 random row); 1: few hot rows, sequential runs and
 * jumps, some unaligned (as test_dram_scheduler_ref); 2: two sequential streams, one of them
 * writing. 30 % writes in 0 and 1. */
std::vector<DramTiming::Request> stream(std::mt19937_64 &rng, unsigned kind, size_t n) {
    std::vector<DramTiming::Request> reqs(n);
    const uint64_t span = uint64_t(1) << 30;
    uint64_t a = 0, s0 = rng() % span & ~uint64_t(63), s1 = rng() % span & ~uint64_t(63);
    for (size_t i = 0; i < n; i++) {
        DramTiming::Request &r = reqs[i];
        if (kind == 0) {
            r.addr = rng() % span & ~uint64_t(63);
            r.write = rng() % 10 < 3;
        } else if (kind == 1) {
            const unsigned k = unsigned(rng() % 4);
            if (k == 0)
                a = rng() % span;
            else if (k == 1)
                a += 64;
            else
                a = (rng() % 8) * (span / 8) + (rng() % 16) * 64;
            r.addr = a % span + (rng() % 5 == 0 ? rng() % 64 : 0);
            r.write = rng() % 10 < 3;
        } else {
            const bool second = i % 2;
            r.addr = (second ? s1 : s0) % span;
            (second ? s1 : s0) += 64;
            r.write = second;
        }
    }
    return reqs;
}

uint64_t run_config(const DramParams &p, const std::vector<DramTiming::Request> &reqs,
                    uint64_t len) {
    Hash h;
    {
        DramTiming t(p);
        std::vector<uint64_t> sent, done;
        t.run_back_to_back(reqs, len, 0, &sent, &done);
        for (size_t i = 0; i < reqs.size(); i++) {
            h.add(sent[i]);
            h.add(done[i]);
        }
        add_stats(&h, t);
    }
    DramTiming t(p);
    uint64_t now = 0;
    for (const DramTiming::Request &r : reqs) {
        now = t.access(now, r.addr, len, r.write);
        h.add(now);
    }
    add_stats(&h, t);
    return h.h;
}

/* One configuration: a stream of 2,000 requests of min(per, depth) bursts (the third size
 * one byte short: an unaligned end), replayed both ways; "per<N> len<bytes> <hash>". */
std::string hash_config(const DramParams &p, std::mt19937_64 &rng, unsigned kind, unsigned per) {
    const unsigned bursts = std::min(per, p.queue_depth);
    const uint64_t len = bursts * p.burst_bytes() - (per == 3 ? 1 : 0);
    const std::vector<DramTiming::Request> reqs = stream(rng, kind, 2000);
    char s[64];
    std::snprintf(s, sizeof s, "per%u len%llu %016llx", per, (unsigned long long)len,
                  (unsigned long long)run_config(p, reqs, len));
    return s;
}

std::string describe(const DramParams &p) {
    char s[96];
    std::snprintf(s, sizeof s, "%s %s %s q%u ch%u refresh%u",
                  p.scheduler == DramScheduler::FCFS ? "fcfs" : "fr-fcfs",
                  p.admission == DramAdmission::OWN_BANK ? "own_bank" : "previous_bank",
                  p.page_policy == DramPagePolicy::OPEN ? "open" : "closed", p.queue_depth,
                  p.channels, p.tREFI);
    return s;
}

} // namespace

int main(int argc, char **argv) {
    const bool write = argc == 3 && std::string(argv[1]) == "--write";
    if (argc != 2 && !write) {
        std::fprintf(stderr, "usage: test_dram_golden GOLDEN | --write FILE\n");
        return 2;
    }
    std::mt19937_64 rng(2592);
    struct Preset {
        const char *name, *file;
        bool own_map;
    } presets[] = {{"ddr3/row_bank_column", "ddr3-1600-mt41k256m16-x32.json", false},
                   {"ddr4/row_bank_column", "ddr4-2400-x8-64bit.json", false},
                   {"ddr4/bank_group_interleaved", "ddr4-2400-x8-64bit.json", true}};
    std::ostringstream out;
    for (const Preset &pr : presets)
        for (DramScheduler sched : {DramScheduler::FR_FCFS, DramScheduler::FCFS})
            for (DramAdmission adm : {DramAdmission::OWN_BANK, DramAdmission::PREVIOUS_BANK})
                for (DramPagePolicy page : {DramPagePolicy::OPEN, DramPagePolicy::CLOSED})
                    for (unsigned depth : {1u, 2u, 8u})
                        for (unsigned channels : {1u, 2u})
                            for (bool refresh : {false, true})
                                for (unsigned kind = 0; kind < 3; kind++)
                                    for (unsigned per = 1; per <= 3; per++) {
                                        DramParams p = load_dram_preset_file(
                                            std::string(HQ_CONFIG_DIR "/dram/") + pr.file);
                                        if (!pr.own_map || channels > 1) {
                                            p.address_map.clear();
                                            p.address_map_name = "row_bank_column";
                                        }
                                        p.scheduler = sched;
                                        p.admission = adm;
                                        p.page_policy = page;
                                        p.queue_depth = depth;
                                        p.channels = channels;
                                        p.frontend_ck = unsigned(rng() % 2);
                                        if (refresh) { /* often: streams cross many */
                                            p.tREFI = 400 + unsigned(rng() % 200);
                                            p.tRFC = 60;
                                        } else {
                                            p.tREFI = p.tRFC = 0;
                                        }
                                        out << pr.name << ' ' << describe(p) << " stream" << kind
                                            << ' ' << hash_config(p, rng, kind, per) << '\n';
                                    }
    if (write) {
        std::ofstream f(argv[2]);
        f << out.str();
        return f.good() ? 0 : 1;
    }
    std::ifstream f(argv[1]);
    if (!f.good()) {
        std::fprintf(stderr, "test_dram_golden: cannot read %s\n", argv[1]);
        return 1;
    }
    std::istringstream got(out.str());
    std::string want_line, got_line;
    int lines = 0, differ = 0;
    while (std::getline(got, got_line)) {
        lines++;
        if (!std::getline(f, want_line)) want_line.clear();
        if (got_line != want_line) {
            if (differ++ < 10)
                std::fprintf(stderr, "differs: %s\n   want: %s\n", got_line.c_str(),
                             want_line.c_str());
        }
    }
    if (std::getline(f, want_line)) differ++; /* golden file longer */
    std::printf("%d configurations, %d differ from %s\n", lines, differ, argv[1]);
    CHECK_EQ(lines, 2592);
    CHECK_EQ(differ, 0);
    return vp_report("test_dram_golden");
}
