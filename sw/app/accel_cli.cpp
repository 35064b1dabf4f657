/* `hqsim run Q.hqm [options]`: argument parsing, the summary on stderr and the output files.
 * sw/cli/cmd_run.c hands the model form of `run` to hq_accel_cmd_run. */
#include "accel_run.h"
#include "hq_accel_cli.h"
#include "out_file.h"

#include <getopt.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

void usage(FILE *f) {
    std::fprintf(
        f, "usage: hqsim run Q.hqm [options]\n"
           "\n"
           "Runs a quantized model on the virtual platform: builds the DRAM image (weights in the\n"
           "model's layout, test images, layer descriptors), boots the accelerator firmware on\n"
           "the RV32 CPU, runs every image and compares its logits with the C reference.\n"
           "\n"
           "exit status: 0 all images match the reference; 1 mismatches; 2 usage error or a\n"
           "bad input file (model, configs, firmware, dataset): nothing ran; 3 the accelerator\n"
           "or firmware reported an error.\n"
           "\n"
           "options:\n"
           "  --arch A          PE array: uniform8, split or lanegroup (default: timing config)\n"
           "  --pe-impl I       lanegroup compute: model (default) or rtl (a Verilated\n"
           "                    rtl/pe_tile.v tile for the block layers, lo 2, hi 8; uniform\n"
           "                    layers such as last=uniform8 run on the model's uniform\n"
           "                    path). rtl picks the\n"
           "                    configuration with the timing config's lanes and lane_group,\n"
           "                    the model's block M and N <= the tile's N:\n"
           "                      default    64 lanes, groups of 32, N:M <= 1:32\n"
           "                                 (configs/timing/default.json)\n"
           "                      up5k       16 lanes, groups of 16, N:M <= 1:16\n"
           "                                 (configs/timing/rtl-measured.json)\n"
           "                      g16_2of32  64 lanes, groups of 16, N:M <= 2:32\n"
           "                                 (configs/timing/lanegroup16.json)\n"
           "  --platform FILE   platform config (default configs/platform/default.json; the\n"
           "                    accelerator is added unless the config has an hq_accel device)\n"
           "  --timing FILE     accelerator timing config (default configs/timing/default.json)\n"
           "  --energy FILE     energy table (default configs/energy/default.json)\n"
           "  --fw FILE         accelerator firmware (default: $HQSIM_ACCEL_FW, else\n"
           "                    share/hqsim/fw/accel/accel_runtime.elf near the executable)\n"
           "  --dataset DIR     Fashion-MNIST directory (default: the Debian package's)\n"
           "  --images N        first N test images (default: all 10000)\n"
           "  --batch B         images sharing one pass over the weights (default 1)\n"
           "  --poll            firmware polls STATUS instead of sleeping in wfi\n"
           "  --chain           one accelerator command per batch instead of one per layer\n"
           "  --stats FILE      write the JSON report to FILE\n"
           "  --csv FILE        per-layer table (cycles, stalls, utilization, bytes, energy)\n"
           "  --trace FILE      Chrome/Perfetto trace JSON of unit activity, for the first\n"
           "                    --trace-images images\n"
           "  --trace-images N  images in the --trace file (default 10, whole batches;\n"
           "                    0 = all: the whole test set writes over 100 MB)\n"
           "  --vcd FILE        VCD of the accelerator's busy/irq/layer signals\n"
           "  --png DIR         PNG timelines of unit activity (timeline.png, layer<i>.png)\n"
           "  --json            print the JSON report on stdout (firmware output to stderr)\n"
           "  --quiet           no firmware output, no progress\n"
           "  -h, --help        this help\n");
}

