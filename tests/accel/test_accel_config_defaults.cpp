/* configs/timing/default.json and configs/energy/default.json are the only defaults (issue 12):
 * a default-constructed AccelConfig / EnergyTable, and one loaded from an empty or partial
 * config, hold exactly the values of those files, read here independently of the loader. Every
 * key of the files must be covered by the tables below, so a new key cannot be left out. */
#include "accel_test.h"

#include "platform/config_reader.h"

#include <cmath>
#include <fstream>
#include <functional>
#include <map>

using namespace hq::accel;

namespace {

std::string write_tmp(const char *name, const std::string &text) {
    std::string path = std::string("accel_config_defaults_") + name + ".json";
    std::ofstream(path) << text;
    return path;
}

/* JSON key path -> the value the struct holds for it. */
template <class T> using Fields = std::map<std::string, std::function<double(const T &)>>;

Fields<AccelConfig> timing_fields() {
    Fields<AccelConfig> f = {
        {"arch", [](const AccelConfig &c) { return (double)c.arch; }},
        {"clock_hz", [](const AccelConfig &c) { return c.clock_hz; }},
        {"array.pe_tiles", [](const AccelConfig &c) { return (double)c.pe_tiles; }},
        {"array.rows_per_tile", [](const AccelConfig &c) { return (double)c.rows_per_tile; }},
        {"array.lanes", [](const AccelConfig &c) { return (double)c.lanes; }},
        {"array.lane_group", [](const AccelConfig &c) { return (double)c.lane_group; }},
        {"array.hi_macs", [](const AccelConfig &c) { return (double)c.hi_macs; }},
        {"array.nb_max", [](const AccelConfig &c) { return (double)c.nb_max; }},
        {"array.tile_overhead", [](const AccelConfig &c) { return (double)c.tile_overhead; }},
        {"array.pipeline_latency", [](const AccelConfig &c) { return (double)c.pipeline_latency; }},
        {"buffers.weight_bytes", [](const AccelConfig &c) { return (double)c.weight_buffer; }},
        {"buffers.act_bytes", [](const AccelConfig &c) { return (double)c.act_buffer; }},
        {"buffers.out_bytes", [](const AccelConfig &c) { return (double)c.out_buffer; }},
        {"buffers.double_buffer", [](const AccelConfig &c) { return (double)c.double_buffer; }},
        {"buffers.weight_store_beats",
         [](const AccelConfig &c) { return (double)c.weight_store_beats; }},
        {"output.results_per_cycle", [](const AccelConfig &c) { return (double)c.out_per_cycle; }},
        {"descriptor.fetch_cycles",
         [](const AccelConfig &c) { return (double)c.desc_fetch_cycles; }},
        {"row_params.cycles_per_row", [](const AccelConfig &c) { return c.param_cycles_per_row; }},
        {"row_params.tail_cycles_per_row",
         [](const AccelConfig &c) { return c.param_tail_cycles_per_row; }},
        {"stream.enabled", [](const AccelConfig &c) { return (double)c.stream; }},
        {"stream.row_cycles", [](const AccelConfig &c) { return c.stream_row_cycles; }},
        {"stream.int32_row_cycles", [](const AccelConfig &c) { return c.stream_int32_row_cycles; }},
        {"stream.image_cycles", [](const AccelConfig &c) { return c.stream_image_cycles; }},
        {"stream.position_cycles", [](const AccelConfig &c) { return c.stream_position_cycles; }},
        {"stream.vector_cycles", [](const AccelConfig &c) { return c.stream_vector_cycles; }},
        {"stream.im2col_bytes_per_cycle",
         [](const AccelConfig &c) { return c.im2col_bytes_per_cycle; }},
        {"stream.transfer_cycles",
         [](const AccelConfig &c) { return (double)c.stream_transfer_cycles; }},
        {"stream.transfer_tail_cycles",
         [](const AccelConfig &c) { return (double)c.stream_transfer_tail_cycles; }},
        {"stream.word_tail_cycles_per_byte",
         [](const AccelConfig &c) { return c.stream_word_tail_cycles_per_byte; }},
        {"stream.write_byte_cycles",
         [](const AccelConfig &c) { return c.stream_write_byte_cycles; }},
        {"stream.read_beat_bytes",
         [](const AccelConfig &c) { return (double)c.stream_read_beat_bytes; }},
        {"decompressor.block_rule.take_bits",
         [](const AccelConfig &c) { return (double)c.block_rule.take_bits; }},
        {"decompressor.block_rule.gearbox_n",
         [](const AccelConfig &c) { return (double)c.block_rule.gearbox_n; }},
        {"decompressor.block_rule.gearbox_m",
         [](const AccelConfig &c) { return (double)c.block_rule.gearbox_m; }},
        {"decompressor.block_rule.gearbox_lo",
         [](const AccelConfig &c) { return (double)c.block_rule.gearbox_lo; }},
        {"decompressor.block_rule.gearbox_hi",
         [](const AccelConfig &c) { return (double)c.block_rule.gearbox_hi; }},
    };
    for (unsigned l = 0; l < kLayoutCount; l++)
        f[std::string("decompressor.") + layout_name(l)] = [l](const AccelConfig &c) {
            return c.dec_weights_per_cycle[l];
        };
    return f;
}

Fields<EnergyTable> energy_fields() {
    Fields<EnergyTable> f = {
        {"sram_byte.pj", [](const EnergyTable &e) { return e.sram_byte_pj; }},
        {"dram_byte.pj", [](const EnergyTable &e) { return e.dram_byte_pj; }},
        {"dram_activate.pj", [](const EnergyTable &e) { return e.dram_activate_pj; }},
        {"dram_activate.bytes", [](const EnergyTable &e) { return (double)e.dram_row_bytes; }},
        {"decoder_symbol.pj", [](const EnergyTable &e) { return e.decoder_symbol_pj; }},
    };
    for (int b = 1; b <= 8; b++)
        f["mac." + std::to_string(b) + ".pj"] = [b](const EnergyTable &e) { return e.mac_pj[b]; };
    return f;
}

/* The file's values by key path (numbers, booleans, and arch by its enum value); text keys
 * ("comment", "source") are documentation. */
void flatten(const nlohmann::json &j, const std::string &prefix,
             std::map<std::string, double> *out) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix + it.key();
        if (it->is_object())
            flatten(*it, key + ".", out);
        else if (it->is_number() || it->is_boolean())
            (*out)[key] = it->is_boolean() ? (double)it->get<bool>() : it->get<double>();
        else if (key == "arch") {
            Arch a{};
            CHECK(parse_arch(it->get<std::string>(), &a), "arch '%s'",
                  it->get<std::string>().c_str());
            (*out)[key] = (double)a;
        }
    }
}

