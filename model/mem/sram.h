/* On-chip SRAM: a fixed access latency plus one cycle per `width_bytes` beat. */
#ifndef HQ_SRAM_H
#define HQ_SRAM_H

#include "mem/memory_array.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace hq {

struct SramConfig {
    uint64_t size = 64 * 1024;
    double clock_hz = 100e6;
    unsigned latency_cycles = 1; /* first beat */
    unsigned width_bytes = 4;    /* bytes per cycle after the first beat */
};

class Sram : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<Sram> socket;
    Sram(sc_core::sc_module_name name, const SramConfig &cfg);
    MemoryArray &memory() { return mem_; }
    uint64_t bytes_read() const { return bytes_read_; }
    uint64_t bytes_written() const { return bytes_written_; }

  private:
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &trans) { return mem_.debug(trans); }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi);

    SramConfig cfg_;
    sc_core::sc_time cycle_;
    MemoryArray mem_;
    uint64_t bytes_read_ = 0, bytes_written_ = 0;
};

} // namespace hq

#endif
