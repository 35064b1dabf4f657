/* TLM extension for reading memory in place (docs/accel.md, Weight cache), and the write log a
 * memory keeps so a reader can ask whether bytes it read earlier were written since.
 *
 * Span request: a debug read (transport_dbg) with this extension attached. A memory
 * (MemoryArray) answers with a pointer to the bytes at the request's address and its write
 * log; other targets only do the read (data stays null) and the initiator copies as before.
 * (An initiator probes the first and the last byte of a range: same log, consistent local
 * addresses = one memory holds it all.) Timing-only transfer: b_transport with timing_only set
 * moves no bytes (the data pointer may be null); the target times and counts it as the read or
 * write it announces. DMI request: a memory that grants write access fills write_map, the page map
 * an initiator writing through the DMI pointer must mark (write_map[offset >> page_shift] = 1,
 * offset from the DMI region's start); a DMI writer without this extension makes every range count
 * as written from then on. */
#ifndef HQ_MEMORY_SPAN_EXT_H
#define HQ_MEMORY_SPAN_EXT_H

#include <tlm>

#include <cstdint>
#include <utility>
#include <vector>

namespace hq {

class WriteLog {
  public:
    /* A generation g: the bytes of [addr, addr + len) (target-local addresses) as they are now;
     * written_since(.., g, ..) reports every later write to them. */
    virtual uint64_t mark(uint64_t addr, uint64_t len) = 0;
    /* The parts of [addr, addr + len) that may have been written since mark() returned g, as
     * (addr, len) ranges in address order, whole pages clipped to the range; empty = unchanged.
     * (A page written with the bytes it held counts as written.) */
    virtual void written_since(uint64_t addr, uint64_t len, uint64_t g,
                               std::vector<std::pair<uint64_t, uint64_t>> *out) = 0;

  protected:
    ~WriteLog() = default;
};

struct MemorySpanExtension : tlm::tlm_extension<MemorySpanExtension> {
    bool timing_only = false; /* b_transport: time the access, move no bytes */
    /* span answer: the bytes at the request's address, the memory's log and local address */
    const uint8_t *data = nullptr;
    WriteLog *log = nullptr;
    uint64_t local_addr = 0;
    /* DMI answer: the page map to mark on writes through the DMI pointer */
    uint8_t *write_map = nullptr;
    unsigned page_shift = 0;

    tlm::tlm_extension_base *clone() const override { return new MemorySpanExtension(*this); }
    void copy_from(const tlm::tlm_extension_base &e) override {
        *this = static_cast<const MemorySpanExtension &>(e);
    }
};

} // namespace hq

#endif
