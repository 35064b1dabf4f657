#include "platform/dram_preset.h"

namespace hq {

void apply_dram_currents(DramParams &p, const DramCurrents &c)
{
    const double tck_ns = p.tck_s() * 1e9;
    const double tras = p.tRAS * tck_ns, trp = p.tRP * tck_ns, trc = tras + trp;
    const double burst_ns = p.burst_length / 2 * tck_ns;
    /* mA * ns * V = pJ */
    p.energy_activate_nj =
        c.devices * c.vdd * (c.idd0_ma * trc - c.idd3n_ma * tras - c.idd2n_ma * trp) * 1e-3;
    p.energy_read_nj = c.devices * c.vdd * (c.idd4r_ma - c.idd3n_ma) * burst_ns * 1e-3;
    p.energy_write_nj = c.devices * c.vdd * (c.idd4w_ma - c.idd3n_ma) * burst_ns * 1e-3;
}

uint64_t dram_capacity(const DramParams &p)
{
    return uint64_t(p.channels) * p.banks * p.rows * p.row_bytes;
}

DramParams read_dram_preset(const ConfigObject &o)
{
    o.allow_only({"part", "source", "notes", "clock_hz", "bus_width_bits", "channels", "banks",
                  "rows", "row_bytes", "burst_length", "tCL", "tCWL", "tRCD", "tRP", "tRAS",
                  "tWR", "tRTP", "tCCD", "power"});
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
    if (o.has("power")) {
        const ConfigObject pw = o.object("power");
        pw.allow_only({"source", "devices", "vdd", "idd0_ma", "idd2n_ma", "idd3n_ma",
                       "idd4r_ma", "idd4w_ma"});
        (void)pw.string("source");
        DramCurrents c;
        c.devices = unsigned(pw.u64("devices", 1, 64));
        c.vdd = pw.number("vdd", 0.5, 3.0);
        c.idd0_ma = pw.number("idd0_ma", 0, 10000);
        c.idd2n_ma = pw.number("idd2n_ma", 0, 10000);
        c.idd3n_ma = pw.number("idd3n_ma", 0, 10000);
        c.idd4r_ma = pw.number("idd4r_ma", 0, 10000);
        c.idd4w_ma = pw.number("idd4w_ma", 0, 10000);
        if (c.idd4r_ma < c.idd3n_ma || c.idd4w_ma < c.idd3n_ma || c.idd0_ma < c.idd3n_ma)
            pw.fail(nullptr, "IDD0, IDD4R and IDD4W must be at least IDD3N");
        apply_dram_currents(p, c);
        if (p.energy_activate_nj < 0)
            pw.fail("idd0_ma", "gives a negative activate energy (IDD0 too small for the "
                               "background currents)");
    }
    const std::string err = p.validate();
    if (!err.empty())
        o.fail(nullptr, err);
    return p;
}

DramParams load_dram_preset_file(const std::string &path)
{
    const nlohmann::json doc = load_json_file(path);
    return read_dram_preset(ConfigObject(doc, path, ""));
}

} // namespace hq
