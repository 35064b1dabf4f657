/* `hqsim run Q.hqm [options]` after its options are parsed (sw/cli/cmd_run.c): the run, the
 * summary on stderr and the output files. */
#include "accel/array_registry.h"
#include "accel_run.h"
#include "measure_run.h"
#include "hq_accel_cli.h"
#include "out_file.h"

#include <cstdio>
#include <string>

namespace {

void summary(const hq::accel::RunReport &r) {
    std::fprintf(stderr, "hqsim run: %s array, %s layout, %d images, batch %d%s%s\n",
                 r.arch.c_str(), r.layout.c_str(), r.images, r.batch,
                 r.accel_impl == "model" ? "" : ", accelerator ",
                 r.accel_impl == "model" ? "" : r.accel_impl.c_str());
    if (r.synthetic)
        std::fprintf(stderr, "  accuracy        not reported (synthetic inputs), %d mismatches\n",
                     r.mismatches);
    else
        std::fprintf(stderr, "  accuracy        %.2f %% (reference %.2f %%), %d mismatches\n",
                     100 * r.accuracy, 100 * r.reference_accuracy, r.mismatches);
    std::fprintf(stderr,
                 "  cycles/image    %.0f accelerator cycles (%.0f end to end at %.0f MHz)\n",
                 r.images ? (double)r.cycles / r.images : 0.0,
                 r.images ? (double)r.e2e_cycles / r.images : 0.0, r.clock_hz / 1e6);
    std::fprintf(stderr, "  DRAM/image      %.0f bytes (weights %.0f)\n",
                 r.images ? (double)r.dram_bytes / r.images : 0.0,
                 r.images ? (double)r.weight_bytes / r.images : 0.0);
    std::fprintf(stderr, "  energy/image    %.1f nJ\n",
                 r.images ? r.energy_pj / r.images / 1e3 : 0.0);
    std::fprintf(stderr, "  host            %.2f s\n", r.host_seconds);
    if (r.cpu_fallback_cycles)
        std::fprintf(stderr, "  CPU fallback    %llu CPU cycles, %.1f %% of the runtime's %llu\n",
                     (unsigned long long)r.cpu_fallback_cycles,
                     r.runtime_cpu_cycles ? 100.0 * r.cpu_fallback_cycles / r.runtime_cpu_cycles
                                          : 0.0,
                     (unsigned long long)r.runtime_cpu_cycles);
    for (const auto &l : r.layers) {
        const auto &s = l.sum;
        if (l.cpu) {
            std::fprintf(stderr, "  %-22s %10llu CPU cycles (RV32)\n", l.name.c_str(),
                         (unsigned long long)l.cpu_cycles);
            continue;
        }
        /* the high units' utilization too where they did work: a layer of 8-bit weights on
         * the lane-group array leaves the low array idle (util 0.00) */
        std::fprintf(
            stderr,
            "  %-22s %10llu cyc: compute %llu, stall dram %llu / decomp %llu / outlier %llu; "
            "util %.2f",
            l.name.c_str(), (unsigned long long)s.cycles, (unsigned long long)s.compute,
            (unsigned long long)s.stall_dram, (unsigned long long)s.stall_decoder,
            (unsigned long long)s.stall_outlier, s.util_array);
        if (s.util_hi > 0) std::fprintf(stderr, ", high %.2f", s.util_hi);
        std::fputc('\n', stderr);
    }
}

/* RunOptions from the parsed command line. */
hq::accel::RunOptions options(const hq_model_run_args &a) {
    auto str = [](const char *s) { return std::string(s ? s : ""); };
    hq::accel::RunOptions o;
    o.model_path = str(a.model_path);
    o.arch = str(a.arch);
    o.pe_impl = str(a.pe_impl);
    o.accel_impl = str(a.accel_impl);
    o.platform_path = str(a.platform_path);
    o.timing_path = str(a.timing_path);
    o.energy_path = str(a.energy_path);
    o.fw_path = str(a.fw_path);
    o.dataset_dir = str(a.dataset_dir);
    o.images = a.images;
    o.synthetic_inputs = a.synthetic_inputs;
    o.batch = a.batch > 0 ? a.batch : 1;
    o.poll = a.poll;
    o.chain = a.chain;
    o.depthwise_cpu = a.depthwise_cpu;
    o.stats_path = str(a.stats_path);
    o.csv_path = str(a.csv_path);
    o.trace_path = str(a.trace_path);
    o.vcd_path = str(a.vcd_path);
    o.png_dir = str(a.png_dir);
    o.json = a.json;
    o.quiet = a.quiet;
    o.measure_path = str(a.measure_path);
    for (int i = 0; i < a.argc && a.argv; i++)
        o.command_line += (i ? " " : "hqsim ") + std::string(a.argv[i]);
    return o;
}

} // namespace

extern "C" int hq_accel_run_model(const hq_model_run_args *a) {
    const hq::accel::RunOptions o = options(*a);
    hq::accel::RunReport r;
    const int rc = hq::accel::run_model(o, &r);
    if (rc == 2) {
        std::fprintf(stderr, "hqsim run: %s\n", r.error.c_str());
        return rc;
    }
    std::string werr;
    if (!o.stats_path.empty()) {
        const std::string js = r.to_json().dump(2) + "\n";
        char err[512];
        if (hq_out_write_file(o.stats_path.c_str(), js.data(), js.size(), err, sizeof err))
            werr = err;
    }
    if (werr.empty() && !o.csv_path.empty()) werr = hq::accel::write_csv(r, o.csv_path);
    if (werr.empty() && !o.measure_path.empty() && rc != 3)
        werr = hq::accel::write_measure_file(o, r, o.measure_path);
    if (werr.empty() && !o.trace_path.empty()) {
        int traced = 0;
        werr = hq::accel::write_chrome_trace(r, o.trace_path, a->trace_images, &traced);
        if (werr.empty() && !o.quiet)
            std::fprintf(stderr, "hqsim run: %s: trace of %d of %d images%s\n",
                         o.trace_path.c_str(), traced, r.images,
                         traced < r.images ? " (--trace-images N to change, 0 = all)" : "");
    }
    if (werr.empty() && !o.png_dir.empty()) werr = hq::accel::write_png_timelines(r, o.png_dir);
    if (!o.quiet && rc != 3) summary(r);
    if (o.json) std::printf("%s\n", r.to_json().dump(2).c_str());
    if (rc == 3) std::fprintf(stderr, "hqsim run: %s\n", r.error.c_str());
    if (rc == 1)
        std::fprintf(stderr, "hqsim run: %d images differ from the C reference\n", r.mismatches);
    if (!werr.empty()) {
        std::fprintf(stderr, "hqsim run: %s\n", werr.c_str());
        return rc ? rc : 2;
    }
    return rc;
}

extern "C" const char *hq_accel_arch_names(void) {
    static const std::string names = hq::accel::array_kind_names(", ", " or ");
    return names.c_str();
}

extern "C" int hq_accel_arch_known(const char *name) {
    hq::accel::Arch a;
    return name && hq::accel::parse_arch(name, &a);
}
