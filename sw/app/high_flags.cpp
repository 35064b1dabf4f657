#include "high_flags.h"

#include <cstdlib>
#include <new>

namespace hq::accel {

static size_t weights_of(const hq_layer &L) {
    return (size_t)L.rows * (size_t)L.cols;
}

void HighFlagStore::stash(int li) noexcept {
    hq_qlayer *q = m_->layers[li].q;
    if (!q || !q->is_hi) return;
    const size_t n = weights_of(m_->layers[li]);
    try {
        bits_[li].assign((n + 63) / 64, 0);
    } catch (const std::bad_alloc &) {
        return;
    }
    uint64_t *b = bits_[li].data();
    for (size_t i = 0; i < n; i++)
        b[i >> 6] |= (uint64_t)(q->is_hi[i] != 0) << (i & 63);
    std::free(q->is_hi);
    q->is_hi = nullptr;
}

void HighFlagStore::stash_all() noexcept {
    for (int i = 0; i < m_->n_layers; i++)
        stash(i);
}

bool HighFlagStore::restore(int li) noexcept {
    hq_qlayer *q = m_->layers[li].q;
    if (!q || q->is_hi || bits_[li].empty()) return true;
    const size_t n = weights_of(m_->layers[li]);
    uint8_t *f = static_cast<uint8_t *>(std::malloc(n ? n : 1));
    if (!f) return false;
    const uint64_t *b = bits_[li].data();
    for (size_t i = 0; i < n; i++)
        f[i] = (uint8_t)(b[i >> 6] >> (i & 63) & 1);
    q->is_hi = f;
    return true;
}

void HighFlagStore::drop(int li) noexcept {
    if (hq_qlayer *q = m_->layers[li].q) {
        std::free(q->is_hi);
        q->is_hi = nullptr;
    }
    std::vector<uint64_t>().swap(bits_[li]);
}

void HighFlagStore::drop_all() noexcept {
    for (int i = 0; i < m_->n_layers; i++)
        drop(i);
}

size_t HighFlagStore::bit_bytes() const {
    size_t s = 0;
    for (const std::vector<uint64_t> &b : bits_)
        s += b.size() * sizeof(uint64_t);
    return s;
}

} // namespace hq::accel
