#include "periph/clint.h"

#include <cmath>
#include <cstring>

namespace hq {

using sc_core::sc_time;

Clint::Clint(sc_core::sc_module_name name, double mtime_hz)
    : sc_module(name), RegisterBlock(SIZE, W4 | W8), socket("socket"), irq_timer("irq_timer"),
      irq_software("irq_software"), hz_(mtime_hz), tick_(1.0 / mtime_hz, sc_core::SC_SEC) {
    socket.register_b_transport(this, &Clint::b_transport);
    socket.register_transport_dbg(this, &Clint::transport_dbg);
    SC_METHOD(drive_irqs);
    sensitive << timer_ev_;
    dont_initialize();
}

uint64_t Clint::mtime_at(const sc_time &t) const {
    const uint64_t ticks = static_cast<uint64_t>(std::floor(t / tick_ + 1e-9));
    return ticks + static_cast<uint64_t>(mtime_offset_);
}

/* Arms the event for the time mtime reaches mtimecmp (or now if it already has). */
void Clint::schedule(const sc_time &now) {
    timer_ev_.cancel();
    const uint64_t mt = mtime_at(now);
    const sc_time base = sc_core::sc_time_stamp();
    if (mt >= mtimecmp_) {
        timer_ev_.notify(now > base ? now - base : sc_core::SC_ZERO_TIME);
        return;
    }
    const uint64_t target_ticks = mtimecmp_ - static_cast<uint64_t>(mtime_offset_);
    const double secs = double(target_ticks) / hz_;
    if (secs > 1e6) /* far future (e.g. mtimecmp = -1): never fires within a run */
        return;
    const sc_time when(secs, sc_core::SC_SEC);
    timer_ev_.notify(when > base ? when - base : sc_core::SC_ZERO_TIME);
}

void Clint::drive_irqs() {
    const bool level = mtime_at(sc_core::sc_time_stamp()) >= mtimecmp_;
    irq_timer.write(level);
    irq_software.write(msip_);
    if (!level) schedule(sc_core::sc_time_stamp());
}

bool Clint::read(uint64_t off, unsigned len, uint64_t mt, uint64_t &v) const {
    auto field = [&](uint64_t base, uint64_t val) {
        if (off < base || off + len > base + 8) return false;
        v = val >> (8 * (off - base));
        return true;
    };
    if (off < 4 && off + len <= 4) {
        v = msip_ ? 1 : 0;
        v >>= 8 * off;
        return true;
    }
    return field(MTIMECMP, mtimecmp_) || field(MTIME, mt);
}

void Clint::b_transport(tlm::tlm_generic_payload &trans, sc_time &delay) {
    const uint64_t off = trans.get_address();
    const unsigned len = trans.get_data_length();
    const Access a = classify(trans);
    if (!accepted(a)) {
        trans.set_response_status(response(a));
        return;
    }
    const sc_time now = sc_core::sc_time_stamp() + delay;
    const uint64_t mt = mtime_at(now);
    uint8_t *p = trans.get_data_ptr();
    if (trans.is_read()) {
        uint64_t v = 0;
        if (!read(off, len, mt, v)) { /* reserved words read as zero */
            v = 0;
        }
        std::memcpy(p, &v, len); /* host is little-endian like RISC-V */
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (!trans.is_write()) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    uint64_t v = 0;
    std::memcpy(&v, p, len);
    auto merge = [&](uint64_t old, uint64_t base) {
        if (len == 8) return v;
        const unsigned shift = unsigned(8 * (off - base));
        return (old & ~(UINT64_C(0xffffffff) << shift)) | ((v & 0xffffffff) << shift);
    };
    /* Synchronise the initiator so the level change lands at its local time. */
    wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    if (off < 4) {
        msip_ = v & 1;
    } else if (off >= MTIMECMP && off < MTIMECMP + 8) {
        mtimecmp_ = merge(mtimecmp_, MTIMECMP);
    } else if (off >= MTIME && off < MTIME + 8) {
        const uint64_t nv = merge(mt, MTIME);
        mtime_offset_ += static_cast<int64_t>(nv - mt);
    }
    /* drive_irqs runs as soon as this thread yields; after the delta the signals hold the
     * new levels, so the initiator sees them when this call returns */
    timer_ev_.cancel();
    timer_ev_.notify();
    wait(sc_core::SC_ZERO_TIME);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Clint::transport_dbg(tlm::tlm_generic_payload &trans) {
    const uint64_t off = trans.get_address();
    const unsigned len = trans.get_data_length();
    uint64_t v = 0;
    if (!trans.is_read() || len > 8 || !read(off, len, mtime_at(sc_core::sc_time_stamp()), v))
        return 0;
    std::memcpy(trans.get_data_ptr(), &v, len);
    return len;
}

} // namespace hq
