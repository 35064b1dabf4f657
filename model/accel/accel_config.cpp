#include "accel/accel_config.h"

#include "platform/config_reader.h"

namespace hq::accel {

const char *arch_name(Arch a) {
    switch (a) {
    case Arch::Uniform8: return "uniform8";
    case Arch::Split: return "split";
    case Arch::LaneGroup: return "lanegroup";
    }
    return "?";
}

bool parse_arch(const std::string &s, Arch *a) {
    for (Arch x : {Arch::Uniform8, Arch::Split, Arch::LaneGroup})
        if (s == arch_name(x)) {
            *a = x;
            return true;
        }
    return false;
}

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

const char *layout_name(unsigned layout) {
    static const char *names[kLayoutCount] = {"dense", "coo", "block", "rowgroup", "escape"};
    return layout < kLayoutCount ? names[layout] : "?";
}

uint32_t AccelConfig::supported_layouts() const {
    /* uniform8 has no decompressor for the heterogeneous layouts: it multiplies dense
     * int8 (or low-only) weights. The heterogeneous arrays take every layout; a dense int8
     * layer (e.g. a uniform8 first/last layer) runs with every weight on the outlier path. */
    if (arch == Arch::Uniform8) return 1u << HQ_ACCEL_LAYOUT_DENSE;
    return (1u << kLayoutCount) - 1;
}

void load_timing_config(const std::string &path, AccelConfig *cfg) {
    nlohmann::json j = load_json_file(path);
    ConfigObject top(j, path, "");
    top.allow_only({"comment", "source", "arch", "clock_hz", "array", "buffers", "decompressor",
                    "output", "descriptor"});
    if (top.has("arch")) {
        std::string a = top.string("arch");
        if (!parse_arch(a, &cfg->arch))
            top.fail("arch", "unknown array '" + a + "' (uniform8, split, lanegroup)");
    }
    cfg->clock_hz = top.number_or("clock_hz", cfg->clock_hz, 1e6, 10e9);
    ConfigObject arr = top.object_or_empty("array");
    arr.allow_only({"comment", "pe_tiles", "rows_per_tile", "lanes", "lane_group", "hi_macs",
                    "nb_max", "tile_overhead", "pipeline_latency"});
    cfg->pe_tiles = (unsigned)arr.u64_or("pe_tiles", cfg->pe_tiles, 1, 255);
    cfg->rows_per_tile = (unsigned)arr.u64_or("rows_per_tile", cfg->rows_per_tile, 1, 255);
    if (cfg->tile_rows() > 255)
        arr.fail("rows_per_tile", "pe_tiles * rows_per_tile must be at most 255");
    cfg->lanes = (unsigned)arr.u64_or("lanes", cfg->lanes, 8, 2040);
    if (cfg->lanes % 8) arr.fail("lanes", "must be a multiple of 8");
    cfg->lane_group = (unsigned)arr.u64_or("lane_group", cfg->lane_group, 1, 255);
    if (cfg->lanes % cfg->lane_group) arr.fail("lane_group", "must divide lanes");
    cfg->hi_macs = (unsigned)arr.u64_or("hi_macs", cfg->hi_macs, 1, 4096);
    cfg->nb_max = (unsigned)arr.u64_or("nb_max", cfg->nb_max, 1, 4096);
    cfg->tile_overhead = (unsigned)arr.u64_or("tile_overhead", cfg->tile_overhead, 0, 1000);
    cfg->pipeline_latency =
        (unsigned)arr.u64_or("pipeline_latency", cfg->pipeline_latency, 0, 1000);
    if (cfg->pipeline_latency < cfg->tile_overhead)
        arr.fail("pipeline_latency", "must be at least tile_overhead");
    ConfigObject buf = top.object_or_empty("buffers");
    buf.allow_only({"comment", "weight_bytes", "act_bytes", "out_bytes", "double_buffer"});
    cfg->weight_buffer = (uint32_t)buf.u64_or("weight_bytes", cfg->weight_buffer, 64, 1u << 30);
    cfg->act_buffer = (uint32_t)buf.u64_or("act_bytes", cfg->act_buffer, 64, 1u << 30);
    cfg->out_buffer = (uint32_t)buf.u64_or("out_bytes", cfg->out_buffer, 64, 1u << 30);
    cfg->double_buffer = buf.boolean_or("double_buffer", cfg->double_buffer);
    ConfigObject dec = top.object_or_empty("decompressor");
    dec.allow_only({"comment", "dense", "coo", "block", "rowgroup", "escape"});
    for (unsigned l = 0; l < kLayoutCount; l++)
        cfg->dec_weights_per_cycle[l] =
            dec.number_or(layout_name(l), cfg->dec_weights_per_cycle[l], 0.01, 4096);
    ConfigObject out = top.object_or_empty("output");
    out.allow_only({"comment", "results_per_cycle"});
    cfg->out_per_cycle = (unsigned)out.u64_or("results_per_cycle", cfg->out_per_cycle, 1, 4096);
    ConfigObject d = top.object_or_empty("descriptor");
    d.allow_only({"comment", "fetch_cycles"});
    cfg->desc_fetch_cycles = (unsigned)d.u64_or("fetch_cycles", cfg->desc_fetch_cycles, 0, 10000);
}

static double energy_value(const ConfigObject &o, const char *key, double dflt) {
    /* Each entry is {"pj": value, "source": "..."}; the source is required so that every
     * number in the table says where it comes from. */
    if (!o.has(key)) return dflt;
    ConfigObject e = o.object(key);
    e.allow_only({"pj", "bytes", "source", "note"});
    if (e.string("source").empty())
        e.fail("source", "must name the publication the value comes from");
    return e.number("pj", 0, 1e6);
}

void load_energy_table(const std::string &path, EnergyTable *t) {
    nlohmann::json j = load_json_file(path);
    ConfigObject top(j, path, "");
    top.allow_only({"comment", "mac", "sram_byte", "dram_byte", "dram_activate", "decoder_symbol"});
    ConfigObject mac = top.object_or_empty("mac");
    static const char *bits[9] = {"", "1", "2", "3", "4", "5", "6", "7", "8"};
    for (auto it = mac.json().begin(); it != mac.json().end(); ++it) {
        bool ok = false;
        for (int b = 1; b <= 8; b++)
            ok = ok || it.key() == bits[b];
        if (!ok && it.key() != "comment")
            mac.fail(it.key().c_str(), "MAC energies are keyed by weight bits \"1\"..\"8\"");
    }
    for (int b = 1; b <= 8; b++)
        t->mac_pj[b] = energy_value(mac, bits[b], t->mac_pj[b]);
    t->sram_byte_pj = energy_value(top, "sram_byte", t->sram_byte_pj);
    t->dram_byte_pj = energy_value(top, "dram_byte", t->dram_byte_pj);
    t->dram_activate_pj = energy_value(top, "dram_activate", t->dram_activate_pj);
    if (top.has("dram_activate"))
        t->dram_row_bytes =
            (uint32_t)top.object("dram_activate").u64_or("bytes", t->dram_row_bytes, 64, 1 << 20);
    t->decoder_symbol_pj = energy_value(top, "decoder_symbol", t->decoder_symbol_pj);
}

} // namespace hq::accel
