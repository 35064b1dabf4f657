/* The table of layout registrations, keyed by the regmap's LAYOUT_* ids, and the compile-time
 * ties between the register map, the C library's hq_layout_kind and this table. */
#include "accel/layout_registry.h"

extern "C" {
#include "layout/layout.h"
}

#include <cstring>

namespace hq::accel {

namespace {

/* The regmap's ids, in list order, must be 0..COUNT-1: they index the table. */
constexpr unsigned kIds[] = {
#define HQ_ACCEL_LAYOUT_ID_(NAME, VALUE) VALUE,
    HQ_ACCEL_LAYOUT_LIST(HQ_ACCEL_LAYOUT_ID_)
#undef HQ_ACCEL_LAYOUT_ID_
};
constexpr bool ids_dense() {
    for (unsigned i = 0; i < kLayoutCount; i++)
        if (kIds[i] != i) return false;
    return true;
}
static_assert(sizeof kIds / sizeof kIds[0] == kLayoutCount && ids_dense(),
              "LAYOUT_* ids of the regmap must be 0..LAYOUT_COUNT-1 in order");
static_assert((unsigned)HQ_LAYOUT_COUNT == kLayoutCount, "C library layout count");
#define HQ_ACCEL_LAYOUT_TIE_(NAME, VALUE)                                                          \
    static_assert((unsigned)HQ_LAYOUT_##NAME == HQ_ACCEL_LAYOUT_##NAME,                            \
                  "hq_layout_kind " #NAME " differs from the regmap's LAYOUT_" #NAME);
HQ_ACCEL_LAYOUT_LIST(HQ_ACCEL_LAYOUT_TIE_)
#undef HQ_ACCEL_LAYOUT_TIE_

const LayoutDecoder *const kTable[] = {
#define HQ_ACCEL_LAYOUT_SLOT_(NAME, VALUE) &kLayoutDecoder_##NAME,
    HQ_ACCEL_LAYOUT_LIST(HQ_ACCEL_LAYOUT_SLOT_)
#undef HQ_ACCEL_LAYOUT_SLOT_
};

} // namespace

const LayoutDecoder *find_layout_decoder(unsigned id) {
    return id < kLayoutCount ? kTable[id] : nullptr;
}

const char *layout_name(unsigned id) {
    const LayoutDecoder *d = find_layout_decoder(id);
    return d ? d->name : "?";
}

unsigned layout_rate_slot(unsigned id) {
    const LayoutDecoder *d = find_layout_decoder(id);
    for (unsigned i = 0; d && i < id; i++)
        if (!std::strcmp(kTable[i]->rate_key, d->rate_key)) return i;
    return id;
}

} // namespace hq::accel
