#include "mem/dram_params.h"

namespace hq {

static bool pow2(uint64_t v) {
    return v && !(v & (v - 1));
}
static unsigned log2u(uint64_t v) {
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

std::vector<DramMapField> DramParams::effective_map() const {
    if (!address_map.empty()) return address_map;
    /* today's map: a whole row, then the channel, then the bank (bank group = low bits) */
    std::vector<DramMapField> m;
    const unsigned col = log2u(row_bytes / burst_bytes());
    if (col) m.push_back({DramMapField::COLUMN, col});
    if (channels > 1) m.push_back({DramMapField::CHANNEL, log2u(channels)});
    if (bank_groups > 1) m.push_back({DramMapField::BANK_GROUP, log2u(bank_groups)});
    if (banks / bank_groups > 1) m.push_back({DramMapField::BANK, log2u(banks / bank_groups)});
    m.push_back({DramMapField::ROW, 0});
    return m;
}

std::string parse_dram_map_field(const std::string &text, DramMapField *out) {
    static const struct {
        const char *name;
        DramMapField::Kind kind;
    } kinds[] = {{"column", DramMapField::COLUMN},
                 {"bank_group", DramMapField::BANK_GROUP},
                 {"bank", DramMapField::BANK},
                 {"channel", DramMapField::CHANNEL},
                 {"row", DramMapField::ROW}};
    const size_t colon = text.find(':');
    const std::string name = text.substr(0, colon);
    for (const auto &k : kinds) {
        if (name != k.name) continue;
        out->kind = k.kind;
        out->bits = 0;
        if (k.kind == DramMapField::ROW)
            return colon == std::string::npos ? "" : "\"row\" takes no bit count";
        if (colon == std::string::npos)
            return "\"" + name + "\" needs a bit count, e.g. \"" + name + ":2\"";
        const std::string n = text.substr(colon + 1);
        if (n.empty() || n.size() > 2 || n.find_first_not_of("0123456789") != std::string::npos)
            return "bad bit count in \"" + text + "\"";
        out->bits = unsigned(std::stoul(n));
        if (out->bits == 0 || out->bits > 40)
            return "bit count in \"" + text + "\" must be in [1, 40]";
        return "";
    }
    return "unknown field \"" + name + "\" (column, bank_group, bank, channel, row)";
}

static std::string check_map(const DramParams &p) {
    unsigned got[5] = {0, 0, 0, 0, 0};
    const std::vector<DramMapField> m = p.effective_map();
    for (size_t i = 0; i < m.size(); i++) {
        if (m[i].kind == DramMapField::ROW) {
            if (i + 1 != m.size()) return "address_map: \"row\" must be the last (highest) field";
            got[DramMapField::ROW] = 1;
        } else {
            got[m[i].kind] += m[i].bits;
        }
    }
    if (!got[DramMapField::ROW]) return "address_map: needs \"row\" as its last field";
    const struct {
        DramMapField::Kind kind;
        const char *name;
        unsigned want;
    } need[] = {{DramMapField::COLUMN, "column", log2u(p.row_bytes / p.burst_bytes())},
                {DramMapField::BANK_GROUP, "bank_group", log2u(p.bank_groups)},
                {DramMapField::BANK, "bank", log2u(p.banks / p.bank_groups)},
                {DramMapField::CHANNEL, "channel", log2u(p.channels)}};
    for (const auto &n : need)
        if (got[n.kind] != n.want)
            return std::string("address_map: ") + n.name + " bits add up to " +
                   std::to_string(got[n.kind]) + ", the part needs " + std::to_string(n.want);
    return "";
}

std::string DramParams::validate() const {
    if (!(clock_hz >= 1e6 && clock_hz <= 10e9)) return "clock_hz must be in [1e6, 1e10]";
    if (bus_width_bits < 8 || bus_width_bits > 1024 || !pow2(bus_width_bits))
        return "bus_width_bits must be a power of two in [8, 1024]";
    if (!pow2(channels) || channels > 64) return "channels must be a power of two in [1, 64]";
    if (!pow2(banks) || banks > 256) return "banks must be a power of two in [1, 256]";
    if (!pow2(bank_groups) || bank_groups > banks)
        return "bank_groups must be a power of two, at most banks";
    if (burst_length < 2 || burst_length > 32 || !pow2(burst_length)) /* bursts split addresses */
        return "burst_length must be a power of two in [2, 32] (got " +
               std::to_string(burst_length) + ")";
    if (!pow2(row_bytes) || row_bytes < burst_bytes())
        return "row_bytes must be a power of two holding at least one burst";
    if (rows == 0) return "rows must be positive";
    if (tCL == 0 || tCWL == 0 || tRCD == 0 || tRP == 0 || tRAS == 0)
        return "tCL, tCWL, tRCD, tRP and tRAS must be positive";
    if (tCCD < burst_length / 2)
        return "tCCD must be at least burst_length / 2 (one burst on the data bus)";
    if (tCCD_L < tCCD) return "tCCD_L must be at least tCCD";
    if (tRRD_L < tRRD || tWTR_L < tWTR) return "tRRD_L and tWTR_L must be at least tRRD and tWTR";
    if (tCL > 1000 || tCWL > 1000 || tRCD > 1000 || tRP > 1000 || tRAS > 1000 || tWR > 1000 ||
        tRTP > 1000 || tCCD > 1000 || tCCD_L > 1000 || tRRD_L > 1000 || tFAW > 1000 ||
        tWTR_L > 1000 || tRTW > 1000 || tRFC > 10000 || tREFI > 1000000)
        return "timings must be at most 1000 cycles (tRFC 10000, tREFI 1000000)";
    if (tREFI && tRFC >= tREFI) return "tRFC must be shorter than tREFI";
    if (tREFI && !tRFC) return "tRFC must be positive when tREFI is set";
    if (queue_depth < 1 || queue_depth > (1u << 24)) return "queue_depth must be in [1, 2^24]";
    if (frontend_ck > 1000) return "frontend_ck must be at most 1000 cycles";
    if (energy_activate_nj < 0 || energy_read_nj < 0 || energy_write_nj < 0 ||
        energy_refresh_nj < 0 || power_active_mw < 0 || power_precharged_mw < 0)
        return "energies must not be negative";
    return check_map(*this);
}

} // namespace hq
