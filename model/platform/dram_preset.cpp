#include "platform/dram_preset.h"

namespace hq {

void apply_dram_currents(DramParams &p, const DramCurrents &c) {
    const double tck_ns = p.tck_s() * 1e9;
    const double tras = p.tRAS * tck_ns, trp = p.tRP * tck_ns, trc = tras + trp;
    const double burst_ns = p.burst_length / 2 * tck_ns;
    /* mA * ns * V = pJ */
    p.energy_activate_nj =
        c.devices * c.vdd * (c.idd0_ma * trc - c.idd3n_ma * tras - c.idd2n_ma * trp) * 1e-3;
    p.energy_read_nj = c.devices * c.vdd * (c.idd4r_ma - c.idd3n_ma) * burst_ns * 1e-3;
    p.energy_write_nj = c.devices * c.vdd * (c.idd4w_ma - c.idd3n_ma) * burst_ns * 1e-3;
    p.energy_refresh_nj = c.devices * c.vdd * (c.idd5_ma - c.idd3n_ma) * p.tRFC * tck_ns * 1e-3;
    p.power_active_mw = c.devices * c.vdd * c.idd3n_ma;
    p.power_precharged_mw = c.devices * c.vdd * c.idd2n_ma;
}

/* "controller": queue, scheduler, page policy and the name of one of "address_maps". */
static void read_controller(const ConfigObject &o, DramParams &p) {
    if (o.has("address_maps")) {
        const ConfigObject maps = o.object("address_maps");
        for (auto it = maps.json().begin(); it != maps.json().end(); ++it)
            if (!it.value().is_array())
                maps.fail(it.key().c_str(), "must be a list of fields such as \"column:7\"");
    }
    if (!o.has("controller")) return;
    const ConfigObject c = o.object("controller");
    c.allow_only({"source", "queue_depth", "frontend_ck", "scheduler", "page_policy", "admission",
                  "address_map"});
    (void)c.string("source");
    p.queue_depth = unsigned(c.u64_or("queue_depth", p.queue_depth, 1, 1024));
    p.frontend_ck = unsigned(c.u64_or("frontend_ck", p.frontend_ck, 0, 1000));
    const std::string sched = c.string_or("scheduler", "fr-fcfs");
    if (sched == "fr-fcfs")
        p.scheduler = DramScheduler::FR_FCFS;
    else if (sched == "fcfs")
        p.scheduler = DramScheduler::FCFS;
    else
        c.fail("scheduler", "must be \"fr-fcfs\" or \"fcfs\", not \"" + sched + "\"");
    const std::string page = c.string_or("page_policy", "open");
    if (page == "open")
        p.page_policy = DramPagePolicy::OPEN;
    else if (page == "closed")
        p.page_policy = DramPagePolicy::CLOSED;
    else
        c.fail("page_policy", "must be \"open\" or \"closed\", not \"" + page + "\"");
    const std::string adm = c.string_or("admission", "own_bank");
    if (adm == "own_bank")
        p.admission = DramAdmission::OWN_BANK;
    else if (adm == "previous_bank")
        p.admission = DramAdmission::PREVIOUS_BANK;
    else
        c.fail("admission", "must be \"own_bank\" or \"previous_bank\", not \"" + adm + "\"");
    if (c.has("address_map")) select_dram_address_map(o, c.string("address_map"), p);
}

void select_dram_address_map(const ConfigObject &preset, const std::string &name, DramParams &p) {
    p.address_map_name = name;
    p.address_map.clear();
    if (name == "row_bank_column") /* built in: today's map, whole row per bank */
        return;
    const ConfigObject maps = preset.object_or_empty("address_maps");
    if (!maps.has(name.c_str())) {
        std::string known = "row_bank_column";
        for (auto it = maps.json().begin(); it != maps.json().end(); ++it)
            known += ", " + it.key();
        preset.fail("controller",
                    "address map \"" + name + "\" is not defined (known: " + known + ")");
    }
    const nlohmann::json &fields = maps.array(name.c_str());
    for (const nlohmann::json &f : fields) {
        DramMapField field;
        const std::string err = f.is_string() ? parse_dram_map_field(f.get<std::string>(), &field)
                                              : std::string("fields must be strings");
        if (!err.empty()) maps.fail(name.c_str(), err);
        p.address_map.push_back(field);
    }
}

uint64_t dram_capacity(const DramParams &p) {
    return uint64_t(p.channels) * p.banks * p.rows * p.row_bytes;
}

DramParams read_dram_preset(const ConfigObject &o) {
    o.allow_only({"part",        "source", "notes",  "clock_hz",  "bus_width_bits",
                  "channels",    "banks",  "rows",   "row_bytes", "burst_length",
                  "tCL",         "tCWL",   "tRCD",   "tRP",       "tRAS",
                  "tWR",         "tRTP",   "tCCD",   "power",     "bank_groups",
                  "tCCD_L",      "tRRD",   "tRRD_L", "tFAW",      "tWTR",
                  "tWTR_L",      "tRTW",   "tREFI",  "tRFC",      "controller",
                  "address_maps"});
    DramParams p;
    p.part = o.string("part");
    (void)o.string("source"); /* required: where the figures come from */
    p.clock_hz = o.number("clock_hz", 1e6, 1e10);
    p.bus_width_bits = unsigned(o.u64("bus_width_bits", 8, 1024));
    p.channels = unsigned(o.u64_or("channels", 1, 1, 64));
    p.banks = unsigned(o.u64("banks", 1, 256));
    p.rows = o.u64("rows", 1, UINT64_C(1) << 24);
    p.row_bytes = o.u64("row_bytes", 8, UINT64_C(1) << 20);
    p.burst_length = unsigned(o.u64("burst_length", 2, 32));
    p.tCL = unsigned(o.u64("tCL", 1, 1000));
    p.tCWL = unsigned(o.u64("tCWL", 1, 1000));
    p.tRCD = unsigned(o.u64("tRCD", 1, 1000));
    p.tRP = unsigned(o.u64("tRP", 1, 1000));
    p.tRAS = unsigned(o.u64("tRAS", 1, 1000));
    p.tWR = unsigned(o.u64("tWR", 0, 1000));
    p.tRTP = unsigned(o.u64("tRTP", 1, 1000));
    p.tCCD = unsigned(o.u64("tCCD", 1, 1000));
    /* optional: a preset without them leaves the mechanism out (0 = no such rule) */
    p.bank_groups = unsigned(o.u64_or("bank_groups", 1, 1, 256));
    p.tCCD_L = unsigned(o.u64_or("tCCD_L", p.tCCD, 1, 1000));
    p.tRRD = unsigned(o.u64_or("tRRD", 0, 0, 1000));
    p.tRRD_L = unsigned(o.u64_or("tRRD_L", p.tRRD, 0, 1000));
    p.tFAW = unsigned(o.u64_or("tFAW", 0, 0, 1000));
    p.tWTR = unsigned(o.u64_or("tWTR", 0, 0, 1000));
    p.tWTR_L = unsigned(o.u64_or("tWTR_L", p.tWTR, 0, 1000));
    p.tRTW = unsigned(o.u64_or("tRTW", 0, 0, 1000));
    p.tREFI = unsigned(o.u64_or("tREFI", 0, 0, 1000000));
    p.tRFC = unsigned(o.u64_or("tRFC", 0, 0, 10000));
    read_controller(o, p);
    if (o.has("power")) {
        const ConfigObject pw = o.object("power");
        pw.allow_only({"source", "devices", "vdd", "idd0_ma", "idd2n_ma", "idd3n_ma", "idd4r_ma",
                       "idd4w_ma", "idd5_ma"});
        (void)pw.string("source");
        DramCurrents c;
        c.devices = unsigned(pw.u64("devices", 1, 64));
        c.vdd = pw.number("vdd", 0.5, 3.0);
        c.idd0_ma = pw.number("idd0_ma", 0, 10000);
        c.idd2n_ma = pw.number("idd2n_ma", 0, 10000);
        c.idd3n_ma = pw.number("idd3n_ma", 0, 10000);
        c.idd4r_ma = pw.number("idd4r_ma", 0, 10000);
        c.idd4w_ma = pw.number("idd4w_ma", 0, 10000);
        c.idd5_ma = pw.number_or("idd5_ma", c.idd3n_ma, 0, 10000);
        if (c.idd4r_ma < c.idd3n_ma || c.idd4w_ma < c.idd3n_ma || c.idd0_ma < c.idd3n_ma ||
            c.idd5_ma < c.idd3n_ma)
            pw.fail(nullptr, "IDD0, IDD4R, IDD4W and IDD5 must be at least IDD3N");
        apply_dram_currents(p, c);
        if (p.energy_activate_nj < 0)
            pw.fail("idd0_ma", "gives a negative activate energy (IDD0 too small for the "
                               "background currents)");
    }
    const std::string err = p.validate();
    if (!err.empty()) o.fail(nullptr, err);
    return p;
}

DramParams load_dram_preset_file(const std::string &path) {
    const nlohmann::json doc = load_json_file(path);
    return read_dram_preset(ConfigObject(doc, path, ""));
}

} // namespace hq
