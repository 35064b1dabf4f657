/* The run report as JSON (`hqsim run --json`, `--stats FILE`) and as a per-layer CSV with
 * SCALE-Sim/Timeloop-like columns (`--csv FILE`). */
#include "accel_run.h"

#include "accel/accel_config.h"
#include "out_file.h"

#include <cstdio>

namespace hq::accel {

static nlohmann::json layer_json(const LayerReport &l) {
    nlohmann::json j = {{"name", l.name}, {"invocations", l.invocations}};
    layer_stats_to_json(l.sum, j); /* accel_stats.h: the fields' table */
    if (l.cpu) j["cpu_cycles"] = l.cpu_cycles;
    return j;
}

nlohmann::json RunReport::to_json() const {
    /* accuracy and mismatches are over the completed images: with none they are null, so a
     * run that computed nothing never reads as "0 mismatches" */
    const nlohmann::json none = nullptr;
    nlohmann::json j = {{"arch", arch},
                        {"layout", layout},
                        {"accel_impl", accel_impl},
                        {"accuracy", images_completed ? nlohmann::json(accuracy) : none},
                        {"correct", correct},
                        {"reference_accuracy", reference_accuracy},
                        {"images", images},
                        {"images_completed", images_completed},
                        {"images_failed", images_failed},
                        {"batch", batch},
                        {"mismatches", images_completed ? nlohmann::json(mismatches) : none},
                        {"cycles", cycles},
                        {"cycles_per_image", images ? (double)cycles / images : 0.0},
                        {"e2e_cycles", e2e_cycles},
                        {"clock_hz", clock_hz},
                        {"dram_bytes", dram_bytes},
                        {"weight_bytes", weight_bytes},
                        {"energy_pj", energy_pj},
                        {"energy_pj_per_image", images ? energy_pj / images : 0.0},
                        {"host_seconds", host_seconds},
                        {"sim_seconds", sim_seconds},
                        {"cpu_instructions", cpu_instructions},
                        {"commands", commands},
                        {"weight_cache_hits", weight_cache_hits},
                        {"weight_cache_misses", weight_cache_misses},
                        {"dram_image_bytes", dram_image_bytes},
                        {"accel_buffer_bytes", accel_buffer_bytes},
                        {"runtime_cpu_cycles", runtime_cpu_cycles},
                        {"cpu_fallback_cycles", cpu_fallback_cycles},
                        {"exit_code", exit_code}};
    if (!error.empty()) j["error"] = error;
    if (synthetic) /* synthetic inputs have no labels: no accuracy, only the comparison */
        j["accuracy"] = j["correct"] = j["reference_accuracy"] = none;
    j["synthetic_inputs"] = synthetic;
    j["layers"] = nlohmann::json::array();
    for (const LayerReport &l : layers)
        j["layers"].push_back(layer_json(l));
    return j;
}

std::string write_csv(const RunReport &r, const std::string &path) {
    char err[512];
    hq_out out;
    if (hq_out_open(&out, path.c_str(), HQ_OUT_ATOMIC, err, sizeof err)) return err;
    FILE *f = out.f;
    std::fputs("layer,name,invocations", f);
    layer_stats_csv_header(f); /* accel_stats.h: the fields' table */
    std::fputc('\n', f);
    for (size_t i = 0; i < r.layers.size(); i++) {
        std::fprintf(f, "%zu,%s,%llu", i, r.layers[i].name.c_str(),
                     (unsigned long long)r.layers[i].invocations);
        layer_stats_csv_row(f, r.layers[i].sum);
        std::fputc('\n', f);
    }
    return hq_out_close(&out, err, sizeof err) ? err : "";
}

} // namespace hq::accel
