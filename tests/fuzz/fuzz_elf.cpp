// Fuzz target `elf`: the RV32 ELF loader (model/platform/elf_loader.cpp, libelf). An accepted
// image has segments whose file bytes fit in their memory size.
#include "fuzz_outcome.h"
#include "platform/elf_loader.h"

extern "C" {
#include "fuzz_file.h"
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = hq_fuzz_write_file(0, data, size, ".elf");
    try {
        hq::ElfImage img = hq::read_elf(path);
        for (const hq::ElfSegment &s : img.segments)
            if (s.data.size() > s.mem_size) abort();
        hq_fuzz_accepted = 1;
    } catch (const hq::ElfError &) {
        hq_fuzz_accepted = 0;
    }
    return 0;
}
