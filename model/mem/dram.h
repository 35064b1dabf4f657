/* DRAM target: functional memory + the DramTiming model. Every b_transport (a CPU access or
 * a DMA of many bursts) gets the latency of its burst/row sequence starting at its local time.
 * DMI, when allowed, bypasses the timing model (accesses are charged the row-hit latency and
 * not counted in the statistics); platforms that study DRAM traffic set "dmi": false. */
#ifndef HQ_DRAM_H
#define HQ_DRAM_H

#include "mem/dram_timing.h"
#include "mem/memory_array.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace hq {

class Dram : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<Dram> socket;
    Dram(sc_core::sc_module_name name, uint64_t size, const DramParams &params);

    MemoryArray &memory() { return mem_; }
    const DramTiming &timing() const { return timing_; }
    sc_core::sc_time tck() const { return tck_; }

  private:
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &trans) { return mem_.debug(trans); }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi);

    MemoryArray mem_;
    DramTiming timing_;
    sc_core::sc_time tck_;
};

} // namespace hq

#endif
