/* The layout registry: one entry per LAYOUT_* id of configs/accel/regmap.json. The table is
 * generated from the regmap's list, so a layout the regmap defines but no file registers is
 * a link error, and a regmap id without a table slot cannot exist. */
#include "layout/layout_internal.h"

#include <string.h>

static const hq_layout_entry *const table[] = {
#define HQ_LAYOUT_SLOT_(NAME, VALUE) [VALUE] = &hq_layout_entry_##NAME,
    HQ_ACCEL_LAYOUT_LIST(HQ_LAYOUT_SLOT_)
#undef HQ_LAYOUT_SLOT_
};

/* The ids index the table: they must be 0..COUNT-1, each once. */
_Static_assert(sizeof table / sizeof table[0] == HQ_LAYOUT_COUNT,
               "LAYOUT_* ids of the regmap must be 0..LAYOUT_COUNT-1");
#define HQ_LAYOUT_TIE_(NAME, VALUE)                                                                \
    _Static_assert((int)HQ_LAYOUT_##NAME == (int)HQ_ACCEL_LAYOUT_##NAME,                           \
                   "hq_layout_kind " #NAME " differs from the regmap's LAYOUT_" #NAME);
HQ_ACCEL_LAYOUT_LIST(HQ_LAYOUT_TIE_)
#undef HQ_LAYOUT_TIE_

const hq_layout_entry *hq_layout_find(int id) {
    return id >= 0 && id < HQ_LAYOUT_COUNT ? table[id] : NULL;
}

const char *hq_layout_names(char *buf, size_t len, const char *sep, const char *last_sep,
                            int only_high) {
    const hq_layout_entry *pick[HQ_LAYOUT_COUNT];
    int n = 0;
    for (int i = 0; i < HQ_LAYOUT_COUNT; i++)
        if (!only_high || table[i]->holds_high) pick[n++] = table[i];
    size_t used = 0;
    if (len) buf[0] = 0;
    for (int i = 0; i < n && used < len; i++) {
        const char *s = i == 0 ? "" : i == n - 1 ? last_sep : sep;
        int w = snprintf(buf + used, len - used, "%s%s", s, pick[i]->name);
        if (w < 0) break;
        used += (size_t)w;
    }
    return buf;
}
