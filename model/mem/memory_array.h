/* Zero-initialised backing bytes of a memory target and the functional part of a TLM access
 * (bounds, byte enables, streaming width), shared by sram and dram. Large arrays are
 * allocated with calloc so untouched pages cost no host memory. Every write marks its 4 KiB
 * pages (WriteLog, memory_span_ext.h): readers of spans ask whether what they read changed
 * instead of keeping and comparing a copy. */
#ifndef HQ_MEMORY_ARRAY_H
#define HQ_MEMORY_ARRAY_H

#include "mem/memory_span_ext.h"

#include <tlm>

#include <cstdint>
#include <string>
#include <vector>

namespace hq {

class MemoryArray final : public WriteLog {
  public:
    static constexpr unsigned kPageShift = 12;

    explicit MemoryArray(uint64_t size); /* throws std::bad_alloc */
    ~MemoryArray();
    MemoryArray(const MemoryArray &) = delete;
    MemoryArray &operator=(const MemoryArray &) = delete;

    uint64_t size() const { return size_; }
    uint8_t *data() { return data_; }

    /* Performs the read/write of `trans` at its (local) address; sets the response status.
     * Returns false (and an error status) for out-of-range or unsupported accesses. */
    bool access(tlm::tlm_generic_payload &trans);
    /* Debug access: copies what is in range, returns the byte count. */
    unsigned debug(tlm::tlm_generic_payload &trans);
    /* Grants DMI over the whole array (read and write); hands the initiator the page map
     * when the request carries a MemorySpanExtension. */
    void fill_dmi(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi);

    uint64_t mark(uint64_t addr, uint64_t len) override;
    void written_since(uint64_t addr, uint64_t len, uint64_t g,
                       std::vector<std::pair<uint64_t, uint64_t>> *out) override;

  private:
    void note_write(uint64_t addr, uint64_t len);
    /* Folds the pages of [first, last] marked in written_ into page_gen_. */
    void fold(uint64_t first, uint64_t last);

    uint64_t size_;
    uint8_t *data_;
    /* written_[p]: page p written since it was last folded (set by every writer, the DMI
     * ones included); page_gen_[p]: the generation of its last known write */
    std::vector<uint8_t> written_;
    std::vector<uint64_t> page_gen_;
    uint64_t gen_ = 1;
    bool untracked_dmi_writer_ = false; /* any range may have been written */
};

} // namespace hq

#endif
