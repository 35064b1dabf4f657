/* The access rule shared by every memory-mapped register block (UART, CLINT, PLIC, test
 * finisher, accelerator CSRs), documented in docs/platform.md ("Register blocks"):
 *   - an access the block cannot perform as one register access (a width it does not
 *     support, a misaligned offset, byte enables, a streaming width below the length)
 *     answers TLM_BURST_ERROR_RESPONSE;
 *   - an offset at or past the block's size, or a hole the block does not decode, answers
 *     TLM_ADDRESS_ERROR_RESPONSE;
 *   - a write to a read-only register (or to a reserved read-as-zero word) is ignored and
 *     answers TLM_OK_RESPONSE.
 * The checks run in that order. A block states its size, its widths and, by overriding
 * decodes() and read_only(), its map; its transport calls classify() first. */
#ifndef HQ_PERIPH_REGISTER_BLOCK_H
#define HQ_PERIPH_REGISTER_BLOCK_H

#include <tlm>

#include <cstdint>

namespace hq {

class RegisterBlock {
  public:
    /* Access widths in bytes, as a mask: W1 | W4 accepts byte and word accesses. */
    enum Width : unsigned { W1 = 1, W2 = 2, W4 = 4, W8 = 8 };
    enum class Access { ok, ignored_write, bad_width, bad_address };

    RegisterBlock(uint64_t size, unsigned widths) : size_(size), widths_(widths) {}
    virtual ~RegisterBlock() = default;

    uint64_t block_size() const { return size_; }
    unsigned widths() const { return widths_; }

    /* The rule above for one access; ok and ignored_write are performed as TLM_OK_RESPONSE
     * (an ignored write changes nothing). */
    Access classify(uint64_t offset, unsigned len, bool write, bool byte_enables = false,
                    unsigned streaming_width = ~0u) const;
    Access classify(const tlm::tlm_generic_payload &gp) const;
    static tlm::tlm_response_status response(Access a);
    /* The access goes ahead (an ignored write still answers OK, with the block's timing). */
    static bool accepted(Access a) { return a == Access::ok || a == Access::ignored_write; }

  protected:
    /* offset is aligned to the access width and below the size. */
    virtual bool decodes(uint64_t offset) const {
        (void)offset;
        return true;
    }
    virtual bool read_only(uint64_t offset) const {
        (void)offset;
        return false;
    }

  private:
    uint64_t size_;
    unsigned widths_;
};

} // namespace hq

#endif
