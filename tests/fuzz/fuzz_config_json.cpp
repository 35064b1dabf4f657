// Fuzz target `config_json`: every JSON config reader (model/platform/config_reader.cpp,
// platform_config.cpp, model/accel/accel_config.cpp) on the same file: the platform
// description, the timing config and the energy table. Each either accepts it or throws
// hq::ConfigError; any other exception escapes and fails the run.
#include "accel/accel_config.h"
#include "platform/platform_config.h"

extern "C" {
#include "fuzz_file.h"
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = hq_fuzz_write_file(0, data, size, ".json");
    try {
        hq::load_platform_config(path);
    } catch (const hq::ConfigError &) {
    }
    try {
        hq::accel::AccelConfig cfg;
        hq::accel::load_timing_config(path, &cfg);
    } catch (const hq::ConfigError &) {
    }
    try {
        hq::accel::EnergyTable e;
        hq::accel::load_energy_table(path, &e);
    } catch (const hq::ConfigError &) {
    }
    return 0;
}
