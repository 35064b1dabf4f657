/* The DRAM image's bump allocator (sw/app/dram_image.cpp) near the end of the 32-bit address
 * space: an MLP 1 -> 65535 -> 2 (uint8 input of 1 byte, uniform int8) whose two ping-pong
 * activation buffers hold the batch's hidden outputs (65536 bytes per image). At batch 8192
 * they take 1 GiB and the image ends inside the address space: it is built, and the fit check
 * against a 512 MiB DRAM names the true size. At batch 16384 (2 GiB) the image would pass
 * 0xFFFF_FFFF: a 32-bit allocator wrapped to a small end that any DRAM seemed to hold; now
 * the build refuses it with the MiB it needs. */
#include "accel_test.h"
#include "dram_image.h"

extern "C" {
#include "train.h"
}

#include <cstring>
#include <string>

namespace {

void dense(hq_layer &L, int in, int out, bool relu) {
    L.kind = HQ_LAYER_DENSE;
    L.in = {in, 1, 1};
    L.out = {out, 1, 1};
    L.rows = out;
    L.cols = in;
    L.relu = relu ? 1 : 0;
    L.in_act_scale = L.out_act_scale = 1.0f / 255.0f;
    L.q = hq_qlayer_alloc(&L, 0, 8);
    for (size_t i = 0; i < (size_t)out * in; i++)
        L.q->w[i] = (int8_t)(i % 7 - 3);
    for (int r = 0; r < out; r++) {
        L.q->w_scale[r] = 1.0f / 127.0f;
        L.q->bias[r] = r % 5;
        if (L.q->rq_mult) L.q->rq_mult[r] = 1 << 30;
        if (L.q->rq_shift) L.q->rq_shift[r] = 31;
    }
}

/* Packs m and builds its image for n images of batch b (1-byte images). */
std::string build(const hq_model &m, int n, int b, hq::accel::DramImage *img) {
    hq_layout_opts o;
    hq_layout_opts_default(&o, HQ_LAYOUT_DENSE);
    hq_packed_model pm;
    char err[256];
    if (hq_layout_pack_model(&m, &o, &pm, err, sizeof err)) return std::string("pack: ") + err;
    std::vector<uint8_t> images((size_t)n, 7);
    hq::accel::ImageParams p;
    p.batch = b;
    p.n_images = n;
    p.images = images.data();
    const std::string e = hq::accel::build_dram_image(m, pm, p, img);
    hq_packed_model_free(&pm);
    return e;
}

} // namespace

int sc_main(int, char **) {
    static hq_model m; /* large: 256 layers */
    std::memset(&m, 0, sizeof m);
    m.n_layers = 2;
    m.input = {1, 1, 1};
    m.n_classes = 2;
    std::strcpy(m.net, "mlp");
    std::strcpy(m.policy, "uniform8");
    dense(m.layers[0], 1, 65535, true);
    dense(m.layers[1], 65535, 2, false);
    const uint64_t dram_base = 0x80000000u, dram_512m = 512u << 20;

    hq::accel::DramImage img;
    std::string e = build(m, 8192, 8192, &img);
    CHECK(e.empty(), "batch 8192 (1 GiB of activations): %s", e.c_str());
    CHECK(img.end > 0xC0000000u, "batch 8192: the image ends at 0x%08x, below 3 GiB", img.end);
    e = hq::accel::dram_fit_error(img, 8192, dram_base, dram_512m, "p.json", "", 0, "--images");
    CHECK(e.find("the model needs 1") != std::string::npos && e.find(" MiB") != std::string::npos,
          "batch 8192 on 512 MiB: '%s'", e.c_str());
    std::printf("batch 8192: image end 0x%08x; %s\n", img.end, e.c_str());

    e = build(m, 16384, 16384, &img);
    CHECK(e.find("the DRAM image needs 2") != std::string::npos &&
              e.find("past the end of the 32-bit address space") != std::string::npos,
          "batch 16384 (2 GiB of activations) must be refused, got '%s' (end 0x%08x)", e.c_str(),
          img.end);
    if (e.empty()) { /* the old allocator: a wrapped end that even 512 MiB seemed to hold */
        e = hq::accel::dram_fit_error(img, 16384, dram_base, dram_512m, "p.json", "", 0,
                                      "--images");
        CHECK(!e.empty(), "batch 16384: the fit check passed with the image end at 0x%08x",
              img.end);
    }
    std::printf("batch 16384: %s\n", e.c_str());
    hq_model_free(&m);
    return hqt::finish("test_dram_image_space");
}
