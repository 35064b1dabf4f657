/* The shipped timing and energy configs load; malformed ones are refused with a message that
 * names the file and the key. */
#include "accel_test.h"

#include "platform/config_reader.h"

#include <fstream>

using namespace hq::accel;

static std::string write_tmp(const char *name, const std::string &text) {
    std::string path = std::string("accel_config_") + name + ".json";
    std::ofstream(path) << text;
    return path;
}

static std::string timing_error(const std::string &text) {
    AccelConfig c;
    try {
        load_timing_config(write_tmp("t", text), &c);
    } catch (const hq::ConfigError &e) {
        return e.what();
    }
    return "";
}

static std::string energy_error(const std::string &text) {
    EnergyTable e;
    try {
        load_energy_table(write_tmp("e", text), &e);
    } catch (const hq::ConfigError &x) {
        return x.what();
    }
    return "";
}

int sc_main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SOURCE_DIR\n", argv[0]);
        return 2;
    }
    const std::string root = argv[1];
    AccelConfig c;
    EnergyTable e;
    try {
        load_timing_config(root + "/configs/timing/default.json", &c);
        load_energy_table(root + "/configs/energy/default.json", &e);
    } catch (const std::exception &x) {
        CHECK(false, "shipped configs: %s", x.what());
        return hqt::finish("test_accel_config");
    }
    CHECK(c.arch == Arch::LaneGroup && c.lanes == 64 && c.lane_group == 32 && c.clock_hz == 200e6,
          "default timing values");
    CHECK(e.mac_pj[8] == 0.30 && e.mac_pj[2] == 0.06 && e.dram_byte_pj == 162.5,
          "default energy values");
    std::string m = timing_error(R"({"array": {"lanes": 64, "lane_group": 24}})");
    CHECK(m.find("array.lane_group") != std::string::npos, "lane_group must divide lanes: '%s'",
          m.c_str());
    m = timing_error(R"({"arch": "systolic"})");
    CHECK(m.find("unknown array 'systolic'") != std::string::npos, "unknown arch: '%s'", m.c_str());
    m = timing_error(R"({"buffers": {"weigth_bytes": 10}})");
    CHECK(m.find("weigth_bytes") != std::string::npos && m.find("unknown key") != std::string::npos,
          "typo: '%s'", m.c_str());
    m = timing_error(R"({"clock_hz": -5})");
    CHECK(!m.empty(), "negative clock accepted");
    m = timing_error("{ not json");
    CHECK(m.find("invalid JSON") != std::string::npos, "syntax error: '%s'", m.c_str());
    m = energy_error(R"({"sram_byte": {"pj": 1.0}})");
    CHECK(m.find("sram_byte") != std::string::npos, "energy value without a source: '%s'",
          m.c_str());
    m = energy_error(R"({"mac": {"16": {"pj": 1, "source": "x"}}})");
    CHECK(m.find("mac.16") != std::string::npos, "MAC width 16: '%s'", m.c_str());
    CHECK(energy_error(R"({"mac": {"2": {"pj": 0.5, "source": "test"}}})").empty(),
          "valid override");
    /* Issue 20: a wrong-typed value nested 60,000 deep is refused while parsing (it used to be
     * printed recursively in the message), and a bad value appears only as a short excerpt. */
    m = timing_error(R"({"clock_hz": )" + std::string(60000, '[') + std::string(60000, ']') + "}");
    CHECK(m.find("nested deeper than 64 levels") != std::string::npos && m.size() < 200,
          "deep nesting: '%.200s'", m.c_str());
    m = timing_error(R"({"clock_hz": ")" + std::string(5000, 'x') + R"("})");
    CHECK(m.find("clock_hz") != std::string::npos && m.find("...") != std::string::npos &&
              m.size() < 200,
          "long bad value: '%.200s'", m.c_str());
    return hqt::finish("test_accel_config");
}
