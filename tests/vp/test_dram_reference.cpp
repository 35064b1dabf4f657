/* The DRAM controller model against DRAMSys on seven request streams and both presets
 * (tests/vp/dram_reference: traces from gen_traces.py, DRAMSys's figures in the CSV).
 * Asserts, per stream and preset (DRAMSys's stock controller, rows dramsys_base, with the
 * address map it was run with, row_bank_column): back to back and one at a time, bandwidth and
 * average read (write) latency within 5 %; one at a time, a worst-case latency that includes a
 * refresh (> tRFC) and is within 10 % of DRAMSys's. DDR4 with bank groups interleaved in the
 * map (the preset's default) against DRAMSys's what-if run of that map (rows dramsys_bgil):
 * within 5 % as well. The FCFS / no-refresh / no-bank-group configuration reproduces the old
 * model's figures (rows hqsim).
 * Prints every figure and the host (CPU) time per million requests.
 * usage: test_dram_reference TRACE_DIR REFERENCE.csv */
#include "dram_trace_replay.h"
#include "mem/dram_timing.h"
#include "platform/dram_preset.h"
#include "vp_check.h"

#include <cmath>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

using namespace hq;

struct Figures {
    double bw_gbs = -1, rd_avg_ns = -1, rd_max_ns = -1, wr_avg_ns = -1, wr_max_ns = -1;
};
using Key = std::string; /* preset/trace/config/mode */

static std::map<Key, Figures> load_reference(const std::string &path) {
    std::map<Key, Figures> ref;
    std::ifstream in(path);
    CHECK(in.good());
    std::string line;
    std::getline(in, line); /* header */
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string f[12];
        for (std::string &x : f)
            std::getline(ss, x, ',');
        Figures r;
        r.bw_gbs = std::stod(f[7]);
        r.rd_avg_ns = std::stod(f[8]);
        r.rd_max_ns = std::stod(f[9]);
        r.wr_avg_ns = std::stod(f[10]);
        r.wr_max_ns = std::stod(f[11]);
        ref[f[0] + "/" + f[1] + "/" + f[2] + "/" + f[3]] = r;
    }
    return ref;
}

static std::vector<DramTiming::Request> load_trace(const std::string &path) {
    std::vector<DramTiming::Request> reqs;
    if (!load_dram_trace(path, &reqs)) {
        std::printf("cannot read %s\n", path.c_str());
        CHECK(false);
    }
    return reqs;
}

struct Run {
    Figures f;
    double host_s = 0;
};

/* bytes / (last completion - first request); latencies completion - sent, in ns */
static Figures summarize(const DramParams &p, const std::vector<DramTiming::Request> &reqs,
                         const std::vector<uint64_t> &sent, const std::vector<uint64_t> &done) {
    const double tck_ns = p.tck_s() * 1e9;
    Figures f;
    double rd_sum = 0, wr_sum = 0;
    uint64_t nrd = 0, nwr = 0, last = 0, rd_max = 0, wr_max = 0;
    for (size_t i = 0; i < reqs.size(); i++) {
        const uint64_t lat = done[i] - sent[i];
        last = std::max(last, done[i]);
        if (reqs[i].write) {
            wr_sum += double(lat);
            wr_max = std::max(wr_max, lat);
            nwr++;
        } else {
            rd_sum += double(lat);
            rd_max = std::max(rd_max, lat);
            nrd++;
        }
    }
    f.bw_gbs = double(reqs.size() * 64) / (double(last - sent[0]) * tck_ns);
    if (nrd) {
        f.rd_avg_ns = rd_sum / double(nrd) * tck_ns;
        f.rd_max_ns = double(rd_max) * tck_ns;
    }
    if (nwr) {
        f.wr_avg_ns = wr_sum / double(nwr) * tck_ns;
        f.wr_max_ns = double(wr_max) * tck_ns;
    }
    return f;
}

static Run run(const DramParams &p, const std::vector<DramTiming::Request> &reqs, bool serial) {
    std::vector<uint64_t> sent, done;
    const std::clock_t t0 = std::clock(); /* CPU time: less at the mercy of other jobs */
    replay_dram_trace(p, reqs, serial, &sent, &done);
    const std::clock_t t1 = std::clock();
    Run r;
    r.f = summarize(p, reqs, sent, done);
    r.host_s = double(t1 - t0) / CLOCKS_PER_SEC;
    return r;
}

static double ratio(double a, double b) {
    return b > 0 ? a / b : 1.0;
}

static int misses = 0;
/* prints "model / reference (ratio)" and counts a miss outside the tolerance when asserted */
static void compare(const char *what, double model, double ref, double tol, bool assert_it) {
    if (ref < 0) return;
    const double r = ratio(model, ref);
    const bool ok = std::fabs(r - 1) <= tol;
    std::printf("  %s %.3f/%.3f (%.3f)%s", what, model, ref, r,
                ok ? "" : (assert_it ? " MISS" : " off"));
    if (assert_it && !ok) misses++;
}

static DramParams preset(const char *file, const char *map) {
    DramParams p = load_dram_preset_file(std::string(HQ_CONFIG_DIR "/dram/") + file);
    p.address_map_name = map;
    if (std::string(map) == "row_bank_column") p.address_map.clear();
    return p;
}

/* HQSim before the controller: in order, every request queued at once, no refresh, no
 * tRRD/tFAW/tWTR, one tCCD. */
