#include "accel/weight_cache.h"

#include "accel/hq_accel_regmap.h"

#include <algorithm>
#include <cstring>

namespace hq::accel {

static bool same_format(const WeightFormat &a, const WeightFormat &b)
{
    return a.layout == b.layout && a.rows == b.rows && a.cols == b.cols &&
           a.lo_bits == b.lo_bits && a.hi_bits == b.hi_bits && a.block_n == b.block_n &&
           a.block_m == b.block_m;
}

WeightCache::Entry &WeightCache::entry(uint32_t addr, const WeightFormat &f, size_t stream_bytes)
{
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->addr == addr && same_format(it->fmt, f) && it->raw.size() == stream_bytes) {
            entries_.splice(entries_.begin(), entries_, it);
            return entries_.front();
        }
    if (entries_.size() >= max_)
        entries_.pop_back();
    entries_.emplace_front();
    Entry &e = entries_.front();
    e.addr = addr;
    e.fmt = f;
    e.raw.assign(stream_bytes, 0);
    init_prepared(f.rows, f.cols, f.layout == HQ_ACCEL_LAYOUT_DENSE, tile_rows_, tile_cols_, &e.w);
    e.tile_valid.assign(e.w.row_tiles, 0);
    return e;
}

std::string WeightCache::update_tile(Entry &e, unsigned rt, const uint8_t *fetched, size_t off,
                                     size_t len, bool *hit)
{
    if (e.tile_valid[rt] && std::memcmp(e.raw.data() + off, fetched, len) == 0) {
        hits_++;
        *hit = true;
        return "";
    }
    misses_++;
    *hit = false;
    e.tile_valid[rt] = 0;
    std::memcpy(e.raw.data() + off, fetched, len);
    WeightFormat part = e.fmt;
    unsigned r0 = rt * tile_rows_;
    part.rows = std::min(tile_rows_, e.fmt.rows - r0);
    DecodedWeights d;
    std::string err = decode_weights(part, fetched, len, &d);
    if (!err.empty())
        return "rows " + std::to_string(r0) + ".." + std::to_string(r0 + part.rows - 1) + ": " + err;
    prepare_row_tile(d, rt, lane_group_, &e.w);
    e.tile_valid[rt] = 1;
    return "";
}

} // namespace hq::accel
