/* Load an RV32 ELF executable into a flat memory image with libelf (host runner only; the
 * virtual platform has its own loader). */
#ifndef HQ_TEST_ELF_IMAGE_H
#define HQ_TEST_ELF_IMAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t entry;
    uint32_t tohost; /* 0 when the ELF has no `tohost` symbol */
} elf_image_info;

/* Copy every PT_LOAD segment into mem, which holds [base, base + size). Returns 0, or -1
 * after writing a one-line reason to err. */
int elf_image_load(const char *path, uint8_t *mem, uint32_t base, size_t size, elf_image_info *info,
                   char *err, size_t err_len);

#endif
