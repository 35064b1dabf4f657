// Fuzz target `config_energy`: the accelerator energy table reader (load_energy_table in
// model/accel/accel_config.cpp). It either accepts the file or throws hq::ConfigError.
#include "accel/accel_config.h"
#include "fuzz_outcome.h"
#include "platform/config_reader.h"

extern "C" {
#include "fuzz_file.h"
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = hq_fuzz_write_file(0, data, size, ".json");
    try {
        hq::accel::EnergyTable e;
        hq::accel::load_energy_table(path, &e);
        hq_fuzz_accepted = 1;
    } catch (const hq::ConfigError &) {
        hq_fuzz_accepted = 0;
    }
    return 0;
}
