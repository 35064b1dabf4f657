#include "periph/plic.h"

#include <cstring>
#include <stdexcept>

namespace hq {

Plic::Plic(sc_core::sc_module_name name, unsigned num_sources)
    : sc_module(name), RegisterBlock(SIZE, W4), socket("socket"), sources("sources", num_sources),
      irq("irq"), n_(num_sources), priority_(num_sources + 1, 0), pending_(num_sources + 1, false),
      enabled_(num_sources + 1, false), in_service_(num_sources + 1, false) {
    if (num_sources < 1 || num_sources > kMaxSources)
        throw std::invalid_argument("PLIC: number of sources must be in [1, 1023]");
    socket.register_b_transport(this, &Plic::b_transport);
    socket.register_transport_dbg(this, &Plic::transport_dbg);
    SC_METHOD(sample_lines);
    sensitive << update_ev_;
    for (auto &s : sources)
        sensitive << s;
}

void Plic::sample_lines() {
    for (unsigned id = 1; id <= n_; id++)
        if (sources[id - 1].read() && !in_service_[id]) pending_[id] = true;
    const bool level = best() != 0;
    if (irq.read() != level) irq.write(level);
}

unsigned Plic::best() const {
    unsigned id_best = 0;
    uint32_t p_best = threshold_;
    for (unsigned id = 1; id <= n_; id++)
        if (pending_[id] && enabled_[id] && priority_[id] > p_best) {
            p_best = priority_[id];
            id_best = id;
        }
    return id_best;
}

uint32_t Plic::read_word(uint64_t off, bool claim) {
    if (off < PENDING) {
        const uint64_t id = off / 4;
        return id >= 1 && id <= n_ ? priority_[id] : 0;
    }
    auto bits = [&](const std::vector<bool> &v, uint64_t base) {
        uint32_t w = 0;
        const unsigned first = unsigned((off - base) / 4) * 32;
        for (unsigned b = 0; b < 32; b++)
            if (first + b >= 1 && first + b <= n_ && v[first + b]) w |= 1u << b;
        return w;
    };
    if (off >= PENDING && off < PENDING + 0x80) return bits(pending_, PENDING);
    if (off >= ENABLE && off < ENABLE + 0x80) return bits(enabled_, ENABLE);
    if (off == THRESHOLD) return threshold_;
    if (off == CLAIM) {
        const unsigned id = best();
        if (claim && id) {
            pending_[id] = false;
            in_service_[id] = true;
            update_irq();
        }
        return id;
    }
    return 0;
}

void Plic::write_word(uint64_t off, uint32_t v) {
    if (off < PENDING) {
        const uint64_t id = off / 4;
        if (id >= 1 && id <= n_) priority_[id] = v & kPriorityMask;
    } else if (off >= ENABLE && off < ENABLE + 0x80) {
        const unsigned first = unsigned((off - ENABLE) / 4) * 32;
        for (unsigned b = 0; b < 32; b++)
            if (first + b >= 1 && first + b <= n_) enabled_[first + b] = (v >> b) & 1;
    } else if (off == THRESHOLD) {
        threshold_ = v & kPriorityMask;
    } else if (off == CLAIM) {
        /* complete: the gateway accepts the source again; a line still high re-pends it */
        if (v >= 1 && v <= n_ && in_service_[v]) {
            in_service_[v] = false;
            if (sources[v - 1].read()) pending_[v] = true;
        }
    }
    update_irq();
}

void Plic::b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay) {
    const uint64_t off = trans.get_address();
    const Access a = classify(trans);
    if (!accepted(a)) {
        trans.set_response_status(response(a));
        return;
    }
    uint32_t v = 0;
    /* Claims and register writes may change MEIP: let the initiator observe it on return. */
    const bool syncs = off == CLAIM || trans.is_write();
    if (syncs) {
        wait(delay);
        delay = sc_core::SC_ZERO_TIME;
    }
    if (trans.is_read()) {
        v = read_word(off, true);
        std::memcpy(trans.get_data_ptr(), &v, 4);
    } else if (trans.is_write()) {
        std::memcpy(&v, trans.get_data_ptr(), 4);
        write_word(off, v);
    }
    if (syncs) wait(sc_core::SC_ZERO_TIME);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Plic::transport_dbg(tlm::tlm_generic_payload &trans) {
    const uint64_t off = trans.get_address();
    if (!trans.is_read() || trans.get_data_length() != 4 || (off & 3)) return 0;
    const uint32_t v = read_word(off, false);
    std::memcpy(trans.get_data_ptr(), &v, 4);
    return 4;
}

} // namespace hq
