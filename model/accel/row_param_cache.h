/* Decoded row parameters by the bytes they came from. A layer's parameters are DMAed on every
 * pass (timed and counted as before); decoding, checking and tabulating them again when the
 * bytes are the ones decoded last time from the same address is host work only: the cache
 * compares the fetched bytes with its copy and hands back the decoded set. */
#ifndef HQ_ACCEL_ROW_PARAM_CACHE_H
#define HQ_ACCEL_ROW_PARAM_CACHE_H

#include "accel/output_unit.h"

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace hq::accel {

struct RowParamSet {
    std::vector<uint8_t> raw; /* the records as fetched (12 bytes a row) */
    std::vector<RowParams> rows;
    RequantTable table;
};

class RowParamCache {
  public:
    /* Sets are kept per address while their bytes stay within max_bytes (all dropped past it). */
    static constexpr size_t kDefaultBytes = size_t(64) << 20;
    explicit RowParamCache(size_t max_bytes = kDefaultBytes) : max_bytes_(max_bytes) {}

    /* The decoded set of the `rows` records `bytes` read from addr: the one decoded before when
     * the bytes are equal, else decoded now. nullptr (the first bad row in *bad_row) when a
     * record is outside the contract (decode_row_params); nothing is kept then. */
    const RowParamSet *get(uint32_t addr, const uint8_t *bytes, unsigned rows, unsigned *bad_row);

    uint64_t hits() const { return hits_; }
    uint64_t decodes() const { return decodes_; }

  private:
    std::unordered_map<uint32_t, RowParamSet> sets_;
    size_t max_bytes_, bytes_ = 0;
    uint64_t hits_ = 0, decodes_ = 0;
};

} // namespace hq::accel

#endif
