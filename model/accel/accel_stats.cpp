/* The accumulation and the JSON/CSV writers of LayerStats, generated from its field table
 * (accel_stats.h, HQ_LAYER_STATS_FIELDS). */
#include "accel/accel_stats.h"

#include <nlohmann/json.hpp>

namespace hq::accel {

namespace {

enum Merge { Keep, Sum, Busy };

/* printf arguments: 64-bit counters as unsigned long long (the "%llu" columns). */
template <class T> T csv_arg(T v) {
    return v;
}
unsigned long long csv_arg(uint64_t v) {
    return (unsigned long long)v;
}

/* ",value" in the table's format (a format of the table, never of the data). */
template <class T> void put(std::FILE *f, const char *fmt, T v) {
    std::fputc(',', f);
    std::fprintf(f, fmt, v);
}

void put_name(std::FILE *f, const char *csv) {
    if (csv) std::fprintf(f, ",%s", csv);
}

template <class T> void merge(Merge m, T &a, const T &b, double busy_a, double busy_b) {
    if constexpr (std::is_same_v<T, double>) {
        if (m == Busy) {
            if (busy_a + busy_b > 0) a = (a * busy_a + b * busy_b) / (busy_a + busy_b);
            return;
        }
    }
    if constexpr (!std::is_same_v<T, bool>)
        if (m == Sum) a += b;
}

void set(nlohmann::json &j, const char *group, const char *key, const nlohmann::json &v) {
    if (group)
        j[group][key] = v;
    else
        j[key] = v;
}

} // namespace

void accumulate(LayerStats &a, const LayerStats &b) {
    /* the busy weights are the invocations' own, before a's counters grow */
    const double busy_a = double(a.compute + a.stall_outlier),
                 busy_b = double(b.compute + b.stall_outlier);
#define HQ_LAYER_STATS_MERGE_(type, member, how, csv, group, key, fmt)                             \
    merge<type>(how, a.member, b.member, busy_a, busy_b);
    HQ_LAYER_STATS_FIELDS(HQ_LAYER_STATS_MERGE_)
#undef HQ_LAYER_STATS_MERGE_
}

void layer_stats_to_json(const LayerStats &s, nlohmann::json &j) {
#define HQ_LAYER_STATS_JSON_(type, member, how, csv, group, key, fmt)                              \
    if (key) set(j, group, key, s.member);
    HQ_LAYER_STATS_FIELDS(HQ_LAYER_STATS_JSON_)
#undef HQ_LAYER_STATS_JSON_
#define HQ_LAYER_STATS_DERIVED_JSON_(key, expr) j[key] = expr;
    HQ_LAYER_STATS_DERIVED(HQ_LAYER_STATS_DERIVED_JSON_)
#undef HQ_LAYER_STATS_DERIVED_JSON_
}

void layer_stats_csv_header(std::FILE *f) {
#define HQ_LAYER_STATS_CSV_NAME_(type, member, how, csv, group, key, fmt) put_name(f, csv);
    HQ_LAYER_STATS_FIELDS(HQ_LAYER_STATS_CSV_NAME_)
#undef HQ_LAYER_STATS_CSV_NAME_
}

void layer_stats_csv_row(std::FILE *f, const LayerStats &s) {
#define HQ_LAYER_STATS_CSV_VALUE_(type, member, how, csv, group, key, fmt)                         \
    if (csv) put(f, fmt, csv_arg(s.member));
    HQ_LAYER_STATS_FIELDS(HQ_LAYER_STATS_CSV_VALUE_)
#undef HQ_LAYER_STATS_CSV_VALUE_
}

void LayerTotals::add(const LayerStats &s) {
    const size_t li = (s.desc_addr - table_) / desc_bytes_;
    if (li >= rows_.size()) return; /* not a descriptor of the table */
    Row &r = rows_[li];
    if (!r.invocations) {
        r.sum = s;
        r.sum.index = (unsigned)li;
    } else {
        accumulate(r.sum, s);
    }
    r.invocations++;
    cycles += s.cycles;
    dram_bytes += s.dram_read + s.dram_written;
    weight_bytes += s.weight_bytes;
    energy_pj += s.energy_pj;
}

} // namespace hq::accel
