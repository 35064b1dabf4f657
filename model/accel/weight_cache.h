/* Decoded-weight cache. Decoding is host work the hardware would redo on every pass; the
 * model keeps each layer's decoded (prepared) weights and, tile by tile, compares the bytes
 * the streamer just fetched from DRAM with the bytes they were decoded from: equal bytes
 * reuse the decoded tile, any change re-decodes it. Timing is unaffected (the hardware
 * decompressor runs either way); only host time is saved. */
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
    struct Entry {
        uint32_t addr = 0;
        WeightFormat fmt;
        std::vector<uint8_t> raw;           /* the stream as last fetched */
        std::vector<uint8_t> tile_valid;    /* [row_tiles] */
        PreparedWeights w;
    };
    WeightCache(unsigned tile_rows, unsigned tile_cols, unsigned lane_group, size_t max_entries = 32)
        : tile_rows_(tile_rows), tile_cols_(tile_cols), lane_group_(lane_group), max_(max_entries)
    {
    }

    /* The entry for a layer's weight stream (created empty, all tiles invalid, if new). */
    Entry &entry(uint32_t addr, const WeightFormat &f, size_t stream_bytes);

    /* Row tile rt's stream bytes [off, off+len) just arrived in `fetched`: reuse the decoded
     * tile if the bytes are unchanged, else decode it. Returns "" or the decoder's error. */
    std::string update_tile(Entry &e, unsigned rt, const uint8_t *fetched, size_t off, size_t len,
                            bool *hit);

    uint64_t hits() const { return hits_; }
    uint64_t misses() const { return misses_; }

  private:
    unsigned tile_rows_, tile_cols_, lane_group_;
    size_t max_;
    std::list<Entry> entries_; /* most recently used first */
    uint64_t hits_ = 0, misses_ = 0;
};

} // namespace hq::accel

#endif
