/* TLM-2.0 interconnect: any number of initiators (CPU, accelerator DMA) reach the targets of
 * an address map. Loosely timed: each target port is a shared data path of `width_bytes` per
 * bus cycle, so initiators that use the same target at overlapping times queue behind each
 * other (occupancy model), plus a fixed per-target latency. Unmapped or region-crossing
 * accesses answer TLM_ADDRESS_ERROR_RESPONSE. DMI and debug transport pass through with the
 * address translated to the target's local offset and back. */
#ifndef HQ_ROUTER_H
#define HQ_ROUTER_H

#include "bus/address_map.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hq {

struct BusConfig {
    double clock_hz = 100e6;  /* interconnect clock */
    unsigned width_bytes = 8; /* data path width of a target port (attach() may override) */
};

struct RouterPortStats {
    uint64_t transactions = 0;
    uint64_t bytes = 0;
    sc_core::sc_time busy;       /* time the port's data path was occupied */
    sc_core::sc_time contention; /* total time transactions waited for the port */
};

class Router : public sc_core::sc_module {
  public:
    /* Initiators bind here (cpu.socket.bind(router.target_socket)); any number of them. */
    tlm_utils::multi_passthrough_target_socket<Router> target_socket;
    /* Targets are bound through attach(), in any order. */
    tlm_utils::multi_passthrough_initiator_socket<Router> initiator_socket;

    Router(sc_core::sc_module_name name, const BusConfig &cfg);

    /* Maps [base, base+size) to `target`: transactions arrive there with address - base.
     * `latency` is added to every transaction and DMI access; `allow_dmi` = false makes every
     * access of this region go through b_transport (so its timing model sees it);
     * `width_bytes` > 0 gives this port its own data-path width (e.g. a wide DRAM port).
     * Throws std::invalid_argument on overlap. Must be called before simulation starts. */
    void attach(tlm::tlm_target_socket<32> &target, const std::string &name, uint64_t base,
                uint64_t size, sc_core::sc_time latency = sc_core::SC_ZERO_TIME,
                bool allow_dmi = true, unsigned width_bytes = 0);

    /* Debug (untimed, side-effect free) access at a global address, as a loader or debugger
     * needs it; returns the number of bytes transferred (short when it leaves the map). */
    unsigned debug_access(uint64_t addr, uint8_t *data, unsigned len, bool write);

    const AddressMap &address_map() const { return map_; }
    const RouterPortStats &port_stats(unsigned port) const { return ports_.at(port).stats; }
    /* Accesses that answered TLM_ADDRESS_ERROR_RESPONSE (unmapped or crossing a region end). */
    uint64_t unmapped_accesses() const { return unmapped_; }
    sc_core::sc_time cycle() const { return cycle_; }

  private:
    struct Port {
        sc_core::sc_time latency;
        bool allow_dmi = true;
        unsigned width_bytes = 8;
        sc_core::sc_time busy_until;
        RouterPortStats stats;
    };

    void b_transport(int id, tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    unsigned int transport_dbg(int id, tlm::tlm_generic_payload &trans);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi);
    void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);

    BusConfig cfg_;
    sc_core::sc_time cycle_;
    AddressMap map_;
    std::vector<Port> ports_;
    uint64_t unmapped_ = 0;
};

} // namespace hq

#endif