int parse_int(const char *opt, const char *s, long lo, long hi, int *out) {
    char *end = nullptr;
    errno = 0;
    long v = std::strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        std::fprintf(stderr, "hqsim run: %s expects an integer in [%ld, %ld], got '%s'\n", opt, lo,
                     hi, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int g_trace_images = 10; /* --trace-images */

int parse(int argc, char **argv, hq::accel::RunOptions *o) {
    enum {
        ARCH = 256,
        PE_IMPL,
        PLATFORM,
        TIMING,
        ENERGY,
        FW,
        DATASET,
        IMAGES,
        BATCH,
        POLL,
        CHAIN,
        STATS,
        CSV,
        TRACE,
        VCD,
        PNG,
        JSON,
        QUIET,
        TRACE_IMAGES
    };
    static const option opts[] = {{"arch", required_argument, nullptr, ARCH},
                                  {"pe-impl", required_argument, nullptr, PE_IMPL},
                                  {"platform", required_argument, nullptr, PLATFORM},
                                  {"timing", required_argument, nullptr, TIMING},
                                  {"energy", required_argument, nullptr, ENERGY},
                                  {"fw", required_argument, nullptr, FW},
                                  {"dataset", required_argument, nullptr, DATASET},
                                  {"images", required_argument, nullptr, IMAGES},
                                  {"batch", required_argument, nullptr, BATCH},
                                  {"poll", no_argument, nullptr, POLL},
                                  {"chain", no_argument, nullptr, CHAIN},
                                  {"stats", required_argument, nullptr, STATS},
                                  {"csv", required_argument, nullptr, CSV},
                                  {"trace", required_argument, nullptr, TRACE},
                                  {"vcd", required_argument, nullptr, VCD},
                                  {"png", required_argument, nullptr, PNG},
                                  {"json", no_argument, nullptr, JSON},
                                  {"quiet", no_argument, nullptr, QUIET},
                                  {"help", no_argument, nullptr, 'h'},
                                  {"trace-images", required_argument, nullptr, TRACE_IMAGES},
                                  {nullptr, 0, nullptr, 0}};
    optind = 1;
    opterr = 0;
    std::vector<std::string> positional;
    for (;;) {
        const int prev = optind;
        const int c = getopt_long(argc, argv, "-h", opts, nullptr);
        if (c == -1) break;
        switch (c) {
        case 1: positional.push_back(optarg); break;
        case ARCH:
            if (strcmp(optarg, "uniform8") && strcmp(optarg, "split") &&
                strcmp(optarg, "lanegroup")) {
                std::fprintf(stderr,
                             "hqsim run: --arch: '%s' is not uniform8, split or lanegroup\n",
                             optarg);
                return -1;
            }
            o->arch = optarg;
            break;
        case PE_IMPL:
            if (strcmp(optarg, "model") && strcmp(optarg, "rtl")) {
                std::fprintf(stderr, "hqsim run: --pe-impl: '%s' is not model or rtl\n", optarg);
                return -1;
            }
            o->pe_rtl = !strcmp(optarg, "rtl");
            break;
        case PLATFORM: o->platform_path = optarg; break;
        case TIMING: o->timing_path = optarg; break;
        case ENERGY: o->energy_path = optarg; break;
        case FW: o->fw_path = optarg; break;
        case DATASET: o->dataset_dir = optarg; break;
        case IMAGES:
            if (parse_int("--images", optarg, 1, 1000000, &o->images)) return -1;
            break;
        case BATCH:
            if (parse_int("--batch", optarg, 1, 65536, &o->batch)) return -1;
            break;
        case POLL: o->poll = true; break;
        case CHAIN: o->chain = true; break;
        case STATS: o->stats_path = optarg; break;
        case CSV: o->csv_path = optarg; break;
        case TRACE: o->trace_path = optarg; break;
        case VCD: o->vcd_path = optarg; break;
        case PNG: o->png_dir = optarg; break;
        case JSON: o->json = true; break;
        case QUIET: o->quiet = true; break;
        case TRACE_IMAGES:
            if (parse_int("--trace-images", optarg, 0, 1000000, &g_trace_images)) return -1;
            break;
        case 'h': usage(stdout); return 1;
        case ':': std::fprintf(stderr, "hqsim run: %s needs a value\n", argv[prev]); return -1;
        default:
            std::fprintf(stderr, "hqsim run: unknown option '%s' (see hqsim run Q.hqm --help)\n",
                         argv[prev]);
            return -1;
        }
    }
    if (positional.size() != 1) {
        std::fprintf(stderr, positional.empty() ? "hqsim run: a model file Q.hqm is required\n"
                                                : "hqsim run: more than one model file given\n");
        return -1;
    }
    o->model_path = positional[0];
    return 0;
}

void summary(const hq::accel::RunReport &r) {
    std::fprintf(stderr, "hqsim run: %s array, %s layout, %d images, batch %d\n", r.arch.c_str(),
                 r.layout.c_str(), r.images, r.batch);
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
    for (const auto &l : r.layers) {
        const auto &s = l.sum;
        std::fprintf(
            stderr,
            "  %-22s %10llu cyc: compute %llu, stall dram %llu / decomp %llu / outlier %llu; "
            "util %.2f\n",
            l.name.c_str(), (unsigned long long)s.cycles, (unsigned long long)s.compute,
            (unsigned long long)s.stall_dram, (unsigned long long)s.stall_decoder,
            (unsigned long long)s.stall_outlier, s.util_array);
    }
}

} // namespace

/* The model form is a positional Q.hqm: a first argument that is not an option, or any
 * argument ending in .hqm other than the value of --fw. --fw alone (no model) is firmware
 * mode; with a model, --fw is the accelerator firmware. */
extern "C" int hq_accel_run_requested(int argc, char **argv) {
    bool fw = false, model = false;
    for (int i = 1; i < argc; i++) {
        const size_t n = std::strlen(argv[i]);
        if (!std::strcmp(argv[i], "--fw")) {
            fw = true;
            i++; /* its value is the ELF, never the model */
        } else if (!std::strncmp(argv[i], "--fw=", 5)) {
            fw = true;
        } else if (n > 4 && !std::strcmp(argv[i] + n - 4, ".hqm")) {
            model = true;
        }
    }
    return model || (!fw && argc > 1 && argv[1][0] != '-');
}

extern "C" int hq_accel_cmd_run(int argc, char **argv) {
    hq::accel::RunOptions o;
    const int pr = parse(argc, argv, &o);
    if (pr > 0) return 0;
    if (pr < 0) return 2;
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
    if (werr.empty() && !o.trace_path.empty()) {
        int traced = 0;
        werr = hq::accel::write_chrome_trace(r, o.trace_path, g_trace_images, &traced);
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
