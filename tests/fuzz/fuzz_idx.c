/* Fuzz target `idx`: the IDX dataset loader (sw/lib/dataset.c), gzip or plain. The input is
 * split into an image file and a label file at the offset given by its first two bytes. */
#include "dataset.h"
#include "fuzz_outcome.h"

#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hq_fuzz_accepted = 0;
    if (size < 2) return 0;
    size_t cut = (size_t)data[0] << 8 | data[1];
    data += 2;
    size -= 2;
    if (cut > size) cut = size;
    const char *images = hq_fuzz_write_file(0, data, cut, "-images.gz");
    const char *labels = hq_fuzz_write_file(1, data + cut, size - cut, "-labels.gz");
    hq_dataset d;
    char err[512];
    hq_fuzz_accepted = hq_dataset_load_files(&d, images, labels, err, sizeof err) == 0;
    if (hq_fuzz_accepted) {
        for (int i = 0; i < d.n; i++)
            if (d.labels[i] > 9) abort();
        hq_dataset_free(&d);
    } else if (!err[0]) {
        abort(); /* a refusal always says why */
    }
    return 0;
}
