/* Zero-initialised backing bytes of a memory target and the functional part of a TLM access
 * (bounds, byte enables, streaming width), shared by sram and dram. Large arrays are
 * allocated with calloc so untouched pages cost no host memory. */
#ifndef HQ_MEMORY_ARRAY_H
#define HQ_MEMORY_ARRAY_H

#include <tlm>

#include <cstdint>
#include <string>

namespace hq {

class MemoryArray {
  public:
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
    /* Grants DMI over the whole array (read and write). */
    void fill_dmi(tlm::tlm_dmi &dmi);

  private:
    uint64_t size_;
    uint8_t *data_;
};

} // namespace hq

#endif
