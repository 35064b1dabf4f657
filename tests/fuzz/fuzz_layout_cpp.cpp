// Fuzz target `layout_cpp`: the accelerator's weight decompressors (model/accel/*_decoder.cpp,
// layer_image.cpp), fed with the format the image header claims. The C decoders of
// sw/lib/layout implement the same byte format independently: when both accept an image they
// must decode the same weights.
#include "accel/weight_decoder.h"
#include "fuzz_outcome.h"

extern "C" {
#include "layout/layout.h"
}

#include <cstdlib>

using namespace hq::accel;

static void compare_with_c(const DecodedWeights &w, const uint8_t *data, size_t size) {
    hq_decoded_layer d;
    char err[512];
    if (hq_layout_decode(data, size, &d, err, sizeof err))
        return; /* the C decoder may check more; a refusal is never a wrong result */
    if (unsigned(d.rows) != w.rows || unsigned(d.cols) != w.cols ||
        unsigned(d.lo_bits) != w.lo_bits)
        abort();
    for (size_t i = 0; i < size_t(w.rows) * w.cols; i++) {
        if (d.w[i] != w.effective(i)) abort();
        if (d.lo_bits && (d.is_hi[i] != 0) != w.high(i)) abort();
    }
    hq_decoded_layer_free(&d);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ImageHeader h;
    hq_fuzz_accepted = 0;
    if (!read_image_header(data, size, &h).empty()) return 0;
    WeightFormat f;
    f.layout = h.layout;
    f.rows = h.rows;
    f.cols = h.cols;
    f.lo_bits = h.lo;
    f.hi_bits = h.hi;
    f.block_n = h.n;
    f.block_m = h.m;
    DecodedWeights w;
    std::string err = decode_weights(f, data, size, &w);
    hq_fuzz_accepted = err.empty();
    if (err.empty()) compare_with_c(w, data, size);
    return 0;
}
