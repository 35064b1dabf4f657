#include "accel/row_param_cache.h"

#include "hq_accel_regmap.h"

#include <cstring>

namespace hq::accel {

static size_t set_bytes(size_t rows) {
    return rows * (HQ_ACCEL_ROW_PARAM_BYTES + sizeof(RowParams) + 2 * sizeof(int32_t) +
                   sizeof(int64_t) + 1);
}

const RowParamSet *RowParamCache::get(uint32_t addr, const uint8_t *bytes, unsigned rows,
                                      unsigned *bad_row) {
    const size_t n = (size_t)rows * HQ_ACCEL_ROW_PARAM_BYTES;
    auto it = sets_.find(addr);
    if (it != sets_.end() && it->second.raw.size() == n &&
        std::memcmp(it->second.raw.data(), bytes, n) == 0) {
        hits_++;
        return &it->second;
    }
    decodes_++;
    std::vector<RowParams> decoded(rows);
    if (decode_row_params(bytes, rows, decoded.data(), bad_row)) return nullptr;
    if (it == sets_.end()) {
        if (bytes_ + set_bytes(rows) > max_bytes_) { /* rare: start over */
            sets_.clear();
            bytes_ = 0;
        }
        it = sets_.emplace(addr, RowParamSet{}).first;
    } else {
        bytes_ -= set_bytes(it->second.rows.size());
    }
    RowParamSet &s = it->second;
    s.raw.assign(bytes, bytes + n);
    s.rows.swap(decoded);
    s.table.build(s.rows.data(), rows);
    bytes_ += set_bytes(rows);
    return &s;
}

} // namespace hq::accel
