/* `hqsim run Q.hqm`: a quantized model end to end on the virtual platform. Builds the DRAM
 * image, assembles the platform with the accelerator, boots the accelerator firmware
 * (sw/fw/accel), runs, compares every image's logits with the C reference, and reports
 * accuracy, cycles, DRAM traffic and energy per layer. */
#ifndef HQ_ACCEL_RUN_H
#define HQ_ACCEL_RUN_H

#include "accel/accel_stats.h"
#include "measure.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace hq::accel {

struct RunOptions {
    std::string model_path;
    std::string arch;          /* "" = the timing config's */
    std::string pe_impl;       /* "" = the platform config's (model), "model" or "rtl": the
                                  accelerator device's "pe_impl" param */
    std::string accel_impl;    /* "" = the platform config's accelerator (hq_accel: the model),
                                  "model" or "rtl" (the Verilated rtl/accel/hq_accel.v, device
                                  type hq_accel_rtl) */
    std::string platform_path; /* "" = default search */
    std::string timing_path, energy_path, fw_path, dataset_dir;
    int images = 0;           /* 0 = the whole test set */
    int synthetic_inputs = 0; /* > 0: synthetic images (synthetic.h), no accuracy */
    int batch = 1;
    bool poll = false, chain = false;
    bool depthwise_cpu = false; /* --depthwise cpu (docs/accel.md, Depthwise convs) */
    std::string stats_path, csv_path, trace_path, vcd_path, png_dir;
    bool json = false, quiet = false;
    std::string measure_path; /* --measure: rows from the firmware's UART lines */
    std::string command_line;
};

/* Per network layer, summed over all its invocations (batches). */
struct LayerReport {
    std::string name;
    LayerStats sum; /* counters summed; util_* busy-weighted averages */
    uint64_t invocations = 0;
    bool cpu = false;        /* a CPU fallback op (docs/accel.md): sum is empty */
    uint64_t cpu_cycles = 0; /* its mcycle on the RV32, all images */
};

struct RunReport {
    std::string arch, layout;
    std::string accel_impl = "model"; /* "model", or "rtl <configuration>" */
    int images = 0, batch = 1, correct = 0, mismatches = 0;
    /* Images whose logits the accelerator computed, and the rest (a run that stopped with an
     * error computes only the batches before the failing one). correct, accuracy and
     * mismatches are over the completed images only; an uncomputed image never counts. */
    int images_completed = 0, images_failed = 0;
    double accuracy = 0, reference_accuracy = 0;
    bool synthetic = false;  /* synthetic inputs: accuracy not defined (null in the JSON) */
    uint64_t cycles = 0;     /* accelerator busy cycles, all layers */
    uint64_t e2e_cycles = 0; /* simulated time of the whole run, in accelerator cycles */
    uint64_t dram_bytes = 0, weight_bytes = 0;
    double energy_pj = 0;
    double host_seconds = 0, sim_seconds = 0, clock_hz = 0;
    uint64_t cpu_instructions = 0, commands = 0;
    /* the model's decoded-weight cache (host speed only; the RTL has none: 0 and 0) */
    uint64_t weight_cache_hits = 0, weight_cache_misses = 0;
    /* the platform's memory image (weights in their layout, descriptors, activations, test
     * images) and the accelerator's on-chip buffers: the "buffers" of issue 16's memory
     * target (benches/scaling) */
    uint64_t dram_image_bytes = 0, accel_buffer_bytes = 0;
    /* mcycle of the firmware runtime, and of its CPU fallback ops (docs/accel.md) */
    uint64_t runtime_cpu_cycles = 0, cpu_fallback_cycles = 0;
    int exit_code = 0;
    std::string error; /* firmware/accelerator error message */
    std::vector<LayerReport> layers;
    std::vector<TraceEvent> trace;
    /* --measure: the firmware's rows, what the header names (measure_run.h) */
    std::vector<hq_measure_row> measure_rows;
    std::string measure_source = "model", platform_used, timing_used, command_line;
    nlohmann::json to_json() const;
};

/* Runs; returns the process exit status (0 = ran with 0 mismatches and the firmware exited
 * 0). Messages go to stderr; nothing is thrown. */
int run_model(const RunOptions &o, RunReport *rep);

/* Writers (run_report.cpp, trace_writer.cpp, timeline_png.cpp). Return "" or an error. */
std::string write_csv(const RunReport &r, const std::string &path);
/* At most the first max_images images (rounded up to whole batches; 0 = all); *traced gets
 * how many images the file holds. */
std::string write_chrome_trace(const RunReport &r, const std::string &path, int max_images = 0,
                               int *traced = nullptr);
std::string write_png_timelines(const RunReport &r, const std::string &dir);

} // namespace hq::accel

#endif
