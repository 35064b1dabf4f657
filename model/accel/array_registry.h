/* The PE-array registry: one registration per ARCH_* id of configs/accel/regmap.json (name,
 * factory, the layouts it takes, and its RTL-tile variant if it has one). The row-cost rule
 * and the energy and utilization hooks are methods of the array class (pe_array.h). Each
 * array's own file defines its kArrayKind_<NAME>; the table is generated from the regmap's
 * list, so a kind without a registration does not link. Users' lists of array names (--arch
 * help and errors, config errors) come from here. */
#ifndef HQ_ACCEL_ARRAY_REGISTRY_H
#define HQ_ACCEL_ARRAY_REGISTRY_H

#include "accel/accel_config.h"

#include <memory>
#include <string>

namespace hq::accel {

class PeArray;

struct ArrayKind {
    Arch id;          /* ARCH_* */
    const char *name; /* the regmap name in lower case: --arch, "arch" in configs */
    bool all_layouts; /* takes every layout; false: dense only (no decompressor) */
    std::unique_ptr<PeArray> (*make)(const AccelConfig &cfg);
    /* --pe-impl rtl: the variant whose compute runs on the Verilated RTL tile, or nullptr
     * (then the model array is made and rtl_pe_select refuses the configuration). */
    std::unique_ptr<PeArray> (*make_rtl)(const AccelConfig &cfg);
};

#define HQ_ACCEL_ARRAY_KIND_DECL_(NAME, VALUE) extern const ArrayKind kArrayKind_##NAME;
HQ_ACCEL_ARCH_LIST(HQ_ACCEL_ARRAY_KIND_DECL_)
#undef HQ_ACCEL_ARRAY_KIND_DECL_

constexpr unsigned kArrayKindCount = HQ_ACCEL_ARCH_COUNT;

/* The registration of id (0..kArrayKindCount-1), or nullptr. */
const ArrayKind *find_array_kind(unsigned id);
/* The registered names joined: "uniform8, split or lanegroup" with (", ", " or "). */
std::string array_kind_names(const char *sep, const char *last_sep);

std::unique_ptr<PeArray> make_pe_array(const AccelConfig &cfg);

} // namespace hq::accel

#endif
