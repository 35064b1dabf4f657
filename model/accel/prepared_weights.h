/* Decoded weights as the PE arrays hold them: one plane of int8 effective weights padded to a
 * multiple of kPeGemmPad columns (the operand format of pe_gemm.h; the decoders refuse a
 * lo_shift that would take a low weight outside int8), the high flags (one bit per weight) for
 * the RTL tile and the block formats' rate, plus each row's cost in array cycles per
 * activation vector (from its high-precision weights, see pe_array.h). Built once per decode
 * and kept in the weight cache. */
#ifndef HQ_ACCEL_PREPARED_WEIGHTS_H
#define HQ_ACCEL_PREPARED_WEIGHTS_H

#include "accel/sparse_plane.h"
#include "accel/weight_decoder.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace hq::accel {

class PeArray;

/* The int8 plane: owned, or a view of bytes that outlive it (the weight cache lends a uniform
 * `dense` image read in place: its bytes are the plane, weight_cache.h), or stored without its
 * all-zero blocks (sparse(), sparse_plane.h: prepare_weights picks it where it takes at most
 * half the bytes). A dense plane reads as a vector; a sparse one through sparse() or row(). */
class WeightPlane {
  public:
    const int8_t *data() const { return view_ ? view_ : own_.data(); } /* dense only */
    size_t size() const { return view_ ? n_ : own_.size(); }           /* dense only */
    const int8_t &operator[](size_t i) const { return data()[i]; }
    int8_t &operator[](size_t i) { return own_[i]; } /* owned only */
    void assign(size_t n, int8_t v) {
        drop();
        own_.assign(n, v);
    }
    void adopt(std::vector<int8_t> &&v) {
        drop();
        own_ = std::move(v);
    }
    void view(const int8_t *p, size_t n) {
        drop();
        view_ = p;
        n_ = n;
    }
    /* The owned dense plane ([rows][kp]) stored sparse where that halves it at least. */
    void make_sparse(unsigned rows, unsigned kp) {
        if (view_ || !SparsePlane::make(own_.data(), rows, kp, &sparse_)) return;
        std::vector<int8_t>().swap(own_);
        is_sparse_ = true;
    }
    bool is_view() const { return view_ != nullptr; }
    bool is_sparse() const { return is_sparse_; }
    const SparsePlane &sparse() const { return sparse_; }
    size_t owned_bytes() const { return own_.size() + (is_sparse_ ? sparse_.stored_bytes() : 0); }
    /* row r of a plane of rows of kp bytes, zeros included, into out */
    void row(unsigned r, unsigned kp, int8_t *out) const;
    /* the plane is the n bytes at p ([rows][kp] with kp the plane's row length) */
    bool equals(const int8_t *p, size_t n, unsigned kp) const;
    bool operator==(const WeightPlane &o) const;

  private:
    void drop() {
        std::vector<int8_t>().swap(own_);
        view_ = nullptr;
        is_sparse_ = false;
        sparse_ = SparsePlane();
    }
    std::vector<int8_t> own_;
    const int8_t *view_ = nullptr;
    size_t n_ = 0;
    bool is_sparse_ = false;
    SparsePlane sparse_;
};

struct PreparedWeights {
    unsigned rows = 0, cols = 0, kp = 0; /* kp: cols rounded up to kPeGemmPad */
    unsigned lo_bits = 0, hi_bits = 8;
    bool uniform() const { return lo_bits == 0; }
    WeightPlane w; /* [rows][kp] effective weights: c << lo_shift or high */
    /* [rows][cols] high flags, bit i of word i / 64; empty for a uniform layer. Bits, not a
     * byte per weight: the cache holds every layer's (issue 16: 1 byte per weight of VGG-16) */
    std::vector<uint64_t> high_words;
    std::vector<uint8_t> lo_shift;  /* [rows] */
    unsigned nbeats = 0;            /* weight beats per row: ceil(cols / lanes) */
    std::vector<uint32_t> row_cost; /* [rows] busy cycles of the row per vector */
    uint64_t n_hi = 0, symbols = 0;
    /* block_decoder_cycles' high-weight cycles of each row (kRowNotCounted until asked), for
     * the rule, lanes and format in block_high_key (block_rate.cpp): they depend on the flags
     * alone, and every row tile of every image asks again (O(weights) each time before);
     * set_high_flags forgets them */
    static constexpr uint64_t kRowNotCounted = UINT64_MAX;
    mutable std::vector<uint64_t> block_row_cycles;
    mutable std::vector<unsigned> block_high_key;

    /* PeArray::row_tile_cycles' per-tile sums (slowest tile's row costs, and its ideal), by
     * row tile, for the array and its tile shape in tile_sums_key (empty until asked): they
     * depend on the row costs alone, and every image asks again */
    struct TileSumsKey {
        const void *array = nullptr, *costs = nullptr;
        unsigned tile_rows = 0, pe_tiles = 0;
        uint64_t row_ideal = 0;
        bool operator==(const TileSumsKey &o) const {
            return array == o.array && costs == o.costs && tile_rows == o.tile_rows &&
                   pe_tiles == o.pe_tiles && row_ideal == o.row_ideal;
        }
    };
    mutable std::vector<std::pair<uint64_t, uint64_t>> tile_sums;
    mutable TileSumsKey tile_sums_key;

    bool has_high_flags() const { return !high_words.empty(); }
    bool high(size_t i) const { return high_words[i >> 6] >> (i & 63) & 1; }
    /* Row r's cols flags as bytes 0 / 1 into out. */
    void high_row(unsigned r, uint8_t *out) const;
    /* The flags, in high_words' form. */
    void set_high_words(std::vector<uint64_t> &&words);
    /* The flags from one byte per weight ([rows][cols], nonzero = high). */
    void set_high_flags(const std::vector<uint8_t> &flags);
};

/* Moves d's plane and flags into p (d.w and d.high_words are left empty) and computes the row
 * costs with the array's timing rule. */
void prepare_weights(DecodedWeights &&d, const PeArray &array, PreparedWeights *p);
/* The same on a copy of d (tests that read d afterwards). */
void prepare_weights(const DecodedWeights &d, const PeArray &array, PreparedWeights *p);

} // namespace hq::accel

#endif
