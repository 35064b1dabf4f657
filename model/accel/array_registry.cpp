/* The table of PE-array registrations, keyed by the regmap's ARCH_* ids. */
#include "accel/array_registry.h"
#include "accel/pe_array.h"
#include "rtl_bridge/rtl_pe_array.h"

#include <stdexcept>

namespace hq::accel {

namespace {

constexpr unsigned kIds[] = {
#define HQ_ACCEL_ARCH_ID_(NAME, VALUE) VALUE,
    HQ_ACCEL_ARCH_LIST(HQ_ACCEL_ARCH_ID_)
#undef HQ_ACCEL_ARCH_ID_
};
constexpr bool ids_dense() {
    for (unsigned i = 0; i < kArrayKindCount; i++)
        if (kIds[i] != i) return false;
    return true;
}
static_assert(sizeof kIds / sizeof kIds[0] == kArrayKindCount && ids_dense(),
              "ARCH_* ids of the regmap must be 0..ARCH_COUNT-1 in order");
static_assert((unsigned)Arch::Uniform8 == HQ_ACCEL_ARCH_UNIFORM8 &&
                  (unsigned)Arch::Split == HQ_ACCEL_ARCH_SPLIT &&
                  (unsigned)Arch::LaneGroup == HQ_ACCEL_ARCH_LANEGROUP,
              "Arch differs from the regmap's ARCH_*");

const ArrayKind *const kTable[] = {
#define HQ_ACCEL_ARCH_SLOT_(NAME, VALUE) &kArrayKind_##NAME,
    HQ_ACCEL_ARCH_LIST(HQ_ACCEL_ARCH_SLOT_)
#undef HQ_ACCEL_ARCH_SLOT_
};

} // namespace

const ArrayKind *find_array_kind(unsigned id) {
    return id < kArrayKindCount ? kTable[id] : nullptr;
}

const char *arch_name(Arch a) {
    const ArrayKind *k = find_array_kind((unsigned)a);
    return k ? k->name : "?";
}

bool parse_arch(const std::string &s, Arch *a) {
    for (const ArrayKind *k : kTable)
        if (s == k->name) {
            *a = k->id;
            return true;
        }
    return false;
}

std::string array_kind_names(const char *sep, const char *last_sep) {
    std::string s;
    for (unsigned i = 0; i < kArrayKindCount; i++)
        s += std::string(i == 0 ? "" : i + 1 == kArrayKindCount ? last_sep : sep) + kTable[i]->name;
    return s;
}

uint32_t AccelConfig::supported_layouts() const {
    const ArrayKind *k = find_array_kind((unsigned)arch);
    if (k && k->all_layouts) return (1u << kLayoutCount) - 1;
    return 1u << HQ_ACCEL_LAYOUT_DENSE;
}

std::unique_ptr<PeArray> make_pe_array(const AccelConfig &cfg) {
    const ArrayKind *k = find_array_kind((unsigned)cfg.arch);
    if (!k) throw std::runtime_error("array id " + std::to_string((unsigned)cfg.arch) + " unknown");
    return cfg.pe_impl == PeImpl::Rtl && k->make_rtl ? k->make_rtl(cfg) : k->make(cfg);
}

} // namespace hq::accel
