#include "periph/test_finisher.h"

#include <cstdio>
#include <cstring>

namespace hq {

TestFinisher::TestFinisher(sc_core::sc_module_name name)
    : sc_module(name), RegisterBlock(4, W4), socket("socket") {
    socket.register_b_transport(this, &TestFinisher::b_transport);
}

void TestFinisher::b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay) {
    const Access a = classify(trans);
    if (!accepted(a)) {
        trans.set_response_status(response(a));
        return;
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    if (!trans.is_write()) {
        if (trans.is_read()) std::memset(trans.get_data_ptr(), 0, 4);
        return;
    }
    uint32_t v;
    std::memcpy(&v, trans.get_data_ptr(), 4);
    int code;
    switch (v & 0xffff) {
    case PASS: code = 0; break;
    case FAIL: code = static_cast<int>(v >> 16); break;
    case RESET:
        std::fprintf(stderr, "%s: reset request (0x7777) is not supported; stopping\n", name());
        code = 1;
        break;
    default: return;
    }
    if (code_ >= 0) return; /* already stopping */
    code_ = code;
    /* Stop at the initiator's local time so the simulated time is exact. */
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    sc_core::sc_stop();
}

} // namespace hq
