/* Loading an RV32 executable with libelf. Rejects, with a message naming the file, anything
 * that is not a little-endian 32-bit RISC-V ET_EXEC ELF with loadable segments inside the
 * file (non-ELF, 64-bit, wrong machine, truncated). */
#ifndef HQ_ELF_LOADER_H
#define HQ_ELF_LOADER_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hq {

struct ElfError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ElfSegment {
    uint32_t addr = 0;         /* physical load address (p_paddr) */
    uint32_t mem_size = 0;     /* bytes in memory; the tail beyond data is zero (.bss) */
    std::vector<uint8_t> data; /* file bytes */
};

struct ElfImage {
    uint32_t entry = 0;
    uint32_t tohost = 0; /* address of the HTIF "tohost" symbol, 0 = none */
    uint32_t fromhost = 0;
    std::vector<ElfSegment> segments;
};

ElfImage read_elf(const std::string &path); /* throws ElfError */

} // namespace hq

#endif
