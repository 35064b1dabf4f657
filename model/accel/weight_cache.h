/* Decoded-weight cache. Decoding is host work the hardware redoes on every pass; the model
 * keeps each layer's decoded (prepared) weights and on every use checks that the image now in
 * DRAM still decodes to them: unchanged bytes reuse the decoded weights, any change re-decodes.
 * An image read in place (a span of the memory, mem/memory_span_ext.h) is checked through the
 * memory's write log: unwritten since the last check is unchanged; written, the image is
 * decoded again and compared with the entry (equal: a hit, as a rewrite of the same bytes).
 * No copy of such an image is kept (issue 16: the DRAM holds it; a copy was one more byte
 * per weight), and a uniform int8 `dense` image whose K is a multiple of kPeGemmPad is its own
 * int8 plane: the entry reads it in place too (a view, with a hash per 4 KiB block to tell
 * a rewrite of the same bytes from a change). An image copied out of memory
 * (HQSIM_ACCEL_COPY_WEIGHTS) keeps its bytes and is compared byte for byte. Timing is unaffected
 * (the hardware decompressor runs either way); only host time is saved. */
#ifndef HQ_ACCEL_WEIGHT_CACHE_H
#define HQ_ACCEL_WEIGHT_CACHE_H

#include "accel/prepared_weights.h"
#include "accel/weight_decoder.h"
#include "mem/memory_span_ext.h"

#include <cstdint>
#include <list>
#include <string>
#include <vector>

namespace hq::accel {

class WeightCache {
  public:
    /* Entries are kept, least recently used dropped first, while their bytes (image copy and
     * prepared weights) stay within max_bytes. A count limit (32 entries before issue 16)
     * re-decoded every layer of a network with more descriptors than that on every image,
     * as an LRU does on a cyclic pass (VGG-16: 79): most of `hqsim run`'s host time. */
    static constexpr size_t kDefaultBytes = size_t(1) << 30;
    explicit WeightCache(const PeArray &array, size_t max_bytes = kDefaultBytes)
        : array_(array), max_bytes_(max_bytes) {}

    /* The prepared weights of the image `bytes` found at `addr`, decoding it unless the same
     * bytes were decoded before. Returns nullptr with the decoder's message in *err. */
    const PreparedWeights *get(uint32_t addr, const WeightFormat &f, const uint8_t *bytes, size_t n,
                               bool *hit, std::string *err);
    /* The same for bytes read in place (span.data): the entry follows the span's write log. */
    const PreparedWeights *get(uint32_t addr, const WeightFormat &f,
                               const hq::MemorySpanExtension &span, size_t n, bool *hit,
                               std::string *err);

    /* The entry for this address and format, if any (not checked against the bytes). */
    const PreparedWeights *find(uint32_t addr, const WeightFormat &f, size_t n);
    /* 1 if the entry at addr was decoded from these bytes (or, an entry without its bytes,
     * from bytes that decode to the same weights). */
    bool unchanged(uint32_t addr, const uint8_t *bytes, size_t n);
    /* The same for the n bytes of span: unchanged if the write log says nothing was written
     * since the entry was last checked, else as unchanged(addr, span.data, n). */
    bool unchanged(uint32_t addr, const hq::MemorySpanExtension &span, size_t n);

    uint64_t hits() const { return hits_; }
    uint64_t misses() const { return misses_; }
    /* images decoded: on a miss, and to compare an image without its bytes or block hashes
     * (a hit that decodes has lost its fast path: tests watch this) */
    uint64_t decodes() const { return decodes_; }
    size_t entries() const { return entries_.size(); }
    size_t bytes() const { return bytes_; }

  private:
    struct Entry {
        uint32_t addr = 0;
        WeightFormat fmt;
        size_t n = 0;             /* image bytes */
        std::vector<uint8_t> raw; /* the image, for a copied one; empty when read in place */
        PreparedWeights w;
        /* w.w a view of the image's own bytes (view_src: the image in the memory) */
        const uint8_t *view_src = nullptr;
        /* an image read in place (raw empty): a hash per 4 KiB block of it tells a rewrite of
         * the same bytes from a change, block by block where the memory was written (a page
         * an image shares with an activation is written on every image) */
        std::vector<uint64_t> block_hash;
        /* raw is what the memory behind log held at its local_addr at generation gen */
        hq::WriteLog *log = nullptr;
        uint64_t local_addr = 0, gen = 0;
        size_t bytes = 0; /* held by raw and w */
    };
    void drop_back();
    /* e decoded from these bytes: raw compared, or the bytes decoded again and compared */
    bool same_image(const Entry &e, const uint8_t *bytes, size_t n) const;
    /* the blocks of e's image that the written_ ranges touch hash as when e was decoded */
    bool written_blocks_same(const Entry &e, const uint8_t *bytes) const;
    /* a uniform `dense` image whose bytes are the plane: e.w.w becomes a view of them */
    static void try_view(Entry &e, const WeightFormat &f, const uint8_t *bytes, size_t n);
    /* marks e checked against span now (its write log generation) */
    static void follow(Entry &e, const hq::MemorySpanExtension &span, size_t n);
    const PreparedWeights *insert(uint32_t addr, const WeightFormat &f, const uint8_t *bytes,
                                  size_t n, bool *hit, std::string *err,
                                  const hq::MemorySpanExtension *span);
    std::vector<std::pair<uint64_t, uint64_t>> written_; /* scratch */
    const PeArray &array_; /* row costs depend on the array's timing rule */
    size_t max_bytes_;
    size_t bytes_ = 0;         /* summed over entries_ */
    std::list<Entry> entries_; /* most recently used first */
    uint64_t hits_ = 0, misses_ = 0;
    mutable uint64_t decodes_ = 0;
};

} // namespace hq::accel

#endif
