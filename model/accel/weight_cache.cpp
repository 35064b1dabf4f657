#include "accel/weight_cache.h"

#include <cstring>

namespace hq::accel {

static bool same_format(const WeightFormat &a, const WeightFormat &b) {
    return a.layout == b.layout && a.rows == b.rows && a.cols == b.cols && a.lo_bits == b.lo_bits &&
           a.hi_bits == b.hi_bits && a.block_n == b.block_n && a.block_m == b.block_m;
}

static size_t entry_bytes(const std::vector<uint8_t> &raw, const PreparedWeights &w) {
    return raw.size() + w.w.size() + w.is_hi.size() + w.lo_shift.size() +
           w.row_cost.size() * sizeof(uint32_t);
}

const PreparedWeights *WeightCache::find(uint32_t addr, const WeightFormat &f, size_t n) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->addr == addr && same_format(it->fmt, f) && it->raw.size() == n) {
            entries_.splice(entries_.begin(), entries_, it);
            return &entries_.front().w;
        }
    return nullptr;
}

bool WeightCache::unchanged(uint32_t addr, const uint8_t *bytes, size_t n) {
    for (const Entry &e : entries_)
        if (e.addr == addr && e.raw.size() == n && std::memcmp(e.raw.data(), bytes, n) == 0) {
            hits_++;
            return true;
        }
    return false;
}

bool WeightCache::unchanged(uint32_t addr, const hq::MemorySpanExtension &span, size_t n) {
    for (Entry &e : entries_) {
        if (e.addr != addr || e.raw.size() != n) continue;
        if (e.log != span.log || e.local_addr != span.local_addr) {
            /* decoded from a copy or another memory: compare it all, then follow this log */
            if (std::memcmp(e.raw.data(), span.data, n) != 0) continue;
        } else {
            e.log->written_since(e.local_addr, n, e.gen, &written_);
            bool same = true;
            for (const auto &w : written_) {
                const size_t off = (size_t)(w.first - e.local_addr);
                same = same && std::memcmp(e.raw.data() + off, span.data + off, w.second) == 0;
            }
            if (!same) continue;
            if (written_.empty()) {
                hits_++;
                return true;
            }
        }
        e.log = span.log;
        e.local_addr = span.local_addr;
        e.gen = span.log->mark(span.local_addr, n); /* raw == the memory's bytes now */
        hits_++;
        return true;
    }
    return false;
}

const PreparedWeights *WeightCache::get(uint32_t addr, const WeightFormat &f, const uint8_t *bytes,
                                        size_t n, bool *hit, std::string *err) {
    return insert(addr, f, bytes, n, hit, err, nullptr);
}

const PreparedWeights *WeightCache::get(uint32_t addr, const WeightFormat &f,
                                        const hq::MemorySpanExtension &span, size_t n, bool *hit,
                                        std::string *err) {
    return insert(addr, f, span.data, n, hit, err, &span);
}

const PreparedWeights *WeightCache::insert(uint32_t addr, const WeightFormat &f,
                                           const uint8_t *bytes, size_t n, bool *hit,
                                           std::string *err, const hq::MemorySpanExtension *span) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->addr == addr && same_format(it->fmt, f) && it->raw.size() == n &&
            std::memcmp(it->raw.data(), bytes, n) == 0) {
            entries_.splice(entries_.begin(), entries_, it);
            Entry &e = entries_.front();
            if (span) {
                e.log = span->log;
                e.local_addr = span->local_addr;
                e.gen = span->log->mark(span->local_addr, n);
            }
            hits_++;
            *hit = true;
            return &e.w;
        }
    misses_++;
    *hit = false;
    DecodedWeights d;
    *err = decode_weights(f, bytes, n, &d);
    if (!err->empty()) return nullptr;
    /* A stale entry for the same address is replaced. */
    for (auto it = entries_.begin(); it != entries_.end();)
        if (it->addr == addr) {
            bytes_ -= it->bytes;
            it = entries_.erase(it);
        } else {
            ++it;
        }
    entries_.emplace_front();
    Entry &e = entries_.front();
    e.addr = addr;
    e.fmt = f;
    e.raw.assign(bytes, bytes + n);
    if (span) {
        e.log = span->log;
        e.local_addr = span->local_addr;
        e.gen = span->log->mark(span->local_addr, n);
    }
    prepare_weights(d, array_, &e.w);
    e.bytes = entry_bytes(e.raw, e.w);
    bytes_ += e.bytes;
    /* the least recently used go while over budget; the new entry always stays */
    while (bytes_ > max_bytes_ && entries_.size() > 1)
        drop_back();
    return &e.w;
}

void WeightCache::drop_back() {
    bytes_ -= entries_.back().bytes;
    entries_.pop_back();
}

} // namespace hq::accel
