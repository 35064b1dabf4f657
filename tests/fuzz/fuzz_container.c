/* Fuzz target `container`: the .hqm reader (sw/lib/container_reader.c). Each input is read as is
 * and again with its length field and CRC repaired, so mutations reach the chunk parser and the
 * model checks behind the checksum. A model that loads must validate and save again. */
#include "container.h"
#include "fuzz_outcome.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int read_one(const uint8_t *data, size_t size) {
    hq_model m;
    char err[512];
    if (hq_container_read_mem(&m, data, size, err, sizeof err)) {
        if (!err[0]) abort(); /* a refusal always says why */
        return 0;
    }
    if (hq_model_validate(&m, err, sizeof err)) abort(); /* the reader promises validated models */
    uint8_t *buf = NULL;
    size_t len = 0;
    if (hq_container_write_mem(&m, &buf, &len, err, sizeof err)) abort();
    hq_model again;
    if (hq_container_read_mem(&again, buf, len, err, sizeof err))
        abort(); /* what was written must read back */
    hq_container_free_model(&again);
    free(buf);
    hq_container_free_model(&m);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hq_fuzz_accepted = read_one(data, size); /* the file as given */
    if (size < 28) return 0;
    uint8_t *fixed = malloc(size);
    if (!fixed) return 0;
    memcpy(fixed, data, size);
    for (int i = 0; i < 8; i++) /* u64 total length, little-endian */
        fixed[16 + i] = (uint8_t)((uint64_t)size >> (8 * i));
    uint32_t crc = (uint32_t)crc32(0L, fixed, (uInt)(size - 4));
    for (int i = 0; i < 4; i++)
        fixed[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    (void)read_one(fixed, size);
    free(fixed);
    return 0;
}
