#include "bus/router.h"

#include <algorithm>

namespace hq {

using sc_core::sc_time;

Router::Router(sc_core::sc_module_name name, const BusConfig &cfg)
    : sc_module(name), target_socket("target_socket"), initiator_socket("initiator_socket"),
      cfg_(cfg) {
    if (!(cfg.clock_hz > 0) || cfg.width_bytes == 0)
        throw std::invalid_argument("router: clock_hz and width_bytes must be positive");
    cycle_ = sc_time(1.0 / cfg.clock_hz, sc_core::SC_SEC);
    target_socket.register_b_transport(this, &Router::b_transport);
    target_socket.register_transport_dbg(this, &Router::transport_dbg);
    target_socket.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
    initiator_socket.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

void Router::attach(tlm::tlm_target_socket<32> &target, const std::string &name, uint64_t base,
                    uint64_t size, sc_time latency, bool allow_dmi, unsigned width_bytes) {
    unsigned port = static_cast<unsigned>(ports_.size());
    map_.add(name, base, size, port); /* throws before anything is bound */
    initiator_socket.bind(target);
    Port p;
    p.latency = latency;
    p.allow_dmi = allow_dmi;
    p.width_bytes = width_bytes ? width_bytes : cfg_.width_bytes;
    ports_.push_back(p);
}

void Router::b_transport(int, tlm::tlm_generic_payload &trans, sc_time &delay) {
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    const Region *r = map_.decode(addr, len ? len : 1);
    if (!r) {
        unmapped_++;
        delay += cycle_;
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    Port &p = ports_[r->port];

    /* Occupancy: the port's data path carries ceil(len / width) beats; a transaction that
     * arrives while an earlier one (from any initiator) still holds it waits. */
    const sc_time now = sc_core::sc_time_stamp();
    const sc_time arrive = now + delay;
    const sc_time start = std::max(arrive, p.busy_until);
    const uint64_t beats = (static_cast<uint64_t>(len) + p.width_bytes - 1) / p.width_bytes;
    const sc_time occupancy = cycle_ * static_cast<double>(std::max<uint64_t>(beats, 1));
    p.busy_until = start + occupancy;
    p.stats.transactions++;
    p.stats.bytes += len;
    p.stats.busy += occupancy;
    p.stats.contention += start - arrive;
    delay += (start - arrive) + p.latency;

    trans.set_address(addr - r->base);
    initiator_socket[r->port]->b_transport(trans, delay);
    trans.set_address(addr);
    /* The data streams through the port while the target serves it: the transaction ends
     * when the slower of the two is done. */
    const sc_time bus_done = start + p.latency + occupancy;
    const sc_time after = sc_core::sc_time_stamp(); /* the target may have waited */
    if (after + delay < bus_done) delay = bus_done - after;
    if (!p.allow_dmi) trans.set_dmi_allowed(false);
}

unsigned int Router::transport_dbg(int, tlm::tlm_generic_payload &trans) {
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    const Region *r = map_.decode(addr, 1);
    if (!r) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return 0;
    }
    /* Clip to the region: a debugger reading across a boundary gets the bytes that exist. */
    const unsigned n = static_cast<unsigned>(std::min<uint64_t>(len, r->end() - addr));
    trans.set_address(addr - r->base);
    trans.set_data_length(n);
    unsigned got = initiator_socket[r->port]->transport_dbg(trans);
    trans.set_address(addr);
    trans.set_data_length(len);
    return got;
}

unsigned Router::debug_access(uint64_t addr, uint8_t *data, unsigned len, bool write) {
    unsigned done = 0;
    while (done < len) { /* a range may span several regions */
        tlm::tlm_generic_payload t;
        t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        t.set_address(addr + done);
        t.set_data_ptr(data + done);
        t.set_data_length(len - done);
        const unsigned n = transport_dbg(0, t);
        if (n == 0) break;
        done += n;
    }
    return done;
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi) {
    const uint64_t addr = trans.get_address();
    const Region *r = map_.decode(addr, 1);
    if (!r || !ports_[r->port].allow_dmi) {
        /* Tell the initiator which range not to ask about again. */
        dmi.allow_none();
        if (r) {
            dmi.set_start_address(r->base);
            dmi.set_end_address(r->end() - 1);
        }
        return false;
    }
    trans.set_address(addr - r->base);
    bool ok = initiator_socket[r->port]->get_direct_mem_ptr(trans, dmi);
    trans.set_address(addr);
    /* Back to global addresses; the target may grant more than the region maps (a memory
     * larger than its window): clip the end. The start is <= the local address, so >= 0. */
    const uint64_t last_local = r->size - 1;
    const uint64_t start = dmi.get_start_address();
    const uint64_t end = std::min<uint64_t>(dmi.get_end_address(), last_local);
    dmi.set_start_address(start + r->base);
    dmi.set_end_address(end + r->base);
    dmi.set_read_latency(dmi.get_read_latency() + ports_[r->port].latency + cycle_);
    dmi.set_write_latency(dmi.get_write_latency() + ports_[r->port].latency + cycle_);
    return ok;
}

void Router::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
    const Region *r = map_.find_port(static_cast<unsigned>(port));
    if (!r) return;
    const uint64_t last_local = r->size - 1;
    if (start > last_local) return;
    end = std::min<uint64_t>(end, last_local);
    for (unsigned i = 0; i < target_socket.size(); i++)
        target_socket[i]->invalidate_direct_mem_ptr(start + r->base, end + r->base);
}

} // namespace hq