static DramParams old_model(DramParams p) {
    p.scheduler = DramScheduler::FCFS;
    p.queue_depth = 1u << 24;
    p.frontend_ck = 0;
    p.tCCD_L = p.tCCD;
    p.tRRD = p.tRRD_L = p.tFAW = p.tWTR = p.tWTR_L = p.tRTW = p.tREFI = p.tRFC = 0;
    return p;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        std::printf("usage: test_dram_reference TRACE_DIR REFERENCE.csv\n");
        return 2;
    }
    const std::string dir = argv[1];
    const std::map<Key, Figures> ref = load_reference(argv[2]);
    const char *traces[] = {"a_seq_read",    "b_seq_write",         "c_row_stride", "d_random",
                            "e_two_streams", "e2_two_streams_offs", "f_mixed_70_30"};
    struct Preset {
        const char *name, *file;
    } presets[] = {{"ddr3", "ddr3-1600-mt41k256m16-x32.json"}, {"ddr4", "ddr4-2400-x8-64bit.json"}};
    double host_s = 0;
    uint64_t host_reqs = 0;
    for (const Preset &ps : presets) {
        const DramParams base = preset(ps.file, "row_bank_column");
        const double trfc_ns = base.tRFC * base.tck_s() * 1e9;
        for (const char *tr : traces) {
            const std::vector<DramTiming::Request> reqs =
                load_trace(dir + "/" + ps.name + "/" + tr + ".trc");
            if (reqs.empty()) continue;
            const std::string k = std::string(ps.name) + "/" + tr + "/";
            /* back to back: bandwidth; latency is mostly queueing in the controller */
            const Run s = run(base, reqs, false);
            const Figures &rs = ref.at(k + "dramsys_base/stream");
            std::printf("%s %-20s stream host %6.1f ms:", ps.name, tr, s.host_s * 1e3);
            compare("GB/s", s.f.bw_gbs, rs.bw_gbs, 0.05, true);
            compare("rd avg ns", s.f.rd_avg_ns, rs.rd_avg_ns, 0.05, true);
            compare("wr avg ns", s.f.wr_avg_ns, rs.wr_avg_ns, 0.05, true);
            std::printf("\n");
            /* one at a time: latency */
            const Run l = run(base, reqs, true);
            const Figures &rl = ref.at(k + "dramsys_base/serial");
            std::printf("%s %-20s serial host %6.1f ms:", ps.name, tr, l.host_s * 1e3);
            compare("GB/s", l.f.bw_gbs, rl.bw_gbs, 0.05, true);
            compare("rd avg ns", l.f.rd_avg_ns, rl.rd_avg_ns, 0.05, true);
            compare("wr avg ns", l.f.wr_avg_ns, rl.wr_avg_ns, 0.05, true);
            compare("rd max ns", l.f.rd_max_ns, rl.rd_max_ns, 0.10, true);
            compare("wr max ns", l.f.wr_max_ns, rl.wr_max_ns, 0.10, true);
            std::printf("\n");
            /* the worst case includes a refresh */
            CHECK(std::max(l.f.rd_max_ns, l.f.wr_max_ns) > trfc_ns);
            host_s += s.host_s + l.host_s;
            host_reqs += 2 * reqs.size();

            /* the old model is one configuration of the new one */
            const Run o = run(old_model(base), reqs, false);
            const Figures &ro = ref.at(k + "hqsim/stream");
            CHECK_NEAR(o.f.bw_gbs, ro.bw_gbs, 1e-3);
            const Run os = run(old_model(base), reqs, true);
            const Figures &ros = ref.at(k + "hqsim/serial");
            CHECK_NEAR(os.f.bw_gbs, ros.bw_gbs, 1e-3);
            if (ros.rd_avg_ns > 0) CHECK_NEAR(os.f.rd_avg_ns, ros.rd_avg_ns, 1e-3);

            /* DDR4, bank groups interleaved: beside DRAMSys's what-if run of that map */
            if (std::string(ps.name) == "ddr4") {
                const DramParams bgil = preset(ps.file, "bank_group_interleaved");
                const Run bs = run(bgil, reqs, false), bl = run(bgil, reqs, true);
                const Figures &rbs = ref.at(k + "dramsys_bgil/stream");
                const Figures &rbl = ref.at(k + "dramsys_bgil/serial");
                std::printf("ddr4 %-20s bgil  :", tr);
                compare("stream GB/s", bs.f.bw_gbs, rbs.bw_gbs, 0.05, true);
                compare("stream rd avg ns", bs.f.rd_avg_ns, rbs.rd_avg_ns, 0.05, true);
                compare("serial GB/s", bl.f.bw_gbs, rbl.bw_gbs, 0.05, true);
                compare("serial rd avg ns", bl.f.rd_avg_ns, rbl.rd_avg_ns, 0.05, true);
                std::printf("\n");
            }
        }
    }
    std::printf("host CPU time: %.1f ms for %llu requests = %.1f ms per million requests\n",
                host_s * 1e3, (unsigned long long)host_reqs,
                host_reqs ? host_s * 1e3 / (double(host_reqs) / 1e6) : 0.0);
    std::printf("%d figure(s) outside the tolerance (5 %%, worst case 10 %%)\n", misses);
    CHECK_EQ(misses, 0);
    return vp_report("test_dram_reference");
}
