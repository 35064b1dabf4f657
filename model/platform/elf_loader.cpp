#include "platform/elf_loader.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

namespace hq {

namespace {

/* Closes the descriptor and the libelf handle on every path out. */
struct ElfFile {
    int fd = -1;
    Elf *elf = nullptr;
    ~ElfFile() {
        if (elf) elf_end(elf);
        if (fd >= 0) close(fd);
    }
};

[[noreturn]] void fail(const std::string &path, const std::string &msg) {
    throw ElfError(path + ": " + msg);
}

void read_symbols(const std::string &path, Elf *elf, ElfImage &img) {
    Elf_Scn *scn = nullptr;
    while ((scn = elf_nextscn(elf, scn)) != nullptr) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0) continue;
        Elf_Data *data = elf_getdata(scn, nullptr);
        if (!data) fail(path, std::string("unreadable symbol table: ") + elf_errmsg(-1));
        const size_t n = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, int(i), &sym)) continue;
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name) continue;
            if (!std::strcmp(name, "tohost"))
                img.tohost = uint32_t(sym.st_value);
            else if (!std::strcmp(name, "fromhost"))
                img.fromhost = uint32_t(sym.st_value);
        }
    }
}

} // namespace

ElfImage read_elf(const std::string &path) {
    if (elf_version(EV_CURRENT) == EV_NONE) fail(path, "libelf is out of date");
    ElfFile f;
    f.fd = open(path.c_str(), O_RDONLY);
    if (f.fd < 0) fail(path, std::strerror(errno));
    struct stat st;
    if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) fail(path, "not a regular file");
    f.elf = elf_begin(f.fd, ELF_C_READ, nullptr);
    if (!f.elf) fail(path, std::string("cannot read: ") + elf_errmsg(-1));
    if (elf_kind(f.elf) != ELF_K_ELF) {
        /* libelf does not recognise an ELF cut inside its header: say so, not "not ELF" */
        unsigned char id[SELFMAG];
        if (st.st_size >= SELFMAG && pread(f.fd, id, SELFMAG, 0) == SELFMAG &&
            !std::memcmp(id, ELFMAG, SELFMAG))
            fail(path, "truncated ELF file (" + std::to_string(st.st_size) +
                           " bytes, shorter than its ELF header)");
        fail(path, "not an ELF file");
    }
    size_t file_size = 0;
    const char *raw = elf_rawfile(f.elf, &file_size);
    if (!raw || file_size < EI_NIDENT) fail(path, "truncated ELF file (no identification header)");
    if (raw[EI_CLASS] == ELFCLASS64)
        fail(path, "64-bit ELF (ELFCLASS64); the simulated CPU is RV32: build with "
                   "-march=rv32im -mabi=ilp32");
    if (raw[EI_CLASS] != ELFCLASS32) fail(path, "unknown ELF class");
    if (raw[EI_DATA] != ELFDATA2LSB) fail(path, "big-endian ELF; RISC-V is little-endian");
    GElf_Ehdr eh;
    if (!gelf_getehdr(f.elf, &eh))
        fail(path, std::string("truncated or corrupt ELF header: ") + elf_errmsg(-1));
    if (eh.e_machine != EM_RISCV)
        fail(path, "machine " + std::to_string(eh.e_machine) + " is not RISC-V (" +
                       std::to_string(EM_RISCV) + ")");
    if (eh.e_type != ET_EXEC)
        fail(path, "not an executable (e_type " + std::to_string(eh.e_type) +
                       "); link it with a linker script");
    if (eh.e_phoff + uint64_t(eh.e_phnum) * eh.e_phentsize > file_size)
        fail(path, "truncated: program headers extend past the end of the file");
    size_t nph = 0;
    if (elf_getphdrnum(f.elf, &nph) != 0)
        fail(path, std::string("corrupt program headers: ") + elf_errmsg(-1));

    ElfImage img;
    img.entry = uint32_t(eh.e_entry);
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(f.elf, int(i), &ph))
            fail(path, std::string("corrupt program header: ") + elf_errmsg(-1));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz)
            fail(path, "segment " + std::to_string(i) + " has more file bytes than memory bytes");
        if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
            fail(path, "truncated: segment " + std::to_string(i) + " (" +
                           std::to_string(ph.p_filesz) + " bytes at offset " +
                           std::to_string(ph.p_offset) + ") extends past the end of the " +
                           std::to_string(file_size) + "-byte file");
        if (ph.p_paddr + ph.p_memsz > UINT64_C(0x100000000))
            fail(path, "segment " + std::to_string(i) + " runs past the 32-bit address space");
        ElfSegment s;
        s.addr = uint32_t(ph.p_paddr);
        s.mem_size = uint32_t(ph.p_memsz);
        s.data.assign(raw + ph.p_offset, raw + ph.p_offset + ph.p_filesz);
        img.segments.push_back(std::move(s));
    }
    if (img.segments.empty()) fail(path, "no loadable (PT_LOAD) segment");
    read_symbols(path, f.elf, img);
    return img;
}

} // namespace hq
