#include "accel/accel_config.h"
#include "accel/array_registry.h"

#include "hq_default_configs.h"
#include "platform/config_reader.h"

namespace hq::accel {

const char *pe_impl_name(PeImpl p) {
    return p == PeImpl::Rtl ? "rtl" : "model";
}

bool parse_pe_impl(const std::string &s, PeImpl *p) {
    for (PeImpl x : {PeImpl::Model, PeImpl::Rtl})
        if (s == pe_impl_name(x)) {
            *p = x;
            return true;
        }
    return false;
}

namespace {

/* Reads keys of one config object into values that already hold the defaults. For the
 * built-in default (`complete`) every key must be present: it is the only source of the
 * defaults, so a key missing there would leave a value that no file names. */
struct Keys {
    ConfigObject o;
    bool complete;
    void need(const char *key) const {
        if (complete && !o.has(key))
            o.fail(key, "missing: the built-in default must give every key");
    }
    template <class T> void u(const char *key, T *v, uint64_t min, uint64_t max) const {
        need(key);
        *v = (T)o.u64_or(key, *v, min, max);
    }
    void num(const char *key, double *v, double min, double max) const {
        need(key);
        *v = o.number_or(key, *v, min, max);
    }
    void flag(const char *key, bool *v) const {
        need(key);
        *v = o.boolean_or(key, *v);
    }
    Keys sub(const char *key) const {
        need(key);
        return Keys{o.object_or_empty(key), complete};
    }
};

void apply_timing(const nlohmann::json &j, const std::string &file, bool complete,
                  AccelConfig *cfg) {
    const Keys top{ConfigObject(j, file, ""), complete};
    top.o.allow_only({"comment", "source", "arch", "clock_hz", "array", "buffers", "decompressor",
                      "output", "descriptor", "row_params", "stream"});
    top.need("arch");
    if (top.o.has("arch")) {
        std::string a = top.o.string("arch");
        if (!parse_arch(a, &cfg->arch))
            top.o.fail("arch", "unknown array '" + a + "' (" + array_kind_names(", ", ", ") + ")");
    }
    top.num("clock_hz", &cfg->clock_hz, 1e6, 10e9);
    const Keys arr = top.sub("array");
    arr.o.allow_only({"comment", "pe_tiles", "rows_per_tile", "lanes", "lane_group", "hi_macs",
                      "nb_max", "tile_overhead", "pipeline_latency"});
    arr.u("pe_tiles", &cfg->pe_tiles, 1, 255);
    arr.u("rows_per_tile", &cfg->rows_per_tile, 1, 255);
    if (cfg->tile_rows() > 255)
        arr.o.fail("rows_per_tile", "pe_tiles * rows_per_tile must be at most 255");
    arr.u("lanes", &cfg->lanes, 8, 2040);
    if (cfg->lanes % 8) arr.o.fail("lanes", "must be a multiple of 8");
    arr.u("lane_group", &cfg->lane_group, 1, 255);
    if (cfg->lanes % cfg->lane_group) arr.o.fail("lane_group", "must divide lanes");
    arr.u("hi_macs", &cfg->hi_macs, 1, 4096);
    arr.u("nb_max", &cfg->nb_max, 1, 4096);
    arr.u("tile_overhead", &cfg->tile_overhead, 0, 1000);
    arr.u("pipeline_latency", &cfg->pipeline_latency, 0, 1000);
    if (cfg->pipeline_latency < cfg->tile_overhead)
        arr.o.fail("pipeline_latency", "must be at least tile_overhead");
    const Keys buf = top.sub("buffers");
    buf.o.allow_only({"comment", "weight_bytes", "act_bytes", "out_bytes", "double_buffer",
                      "weight_store_beats"});
    buf.u("weight_bytes", &cfg->weight_buffer, 64, 1u << 30);
    buf.u("act_bytes", &cfg->act_buffer, 64, 1u << 30);
    buf.u("out_bytes", &cfg->out_buffer, 64, 1u << 30);
    buf.flag("double_buffer", &cfg->double_buffer);
    buf.u("weight_store_beats", &cfg->weight_store_beats, 0, 1u << 30);
    const Keys dec = top.sub("decompressor");
    /* keys: the registered layouts' rate keys (layout_registry.h) */
    std::string keys = "comment";
    for (unsigned l = 0; l < kLayoutCount; l++)
        if (layout_rate_slot(l) == l) keys += std::string(", ") + find_layout_decoder(l)->rate_key;
    keys += ", block_rule";
    for (auto it = dec.o.json().begin(); it != dec.o.json().end(); ++it) {
        bool ok = it.key() == "comment" || it.key() == "block_rule";
        for (unsigned l = 0; l < kLayoutCount; l++)
            ok = ok || it.key() == find_layout_decoder(l)->rate_key;
        if (!ok) dec.o.fail(it.key().c_str(), "unknown key (allowed: " + keys + ")");
    }
    for (unsigned l = 0; l < kLayoutCount; l++)
        if (layout_rate_slot(l) == l)
            dec.num(find_layout_decoder(l)->rate_key, &cfg->dec_weights_per_cycle[l], 0.01, 4096);
    const Keys br = dec.sub("block_rule");
    br.o.allow_only({"comment", "take_bits", "gearbox_n", "gearbox_m", "gearbox_lo", "gearbox_hi"});
    br.u("take_bits", &cfg->block_rule.take_bits, 0, 4096);
    br.u("gearbox_n", &cfg->block_rule.gearbox_n, 0, 255);
    br.u("gearbox_m", &cfg->block_rule.gearbox_m, 0, 255);
    br.u("gearbox_lo", &cfg->block_rule.gearbox_lo, 0, 8);
    br.u("gearbox_hi", &cfg->block_rule.gearbox_hi, 0, 8);
    const Keys out = top.sub("output");
    out.o.allow_only({"comment", "results_per_cycle"});
    out.u("results_per_cycle", &cfg->out_per_cycle, 1, 4096);
    const Keys d = top.sub("descriptor");
    d.o.allow_only({"comment", "fetch_cycles"});
    d.u("fetch_cycles", &cfg->desc_fetch_cycles, 0, 10000);
    const Keys rp = top.sub("row_params");
    rp.o.allow_only({"comment", "cycles_per_row", "tail_cycles_per_row"});
    rp.num("cycles_per_row", &cfg->param_cycles_per_row, 0, 10000);
    rp.num("tail_cycles_per_row", &cfg->param_tail_cycles_per_row, 0, 10000);
    const Keys sm = top.sub("stream");
    sm.o.allow_only({"comment", "enabled", "row_cycles", "int32_row_cycles", "image_cycles",
                     "position_cycles", "im2col_bytes_per_cycle", "vector_cycles",
                     "transfer_cycles", "transfer_tail_cycles", "word_tail_cycles_per_byte",
                     "write_byte_cycles", "read_beat_bytes"});
    sm.flag("enabled", &cfg->stream);
    sm.num("row_cycles", &cfg->stream_row_cycles, 0, 10000);
    sm.num("int32_row_cycles", &cfg->stream_int32_row_cycles, 0, 10000);
    sm.num("image_cycles", &cfg->stream_image_cycles, 0, 1e6);
    sm.num("position_cycles", &cfg->stream_position_cycles, 0, 10000);
    sm.num("im2col_bytes_per_cycle", &cfg->im2col_bytes_per_cycle, 0.01, 4096);
    sm.num("vector_cycles", &cfg->stream_vector_cycles, 0, 10000);
    sm.u("transfer_cycles", &cfg->stream_transfer_cycles, 0, 10000);
    sm.u("transfer_tail_cycles", &cfg->stream_transfer_tail_cycles, 0, 10000);
    sm.num("word_tail_cycles_per_byte", &cfg->stream_word_tail_cycles_per_byte, 0, 10000);
    sm.num("write_byte_cycles", &cfg->stream_write_byte_cycles, 0, 10000);
    sm.u("read_beat_bytes", &cfg->stream_read_beat_bytes, 0, 4096);
}

/* Each entry is {"pj": value, "source": "..."}; the source is required so that every number in
 * the table says where it comes from. */
void energy_value(const Keys &k, const char *key, double *v) {
    k.need(key);
    if (!k.o.has(key)) return;
    ConfigObject e = k.o.object(key);
    e.allow_only({"pj", "bytes", "source", "note"});
    if (e.string("source").empty())
        e.fail("source", "must name the publication the value comes from");
    *v = e.number("pj", 0, 1e6);
}

void apply_energy(const nlohmann::json &j, const std::string &file, bool complete, EnergyTable *t) {
    const Keys top{ConfigObject(j, file, ""), complete};
    top.o.allow_only(
        {"comment", "mac", "sram_byte", "dram_byte", "dram_activate", "decoder_symbol"});
    const Keys mac = top.sub("mac");
    static const char *bits[9] = {"", "1", "2", "3", "4", "5", "6", "7", "8"};
    for (auto it = mac.o.json().begin(); it != mac.o.json().end(); ++it) {
        bool ok = false;
        for (int b = 1; b <= 8; b++)
            ok = ok || it.key() == bits[b];
        if (!ok && it.key() != "comment")
            mac.o.fail(it.key().c_str(), "MAC energies are keyed by weight bits \"1\"..\"8\"");
    }
    /* The built-in table must price every width a descriptor may carry (docs/regmap.md:
     * LO_BITS 1..4, HI_BITS 4 or 8); 5..7 bits are optional. */
    for (int b = 1; b <= 8; b++)
        energy_value(Keys{mac.o, complete && (b <= 4 || b == 8)}, bits[b], &t->mac_pj[b]);
    energy_value(top, "sram_byte", &t->sram_byte_pj);
    energy_value(top, "dram_byte", &t->dram_byte_pj);
    energy_value(top, "dram_activate", &t->dram_activate_pj);
    if (top.o.has("dram_activate")) {
        const Keys act{top.o.object("dram_activate"), complete};
        act.u("bytes", &t->dram_row_bytes, 64, 1 << 20);
    }
    energy_value(top, "decoder_symbol", &t->decoder_symbol_pj);
}

/* The embedded defaults, named as their source files in error messages (they can only fail
 * in a broken build; test_accel_config_defaults checks them). */
constexpr const char *kBuiltInTiming = "configs/timing/default.json (built in)";
constexpr const char *kBuiltInEnergy = "configs/energy/default.json (built in)";

nlohmann::json parse_built_in(const char *text, const char *name) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw ConfigError(std::string(name) + ": invalid JSON: " + e.what());
    }
}

} // namespace

const AccelConfig &built_in_timing() {
    static AccelConfig c{AccelConfig::Blank{}};
    static const bool loaded =
        (apply_timing(parse_built_in(kDefaultTimingJson, kBuiltInTiming), kBuiltInTiming, true, &c),
         true);
    (void)loaded;
    return c;
}

const EnergyTable &built_in_energy() {
    static EnergyTable e{EnergyTable::Blank{}};
    static const bool loaded =
        (apply_energy(parse_built_in(kDefaultEnergyJson, kBuiltInEnergy), kBuiltInEnergy, true, &e),
         true);
    (void)loaded;
    return e;
}

AccelConfig::AccelConfig() {
    *this = built_in_timing();
}

EnergyTable::EnergyTable() {
    *this = built_in_energy();
}

void load_timing_config(const std::string &path, AccelConfig *cfg) {
    apply_timing(load_json_file(path), path, false, cfg);
}

void load_energy_table(const std::string &path, EnergyTable *t) {
    apply_energy(load_json_file(path), path, false, t);
}

} // namespace hq::accel
