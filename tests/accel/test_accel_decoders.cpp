/* The SystemC decompressors (model/accel/<layout>_decoder.cpp) against the C decoders
 * (sw/lib/layout) on the same layer images: every layout, every bit-width pair it supports,
 * then corrupted images, where both must agree on accepting and, when accepting, on every
 * weight. */
#include "accel_test.h"

#include "accel/weight_decoder.h"

#include <cstring>

using namespace hq::accel;
using hqt::LayerSpec;

static WeightFormat format_of(const hq_decoded_layer &d) {
    WeightFormat f;
    f.layout = d.kind;
    f.rows = d.rows;
    f.cols = d.cols;
    f.lo_bits = d.lo_bits;
    f.hi_bits = d.hi_bits;
    f.block_n = d.block_n;
    f.block_m = d.block_m;
    return f;
}

/* Decodes with both; returns 1 if both accept and agree, 0 if both reject, -1 otherwise. */
static int compare(const std::vector<uint8_t> &img, const WeightFormat &f, std::string *why) {
    hq_decoded_layer cd;
    char err[256];
    int c_ok = hq_layout_decode(img.data(), img.size(), &cd, err, sizeof err) == 0;
    DecodedWeights md;
    std::string merr = decode_weights(f, img.data(), img.size(), &md);
    int m_ok = merr.empty();
    if (!c_ok && !m_ok) return 0;
    /* The model also knows the descriptor: a corrupted header field that the C decoder takes
     * at face value is a mismatch the model must refuse. */
    if (c_ok && !m_ok && merr.find("disagrees with the descriptor") != std::string::npos) {
        hq_decoded_layer_free(&cd);
        return 0;
    }
    if (c_ok != m_ok) {
        *why = c_ok ? "model rejects what C accepts: " + merr
                    : std::string("model accepts what C rejects: ") + err;
        if (c_ok) hq_decoded_layer_free(&cd);
        return -1;
    }
    int res = 1;
    const size_t n = (size_t)cd.rows * cd.cols;
    for (size_t i = 0; i < n && res == 1; i++) {
        int c_hi = cd.is_hi ? cd.is_hi[i] : 1;
        if (md.effective(i) != cd.w[i] || md.high(i) != (c_hi != 0)) {
            *why = "weight " + std::to_string(i) + ": model " + std::to_string(md.effective(i)) +
                   (md.high(i) ? "(hi)" : "(lo)") + ", C " + std::to_string(cd.w[i]) +
                   (c_hi ? "(hi)" : "(lo)");
            res = -1;
        }
    }
    hq_decoded_layer_free(&cd);
    return res;
}

/* Issue 20: a header that claims more weights than the image holds is refused by both
 * decoders before anything is sized from it. The first image is the fuzz reproducer (16 bytes
 * claiming 65535 x 65535 int8 weights: 4 GiB in the C decoder, three 4 GiB vectors in the
 * model); the others vary the layout and the bit-widths. */
static void claimed_sizes() {
    struct Case {
        uint8_t layout, lo, hi;
        unsigned rows, cols;
        size_t total;
    };
    const Case cases[] = {{HQ_LAYOUT_DENSE, 0, 8, 65535, 65535, 16},
                          {HQ_LAYOUT_COO, 1, 8, 65535, 65535, 4096},
                          {HQ_LAYOUT_ESCAPE, 2, 8, 255, 255, 16 + 256 + 16},
                          {HQ_LAYOUT_ROWGROUP, 4, 8, 64, 64, 16 + 64 + 2048 - 16}};
    for (const Case &c : cases) {
        std::vector<uint8_t> img(c.total, 0);
        img[0] = c.layout;
        img[1] = c.lo;
        img[2] = c.hi;
        img[4] = 32; /* block M */
        img[6] = (uint8_t)c.rows, img[7] = (uint8_t)(c.rows >> 8);
        img[8] = (uint8_t)c.cols, img[9] = (uint8_t)(c.cols >> 8);
        img[10] = 1; /* format version */
        for (int i = 0; i < 4; i++)
            img[12 + i] = (uint8_t)(c.total >> (8 * i));
        hq_decoded_layer cd;
        char err[256] = "";
        CHECK(hq_layout_decode(img.data(), img.size(), &cd, err, sizeof err) != 0 &&
                  std::strstr(err, "need at least"),
              "C decoder, %ux%u in %zu bytes: '%s'", c.rows, c.cols, c.total, err);
        WeightFormat f;
        f.layout = c.layout;
        f.rows = c.rows;
        f.cols = c.cols;
        f.lo_bits = c.lo;
        f.hi_bits = c.hi;
        DecodedWeights md;
        std::string merr = decode_weights(f, img.data(), img.size(), &md);
        CHECK(merr.find("need at least") != std::string::npos && md.w.empty(),
              "model decoder, %ux%u in %zu bytes: '%s'", c.rows, c.cols, c.total, merr.c_str());
    }
}

