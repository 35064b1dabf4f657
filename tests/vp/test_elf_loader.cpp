/* ELF loader: a hand-built RV32 executable loads (entry, segments, bss, tohost); non-ELF,
 * empty, 64-bit, wrong-machine, big-endian, non-executable, truncated files fail with a
 * message naming the file and the problem. */
#include "platform/elf_loader.h"
#include "vp_check.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <vector>

using namespace hq;

static const uint32_t kEntry = 0x80000000, kTohost = 0x80001000;

/* ehdr | phdr | 16 code bytes | strtab | symtab | 3 section headers */
static std::vector<uint8_t> make_elf() {
    const uint8_t code[16] = {0x13, 0, 0, 0, 0x13, 0, 0, 0, 0x6f, 0, 0, 0, 1, 2, 3, 4};
    const char strtab[] = "\0tohost\0"; /* 9 bytes with the final NUL */
    const size_t off_code = sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr);
    const size_t off_str = off_code + sizeof code;
    const size_t off_sym = (off_str + sizeof strtab + 3) & ~size_t(3);
    const size_t off_sh = off_sym + 2 * sizeof(Elf32_Sym);
    std::vector<uint8_t> f(off_sh + 3 * sizeof(Elf32_Shdr), 0);

    Elf32_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = 243; /* EM_RISCV */
    eh.e_version = EV_CURRENT;
    eh.e_entry = kEntry;
    eh.e_phoff = sizeof(Elf32_Ehdr);
    eh.e_shoff = Elf32_Off(off_sh);
    eh.e_ehsize = sizeof(Elf32_Ehdr);
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = 1;
    eh.e_shentsize = sizeof(Elf32_Shdr);
    eh.e_shnum = 3;
    std::memcpy(&f[0], &eh, sizeof eh);

    Elf32_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_offset = Elf32_Off(off_code);
    ph.p_vaddr = ph.p_paddr = kEntry;
    ph.p_filesz = sizeof code;
    ph.p_memsz = 64; /* 48 bytes of .bss */
    ph.p_flags = PF_R | PF_W | PF_X;
    std::memcpy(&f[sizeof eh], &ph, sizeof ph);
    std::memcpy(&f[off_code], code, sizeof code);
    std::memcpy(&f[off_str], strtab, sizeof strtab);

    Elf32_Sym sym{};
    sym.st_name = 1;
    sym.st_value = kTohost;
    sym.st_size = 8;
    sym.st_info = ELF32_ST_INFO(STB_GLOBAL, STT_OBJECT);
    sym.st_shndx = SHN_ABS;
    std::memcpy(&f[off_sym + sizeof(Elf32_Sym)], &sym, sizeof sym);

    Elf32_Shdr sh[3]{};
    sh[1].sh_type = SHT_SYMTAB;
    sh[1].sh_offset = Elf32_Off(off_sym);
    sh[1].sh_size = 2 * sizeof(Elf32_Sym);
    sh[1].sh_link = 2;
    sh[1].sh_info = 1;
    sh[1].sh_entsize = sizeof(Elf32_Sym);
    sh[1].sh_addralign = 4;
    sh[2].sh_type = SHT_STRTAB;
    sh[2].sh_offset = Elf32_Off(off_str);
    sh[2].sh_size = sizeof strtab;
    sh[2].sh_addralign = 1;
    std::memcpy(&f[off_sh], sh, sizeof sh);
    return f;
}

static std::string write_file(const char *name, const std::vector<uint8_t> &bytes) {
    std::ofstream out(name, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
    return name;
}

static bool rejects(const std::string &path, std::initializer_list<const char *> parts) {
    std::printf("reject %s\n", path.c_str());
    return throws_with<ElfError>([&] { read_elf(path); }, parts);
}

int main() {
    const std::vector<uint8_t> good = make_elf();
    const std::string gp = write_file("elf_good.elf", good);
    const ElfImage img = read_elf(gp);
    CHECK_EQ(img.entry, kEntry);
    CHECK_EQ(img.tohost, kTohost);
    CHECK_EQ(img.segments.size(), size_t(1));
    if (!img.segments.empty()) {
        CHECK_EQ(img.segments[0].addr, kEntry);
        CHECK_EQ(img.segments[0].mem_size, 64u);
        CHECK_EQ(img.segments[0].data.size(), size_t(16));
        CHECK_EQ(img.segments[0].data[8], 0x6f);
    }

    std::vector<uint8_t> b;
    CHECK(rejects(write_file("elf_text.elf", {'h', 'e', 'l', 'l', 'o', '\n'}),
                  {"elf_text.elf", "not an ELF"}));
    CHECK(rejects(write_file("elf_empty.elf", {}), {"elf_empty.elf", "not an ELF"}));
    b = good;
    b[EI_CLASS] = ELFCLASS64;
    CHECK(rejects(write_file("elf_64.elf", b), {"elf_64.elf", "64-bit"}));
    b = good;
    b[offsetof(Elf32_Ehdr, e_machine)] = 62; /* x86-64 */
    CHECK(rejects(write_file("elf_x86.elf", b), {"elf_x86.elf", "machine 62", "RISC-V"}));
    b = good;
    b[EI_DATA] = ELFDATA2MSB;
    CHECK(rejects(write_file("elf_be.elf", b), {"big-endian"}));
    b = good;
    b[offsetof(Elf32_Ehdr, e_type)] = ET_DYN;
    CHECK(rejects(write_file("elf_dyn.elf", b), {"not an executable"}));
    b.assign(good.begin(), good.begin() + 20); /* inside the ELF header */
    CHECK(rejects(write_file("elf_trunc_hdr.elf", b), {"elf_trunc_hdr.elf", "truncated"}));
    b.assign(good.begin(), good.begin() + 70); /* inside the program header */
    CHECK(rejects(write_file("elf_trunc_ph.elf", b), {"truncated"}));
    b.assign(good.begin(), good.begin() + 90); /* inside the loadable segment */
    CHECK(rejects(write_file("elf_trunc_seg.elf", b),
                  {"elf_trunc_seg.elf", "truncated", "segment 0"}));
    b = good;
    b[sizeof(Elf32_Ehdr)] = PT_NOTE; /* nothing to load */
    CHECK(rejects(write_file("elf_noload.elf", b), {"no loadable"}));
    CHECK(rejects("does_not_exist.elf", {"does_not_exist.elf", "No such file"}));
    CHECK(rejects(".", {"not a regular file"}));
    return vp_report("test_elf_loader");
}
