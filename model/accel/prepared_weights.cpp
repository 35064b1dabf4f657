#include "accel/prepared_weights.h"

#include "accel/pe_array.h"
#include "accel/pe_gemm.h"

#include <cstring>

namespace hq::accel {

void prepare_weights(const DecodedWeights &d, const PeArray &array, PreparedWeights *p) {
    DecodedWeights c = d;
    prepare_weights(std::move(c), array, p);
}

void prepare_weights(DecodedWeights &&d, const PeArray &array, PreparedWeights *p) {
    p->rows = d.rows;
    p->cols = d.cols;
    p->kp = (d.cols + kPeGemmPad - 1) / kPeGemmPad * kPeGemmPad;
    p->lo_bits = d.lo_bits;
    p->hi_bits = d.hi_bits;
    p->lo_shift = d.lo_shift;
    if (d.stride == p->kp && d.w.size() == (size_t)d.rows * p->kp) {
        p->w.adopt(std::move(d.w)); /* the decoders' layout (weight_decoder.h) */
    } else {
        p->w.assign((size_t)d.rows * p->kp, 0);
        for (unsigned r = 0; r < d.rows; r++)
            for (unsigned c = 0; c < d.cols; c++)
                p->w[(size_t)r * p->kp + c] = d.w[(size_t)r * d.stride + c];
        std::vector<int8_t>().swap(d.w);
    }
    p->w.make_sparse(d.rows, p->kp);
    p->set_high_words(p->uniform() ? std::vector<uint64_t>() : std::move(d.high_words));
    p->nbeats = array.beats(d.cols);
    p->row_cost.assign(d.rows, 0);
    std::vector<uint8_t> flags(d.cols, 1); /* one row's, as bytes (a uniform row: all high) */
    for (unsigned r = 0; r < d.rows; r++) {
        if (!p->uniform()) p->high_row(r, flags.data());
        p->row_cost[r] = array.row_cost(flags.data(), d.cols, d.lo_bits);
    }
    p->tile_sums.clear(); /* from the old row costs */
    p->tile_sums_key = {};
    p->n_hi = d.n_hi;
    p->symbols = d.symbols;
}

void WeightPlane::row(unsigned r, unsigned kp, int8_t *out) const {
    if (is_sparse_)
        sparse_.expand_row(r, out);
    else
        std::memcpy(out, data() + (size_t)r * kp, kp);
}

bool WeightPlane::equals(const int8_t *p, size_t n, unsigned kp) const {
    if (!is_sparse_) return size() == n && std::memcmp(data(), p, n) == 0;
    if (kp != sparse_.kp || n != (size_t)sparse_.rows * kp) return false;
    std::vector<int8_t> r(kp);
    for (unsigned i = 0; i < sparse_.rows; i++) {
        sparse_.expand_row(i, r.data());
        if (std::memcmp(r.data(), p + (size_t)i * kp, kp) != 0) return false;
    }
    return true;
}

bool WeightPlane::operator==(const WeightPlane &o) const {
    if (is_sparse_ && o.is_sparse_) return sparse_ == o.sparse_;
    if (o.is_sparse_) return o.equals(data(), size(), o.sparse_.kp);
    if (is_sparse_) return equals(o.data(), o.size(), sparse_.kp);
    return size() == o.size() && std::equal(data(), data() + size(), o.data());
}

void PreparedWeights::high_row(unsigned r, uint8_t *out) const {
    const size_t s = (size_t)r * cols;
    for (unsigned c = 0; c < cols; c++)
        out[c] = high(s + c);
}

void PreparedWeights::set_high_flags(const std::vector<uint8_t> &flags) {
    std::vector<uint64_t> words((flags.size() + 63) / 64, 0);
    for (size_t i = 0; i < flags.size(); i++)
        words[i >> 6] |= (uint64_t)(flags[i] != 0) << (i & 63);
    set_high_words(std::move(words));
}

void PreparedWeights::set_high_words(std::vector<uint64_t> &&words) {
    block_row_cycles.clear(); /* counted from the old flags */
    block_high_key.clear();
    high_words = std::move(words);
}

} // namespace hq::accel
