#include "mem/memory_array.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace hq {

MemoryArray::MemoryArray(uint64_t size) : size_(size) {
    data_ = static_cast<uint8_t *>(std::calloc(size ? size : 1, 1));
    if (!data_) throw std::bad_alloc();
    const uint64_t pages = (size >> kPageShift) + 1;
    written_.assign(pages, 0);
    page_gen_.assign(pages, 0);
}

void MemoryArray::note_write(uint64_t addr, uint64_t len) {
    if (!len) return;
    std::memset(&written_[addr >> kPageShift], 1,
                ((addr + len - 1) >> kPageShift) - (addr >> kPageShift) + 1);
}

void MemoryArray::fold(uint64_t first, uint64_t last) {
    for (uint64_t p = first; p <= last; p++)
        if (written_[p]) {
            written_[p] = 0;
            page_gen_[p] = gen_;
        }
}

uint64_t MemoryArray::mark(uint64_t addr, uint64_t len) {
    if (len && addr < size_ && len <= size_ - addr)
        fold(addr >> kPageShift, (addr + len - 1) >> kPageShift);
    return gen_++; /* later writes fold to a larger generation */
}

void MemoryArray::written_since(uint64_t addr, uint64_t len, uint64_t g,
                                std::vector<std::pair<uint64_t, uint64_t>> *out) {
    out->clear();
    if (!len) return;
    if (untracked_dmi_writer_ || addr >= size_ || len > size_ - addr) {
        out->push_back({addr, len});
        return;
    }
    const uint64_t first = addr >> kPageShift, last = (addr + len - 1) >> kPageShift;
    fold(first, last);
    for (uint64_t p = first; p <= last; p++) {
        if (page_gen_[p] <= g) continue;
        const uint64_t a = std::max(addr, p << kPageShift);
        const uint64_t b = std::min(addr + len, (p + 1) << kPageShift);
        if (!out->empty() && out->back().first + out->back().second == a)
            out->back().second += b - a;
        else
            out->push_back({a, b - a});
    }
}

MemoryArray::~MemoryArray() {
    std::free(data_);
}

bool MemoryArray::access(tlm::tlm_generic_payload &trans) {
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    const unsigned sw = trans.get_streaming_width();
    if (addr >= size_ || len > size_ - addr) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (sw != 0 && sw < len) { /* streaming (FIFO-style) access: meaningless for memory */
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    MemorySpanExtension *span = nullptr;
    trans.get_extension(span);
    if (trans.is_write()) note_write(addr, len);
    if (span && span->timing_only) { /* the initiator reads the bytes in place */
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return true;
    }
    uint8_t *mem = data_ + addr;
    uint8_t *ptr = trans.get_data_ptr();
    const uint8_t *be = trans.get_byte_enable_ptr();
    const unsigned be_len = trans.get_byte_enable_length();
    if (trans.is_read()) {
        if (!be)
            std::memcpy(ptr, mem, len);
        else
            for (unsigned i = 0; i < len; i++)
                if (be[i % be_len] == TLM_BYTE_ENABLED) ptr[i] = mem[i];
    } else if (trans.is_write()) {
        if (!be)
            std::memcpy(mem, ptr, len);
        else
            for (unsigned i = 0; i < len; i++)
                if (be[i % be_len] == TLM_BYTE_ENABLED) mem[i] = ptr[i];
    } else if (!(trans.get_command() == tlm::TLM_IGNORE_COMMAND)) {
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

unsigned MemoryArray::debug(tlm::tlm_generic_payload &trans) {
    const uint64_t addr = trans.get_address();
    if (addr >= size_) return 0;
    unsigned n = trans.get_data_length();
    if (n > size_ - addr) n = static_cast<unsigned>(size_ - addr);
    MemorySpanExtension *span = nullptr;
    trans.get_extension(span);
    if (trans.is_read()) {
        std::memcpy(trans.get_data_ptr(), data_ + addr, n);
        if (span) { /* a span request: the bytes in place */
            span->data = data_ + addr;
            span->log = this;
            span->local_addr = addr;
        }
    } else if (trans.is_write()) {
        note_write(addr, n);
        std::memcpy(data_ + addr, trans.get_data_ptr(), n);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return n;
}

void MemoryArray::fill_dmi(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi) {
    dmi.set_dmi_ptr(data_);
    dmi.set_start_address(0);
    dmi.set_end_address(size_ - 1);
    dmi.allow_read_write();
    MemorySpanExtension *span = nullptr;
    trans.get_extension(span);
    if (span) {
        span->write_map = written_.data();
        span->page_shift = kPageShift;
    } else {
        untracked_dmi_writer_ = true; /* its writes cannot be seen */
    }
}

} // namespace hq
