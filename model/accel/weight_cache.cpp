#include "accel/weight_cache.h"

#include "hq_accel_regmap.h"

#include <algorithm>
#include <cstring>

namespace hq::accel {

static bool same_format(const WeightFormat &a, const WeightFormat &b) {
    return a.layout == b.layout && a.rows == b.rows && a.cols == b.cols && a.lo_bits == b.lo_bits &&
           a.hi_bits == b.hi_bits && a.block_n == b.block_n && a.block_m == b.block_m;
}

static size_t entry_bytes(const std::vector<uint8_t> &raw, const PreparedWeights &w,
                          const std::vector<uint64_t> &block_hash) {
    return raw.size() + w.w.owned_bytes() + w.high_words.size() * sizeof(uint64_t) +
           w.lo_shift.size() + w.row_cost.size() * sizeof(uint32_t) +
           block_hash.size() * sizeof(uint64_t);
}

constexpr size_t kHashBlock = 4096;

/* Each step is a bijection of h for a given word (xor, times an odd constant, rotate): a
 * change confined to one word always changes the hash; others collide with odds of 2^-64. */
static uint64_t hash_block(const uint8_t *p, size_t n) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    const auto step = [&h](uint64_t w) {
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h = h << 29 | h >> 35;
    };
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        step(w);
    }
    uint64_t t = 0;
    std::memcpy(&t, p + i, n - i);
    step(t);
    return h;
}

static std::vector<uint64_t> hash_blocks(const uint8_t *p, size_t n) {
    std::vector<uint64_t> v;
    for (size_t i = 0; i < n; i += kHashBlock)
        v.push_back(hash_block(p + i, std::min(kHashBlock, n - i)));
    return v;
}

void WeightCache::try_view(Entry &e, const WeightFormat &f, const uint8_t *bytes, size_t n) {
    const PreparedWeights &w = e.w;
    const size_t count = (size_t)w.rows * w.cols;
    if (f.layout != HQ_ACCEL_LAYOUT_DENSE || !w.uniform() || w.hi_bits != 8 || w.kp != w.cols ||
        count == 0 || n < kImageHeaderBytes + count)
        return;
    const uint8_t *plane = bytes + kImageHeaderBytes; /* a uniform layer: no lo_shift table */
    if (!w.w.equals(reinterpret_cast<const int8_t *>(plane), count, w.kp)) return;
    e.w.w.view(reinterpret_cast<const int8_t *>(plane), count);
    e.view_src = bytes;
}

static bool same_weights(const PreparedWeights &a, const PreparedWeights &b) {
    return a.rows == b.rows && a.cols == b.cols && a.kp == b.kp && a.lo_bits == b.lo_bits &&
           a.hi_bits == b.hi_bits && a.nbeats == b.nbeats && a.n_hi == b.n_hi &&
           a.symbols == b.symbols && a.w == b.w && a.high_words == b.high_words &&
           a.lo_shift == b.lo_shift && a.row_cost == b.row_cost;
}

bool WeightCache::same_image(const Entry &e, const uint8_t *bytes, size_t n) const {
    if (e.n != n) return false;
    if (e.w.w.is_view()) /* its own bytes, still the same */
        return bytes == e.view_src && hash_blocks(bytes, n) == e.block_hash;
    if (!e.block_hash.empty() && hash_blocks(bytes, n) != e.block_hash) return false;
    if (!e.raw.empty() || n == 0) return std::memcmp(e.raw.data(), bytes, n) == 0;
    DecodedWeights d;
    decodes_++;
    if (!decode_weights(e.fmt, bytes, n, &d).empty()) return false;
    PreparedWeights p;
    prepare_weights(std::move(d), array_, &p);
    return same_weights(p, e.w);
}

bool WeightCache::written_blocks_same(const Entry &e, const uint8_t *bytes) const {
    for (const auto &w : written_) {
        const size_t off = (size_t)(w.first - e.local_addr);
        for (size_t b = off / kHashBlock; b <= (off + w.second - 1) / kHashBlock; b++) {
            const size_t at = b * kHashBlock;
            if (hash_block(bytes + at, std::min(kHashBlock, e.n - at)) != e.block_hash[b])
                return false;
        }
    }
    return true;
}

void WeightCache::follow(Entry &e, const hq::MemorySpanExtension &span, size_t n) {
    e.log = span.log;
    e.local_addr = span.local_addr;
    e.gen = span.log->mark(span.local_addr, n); /* the memory's bytes now decode to e.w */
}

const PreparedWeights *WeightCache::find(uint32_t addr, const WeightFormat &f, size_t n) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->addr == addr && same_format(it->fmt, f) && it->n == n) {
            entries_.splice(entries_.begin(), entries_, it);
            return &entries_.front().w;
        }
    return nullptr;
}

bool WeightCache::unchanged(uint32_t addr, const uint8_t *bytes, size_t n) {
    for (const Entry &e : entries_)
        if (e.addr == addr && same_image(e, bytes, n)) {
            hits_++;
            return true;
        }
    return false;
}

bool WeightCache::unchanged(uint32_t addr, const hq::MemorySpanExtension &span, size_t n) {
    for (Entry &e : entries_) {
        if (e.addr != addr || e.n != n) continue;
        if (e.log == span.log && e.local_addr == span.local_addr) {
            e.log->written_since(e.local_addr, n, e.gen, &written_);
            if (written_.empty()) {
                hits_++;
                return true;
            }
            if (!e.raw.empty()) {
                bool same = true; /* only the written ranges can differ from the copy */
                for (const auto &w : written_) {
                    const size_t off = (size_t)(w.first - e.local_addr);
                    same = same && std::memcmp(e.raw.data() + off, span.data + off, w.second) == 0;
                }
                if (!same) continue;
            } else if (!e.block_hash.empty() && (!e.w.w.is_view() || span.data == e.view_src)) {
                if (!written_blocks_same(e, span.data)) continue;
            } else if (!same_image(e, span.data, n)) {
                continue;
            }
        } else if (!same_image(e, span.data, n)) {
            continue; /* decoded from a copy or another memory: compare it all */
        }
        follow(e, span, n);
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
        if (it->addr == addr && same_format(it->fmt, f) && same_image(*it, bytes, n)) {
            entries_.splice(entries_.begin(), entries_, it);
            Entry &e = entries_.front();
            if (span) follow(e, *span, n);
            hits_++;
            *hit = true;
            return &e.w;
        }
    misses_++;
    *hit = false;
    DecodedWeights d;
    decodes_++;
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
    e.n = n;
    if (span)
        follow(e, *span, n); /* the memory keeps the bytes */
    else
        e.raw.assign(bytes, bytes + n);
    prepare_weights(std::move(d), array_, &e.w);
    if (span) {
        e.block_hash = hash_blocks(bytes, n);
        try_view(e, f, bytes, n);
    }
    e.bytes = entry_bytes(e.raw, e.w, e.block_hash);
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
