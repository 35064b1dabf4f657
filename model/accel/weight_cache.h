/* Decoded-weight cache. Decoding is host work the hardware redoes on every pass; the model
 * keeps each layer's decoded (prepared) weights together with the image bytes they were
 * decoded from, and on every use compares the bytes now in DRAM with them: equal bytes reuse
 * the decoded weights, any change re-decodes. Timing is unaffected (the hardware decompressor
 * runs either way); only host time is saved. */
#ifndef HQ_ACCEL_WEIGHT_CACHE_H
#define HQ_ACCEL_WEIGHT_CACHE_H

#include "accel/prepared_weights.h"
#include "accel/weight_decoder.h"

#include <cstdint>
#include <list>
#include <string>
#include <vector>

namespace hq::accel {

class WeightCache {
  public:
    explicit WeightCache(const PeArray &array, size_t max_entries = 32)
        : array_(array), max_(max_entries) {}

    /* The prepared weights of the image `bytes` found at `addr`, decoding it unless the same
     * bytes were decoded before. Returns nullptr with the decoder's message in *err. */
    const PreparedWeights *get(uint32_t addr, const WeightFormat &f, const uint8_t *bytes, size_t n,
                               bool *hit, std::string *err);

    /* The entry for this address and format, if any (not checked against the bytes). */
    const PreparedWeights *find(uint32_t addr, const WeightFormat &f, size_t n);
    /* 1 if the entry at addr was decoded from exactly these bytes. */
    bool unchanged(uint32_t addr, const uint8_t *bytes, size_t n);

    uint64_t hits() const { return hits_; }
    uint64_t misses() const { return misses_; }

  private:
    struct Entry {
        uint32_t addr = 0;
        WeightFormat fmt;
        std::vector<uint8_t> raw;
        PreparedWeights w;
    };
    const PeArray &array_; /* row costs depend on the array's timing rule */
    size_t max_;
    std::list<Entry> entries_; /* most recently used first */
    uint64_t hits_ = 0, misses_ = 0;
};

} // namespace hq::accel

#endif
