/* For fuzz targets whose parser reads a file by name: one scratch file per process, rewritten
 * with each input and removed at exit. */
#ifndef HQ_FUZZ_FILE_H
#define HQ_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char hq_fuzz_paths[2][4096];

static void hq_fuzz_remove_files(void) {
    for (int i = 0; i < 2; i++)
        if (hq_fuzz_paths[i][0]) unlink(hq_fuzz_paths[i]);
}

/* Writes data to scratch file `slot` (0 or 1) and returns its path; aborts if it cannot, as
 * a fuzz run that tests nothing must not look like a pass. */
static const char *hq_fuzz_write_file(int slot, const uint8_t *data, size_t size,
                                      const char *suffix) {
    char *path = hq_fuzz_paths[slot];
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof hq_fuzz_paths[slot], "%s/hqfuzz-%ld-%d%s", dir ? dir : "/tmp",
                 (long)getpid(), slot, suffix);
        if (slot == 0) atexit(hq_fuzz_remove_files);
    }
    /* a new file each time: ext4 flushes a file truncated and rewritten in place on close */
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror(path);
        abort();
    }
    return path;
}

#endif