/* Every value of the file equals the struct's; every key of the file has a field. */
template <class T>
void same_as_file(const char *what, const T &s, const Fields<T> &fields,
                  const std::map<std::string, double> &file) {
    for (const auto &kv : file) {
        auto f = fields.find(kv.first);
        CHECK(f != fields.end(), "%s: key %s of the file has no field in this test", what,
              kv.first.c_str());
        if (f == fields.end()) continue;
        const double v = f->second(s);
        CHECK(v == kv.second, "%s: %s is %g, the file says %g", what, kv.first.c_str(), v,
              kv.second);
    }
}

/* Fields the file does not give (widths 5..7 of the MAC table) stay 0: no value from nowhere. */
template <class T>
void absent_are_zero(const char *what, const T &s, const Fields<T> &fields,
                     const std::map<std::string, double> &file) {
    for (const auto &f : fields)
        if (!file.count(f.first))
            CHECK(f.second(s) == 0, "%s: %s is %g, but no default file gives it", what,
                  f.first.c_str(), f.second(s));
}

} // namespace

int sc_main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SOURCE_DIR\n", argv[0]);
        return 2;
    }
    const std::string root = argv[1];
    std::map<std::string, double> tfile, efile;
    try {
        flatten(hq::load_json_file(root + "/configs/timing/default.json"), "", &tfile);
        flatten(hq::load_json_file(root + "/configs/energy/default.json"), "", &efile);
    } catch (const std::exception &x) {
        CHECK(false, "default configs: %s", x.what());
        return hqt::finish("test_accel_config_defaults");
    }
    const Fields<AccelConfig> tf = timing_fields();
    const Fields<EnergyTable> ef = energy_fields();
    CHECK(tfile.size() == tf.size(), "timing: the file has %zu values, the struct %zu",
          tfile.size(), tf.size());

    /* Default-constructed = the files. */
    same_as_file("AccelConfig()", AccelConfig(), tf, tfile);
    same_as_file("EnergyTable()", EnergyTable(), ef, efile);
    absent_are_zero("EnergyTable()", EnergyTable(), ef, efile);

    /* An empty config changes nothing. */
    try {
        AccelConfig c;
        EnergyTable e;
        load_timing_config(write_tmp("empty_t", "{}"), &c);
        load_energy_table(write_tmp("empty_e", "{}"), &e);
        same_as_file("timing {}", c, tf, tfile);
        same_as_file("energy {}", e, ef, efile);

        /* A partial config changes its keys only; the rest stay the files' values. */
        load_timing_config(
            write_tmp("partial_t",
                      R"({"array": {"lanes": 16, "lane_group": 16}, "clock_hz": 5e7})"),
            &c);
        std::map<std::string, double> want = tfile;
        want["array.lanes"] = want["array.lane_group"] = 16;
        want["clock_hz"] = 5e7;
        same_as_file("timing partial", c, tf, want);
        load_energy_table(write_tmp("partial_e", R"({"mac": {"8": {"pj": 9, "source": "test"}}})"),
                          &e);
        want = efile;
        want["mac.8.pj"] = 9;
        same_as_file("energy partial", e, ef, want);

        /* The shipped partial config (scripts/fpga writes only what it measured) takes the
         * buffers and decompressor rates of default.json. */
        AccelConfig m;
        load_timing_config(root + "/configs/timing/rtl-measured.json", &m);
        for (const char *k : {"buffers.weight_bytes", "buffers.out_bytes", "decompressor.coo",
                              "decompressor.block", "output.results_per_cycle"})
            CHECK(tf.at(k)(m) == tfile.at(k), "rtl-measured.json: %s is %g, default.json %g", k,
                  tf.at(k)(m), tfile.at(k));
    } catch (const std::exception &x) {
        CHECK(false, "loading: %s", x.what());
    }
    return hqt::finish("test_accel_config_defaults");
}
