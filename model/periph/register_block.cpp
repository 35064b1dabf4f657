#include "periph/register_block.h"

namespace hq {

RegisterBlock::Access RegisterBlock::classify(uint64_t off, unsigned len, bool write,
                                              bool byte_enables, unsigned streaming_width) const {
    const bool power_of_two = len != 0 && (len & (len - 1)) == 0;
    if (!power_of_two || len > 8 || !(widths_ & len) || off % len || byte_enables ||
        streaming_width < len)
        return Access::bad_width;
    if (off >= size_ || size_ - off < len || !decodes(off)) return Access::bad_address;
    if (write && read_only(off)) return Access::ignored_write;
    return Access::ok;
}

RegisterBlock::Access RegisterBlock::classify(const tlm::tlm_generic_payload &gp) const {
    return classify(gp.get_address(), gp.get_data_length(), gp.is_write(),
                    gp.get_byte_enable_ptr() != nullptr, gp.get_streaming_width());
}

tlm::tlm_response_status RegisterBlock::response(Access a) {
    switch (a) {
    case Access::bad_width: return tlm::TLM_BURST_ERROR_RESPONSE;
    case Access::bad_address: return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    case Access::ok:
    case Access::ignored_write: break;
    }
    return tlm::TLM_OK_RESPONSE;
}

} // namespace hq
