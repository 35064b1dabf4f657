/* Test-bench helpers for the vp tests: an initiator that runs a test body in an SC_THREAD
 * and issues single transactions, and a probe target that records what reaches it. */
#ifndef HQ_TLM_TEST_UTIL_H
#define HQ_TLM_TEST_UTIL_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstring>
#include <functional>
#include <vector>

struct TestInitiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<TestInitiator> socket;
    std::function<void()> body;
    sc_dt::uint64 inval_start = 1, inval_end = 0; /* last DMI invalidation seen */

    SC_HAS_PROCESS(TestInitiator);
    explicit TestInitiator(sc_core::sc_module_name n) : sc_module(n), socket("socket") {
        socket.register_invalidate_direct_mem_ptr(this, &TestInitiator::invalidate);
        SC_THREAD(run);
    }
    void run() {
        if (body) body();
    }
    void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) {
        inval_start = s;
        inval_end = e;
    }
    /* One blocking transaction; returns its response, adds its latency to `delay`. */
    tlm::tlm_response_status access(bool write, uint64_t addr, void *data, unsigned len,
                                    sc_core::sc_time &delay) {
        tlm::tlm_generic_payload t;
        t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        t.set_address(addr);
        t.set_data_ptr(static_cast<unsigned char *>(data));
        t.set_data_length(len);
        t.set_streaming_width(len);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(t, delay);
        return t.get_response_status();
    }
    tlm::tlm_response_status write32(uint64_t addr, uint32_t v, sc_core::sc_time &delay) {
        return access(true, addr, &v, 4, delay);
    }
    uint32_t read32(uint64_t addr, sc_core::sc_time &delay,
                    tlm::tlm_response_status *st = nullptr) {
        uint32_t v = 0;
        tlm::tlm_response_status s = access(false, addr, &v, 4, delay);
        if (st) *st = s;
        return v;
    }
};

struct ProbeTarget : sc_core::sc_module {
    tlm_utils::simple_target_socket<ProbeTarget> socket;
    uint64_t last_addr = ~0ull;
    unsigned count = 0;
    explicit ProbeTarget(sc_core::sc_module_name n) : sc_module(n), socket("socket") {
        socket.register_b_transport(this, &ProbeTarget::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &) {
        last_addr = t.get_address();
        count++;
        if (t.is_read()) std::memset(t.get_data_ptr(), 0xab, t.get_data_length());
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

#endif
