/* The kind registries against their one source, configs/accel/regmap.json (issue 12): every
 * LAYOUT_* has exactly one entry in the C library (sw/lib/layout) and one registration in the
 * model (decoder and decompressor-rate key), every ARCH_* one PE-array registration, with the
 * regmap's id and its name in lower case; names are unique; an unknown id or name is refused
 * with a clear error by the C packer and decoder, the model's decoder, the timing config and
 * the array factory. usage: test_kind_registries SOURCE_DIR */
#include "accel/array_registry.h"
#include "accel/layout_registry.h"
#include "accel/pe_array.h"
#include "accel_test.h"

#include "platform/config_reader.h"

extern "C" {
#include "layout/layout.h"
}

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

using namespace hq::accel;

namespace {

std::string lower(std::string s) {
    for (char &c : s)
        c = (char)std::tolower((unsigned char)c);
    return s;
}

bool has(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

std::string timing_error(const std::string &text) {
    const std::string path = "kind_registries_timing.json";
    std::ofstream(path) << text;
    AccelConfig c;
    try {
        load_timing_config(path, &c);
    } catch (const hq::ConfigError &e) {
        return e.what();
    }
    return "";
}

void layouts(const nlohmann::json &regmap) {
    const nlohmann::json &list = regmap["enums"]["LAYOUT"];
    CHECK(list.size() == HQ_LAYOUT_COUNT && list.size() == kLayoutCount,
          "regmap has %zu layouts, the C library %d, the model %u", list.size(),
          (int)HQ_LAYOUT_COUNT, kLayoutCount);
    std::set<std::string> c_names, model_names;
    for (const nlohmann::json &l : list) {
        const unsigned id = l["value"].get<unsigned>();
        const std::string name = lower(l["name"].get<std::string>());
        /* exactly one C entry and one model registration carry this name, at this id */
        int c_count = 0, model_count = 0;
        for (int i = 0; i < 256; i++) {
            const hq_layout_entry *e = hq_layout_find(i);
            c_count += e && name == e->name;
            const LayoutDecoder *d = find_layout_decoder((unsigned)i);
            model_count += d && name == d->name;
        }
        CHECK(c_count == 1 && model_count == 1, "layout %s: %d C entries, %d model registrations",
              name.c_str(), c_count, model_count);
        const hq_layout_entry *e = hq_layout_find((int)id);
        CHECK(e && e->id == (hq_layout_kind)id && name == e->name && e->pack && e->decode,
              "C entry of LAYOUT_%s (id %u)", name.c_str(), id);
        const LayoutDecoder *d = find_layout_decoder(id);
        CHECK(d && d->id == id && name == d->name && d->decode && d->rate_key && *d->rate_key,
              "model registration of LAYOUT_%s (id %u)", name.c_str(), id);
        CHECK(name == hq_layout_name((hq_layout_kind)id) && name == layout_name(id),
              "name of layout %u", id);
        hq_layout_kind k;
        char err[256];
        CHECK(hq_layout_parse(name.c_str(), &k, err, sizeof err) == 0 && k == (hq_layout_kind)id,
              "hq_layout_parse(%s)", name.c_str());
        if (e) c_names.insert(e->name);
        if (d) model_names.insert(d->name);
    }
    CHECK(c_names.size() == list.size() && model_names.size() == list.size(),
          "layout names unique: %zu C, %zu model, %zu in the regmap", c_names.size(),
          model_names.size(), list.size());

    /* unknown ids and names */
    const unsigned bad = kLayoutCount;
    CHECK(!hq_layout_find((int)bad) && !hq_layout_find(-1) && !find_layout_decoder(bad),
          "an id past the regmap has no entry");
    CHECK(std::string(hq_layout_name((hq_layout_kind)bad)) == "?" &&
              std::string(layout_name(bad)) == "?",
          "name of an unknown id");
    char err[256];
    hq_layout_kind k;
    CHECK(hq_layout_parse("zip", &k, err, sizeof err) == -1 && has(err, "unknown layout 'zip'"),
          "unknown name: '%s'", err);
    for (const std::string &n : c_names)
        CHECK(has(err, n), "the parse error lists %s: '%s'", n.c_str(), err);

    /* a quantized 2 x 4 uniform layer: packed with an unknown id, decoded with one */
    int8_t w[8] = {1, -2, 3, -4, 5, -6, 7, -8};
    hq_qlayer q{};
    q.hi_bits = 8;
    q.w = w;
    hq_layout_opts o;
    hq_layout_opts_default(&o, (hq_layout_kind)bad);
    hq_layer_image img;
    q.lo_bits = 0; /* uniform layers always pack dense: the id is not looked at */
    CHECK(hq_layout_pack(&q, 2, 4, &o, &img, err, sizeof err) == 0, "uniform pack: %s", err);
    CHECK(img.data && img.st.kind == HQ_LAYOUT_DENSE, "uniform layer packed dense");
    img.data[0] = (uint8_t)bad;
    hq_decoded_layer dl;
    CHECK(hq_layout_decode(img.data, img.size, &dl, err, sizeof err) == -1 &&
              has(err, "layout id " + std::to_string(bad) + " unknown"),
          "C decoder, unknown id: '%s'", err);
    WeightFormat f;
    f.layout = bad;
    f.rows = 2;
    f.cols = 4;
    DecodedWeights out;
    const std::string m = decode_weights(f, img.data, img.size, &out);
    CHECK(has(m, "unknown layout id " + std::to_string(bad)), "model decoder, unknown id: '%s'",
          m.c_str());
    hq_layer_image_free(&img);
    uint8_t lo_shift[2] = {0, 0}, is_hi[8] = {0};
    int8_t lw[8] = {1, -1, 0, 1, 0, 0, -1, 1};
    hq_qlayer ql{};
    ql.lo_bits = 2;
    ql.hi_bits = 8;
    ql.w = lw;
    ql.is_hi = is_hi;
    ql.lo_shift = lo_shift;
    CHECK(hq_layout_pack(&ql, 2, 4, &o, &img, err, sizeof err) == -1 &&
              has(err, "layout id " + std::to_string(bad) + " unknown"),
          "C packer, unknown id: '%s'", err);

    /* the timing config's decompressor keys are the registered rate keys */
    const std::string t = timing_error(R"({"decompressor": {"zip": 4}})");
    CHECK(has(t, "decompressor.zip") && has(t, "unknown key"), "unknown rate key: '%s'", t.c_str());
    for (unsigned i = 0; i < kLayoutCount; i++) {
        const char *key = find_layout_decoder(i)->rate_key;
        CHECK(has(t, key), "the error lists rate key %s: '%s'", key, t.c_str());
        CHECK(timing_error(std::string(R"({"decompressor": {")") + key + R"(": 4}})").empty(),
              "rate key %s accepted", key);
        AccelConfig c;
        const std::string path = "kind_registries_rate.json";
        std::ofstream(path) << R"({"decompressor": {")" << key << R"(": 3.5}})";
        load_timing_config(path, &c);
        CHECK(c.dec_weights_per_cycle[layout_rate_slot(i)] == 3.5, "rate of %s read from '%s'",
              layout_name(i), key);
    }
}

void arrays(const nlohmann::json &regmap) {
    const nlohmann::json &list = regmap["enums"]["ARCH"];
    CHECK(list.size() == kArrayKindCount, "regmap has %zu arrays, the model %u", list.size(),
          kArrayKindCount);
    std::set<std::string> names;
    for (const nlohmann::json &a : list) {
        const unsigned id = a["value"].get<unsigned>();
        const std::string name = lower(a["name"].get<std::string>());
        int count = 0;
        for (unsigned i = 0; i < 256; i++) {
            const ArrayKind *k = find_array_kind(i);
            count += k && name == k->name;
        }
        CHECK(count == 1, "array %s: %d registrations", name.c_str(), count);
        const ArrayKind *k = find_array_kind(id);
        CHECK(k && (unsigned)k->id == id && name == k->name && k->make,
              "registration of ARCH_%s (id %u)", name.c_str(), id);
        if (!k) continue;
        names.insert(k->name);
        Arch parsed;
        CHECK(parse_arch(name, &parsed) && (unsigned)parsed == id && name == arch_name(parsed),
              "parse_arch/arch_name round trip of %s", name.c_str());
        AccelConfig cfg;
        cfg.arch = parsed;
        const std::unique_ptr<PeArray> pe = make_pe_array(cfg);
        CHECK(pe && (unsigned)pe->arch() == id, "make_pe_array(%s)", name.c_str());
        const uint32_t all = (1u << kLayoutCount) - 1, dense = 1u << HQ_ACCEL_LAYOUT_DENSE;
        CHECK(cfg.supported_layouts() == (k->all_layouts ? all : dense), "layouts of %s",
              name.c_str());
    }
    CHECK(names.size() == list.size(), "array names unique");
    Arch a;
    CHECK(!parse_arch("systolic", &a) && !find_array_kind(kArrayKindCount), "unknown array");
    const std::string t = timing_error(R"({"arch": "systolic"})");
    for (const std::string &n : names)
        CHECK(has(t, n), "the arch error lists %s: '%s'", n.c_str(), t.c_str());
    AccelConfig cfg;
    cfg.arch = Arch{(uint8_t)kArrayKindCount};
    bool threw = false;
    try {
        make_pe_array(cfg);
    } catch (const std::exception &x) {
        threw = has(x.what(), "unknown");
    }
    CHECK(threw, "make_pe_array of an unknown id throws");
    std::string joined; /* the regmap's order, as --arch help and errors list them */
    for (size_t i = 0; i < list.size(); i++)
        joined += std::string(i == 0                 ? ""
                              : i + 1 == list.size() ? " or "
                                                     : ", ") +
                  lower(list[i]["name"].get<std::string>());
    CHECK(array_kind_names(", ", " or ") == joined, "joined names: '%s', regmap '%s'",
          array_kind_names(", ", " or ").c_str(), joined.c_str());
}

} // namespace

int sc_main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SOURCE_DIR\n", argv[0]);
        return 2;
    }
    const nlohmann::json regmap =
        hq::load_json_file(std::string(argv[1]) + "/configs/accel/regmap.json");
    layouts(regmap);
    arrays(regmap);
    return hqt::finish("test_kind_registries");
}
