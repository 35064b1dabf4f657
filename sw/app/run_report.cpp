/* The run report as JSON (`hqsim run --json`, `--stats FILE`) and as a per-layer CSV with
 * SCALE-Sim/Timeloop-like columns (`--csv FILE`). */
#include "accel_run.h"

#include "accel/accel_config.h"
#include "out_file.h"

#include <cstdio>

namespace hq::accel {

static nlohmann::json layer_json(const LayerReport &l) {
    const LayerStats &s = l.sum;
    return {
        {"name", l.name},
        {"invocations", l.invocations},
        {"rows", s.rows},
        {"cols", s.cols},
        {"vectors", s.vectors},
        {"macs", s.macs},
        {"cycles", s.cycles},
        {"compute_cycles", s.compute},
        {"stall_cycles",
         {{"dram", s.stall_dram}, {"decompressor", s.stall_decoder}, {"outlier", s.stall_outlier}}},
        {"output_cycles", s.output},
        {"control_cycles", s.control},
        {"utilization", {{"array", s.util_array}, {"high", s.util_hi}}},
        {"dram_bytes", s.dram_read + s.dram_written},
        {"dram_read", s.dram_read},
        {"dram_written", s.dram_written},
        {"weight_bytes", s.weight_bytes},
        {"sram_bytes", s.sram_bytes},
        {"decoder_symbols", s.decoder_symbols},
        {"energy_pj", s.energy_pj},
        {"energy_breakdown_pj",
         {{"mac", s.energy_mac_pj},
          {"sram", s.energy_sram_pj},
          {"dram", s.energy_dram_pj},
          {"decoder", s.energy_decoder_pj}}}};
}

nlohmann::json RunReport::to_json() const {
    /* accuracy and mismatches are over the completed images: with none they are null, so a
     * run that computed nothing never reads as "0 mismatches" */
    const nlohmann::json none = nullptr;
    nlohmann::json j = {{"arch", arch},
                        {"layout", layout},
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
                        {"exit_code", exit_code}};
    if (!error.empty()) j["error"] = error;
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
    std::fprintf(f, "layer,name,invocations,rows,cols,vectors,macs,cycles,compute_cycles,"
                    "stall_dram,stall_decompressor,stall_outlier,output_cycles,control_cycles,"
                    "util_array,util_high,dram_read_bytes,dram_write_bytes,weight_bytes,sram_bytes,"
                    "decoder_symbols,energy_pj,energy_mac_pj,energy_sram_pj,energy_dram_pj,"
                    "energy_decoder_pj\n");
    for (size_t i = 0; i < r.layers.size(); i++) {
        const LayerStats &s = r.layers[i].sum;
        std::fprintf(f,
                     "%zu,%s,%llu,%u,%u,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%.6f,%.6f,"
                     "%llu,%llu,%llu,%llu,%llu,%.3f,%.3f,%.3f,%.3f,%.3f\n",
                     i, r.layers[i].name.c_str(), (unsigned long long)r.layers[i].invocations,
                     s.rows, s.cols, (unsigned long long)s.vectors, (unsigned long long)s.macs,
                     (unsigned long long)s.cycles, (unsigned long long)s.compute,
                     (unsigned long long)s.stall_dram, (unsigned long long)s.stall_decoder,
                     (unsigned long long)s.stall_outlier, (unsigned long long)s.output,
                     (unsigned long long)s.control, s.util_array, s.util_hi,
                     (unsigned long long)s.dram_read, (unsigned long long)s.dram_written,
                     (unsigned long long)s.weight_bytes, (unsigned long long)s.sram_bytes,
                     (unsigned long long)s.decoder_symbols, s.energy_pj, s.energy_mac_pj,
                     s.energy_sram_pj, s.energy_dram_pj, s.energy_decoder_pj);
    }
    return hq_out_close(&out, err, sizeof err) ? err : "";
}

} // namespace hq::accel