int sc_main(int, char **) {
    claimed_sizes();
    std::mt19937 rng(12345);
    const hq_layout_kind kinds[] = {HQ_LAYOUT_DENSE, HQ_LAYOUT_COO, HQ_LAYOUT_BLOCK,
                                    HQ_LAYOUT_ROWGROUP, HQ_LAYOUT_ESCAPE};
    int images = 0, mutants = 0, agreed_reject = 0;
    for (hq_layout_kind kind : kinds)
        for (int hi : {4, 8})
            for (int lo : {0, 1, 2, 3}) {
                if (lo >= hi || (kind == HQ_LAYOUT_DENSE) != (lo == 0) ||
                    (kind == HQ_LAYOUT_ESCAPE && lo < 2))
                    continue;
                for (int m : {8, 32}) {
                    if (kind != HQ_LAYOUT_BLOCK && m != 32) continue;
                    LayerSpec s;
                    s.layout = kind;
                    s.lo = lo;
                    s.hi = hi;
                    s.m = m;
                    s.n = m == 8 ? 1 : 2;
                    s.in_c = 300 + (int)(rng() % 40); /* not a multiple of M */
                    s.out_c = 19;
                    s.frac = 0.04;
                    hq_layer L;
                    hqt::make_layer(s, rng, &L);
                    std::vector<uint8_t> img = hqt::pack_layer(L, s);
                    hq_decoded_layer cd;
                    char err[256];
                    CHECK(hq_layout_decode(img.data(), img.size(), &cd, err, sizeof err) == 0, "%s",
                          err);
                    WeightFormat f = format_of(cd);
                    hq_decoded_layer_free(&cd);
                    std::string why;
                    CHECK(compare(img, f, &why) == 1, "%s lo=%d hi=%d: %s", hq_layout_name(kind),
                          lo, hi, why.c_str());
                    DecodedWeights md;
                    decode_weights(f, img.data(), img.size(), &md);
                    uint64_t want_hi = 0;
                    for (int i = 0; i < L.rows * L.cols; i++)
                        want_hi += lo ? L.q->is_hi[i] : 1;
                    CHECK(md.n_hi == want_hi, "%s: n_hi %llu, layer has %llu", hq_layout_name(kind),
                          (unsigned long long)md.n_hi, (unsigned long long)want_hi);
                    images++;
                    /* Corruptions: single bytes anywhere, and truncations. */
                    for (int t = 0; t < 300; t++) {
                        std::vector<uint8_t> bad = img;
                        size_t at = rng() % bad.size();
                        bad[at] ^= (uint8_t)(1 + rng() % 255);
                        int r = compare(bad, f, &why);
                        CHECK(r >= 0, "%s lo=%d hi=%d byte %zu corrupted: %s", hq_layout_name(kind),
                              lo, hi, at, why.c_str());
                        agreed_reject += r == 0;
                        mutants++;
                    }
                    std::vector<uint8_t> cut(img.begin(), img.begin() + img.size() / 2);
                    DecodedWeights dummy;
                    CHECK(!decode_weights(f, cut.data(), cut.size(), &dummy).empty(),
                          "%s: truncated image accepted", hq_layout_name(kind));
                    /* A descriptor that disagrees with the header is refused. */
                    WeightFormat g = f;
                    g.cols++;
                    CHECK(!decode_weights(g, img.data(), img.size(), &dummy).empty(),
                          "%s: header/descriptor mismatch accepted", hq_layout_name(kind));
                    hqt::free_layer(&L);
                }
            }
    std::printf("%d images, %d corrupted variants (%d rejected by both decoders)\n", images,
                mutants, agreed_reject);
    CHECK(images >= 20, "only %d images", images);
    return hqt::finish("test_accel_decoders");
}
