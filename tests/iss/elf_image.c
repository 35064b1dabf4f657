/* libelf loader for the host runner (see elf_image.h). */
#include "elf_image.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(char *err, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

static uint32_t find_symbol(Elf *e, const char *want) {
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0) continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        size_t n = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; d && i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym)) break;
            const char *name = elf_strptr(e, sh.sh_link, sym.st_name);
            if (name && !strcmp(name, want)) return (uint32_t)sym.st_value;
        }
    }
    return 0;
}

int elf_image_load(const char *path, uint8_t *mem, uint32_t base, size_t size, elf_image_info *info,
                   char *err, size_t err_len) {
    if (elf_version(EV_CURRENT) == EV_NONE) return fail(err, err_len, "libelf: %s", elf_errmsg(-1));
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fail(err, err_len, "%s: %s", path, strerror(errno));
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    int rc = -1;
    GElf_Ehdr eh;
    size_t nphdr;
    if (!e || elf_kind(e) != ELF_K_ELF) {
        fail(err, err_len, "%s: not an ELF file", path);
        goto out;
    }
    if (!gelf_getehdr(e, &eh)) {
        fail(err, err_len, "%s: bad ELF header (truncated?): %s", path, elf_errmsg(-1));
        goto out;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS32) {
        fail(err, err_len, "%s: not a 32-bit ELF (RV32 expected)", path);
        goto out;
    }
    if (eh.e_machine != EM_RISCV) {
        fail(err, err_len, "%s: wrong machine %u (RISC-V expected)", path, eh.e_machine);
        goto out;
    }
    if (eh.e_type != ET_EXEC) {
        fail(err, err_len, "%s: not an executable (ELF type %u)", path, eh.e_type);
        goto out;
    }
    if (elf_getphdrnum(e, &nphdr) != 0) {
        fail(err, err_len, "%s: bad program headers: %s", path, elf_errmsg(-1));
        goto out;
    }
    size_t file_size = (size_t)lseek(fd, 0, SEEK_END);
    for (size_t i = 0; i < nphdr; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph)) {
            fail(err, err_len, "%s: bad program header %zu: %s", path, i, elf_errmsg(-1));
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_paddr < base || ph.p_paddr - base + ph.p_memsz > size ||
            ph.p_filesz > ph.p_memsz) {
            fail(err, err_len, "%s: segment %zu [0x%llx, +0x%llx) lies outside RAM", path, i,
                 (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz);
            goto out;
        }
        if (ph.p_offset + ph.p_filesz > file_size) {
            fail(err, err_len, "%s: truncated (segment %zu ends past the end of file)", path, i);
            goto out;
        }
        uint8_t *dst = mem + (ph.p_paddr - base);
        if (pread(fd, dst, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz) {
            fail(err, err_len, "%s: read error in segment %zu", path, i);
            goto out;
        }
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
    }
    info->entry = (uint32_t)eh.e_entry;
    info->tohost = find_symbol(e, "tohost");
    rc = 0;
out:
    if (e) elf_end(e);
    close(fd);
    return rc;
}
