/* The entry of an accelerator device in the platform statistics (`hqsim run --fw ... --json`,
 * "devices"): the keys that the SystemC model ("hq_accel", accel_device.cpp) and the Verilated
 * RTL ("hq_accel_rtl", model/rtl_bridge/rtl_accel_device.cpp, which adds its rtl_* keys) both
 * write, in one place so the two entries keep the same keys (docs/rtl-accel.md, "In the virtual
 * platform"). */
#ifndef HQ_ACCEL_REPORT_H
#define HQ_ACCEL_REPORT_H

#include "accel/accel_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace hq::accel {

/* The weight cache's hits and misses (the RTL has no weight cache: 0 and 0). */
struct WeightCacheCounts {
    uint64_t hits = 0, misses = 0;
};

/* Writes the shared keys of device `type` into j: `accel` is HqAccel or RtlAccel (config(),
 * commands(), layers_run(), errors()), `perf` its CYCLES ... MACS counters under the register names
 * (the model's PerfCounters, the RTL's RtlAccel::Counters). */
template <class Accel, class Perf>
void write_accel_report(const char *type, const Accel &accel, const Perf &perf,
                        const WeightCacheCounts &cache, nlohmann::json &j) {
    j["type"] = type;
    j["arch"] = arch_name(accel.config().arch);
    j["commands"] = accel.commands();
    j["layers"] = accel.layers_run();
    j["errors"] = accel.errors();
    j["cycles"] = perf.cycles;
    j["dram_bytes_read"] = perf.dram_rd;
    j["dram_bytes_written"] = perf.dram_wr;
    j["weight_bytes"] = perf.weight_rd;
    j["macs"] = perf.macs;
    j["weight_cache_hits"] = cache.hits;
    j["weight_cache_misses"] = cache.misses;
}

} // namespace hq::accel

#endif
