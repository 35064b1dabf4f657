/* The model's weight-layout registry: one registration per LAYOUT_* id of
 * configs/accel/regmap.json (the same ids as the C library's hq_layout_kind, sw/lib/layout),
 * each with its decompressor and the key of its rate in the timing config
 * (decompressor.<rate_key>). Each decoder file defines its kLayoutDecoder_<NAME>; the table is
 * generated from the regmap's list, so a layout without a registration does not link. */
#ifndef HQ_ACCEL_LAYOUT_REGISTRY_H
#define HQ_ACCEL_LAYOUT_REGISTRY_H

#include "hq_accel_regmap.h"
#include "accel/weight_decoder.h"

#include <cstdint>
#include <string>

namespace hq::accel {

struct LayoutDecoder {
    unsigned id;          /* LAYOUT_* */
    const char *name;     /* the regmap name in lower case, as the C library names it */
    const char *rate_key; /* decompressor.<rate_key> in the timing configs */
    /* Fills out (sized by decode_weights) from the sections at h.payload; "" or a message. */
    std::string (*decode)(const ImageHeader &h, const uint8_t *img, DecodedWeights *out);
};

#define HQ_ACCEL_LAYOUT_DECODER_DECL_(NAME, VALUE) extern const LayoutDecoder kLayoutDecoder_##NAME;
HQ_ACCEL_LAYOUT_LIST(HQ_ACCEL_LAYOUT_DECODER_DECL_)
#undef HQ_ACCEL_LAYOUT_DECODER_DECL_

constexpr unsigned kLayoutCount = HQ_ACCEL_LAYOUT_COUNT;

/* The registration of layout id, or nullptr when the regmap has no such id. */
const LayoutDecoder *find_layout_decoder(unsigned id);
/* Its name, or "?" for an unknown id. */
const char *layout_name(unsigned id);
/* The first layout whose rate_key equals id's: layouts sharing a key share one rate
 * (AccelConfig::dec_weights_per_cycle is read and written at this index). */
unsigned layout_rate_slot(unsigned id);

} // namespace hq::accel

#endif
