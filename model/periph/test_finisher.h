/* SiFive-test-style finisher (QEMU virt "sifive_test" at 0x10_0000): a 32-bit write of
 * 0x5555 ends the run with exit code 0, 0x3333 | code << 16 with `code`, 0x7777 (reset) is
 * not supported and ends the run with code 1. Other values are ignored, as on QEMU. One
 * 32-bit register at offset 0, reading 0; other offsets are bad addresses (RegisterBlock). */
#ifndef HQ_TEST_FINISHER_H
#define HQ_TEST_FINISHER_H

#include "periph/register_block.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace hq {

class TestFinisher : public sc_core::sc_module, public RegisterBlock {
  public:
    tlm_utils::simple_target_socket<TestFinisher> socket;
    enum : uint32_t { PASS = 0x5555, FAIL = 0x3333, RESET = 0x7777 };

    explicit TestFinisher(sc_core::sc_module_name name);
    bool finished() const { return code_ >= 0; }
    int exit_code() const { return code_; } /* -1 until finished */

  private:
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    int code_ = -1;
};

} // namespace hq

#endif
