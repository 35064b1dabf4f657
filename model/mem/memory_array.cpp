#include "mem/memory_array.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace hq {

MemoryArray::MemoryArray(uint64_t size) : size_(size) {
    data_ = static_cast<uint8_t *>(std::calloc(size ? size : 1, 1));
    if (!data_) throw std::bad_alloc();
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
    if (trans.is_read())
        std::memcpy(trans.get_data_ptr(), data_ + addr, n);
    else if (trans.is_write())
        std::memcpy(data_ + addr, trans.get_data_ptr(), n);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return n;
}

void MemoryArray::fill_dmi(tlm::tlm_dmi &dmi) {
    dmi.set_dmi_ptr(data_);
    dmi.set_start_address(0);
    dmi.set_end_address(size_ - 1);
    dmi.allow_read_write();
}

} // namespace hq
