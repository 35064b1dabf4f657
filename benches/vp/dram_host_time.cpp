/* DRAM study: host CPU time of the controller model on the seven reference streams of
 * tests/vp/dram_reference (65,536 x 64 B each), per stream, discipline (back to back through
 * the FR-FCFS queue; one at a time through access()) and address map, and per million
 * requests. Each figure is the best of `reps` runs (CPU time, std::clock), so other jobs on
 * the machine inflate it less, or with --wall the median wall-clock time of `reps` runs.
 * Prints a Markdown table; asserts nothing.
 * usage: dram_host_time [--wall] TRACE_DIR [REPS [ONLY]]
 *   (traces: tests/vp/dram_reference/gen_traces.py)
 * ONLY (e.g. "ddr3/row_bank_column/d_random/b2b"): replay just that row and discipline (b2b or
 * serial), once per rep, for an instruction count of one replay
 * (benches/vp/dram_host_time.sh). */
#include "dram_trace_replay.h"
#include "mem/dram_timing.h"
#include "platform/dram_preset.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

using namespace hq;

/* best CPU time (s) of `reps` replays of reqs, or (wall) their median wall-clock time */
static double replay(const DramParams &p, const std::vector<DramTiming::Request> &reqs, bool serial,
                     int reps, bool wall) {
    std::vector<double> times;
    std::vector<uint64_t> sent, done;
    for (int r = 0; r < reps; r++) {
        const std::clock_t c0 = std::clock();
        const auto w0 = std::chrono::steady_clock::now();
        replay_dram_trace(p, reqs, serial, &sent, &done);
        const std::chrono::duration<double> w = std::chrono::steady_clock::now() - w0;
        times.push_back(wall ? w.count() : double(std::clock() - c0) / CLOCKS_PER_SEC);
    }
    std::sort(times.begin(), times.end());
    if (!wall) return times[0];
    const size_t m = times.size() / 2;
    return times.size() % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
}

int main(int argc, char **argv) {
    const bool wall = argc >= 2 && std::string(argv[1]) == "--wall";
    if (wall) {
        argc--;
        argv++;
    }
    if (argc < 2 || argc > 4) {
        std::fprintf(stderr, "usage: dram_host_time [--wall] TRACE_DIR [REPS "
                             "[PRESET/MAP/STREAM/b2b|serial]]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int reps = argc >= 3 ? std::atoi(argv[2]) : 5;
    const std::string only = argc == 4 ? argv[3] : "";
    if (reps < 1) {
        std::fprintf(stderr, "dram_host_time: REPS must be a positive number\n");
        return 2;
    }
    const char *traces[] = {"a_seq_read",    "b_seq_write",         "c_row_stride", "d_random",
                            "e_two_streams", "e2_two_streams_offs", "f_mixed_70_30"};
    struct Config {
        const char *preset, *file, *map;
    } configs[] = {{"ddr3", "ddr3-1600-mt41k256m16-x32.json", "row_bank_column"},
                   {"ddr4", "ddr4-2400-x8-64bit.json", "row_bank_column"},
                   {"ddr4", "ddr4-2400-x8-64bit.json", "bank_group_interleaved"}};
    if (wall)
        std::printf("host wall-clock time, median of %d runs\n\n", reps);
    else
        std::printf("host CPU time, best of %d runs\n\n", reps);
    std::printf("| preset | map | stream | back to back ms | one at a time ms |\n"
                "|---|---|---|---|---|\n");
    double total_s = 0, worst_s = 0;
    bool found = only.empty();
    uint64_t total_reqs = 0;
    for (const Config &c : configs) {
        DramParams p = load_dram_preset_file(std::string(HQ_CONFIG_DIR "/dram/") + c.file);
        p.address_map_name = c.map;
        if (std::string(c.map) == "row_bank_column") p.address_map.clear();
        for (const char *tr : traces) {
            const std::string row = std::string(c.preset) + "/" + c.map + "/" + tr;
            if (!only.empty() && only != row + "/b2b" && only != row + "/serial") continue;
            found = true;
            std::vector<DramTiming::Request> reqs;
            if (!load_dram_trace(dir + "/" + c.preset + "/" + tr + ".trc", &reqs) || reqs.empty()) {
                std::fprintf(stderr, "dram_host_time: no requests in %s/%s/%s.trc\n", dir.c_str(),
                             c.preset, tr);
                return 1;
            }
            const bool b2b = only.empty() || only == row + "/b2b";
            const bool serial = only.empty() || only == row + "/serial";
            const double s = b2b ? replay(p, reqs, false, reps, wall) : 0;
            const double l = serial ? replay(p, reqs, true, reps, wall) : 0;
            char bs[32] = "-", ls[32] = "-";
            if (b2b) std::snprintf(bs, sizeof bs, "%.2f", s * 1e3);
            if (serial) std::snprintf(ls, sizeof ls, "%.2f", l * 1e3);
            std::printf("| %s | %s | %s | %s | %s |\n", c.preset, c.map, tr, bs, ls);
            total_s += s + l;
            worst_s = std::max(worst_s, std::max(s, l));
            total_reqs += (b2b + serial) * reqs.size();
        }
    }
    if (!found) {
        std::fprintf(stderr, "dram_host_time: no row '%s' (PRESET/MAP/STREAM/b2b|serial)\n",
                     only.c_str());
        return 2;
    }
    std::printf("\n%llu requests in %.1f ms: %.1f ms per million requests; slowest stream "
                "%.2f ms\n",
                (unsigned long long)total_reqs, total_s * 1e3,
                total_s * 1e3 / (double(total_reqs) / 1e6), worst_s * 1e3);
    return 0;
}
