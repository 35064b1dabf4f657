/* An int8 weight plane ([rows][kp], kp a multiple of kPeGemmPad) stored without its all-zero
 * K blocks of kSparseBlock weights: per row, the nonzero blocks' indices and their bytes.
 * MobileNetV2's depthwise convs run on the array as block-diagonal convs (docs/accel.md,
 * Depthwise convs on the array): each row has one nonzero weight per group of 64 columns, 7 of
 * every 8 blocks zero, about 4 MB of the weight cache's 7.7 MB of planes (issue 16). The
 * product skips the zero blocks; its int32 sums wrap modulo 2^32 as pe_gemm's do, so it equals
 * the dense product exactly (the same terms, the rest zero). */
#ifndef HQ_ACCEL_SPARSE_PLANE_H
#define HQ_ACCEL_SPARSE_PLANE_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hq::accel {

constexpr unsigned kSparseBlock = 8;

struct SparsePlane {
    unsigned rows = 0, kp = 0;
    std::vector<uint32_t> start; /* [rows + 1]: row r's blocks are [start[r], start[r + 1]) */
    std::vector<uint16_t> block; /* column / kSparseBlock of each stored block */
    std::vector<int8_t> bytes;   /* kSparseBlock weights per stored block */

    /* The plane of w ([rows][kp]) as a SparsePlane when that takes at most half its bytes
     * (always: whatever it takes; tests) and kp / kSparseBlock fits the block index; false
     * leaves *out untouched. */
    static bool make(const int8_t *w, unsigned rows, unsigned kp, SparsePlane *out,
                     bool always = false);
    size_t stored_bytes() const {
        return start.size() * sizeof(uint32_t) + block.size() * sizeof(uint16_t) + bytes.size();
    }
    /* row r's kp weights, zeros included, into out */
    void expand_row(unsigned r, int8_t *out) const;
    /* acc[v * nr + i] = sum over k < kp of a[v * kp + k] * w[r0 + i][k] (pe_gemm_u8s8's
     * result on the dense plane's rows [r0, r0 + nr)), v < n. */
    void gemm(const uint8_t *a, unsigned n, unsigned r0, unsigned nr, int32_t *acc) const;
    /* The same without AVX512-VNNI (SSE2, or plain loops): gemm picks VNNI where the CPU has
     * it, as pe_gemm does; tests compare the two. */
    void gemm_baseline(const uint8_t *a, unsigned n, unsigned r0, unsigned nr, int32_t *acc) const;
    bool operator==(const SparsePlane &o) const {
        return rows == o.rows && kp == o.kp && start == o.start && block == o.block &&
               bytes == o.bytes;
    }
};

} // namespace hq::accel

#endif
