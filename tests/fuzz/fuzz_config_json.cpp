// Fuzz target `config_json`: the platform description reader (model/platform/config_reader.cpp,
// platform_config.cpp). It either accepts the file or throws hq::ConfigError; any other
// exception escapes and fails the run.
#include "fuzz_outcome.h"
#include "platform/platform_config.h"

extern "C" {
#include "fuzz_file.h"
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = hq_fuzz_write_file(0, data, size, ".json");
    try {
        hq::load_platform_config(path);
        hq_fuzz_accepted = 1;
    } catch (const hq::ConfigError &) {
        hq_fuzz_accepted = 0;
    }
    return 0;
}
